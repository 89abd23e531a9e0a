"""The state machine alone, run by run, with the runs' times and durations made up: one event per
change of state and none per run."""

from __future__ import annotations

import pytest

from settings_qa.monitor.record import RunRecord
from settings_qa.monitor.state import Policy, State, advance

TARGET = "https://api.example.test"
FAST = {"authentication": 120.0, "fetch": 80.0, "update": 150.0, "persistence": 70.0, "restore": 200.0}


def run(code: int, at: float, **phases: float) -> RunRecord:
    return RunRecord(target=TARGET, started_at=at - 2, finished_at=at, exit_code=code,
                     failed_phase=None if code == 0 else "update", reason=None if code == 0 else "save failed",
                     phases={**FAST, **phases})


def play(codes_and_phases: list, policy: Policy = Policy()) -> tuple[State, list[list[str]]]:
    state, seen = State(), []
    for minute, (code, phases) in enumerate(codes_and_phases):
        state, events = advance(state, run(code, 1000.0 + 60 * minute, **phases), policy)
        seen.append([event.kind for event in events])
    return state, seen


def test_failing_at_the_first_failure_escalated_at_the_third_recovered_with_the_outage():
    state = State()
    kinds = []
    for minute, code in enumerate([0, 3, 3, 3, 3, 0, 0]):
        state, events = advance(state, run(code, 1000.0 + 60 * minute), Policy())
        kinds.append([(event.kind, event.routes) for event in events])
        if events and events[0].kind == "recovered":
            recovered = events[0].fields

    assert kinds == [[], [("failing", ("alert",))], [], [("escalated", ("escalation",))], [],
                     [("recovered", ("alert", "escalation"))], []]
    assert recovered["down_seconds"] == 240.0 and recovered["failed_runs"] == 4 and recovered["escalated"] is True
    assert state.status == "ok" and state.last_success == 1360.0 and state.consecutive_failures == 0


def test_a_short_outage_recovers_without_escalation_and_only_to_the_alert_webhooks():
    state, seen = play([(69, {}), (0, {})])
    assert seen == [["failing"], ["recovered"]]
    state, events = advance(State(status="failing", since=0.0, consecutive_failures=1), run(0, 30.0), Policy())
    assert events[0].routes == ("alert",) and events[0].fields["down_seconds"] == 30.0


@pytest.mark.parametrize("after, escalated_at", [(1, 0), (2, 1), (5, 4)])
def test_escalate_after_n_failures_in_a_row(after: int, escalated_at: int):
    _, seen = play([(3, {})] * 6, Policy(escalate_after=after))
    assert [i for i, kinds in enumerate(seen) if "escalated" in kinds] == [escalated_at]
    assert seen[0][0] == "failing" and sum(kinds.count("failing") for kinds in seen) == 1


def test_a_change_of_failure_is_no_new_alert_but_the_escalation_says_the_latest():
    state = State()
    for minute, code in enumerate([69, 3, 4]):
        state, events = advance(state, run(code, 60.0 * minute), Policy())
    assert [e.kind for e in events] == ["escalated"] and events[0].fields["exit_code"] == 4
    assert events[0].fields["since"] == 0.0


def test_an_interrupted_run_changes_nothing():
    failing = State(status="failing", since=5.0, consecutive_failures=2)
    assert advance(failing, run(130, 50.0), Policy()) == (failing, [])


def test_degraded_when_passing_with_a_slow_phase_and_recovered_when_fast_again():
    policy = Policy(slow={"update": 1.0})
    _, seen = play([(0, {}), (0, {"update": 1500.0}), (0, {"update": 1800.0}), (0, {}), (0, {})], policy)
    assert seen == [[], ["degraded"], [], ["recovered"], []]
    state, events = advance(State(status="ok"), run(0, 10.0, update=1500.0), policy)
    assert events[0].fields["slow_phases"] == [{"phase": "update", "seconds": 1.5, "threshold": 1.0}]


def test_a_threshold_for_every_phase_and_one_phase_of_its_own():
    policy = Policy(slow={"*": 0.1, "restore": 0.5})
    _, events = advance(State(status="ok"), run(0, 1.0), policy)  # 0.2 s restore is under its own 0.5 s
    assert [p["phase"] for p in events[0].fields["slow_phases"]] == ["authentication", "update"]


def test_a_recovery_that_is_slow_is_recovered_then_degraded():
    _, seen = play([(3, {}), (0, {"fetch": 900.0})], Policy(slow={"fetch": 0.5}))
    assert seen == [["failing"], ["recovered", "degraded"]]


def test_a_failure_while_degraded_is_failing():
    _, seen = play([(0, {"fetch": 900.0}), (2, {})], Policy(slow={"fetch": 0.5}))
    assert seen == [["degraded"], ["failing"]]
