"""The run's result as the report prints it, or as JSON (--json). Everything is redacted."""

from __future__ import annotations

import json
from dataclasses import asdict
from typing import Any, TextIO

from settings_qa import __version__
from settings_qa.e2e.describe import short_value
from settings_qa.e2e.outcome import ExitCode, PhaseResult, RunResult
from settings_qa.net.events import Summary
from settings_qa.redaction import redact, redact_data

PHASE_KEYS = {1: "authentication", 2: "fetch", 3: "update", 4: "persistence"}
WIDTH = 52


def print_phase(phase: PhaseResult, out: TextIO, *, verbose: bool) -> None:
    """One phase as the report prints it, as soon as it has ended."""
    _phase(phase, out, verbose=verbose)
    out.flush()


def print_summary(result: RunResult, out: TextIO, *, verbose: bool) -> None:
    """After the phases: the alarm if the restore failed, the banner, the exit code."""
    if result.restore is not None and not result.restore.passed:
        _restore_alarm(result, out)
    decided_after_phases = result.code != ExitCode.SUCCESS and result.phases and all(p.passed for p in result.phases)
    if decided_after_phases and result.reason:
        _print(out, f"Error: {result.reason}")
    if result.unnamed:
        judged = "invalid under --strict" if result.strict else "information: the contract's fields were judged"
        _print(out, f"Outside the contract ({judged}): {', '.join(result.unnamed)}")
    if result.network:
        _print(out, f"Network (information, not the contract): {Summary(result.network).headline()}")
        for event in result.network if verbose else []:
            _print(out, f"  {event.line()}")
    if result.journal:
        _print(out, result.journal)
    text = "✅ ALL TESTS PASSED" if result.code == ExitCode.SUCCESS else "❌ CHECK FAILED"
    if result.code == ExitCode.UNAVAILABLE:  # the network, not a layer of the backend: no verdict on it
        checked = any(phase.passed for phase in result.phases)
        text = "⚠ BACKEND NOT REACHED: NO VERDICT" if checked else "⚠ TARGET UNREACHABLE: NOTHING CHECKED"
    _print(out, "", "╔" + "═" * WIDTH + "╗", "║" + text.center(WIDTH - 1) + "║", "╚" + "═" * WIDTH + "╝", "")
    _print(out, f"Exit code: {int(result.code)} ({result.code.meaning})")
    if verbose:
        _print(out, f"Total: {result.duration_ms:.0f} ms")


def header(result: RunResult) -> str:
    if result.values_source == "random":
        source = f"random values, seed {result.seed} (repeat with --seed {result.seed})"
    else:
        source = "the report's values"
    mode = " (strict: closed-world responses)" if result.strict else ""
    return f"settings-e2e {__version__}: {result.url} with {source}{mode}"


def failure_line(result: RunResult) -> str | None:
    """The one line for stderr that says what failed, or None on success."""
    lines = []
    if result.code != ExitCode.SUCCESS:
        lines.append(f"settings-e2e: exit {int(result.code)} ({result.code.meaning}): {result.reason}")
    if result.restore is not None and not result.restore.passed:
        lines.append(f"settings-e2e: RESTORE FAILED, the account was left changed: {result.restore.error}")
    return redact("\n".join(lines)) if lines else None


def as_json(result: RunResult) -> str:
    document = {
        "tool": "settings-e2e",
        "version": __version__,
        "url": result.url,
        "values": result.values_source,
        "seed": result.seed,
        "exit_code": int(result.code),
        "outcome": result.code.meaning,
        "error": result.reason,
        "duration_ms": round(result.duration_ms, 1),
        "phases": _json_phases(result),
        "failed_fields": sorted({name for phase in result.phases for name in phase.failed_fields}),
        "marker_fields": result.marker_fields,
        "restore": _json_phase(result.restore, "restore") if result.restore else {
            "status": "not needed" if not result.restore_needed else "skipped"
        },
        "original_values": result.original_values,
        "strict": result.strict,
        "unnamed_properties": result.unnamed,
        "network": _json_network(result),
        "journal": result.journal or None,
    }
    return json.dumps(redact_data(document), ensure_ascii=False, indent=2)


def _json_network(result: RunResult) -> dict[str, Any]:
    summary = Summary(result.network)
    return {"requests_affected": len(summary.events), "waited_seconds": round(summary.waited, 3),
            "by_cause": dict(summary.by_cause), "by_outcome": dict(summary.by_outcome),
            "events": [asdict(event) for event in summary.events]}


def _json_phases(result: RunResult) -> list[dict[str, Any]]:
    ran = {phase.number: phase for phase in result.phases}
    return [
        _json_phase(ran[number], PHASE_KEYS[number]) if number in ran
        else {"phase": number, "name": PHASE_KEYS[number], "status": "skipped"}
        for number in PHASE_KEYS
    ]


def _json_phase(phase: PhaseResult, name: str) -> dict[str, Any]:
    return {
        "phase": phase.number,
        "name": name,
        "status": "pass" if phase.passed else "fail",
        "duration_ms": round(phase.duration_ms, 1),
        "http_status": phase.http_status,
        "error": phase.error,
        "notes": phase.notes,
        "fields": [
            {"field": c.field, "ok": c.ok, "expected": c.expected, "actual": c.actual} for c in phase.fields
        ],
        "failed_fields": phase.failed_fields,
    }


def _phase(phase: PhaseResult, out: TextIO, *, verbose: bool) -> None:
    label = f"PHASE {phase.number}: {phase.title}" if phase.number else phase.title
    if phase.passed:
        verdict = "✅ PASS"
    elif phase.code == ExitCode.UNAVAILABLE:  # nothing of this phase was checked: no "auth broken"
        verdict = "⚠ NOT CHECKED: could not reach the target"
    elif phase.http_status is not None and not 200 <= phase.http_status < 300:
        verdict = f"❌ FAIL (HTTP {phase.http_status})"
    else:
        verdict = "❌ FAIL"
    timing = f"  ({phase.duration_ms:.0f} ms)" if verbose else ""
    _print(out, f"{label} - {verdict}{timing}")
    if phase.error:
        _print(out, f"  Error: {phase.error}")
    if verbose or phase.number is None:
        for note in phase.notes:
            _print(out, f"  {note}")
    show_fields = phase.number == 4 or not phase.passed or verbose
    for check in phase.fields if show_fields else []:
        if check.ok:
            _print(out, f"  ✓ {check.field}: {short_value(check.actual)}")
        else:
            expected, actual = short_value(check.expected), short_value(check.actual)
            _print(out, f"  ✗ {check.field}: expected {expected!r}, got {actual!r}")


def _restore_alarm(result: RunResult, out: TextIO) -> None:
    _print(out, "  ⚠⚠⚠ THE ACCOUNT WAS NOT RESTORED TO ITS ORIGINAL SETTINGS ⚠⚠⚠")
    if result.original_values:
        _print(out, "  Original values, to put back by hand:")
        _print(out, "  " + json.dumps(result.original_values, ensure_ascii=False))


def _print(out: TextIO, *lines: str) -> None:
    for line in lines:
        print(redact(line), file=out)
