"""The suite kills every fault of the catalogue in the layers it names, and passes the unmodified backend.

Each test copies backend/, applies one fault and runs only that fault's layers, each in a
subprocess (`-x`, few contract examples); xdist spreads the tests over the workers. The
table of results is printed in the terminal summary and written to reports/mutation-table.md.
"""

from __future__ import annotations

import subprocess
import sys
import time

import pytest

from mutations.catalogue import CATALOGUE, by_id
from mutations.layers import REPO, layer_env
from mutations.model import faulty_copy
from mutations.runner import run_baseline, run_fault
from mutations.summary import record

pytestmark = pytest.mark.slow


def test_unmodified_backend_passes_every_layer(request, tmp_path, run_settings):
    started = time.time()
    outcome = run_baseline(tmp_path, run_settings)
    record(request, outcome, started, time.time())
    assert not outcome.problems(), "false alarms or broken layers:\n" + "\n".join(outcome.problems())


@pytest.mark.parametrize("fault", CATALOGUE, ids=lambda fault: fault.id)
def test_fault_is_killed_by_its_expected_layers(request, tmp_path, run_settings, fault):
    started = time.time()
    outcome = run_fault(fault, tmp_path, run_settings)
    record(request, outcome, started, time.time())
    assert not outcome.problems(), f"{fault.id} ({fault.description}):\n" + "\n".join(outcome.problems())


def test_a_limit_that_only_combined_fields_reach_passes_every_other_scenario_and_the_fuzzer(tmp_path, run_settings):
    """body-size-cap passes every single-field boundary: only the largest-valid-settings scenarios
    (@limits) see it. Its catalogue test above shows the features layer failing on it."""
    copy = faulty_copy(REPO / "backend", tmp_path / "backend", by_id("body-size-cap"))
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-q", "features", "contracts", "-m", "not limits",
         f"--backend-path={copy}", "--contract-examples", str(run_settings.contract_examples)],
        cwd=REPO, env=layer_env(run_settings), capture_output=True, text=True, timeout=run_settings.timeout)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-2000:]
    assert " passed" in done.stdout.splitlines()[-1] and "deselected" in done.stdout.splitlines()[-1]
