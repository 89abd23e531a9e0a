"""Webhook alerts: the payload of each change of state, and its delivery.

The payload is JSON that Slack and Microsoft Teams incoming webhooks take as it is: their
`text` is the one line a person reads; the structured fields beside it (`event`, `target`,
`exit_code`, `phase`, `category`, `down_seconds`, ...) are for a machine (Alertmanager-style
receivers, a bot, a log). Everything in it is redacted; a webhook's URL (which holds its
token) is registered as a secret, never stored, and named in messages by scheme and host.

Delivery is one POST with a short timeout and an overall deadline through a plain httpx client (proxies and
SSL_CERT_FILE from the environment, as httpx reads them): a webhook is not the deployment,
so the deployment's network policy does not apply. A 2xx is delivered; anything else is an
error line, and the store keeps the alert for the next run.
"""

from __future__ import annotations

import hashlib
import threading
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

import httpx

from settings_qa import __version__
from settings_qa.monitor.record import RunRecord
from settings_qa.monitor.state import Event
from settings_qa.redaction import redact, redact_data, register_secret

TIMEOUT = 5.0  # each read
DEADLINE = 10.0  # the whole exchange
SECRET_MIN = 12  # a shorter path or query ("/", "/hook") holds no token and would mask ordinary words
ICONS = {"failing": "🔴", "escalated": "🚨", "recovered": "✅", "degraded": "🟡"}


@dataclass(frozen=True)
class Webhook:
    url: str

    def __post_init__(self) -> None:
        parts = httpx.URL(self.url)
        # The token lives in the path (Slack, Teams' connectors) or the query (`sig=`, Teams' workflows).
        for secret in (self.url, parts.raw_path.decode("ascii", "replace"), parts.query.decode("ascii", "replace")):
            if len(secret) >= SECRET_MIN:
                register_secret(secret)

    @property
    def fingerprint(self) -> str:
        return hashlib.sha256(self.url.encode()).hexdigest()[:16]

    @property
    def label(self) -> str:
        parts = httpx.URL(self.url)
        port = f":{parts.port}" if parts.port else ""
        return f"{parts.scheme}://{parts.host}{port}"


def routes_to(event: Event, alerting: list[Webhook], escalation: list[Webhook]) -> list[Webhook]:
    """Who hears of an event: `escalation` webhooks for an escalation (the alert ones when there
    are none), the alert ones for the rest, and both for the end of an escalated outage."""
    chosen: list[Webhook] = []
    for route in event.routes:
        chosen += (escalation or alerting) if route == "escalation" else alerting
    return list({hook.fingerprint: hook for hook in chosen}.values())


def payload(event: Event, record: RunRecord) -> dict[str, Any]:
    fields = dict(event.fields)
    if fields.get("since") is not None:
        fields["since"] = iso(fields["since"])
    document = {
        "text": text(event, record),
        "event": event.kind,
        "target": record.target,
        "at": iso(record.finished_at),
        **fields,
        "source": f"settings-e2e {__version__}",
        "history_run": record.id,
    }
    return redact_data(document)


def text(event: Event, record: RunRecord) -> str:
    f, target, icon = event.fields, record.target, ICONS[event.kind]
    if event.kind in ("failing", "escalated"):
        where = f", phase {f['phase']}" if f.get("phase") else ""
        what = (f"exit {f['exit_code']} ({f['outcome']}){where}: {f['reason'] or 'no reason given'}")
        if f["category"] == "unreachable":
            verdict = "the deployment could not be reached; no layer was judged"
        elif f["category"] == "broken":
            verdict = f"the {f['layer']} layer is broken"
        else:
            verdict = "the check could not judge the deployment"
        if event.kind == "failing":
            return f"{icon} settings-e2e FAILING on {target}: {what} ({verdict})"
        return (f"{icon} settings-e2e ESCALATED: {target} has failed {f['consecutive_failures']} runs in a row "
                f"since {iso(f['since'])}; last: {what} ({verdict})")
    if event.kind == "recovered":
        if f["was"] == "degraded":
            return f"{icon} settings-e2e RECOVERED: {target} is within its time thresholds again " \
                   f"(slow for {duration(f['degraded_seconds'])})"
        return (f"{icon} settings-e2e RECOVERED: {target} passes again after {f['failed_runs']} failed run(s); "
                f"down for {duration(f['down_seconds'])}")
    slow = ", ".join(f"{p['phase']} took {p['seconds']:.2f} s (threshold {p['threshold']:g} s)"
                     for p in f["slow_phases"])
    return f"{icon} settings-e2e DEGRADED: {target} passes, but {slow}"


def send(hook: Webhook, document: dict[str, Any], timeout: float = TIMEOUT, deadline: float = DEADLINE) -> str | None:
    """POST the document; None when delivered, else one line saying why not. httpx's timeout is
    per read, so a receiver that answers a byte at a time could hold the run for ever: the whole
    exchange gets `deadline` seconds (the POST left running in a daemon thread ends with the process)."""
    outcome: list[str | None] = []
    worker = threading.Thread(target=lambda: outcome.append(_post(hook, document, timeout)), daemon=True,
                              name="settings-e2e-webhook")
    worker.start()
    worker.join(deadline)
    if not outcome:
        return f"no whole answer within {deadline:g} s"
    return outcome[0]


def _post(hook: Webhook, document: dict[str, Any], timeout: float) -> str | None:
    try:
        with httpx.Client(timeout=timeout, follow_redirects=False,
                          headers={"User-Agent": f"settings-e2e/{__version__}"}) as client:
            response = client.post(hook.url, json=document)
    except httpx.HTTPError as exc:
        return redact(f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__)
    if 200 <= response.status_code < 300:
        return None
    body = " ".join(response.text.split())[:120]
    return redact(f"HTTP {response.status_code}" + (f": {body}" if body else ""))


def iso(timestamp: float) -> str:
    return datetime.fromtimestamp(timestamp, timezone.utc).isoformat(timespec="seconds").replace("+00:00", "Z")


def duration(seconds: float | None) -> str:
    if seconds is None:
        return "an unknown time"
    seconds = int(round(seconds))
    for unit, size, smaller, small_size in (("d", 86400, "h", 3600), ("h", 3600, "min", 60), ("min", 60, "s", 1)):
        if seconds >= size:
            rest = (seconds % size) // small_size
            return f"{seconds // size} {unit}" + (f" {rest} {smaller}" if rest else "")
    return f"{seconds} s"
