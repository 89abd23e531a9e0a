"""The results table (Markdown): fault, expected layer, killed by, time.

"killed by" names each layer run with the mode the suite judged in (`[default]` or
`[strict]`): faults run in the default mode, the unmodified backend in both.
"""

from __future__ import annotations

HEADER = ("| fault | expected layer | killed by | time |", "|---|---|---|---|")


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _killed_by(outcome: dict) -> str:
    parts = []
    for run in outcome["runs"]:
        if run["broken"]:
            verdict = f"NO VERDICT ({run['broken'].splitlines()[0][:80]})"
        elif outcome["baseline"]:
            verdict = f"FALSE ALARM: {run['evidence']}" if run["failed"] else "passed"
        else:
            verdict = run["evidence"] if run["failed"] else "SURVIVED"
        parts.append(f"{run['layer']} [{run.get('mode', 'default')}]: {verdict} ({run['seconds']:.0f} s)")
    return "; ".join(parts)


def render(outcomes: list[dict], *, wall_seconds: float | None = None) -> str:
    """One row per fault (the baseline first), then a line with the totals."""
    ordered = sorted(outcomes, key=lambda o: (not o["baseline"], o["fault"]))
    rows = [f"| {_cell(o['fault'])} | {', '.join(o['expected'])} | {_cell(_killed_by(o))} | {o['seconds']:.0f} s |"
            for o in ordered]
    faults = [o for o in ordered if not o["baseline"]]
    killed = sum(1 for o in faults if not o["problems"])
    baseline = [o for o in ordered if o["baseline"]]
    summary = f"{killed}/{len(faults)} faults killed by their expected layers"
    if baseline:
        summary += "; unmodified backend " + ("passes every layer" if not baseline[0]["problems"] else "FAILS")
    summary += f"; layer time {sum(o['seconds'] for o in ordered):.0f} s"
    if wall_seconds is not None:
        summary += f", wall time {wall_seconds:.0f} s"
    return "\n".join([*HEADER, *rows, "", summary + "."]) + "\n"
