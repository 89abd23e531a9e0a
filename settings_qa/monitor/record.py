"""One run of the check as the history keeps it: plain values, every text redacted.

A run is judged by its exit code: 0 passes; 1-5 mean a layer of the deployment is broken;
69 means the deployment (or its gateway) could not be reached, so no layer was judged; 70
and 75 mean the check itself could not judge (a bug of ours, a restore journal to settle
first). Those count as failures, so that a check stuck on them is noticed. 130 (interrupted
by the operator) is kept but counts neither way.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

from settings_qa.e2e.outcome import ExitCode, RunResult
from settings_qa.net.events import Summary
from settings_qa.redaction import redact

PHASES = ("authentication", "fetch", "update", "persistence", "restore")
LAYERS = {1: "authentication", 2: "fetch", 3: "save", 4: "persistence", 5: "contract (invalid data)"}
REASON_CHARS = 500  # a restore-journal message (75) names the journal and both ways out
NETWORK_LINES = 20  # the events kept as lines per run; the counts cover them all


def category(code: int) -> str:
    """pass, broken (a layer: 1-5), unreachable (69), not-judged (64, 70, 75) or interrupted (130)."""
    if code == ExitCode.SUCCESS:
        return "pass"
    if code in LAYERS:
        return "broken"
    if code == ExitCode.UNAVAILABLE:
        return "unreachable"
    if code == ExitCode.INTERRUPTED:
        return "interrupted"
    return "not-judged"


def meaning(code: int) -> str:
    try:
        return ExitCode(code).meaning
    except ValueError:
        return f"exit {code}"


@dataclass
class RunRecord:
    target: str
    started_at: float
    finished_at: float
    exit_code: int
    failed_phase: str | None = None
    reason: str | None = None
    duration_ms: float = 0.0
    phases: dict[str, float] = field(default_factory=dict)  # phase -> milliseconds, for the phases that ran
    network: dict[str, Any] = field(default_factory=dict)
    id: int | None = None  # the row's id once stored

    @property
    def category(self) -> str:
        return category(self.exit_code)

    @property
    def passed(self) -> bool:
        return self.exit_code == ExitCode.SUCCESS

    @property
    def counted(self) -> bool:
        """Whether the run counts in the pass rate and the state (an interrupted one does not)."""
        return self.category != "interrupted"

    @property
    def outcome(self) -> str:
        return meaning(self.exit_code)

    @property
    def layer(self) -> str | None:
        return LAYERS.get(self.exit_code)


def from_result(result: RunResult, started_at: float, finished_at: float | None = None) -> RunRecord:
    """The record of a finished run of `settings-e2e`."""
    phases = {_phase_name(p.number): round(p.duration_ms, 1) for p in result.phases}
    if result.restore is not None:
        phases["restore"] = round(result.restore.duration_ms, 1)
    return RunRecord(
        target=redact(result.url), started_at=started_at,
        finished_at=time.time() if finished_at is None else finished_at,
        exit_code=int(result.code), failed_phase=failed_phase(result),
        reason=one_line(result.reason) if result.code != ExitCode.SUCCESS else None,
        duration_ms=round(result.duration_ms, 1), phases=phases, network=network_summary(result.network),
    )


def failed_phase(result: RunResult) -> str | None:
    if result.code == ExitCode.SUCCESS:
        return None
    for phase in result.phases:
        if not phase.passed:
            return _phase_name(phase.number)
    if result.restore is not None and not result.restore.passed:
        return "restore"
    return None  # decided after the phases (a save answer, --strict), or before any (75)


def one_line(text: str | None) -> str | None:
    if not text:
        return None
    line = " ".join(redact(text).split())
    return line if len(line) <= REASON_CHARS else line[: REASON_CHARS - 1] + "…"


def network_summary(events: list[Any]) -> dict[str, Any]:
    """What the network did to the run: counts by cause and outcome, the time waited, a few lines."""
    summary = Summary(list(events))
    return {
        "requests_affected": len(summary.events),
        "waited_seconds": round(summary.waited, 3),
        "by_cause": dict(sorted(summary.by_cause.items())),
        "by_outcome": dict(sorted(summary.by_outcome.items())),
        "lines": [redact(event.line()) for event in summary.events[:NETWORK_LINES]],
    }


def _phase_name(number: int | None) -> str:
    return PHASES[number - 1] if number else "restore"
