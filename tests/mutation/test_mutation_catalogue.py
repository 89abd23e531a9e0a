"""The suite kills every fault of the catalogue in the layers it names, and passes the unmodified backend.

Each test copies backend/, applies one fault and runs only that fault's layers, each in a
subprocess (`-x`, few contract examples); xdist spreads the tests over the workers. The
table of results is printed in the terminal summary and written to reports/mutation-table.md.
"""

from __future__ import annotations

import time

import pytest

from mutations.catalogue import CATALOGUE
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
