"""Which phase a failure is filed under (settings_qa/reporting.py), from what the failing step did."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from settings_qa.reporting import failure_phase, label_result

LOGIN, READ, SAVE = ("POST", "/api/auth/login"), ("GET", "/api/business/me"), ("PUT", "/api/business/me")


@pytest.mark.parametrize(("step_type", "in_step", "before", "tags", "phase"), [
    ("given", [LOGIN], [], {"persistence"}, "authentication"),    # the Background login fails
    ("when", [READ], [LOGIN], {"fetch"}, "fetch"),
    ("when", [READ, SAVE], [LOGIN], {"persistence"}, "save"),      # the incident's 500
    ("then", [], [LOGIN, SAVE], {"persistence"}, "save"),          # `Then the request succeeds` after it
    ("then", [READ], [LOGIN, SAVE], {"persistence"}, "persistence"),  # reads back something else
    ("then", [], [LOGIN, READ], {"fetch"}, "fetch"),
    ("then", [], [], {"update", "validation"}, "save"),            # no request at all: the tags
    ("then", [], [], {"isolation"}, "other"),
])
def test_failure_phase(step_type, in_step, before, tags, phase):
    assert failure_phase(step_type, in_step, before, tags) == phase


def _result(status, tags, full_name="features.test_scenarios#test_x", labels=()):
    labels = [SimpleNamespace(name="tag", value=t) for t in tags] + [SimpleNamespace(name=n, value=v)
                                                                     for n, v in labels]
    return SimpleNamespace(status=status, labels=labels, fullName=full_name, historyId="abc")


def _labels(result):
    return {label.name: label.value for label in result.labels if label.name != "tag"}


def test_smoke_and_contract_failures_get_their_layer_as_phase():
    smoke, contract = _result("failed", ["smoke"], "smoke.test_imports#t"), _result("broken", ["contract"], "c#t")
    label_result(smoke, "sqlite"), label_result(contract, None)
    assert _labels(smoke) == {"epic": "Import smoke", "leg": "sqlite", "phase": "import"}
    assert _labels(contract) == {"epic": "API contract", "phase": "contract"}


def test_a_phase_set_by_the_failing_step_is_kept_and_passes_get_none():
    failed = _result("failed", ["persistence"], labels=[("phase", "save")])
    passed = _result("passed", ["persistence"])
    label_result(failed, None), label_result(passed, None)
    assert _labels(failed)["phase"] == "save" and "phase" not in _labels(passed)


def test_each_leg_has_its_own_history():
    """Allure 3 keys history by test case id and parameters: the leg is a parameter too."""
    one, two = _result("passed", []), _result("passed", [])
    label_result(one, "sqlite"), label_result(two, "postgres")
    assert one.historyId != two.historyId
    assert [(p.name, p.value) for p in one.parameters] == [("leg", "sqlite")]
    assert [(p.name, p.value) for p in two.parameters] == [("leg", "postgres")]
