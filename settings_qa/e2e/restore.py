"""Put back what the check wrote, and prove it by reading it back.

Runs after phase 4, and also after phase 3 or 4 failed: a save answered with a 500 may
still have committed (the incident's step 8), and the server may have closed the
connection after it (the shared client retries once on a fresh one). Only fields that
differ from their original values are written, so a failed save that changed nothing
costs no second write. The restore is judged by the read-back, not by the PUT's status.

A save that got no answer (timeout, Ctrl-C) may still be running on the server: reading
"nothing changed yet" would prove nothing, so then every written field is put back
unconditionally (a backend that serialises writes applies it after the stray save), and
the operator is warned that a late save could still land.
"""

from __future__ import annotations

import time

import httpx

from contracts.models import Business
from settings_qa.client import ApiClient, json_or_none
from settings_qa.e2e.describe import backend_error, transport_error
from settings_qa.e2e.outcome import CheckFailed, FieldCheck, PhaseResult
from settings_qa.e2e.wire import parse

TITLE = "RESTORE ORIGINAL SETTINGS"


def restore(
    client: ApiClient,
    token: str,
    original: Business,
    fields: list[str],
    current: Business | None,
    *,
    timeout: float,
    in_flight: bool = False,
) -> PhaseResult:
    phase = PhaseResult(None, TITLE)
    started = time.perf_counter()
    wanted = {name: getattr(original, name) for name in fields}
    if in_flight:
        current = None
        phase.notes.append(
            "a save got no answer and may still land after this restore: check the account again later"
        )
    elif current is None:  # the check stopped before reading the state back: look now
        current, _ = _read(client, token, timeout)
    differing = {
        name: value for name, value in wanted.items() if current is None or getattr(current, name) != value
    }
    if not differing:
        phase.passed = True
        phase.fields = [FieldCheck(name, value, value) for name, value in wanted.items()]
        phase.notes.append("nothing to restore: the original values are still in place")
    else:
        _write_and_verify(client, token, phase, wanted, differing, timeout)
    phase.duration_ms = (time.perf_counter() - started) * 1000
    return phase


def _write_and_verify(
    client: ApiClient,
    token: str,
    phase: PhaseResult,
    wanted: dict[str, object],
    differing: dict[str, object],
    timeout: float,
) -> None:
    put_problem = None
    try:
        response = client.put_business(token, differing, restore=True)  # written back to a known state: safe to repeat
        phase.http_status = response.status_code
        if response.status_code != 200:
            put_problem = f"PUT answered {backend_error(response)}"
    except httpx.HTTPError as exc:
        put_problem = f"PUT got no answer: {transport_error(exc, timeout)}"
    if put_problem:
        phase.notes.append(put_problem)
    stored, read_problem = _read(client, token, timeout)
    if stored is None:
        phase.error = f"{put_problem + '; ' if put_problem else ''}cannot read back: {read_problem}"
        return
    phase.fields = [FieldCheck(name, value, getattr(stored, name)) for name, value in wanted.items()]
    if phase.failed_fields:
        phase.error = (
            f"{', '.join(phase.failed_fields)} still differ from the original values"
            + (f" ({put_problem})" if put_problem else "")
        )
        return
    phase.passed = True
    if put_problem:
        phase.notes.append("the original values are back nevertheless (read back after the failed PUT)")


def _read(client: ApiClient, token: str, timeout: float) -> tuple[Business | None, str | None]:
    """The stored business, or None and why not."""
    try:
        response = client.get_business(token)
    except httpx.HTTPError as exc:
        return None, transport_error(exc, timeout)
    if response.status_code != 200 or json_or_none(response) is None:
        return None, backend_error(response)
    try:
        return parse(response, Business, "business"), None
    except CheckFailed as failure:
        return None, failure.reason
