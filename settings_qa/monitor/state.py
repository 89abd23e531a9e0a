"""Which change of state a run makes, and so which alerts go out: one per change, never one per run.

    unknown/ok/degraded --fail--> failing        `failing` (code, phase, reason, unreachable or broken)
    failing --N-th failure in a row--> failing   `escalated` (once per outage; N = --escalate-after)
    failing --pass--> ok                         `recovered` (how long it was down, how many runs)
    ok --pass, a phase over its threshold--> degraded          `degraded`
    degraded --pass within the thresholds--> ok               `recovered` (was degraded)
    failing --pass, a phase over its threshold--> degraded    `recovered`, then `degraded`

A run that does not count (interrupted, 130) changes nothing. Pure functions: the store
keeps the state, the caller sends the events.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from settings_qa.monitor.record import RunRecord

ANY_PHASE = "*"
EVENTS = ("failing", "escalated", "recovered", "degraded")


@dataclass
class State:
    status: str = "unknown"  # unknown (no run counted yet), ok, degraded, failing
    since: float | None = None  # when the status began: for failing, the first failed run
    consecutive_failures: int = 0
    escalated: bool = False
    last_success: float | None = None
    last_run: float | None = None
    slow: list[dict[str, Any]] = field(default_factory=list)  # degraded: the phases over their threshold

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class Policy:
    escalate_after: int = 3
    slow: dict[str, float] = field(default_factory=dict)  # phase (or ANY_PHASE) -> seconds


@dataclass
class Event:
    kind: str  # one of EVENTS
    routes: tuple[str, ...]  # "alert", "escalation": which webhooks hear of it
    fields: dict[str, Any]


def slow_phases(record: RunRecord, policy: Policy) -> list[dict[str, Any]]:
    """The phases of a run that took longer than their threshold (a phase's own, else the general one)."""
    found = []
    for phase, milliseconds in record.phases.items():
        threshold = policy.slow.get(phase, policy.slow.get(ANY_PHASE))
        if threshold is not None and milliseconds / 1000 > threshold:
            found.append({"phase": phase, "seconds": round(milliseconds / 1000, 3), "threshold": threshold})
    return found


def advance(state: State, record: RunRecord, policy: Policy) -> tuple[State, list[Event]]:
    """The state after `record`, and the events of the change (none when nothing changed)."""
    if not record.counted:
        return state, []
    now = record.finished_at
    new = State(**state.as_dict())
    new.last_run = now
    events: list[Event] = []
    if not record.passed:
        if state.status != "failing":
            new.status, new.since, new.consecutive_failures, new.escalated, new.slow = "failing", now, 1, False, []
            events.append(Event("failing", ("alert",), _failure_fields(record, new)))
        else:
            new.consecutive_failures += 1
        if not new.escalated and new.consecutive_failures >= policy.escalate_after:
            new.escalated = True
            events.append(Event("escalated", ("escalation",), _failure_fields(record, new)))
        return new, events

    new.last_success, new.consecutive_failures, new.escalated = now, 0, False
    slow = slow_phases(record, policy)
    if state.status in ("failing", "degraded") and not (state.status == "degraded" and slow):
        routes = ("alert", "escalation") if state.escalated else ("alert",)
        events.append(Event("recovered", routes, {
            "was": state.status, "since": state.since, "down_seconds": round(now - state.since, 3)
            if state.status == "failing" else None,
            "degraded_seconds": round(now - state.since, 3) if state.status == "degraded" else None,
            "failed_runs": state.consecutive_failures, "escalated": state.escalated,
        }))
    if slow:
        if state.status != "degraded":
            new.since = now
            events.append(Event("degraded", ("alert",), {"slow_phases": slow, "since": now}))
        new.status, new.slow = "degraded", slow
    else:
        if state.status != "ok":
            new.since = now
        new.status, new.slow = "ok", []
    return new, events


def _failure_fields(record: RunRecord, state: State) -> dict[str, Any]:
    return {
        "exit_code": record.exit_code, "outcome": record.outcome, "phase": record.failed_phase,
        "reason": record.reason, "category": record.category, "unreachable": record.category == "unreachable",
        "layer": record.layer, "consecutive_failures": state.consecutive_failures, "since": state.since,
    }
