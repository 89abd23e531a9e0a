"""Fast checks of the catalogue and its runner library: no subprocess, no backend started."""

from __future__ import annotations

from pathlib import Path

import pytest

from mutations.catalogue import CATALOGUE, STALE_IMPORT
from mutations.layers import LayerRun, failing_tests
from mutations.model import LAYERS, CatalogueError, Edit, fault, faulty_copy, replace
from mutations.runner import Outcome
from mutations.table import render

REPO = Path(__file__).resolve().parents[2]


def test_every_fault_applies_exactly_once_to_the_current_backend(tmp_path):
    broken = []
    for entry in CATALOGUE:
        try:
            faulty_copy(REPO / "backend", tmp_path / entry.id, entry)
        except CatalogueError as error:
            broken.append(f"{entry.id}: {error}")
    assert not broken, "catalogue entries that no longer apply:\n" + "\n".join(broken)


def test_catalogue_has_at_least_15_faults_with_unique_ids_over_several_layers():
    ids = [entry.id for entry in CATALOGUE]
    assert len(ids) >= 15
    assert len(set(ids)) == len(ids), "duplicate fault ids"
    assert {layer for entry in CATALOGUE for layer in entry.layers} == set(LAYERS)


def test_catalogue_holds_the_incidents_exact_change():
    assert STALE_IMPORT.file == "ai_receptionist/services/voice/auditor.py"
    assert STALE_IMPORT.new == "from ai_receptionist.core.database import SessionLocal\n"
    assert any(STALE_IMPORT in entry.edits and "smoke" in entry.layers for entry in CATALOGUE)


@pytest.fixture
def module(tmp_path):
    (tmp_path / "m.py").write_text("x = 1\ny = 1\n")
    return tmp_path


def test_edit_replaces_a_snippet_found_once(module):
    replace("m.py", "x = 1\n", "x = 2\n").apply(module)
    assert (module / "m.py").read_text() == "x = 2\ny = 1\n"


@pytest.mark.parametrize("old, found", [("z = 1", 0), ("= 1", 2)])
def test_edit_fails_loudly_unless_the_snippet_occurs_exactly_once(module, old, found):
    with pytest.raises(CatalogueError, match=f"found {found} times"):
        Edit("m.py", old, "z = 2").apply(module)
    assert (module / "m.py").read_text() == "x = 1\ny = 1\n"


def test_edit_refuses_a_fault_that_does_not_compile(module):
    with pytest.raises(CatalogueError, match="does not compile"):
        Edit("m.py", "x = 1", "x = (1").apply(module)


def test_edit_names_a_missing_file(module):
    with pytest.raises(CatalogueError, match="no such file"):
        Edit("missing.py", "a", "b").apply(module)


@pytest.mark.parametrize("kwargs", [
    {"layers": "features nonsense"},
    {"layers": ""},
    {"layers": "features", "e2e_exit": 3},
    {"layers": "e2e", "e2e_exit": 0},
])
def test_fault_rejects_inconsistent_entries(kwargs):
    layers = kwargs.pop("layers")
    with pytest.raises(CatalogueError):
        fault("some-fault", "one line", layers, replace("m.py", "a", "b"), **kwargs)


def _outcome(*runs: LayerRun, baseline: bool = False, e2e_exit: int | None = None) -> Outcome:
    return Outcome("f", "d", tuple(r.layer for r in runs), list(runs), 1.0, baseline, e2e_exit)


def test_outcome_names_survivors_false_alarms_broken_layers_and_wrong_exit_codes():
    assert _outcome(LayerRun("features", True, "t::x", 1)).problems() == []
    assert "SURVIVED" in _outcome(LayerRun("features", False, "passed", 1)).problems()[0]
    assert "false alarm" in _outcome(LayerRun("smoke", True, "t::y", 1), baseline=True).problems()[0]
    assert "no verdict" in _outcome(LayerRun("contracts", False, "", 1, "pytest exited with 4")).problems()[0]
    wrong = _outcome(LayerRun("e2e", True, "exit 4 (persistence failed)", 1), e2e_exit=3)
    assert wrong.problems() == ["e2e: expected exit 3, got exit 4 (persistence failed)"]


def test_table_shows_kills_and_survivors():
    killed = _outcome(LayerRun("features", True, "features/test_scenarios.py::test_a", 2.0)).to_dict()
    survived = {**_outcome(LayerRun("e2e", False, "exit 0 (ok)", 3.0)).to_dict(), "fault": "g"}
    table = render([killed, survived])
    assert "| f | features | features [default]: features/test_scenarios.py::test_a (2 s) | 1 s |" in table
    assert "e2e [default]: SURVIVED" in table
    assert "1/2 faults killed" in table


def test_failing_tests_reads_failures_and_errors_from_junit(tmp_path):
    junit = tmp_path / "j.xml"
    junit.write_text(
        '<testsuites><testsuite>'
        '<testcase classname="features.test_scenarios" name="test_ok"/>'
        '<testcase classname="features.test_scenarios" name="test_bad"><failure message="assert 1 == 2"/></testcase>'
        '<testcase classname="contracts.test_fuzz" name="test_x"><error message="RESTORE FAILED"/></testcase>'
        '</testsuite></testsuites>')
    assert failing_tests(junit) == [("features/test_scenarios.py::test_bad", "assert 1 == 2"),
                                    ("contracts/test_fuzz.py::test_x", "RESTORE FAILED")]


def test_cli_rejects_an_unknown_fault_in_one_line():
    import subprocess
    import sys

    done = subprocess.run([sys.executable, "-m", "mutations", "run", "no-such-fault"],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 64
    assert "no fault 'no-such-fault' in the catalogue" in done.stderr and "Traceback" not in done.stderr
