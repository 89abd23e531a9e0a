"""What the history says about a deployment: pass rates, the current streak, the last failure,
the phases' p50/p95 durations and the alerts still waiting, as text or as JSON.

Only counted runs enter the rates and the streak (an interrupted run, 130, does not). The
phase durations are those of the passing runs among the last N: how long a healthy run takes
(a failed phase's time is mostly its timeout). Percentiles are nearest-rank.
"""

from __future__ import annotations

import math
from datetime import datetime, timezone
from typing import Any

from settings_qa.monitor.record import PHASES, RunRecord
from settings_qa.monitor.store import History

DAY = 86400.0


def summarize(history: History, target: str, *, now: float, last: int) -> dict[str, Any]:
    runs = history.runs(target)
    counted = [run for run in runs if run.counted]
    state = history.state(target)
    recent = counted[-last:]
    failures = [run for run in counted if not run.passed]
    return {
        "target": target,
        "status": state.status,
        "since": state.since,
        "consecutive_failures": state.consecutive_failures,
        "escalated": state.escalated,
        "last_success": state.last_success,
        "runs_kept": len(runs),
        "interrupted": len(runs) - len(counted),
        "first_run": runs[0].finished_at if runs else None,
        "pass_rate": {
            "24h": _rate([run for run in counted if run.finished_at >= now - DAY]),
            "7d": _rate([run for run in counted if run.finished_at >= now - 7 * DAY]),
            f"last_{last}": _rate(recent),
        },
        "streak": _streak(counted),
        "last_failure": _failure(failures[-1]) if failures else None,
        "phases": _percentiles([run for run in recent if run.passed]),
        "pending_alerts": [{"event": kind, "webhook": label, "attempts": attempts, "last_error": error}
                           for kind, label, attempts, error in history.pending(target)],
    }


def _rate(runs: list[RunRecord]) -> dict[str, Any]:
    passed = sum(run.passed for run in runs)
    return {"passed": passed, "runs": len(runs), "rate": round(passed / len(runs), 4) if runs else None}


def _streak(counted: list[RunRecord]) -> dict[str, Any] | None:
    if not counted:
        return None
    kind = counted[-1].passed
    length = 0
    for run in reversed(counted):
        if run.passed != kind:
            break
        length += 1
    return {"kind": "passing" if kind else "failing", "runs": length, "since": counted[-length].finished_at}


def _failure(run: RunRecord) -> dict[str, Any]:
    return {"at": run.finished_at, "exit_code": run.exit_code, "outcome": run.outcome, "phase": run.failed_phase,
            "category": run.category, "reason": run.reason}


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)]


def _percentiles(runs: list[RunRecord]) -> dict[str, dict[str, Any]]:
    found = {}
    for phase in PHASES:
        values = [run.phases[phase] for run in runs if phase in run.phases]
        if values:
            found[phase] = {"runs": len(values), "p50_ms": percentile(values, 50), "p95_ms": percentile(values, 95)}
    return found


# -- text ------------------------------------------------------------------------------------
def when(timestamp: float | None) -> str:
    if timestamp is None:
        return "never"
    return datetime.fromtimestamp(timestamp, timezone.utc).strftime("%Y-%m-%d %H:%M:%S UTC")


def plural(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"


def _percent(rate: dict[str, Any]) -> str:
    if not rate["runs"]:
        return "no runs"
    return f"{rate['rate'] * 100:.1f}% ({rate['passed']}/{rate['runs']})"


def render(summary: dict[str, Any], last: int) -> list[str]:
    s = summary
    status = {"ok": "PASSING", "degraded": "DEGRADED", "failing": "FAILING", "unknown": "NO VERDICT YET"}[s["status"]]
    headline = f"{s['target']}: {status}"
    if s["status"] == "failing":
        escalated = ", escalated" if s["escalated"] else ""
        headline += f" since {when(s['since'])} ({plural(s['consecutive_failures'], 'failed run')} in a row{escalated})"
    elif s["status"] in ("ok", "degraded"):
        headline += f" since {when(s['since'])}"
    rates = s["pass_rate"]
    lines = [headline,
             f"  pass rate: last 24 h {_percent(rates['24h'])} · last 7 days {_percent(rates['7d'])} · "
             f"last {last} runs {_percent(rates[f'last_{last}'])}"]
    if s["streak"]:
        streak = s["streak"]
        noun = "passing run" if streak["kind"] == "passing" else "failed run"
        lines.append(f"  current streak: {plural(streak['runs'], noun)} since {when(streak['since'])}")
    failure = s["last_failure"]
    if failure:
        phase = f", phase {failure['phase']}" if failure["phase"] else ""
        lines.append(f"  last failure: {when(failure['at'])}{phase}, exit {failure['exit_code']} "
                     f"({failure['outcome']}): {failure['reason'] or 'no reason given'}")
    else:
        lines.append("  last failure: none kept")
    lines.append(f"  last success: {when(s['last_success'])}")
    if s["phases"]:
        lines.append(f"  phase durations, passing runs among the last {last} (p50 / p95):")
        for phase, numbers in s["phases"].items():
            lines.append(f"    {phase:<15} {numbers['p50_ms']:>8.0f} ms / {numbers['p95_ms']:>8.0f} ms"
                         f"   ({numbers['runs']} runs)")
    for alert in s["pending_alerts"]:
        lines.append(f"  alert waiting: {alert['event']} to {alert['webhook']} ({alert['attempts']} attempt(s); "
                     f"{alert['last_error'] or 'not tried yet'})")
    interrupted = f", {s['interrupted']} interrupted (not counted)" if s["interrupted"] else ""
    lines.append(f"  runs kept: {s['runs_kept']} since {when(s['first_run'])}{interrupted}")
    return lines
