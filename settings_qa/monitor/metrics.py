"""The run as Prometheus metrics: a node_exporter textfile, or a push to a Pushgateway.

Every series carries `target` (the deployment's URL). The values come from the run and
from the history's state (consecutive failures, the last success), so they are right
whichever run wrote them last. The textfile is written atomically (prometheus_client
writes a temporary file beside it and renames it); a push replaces the group of `job` and
`instance` (PUT), through a plain httpx client like the webhooks.
"""

from __future__ import annotations

from pathlib import Path

import httpx
from prometheus_client import CollectorRegistry, Gauge, push_to_gateway, write_to_textfile

from settings_qa import __version__
from settings_qa.monitor.record import PHASES, RunRecord
from settings_qa.monitor.state import State
from settings_qa.net.events import CAUSES
from settings_qa.redaction import redact

PREFIX = "settings_e2e_"
TIMEOUT = 5.0
# name (without the prefix) -> (help, extra label or None)
METRICS = {
    "success": ("1 if the last run passed every phase and the restore, else 0", None),
    "exit_code": ("exit code of the last run (0 ok, 1-5 the broken layer, 69 unreachable, ...)", None),
    "degraded": ("1 if the last run passed with a phase slower than its threshold", None),
    "duration_seconds": ("duration of the last run", None),
    "phase_duration_seconds": ("duration of each phase of the last run (only the phases that ran)", "phase"),
    "last_run_timestamp_seconds": ("when the last run finished, Unix time", None),
    "last_success_timestamp_seconds": ("when the last passing run finished, Unix time (0: never)", None),
    "consecutive_failures": ("failed runs in a row, up to the last run", None),
    "network_waited_seconds": ("seconds the last run waited for rate limits and retries", None),
    "network_events": ("requests of the last run that met each kind of network trouble", "cause"),
}


def names() -> list[str]:
    return [PREFIX + name for name in METRICS]


def registry(record: RunRecord, state: State) -> CollectorRegistry:
    found = CollectorRegistry(auto_describe=True)
    gauges = {name: Gauge(PREFIX + name, text, ["target"] + ([extra] if extra else []), registry=found)
              for name, (text, extra) in METRICS.items()}
    target = record.target
    gauges["success"].labels(target).set(1 if record.passed else 0)
    gauges["exit_code"].labels(target).set(record.exit_code)
    gauges["degraded"].labels(target).set(1 if record.passed and state.status == "degraded" else 0)
    gauges["duration_seconds"].labels(target).set(record.duration_ms / 1000)
    for phase in PHASES:
        if phase in record.phases:
            gauges["phase_duration_seconds"].labels(target, phase).set(record.phases[phase] / 1000)
    gauges["last_run_timestamp_seconds"].labels(target).set(record.finished_at)
    gauges["last_success_timestamp_seconds"].labels(target).set(state.last_success or 0)
    gauges["consecutive_failures"].labels(target).set(state.consecutive_failures)
    gauges["network_waited_seconds"].labels(target).set(record.network.get("waited_seconds", 0.0))
    by_cause = record.network.get("by_cause", {})
    for cause in CAUSES:
        gauges["network_events"].labels(target, cause).set(by_cause.get(cause, 0))
    return found


def write_file(path: Path, metrics: CollectorRegistry) -> str | None:
    """Write the textfile atomically; None when written, else one line."""
    try:
        write_to_textfile(str(path), metrics)
    except OSError as exc:
        return redact(f"cannot write {path}: {exc.strerror or exc}")
    return None


def push(gateway: str, job: str, instance: str, metrics: CollectorRegistry, timeout: float = TIMEOUT) -> str | None:
    """Replace the group (job, instance) on the Pushgateway; None when pushed, else one line."""
    try:
        push_to_gateway(gateway, job=job, registry=metrics, grouping_key={"instance": instance},
                        timeout=timeout, handler=_httpx_handler)
    except httpx.HTTPError as exc:
        return redact(f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__)
    except PushRefused as exc:
        return redact(str(exc))
    return None


class PushRefused(Exception):
    pass


def _httpx_handler(url: str, method: str, timeout: float | None, headers: list[tuple[str, str]], data: bytes):
    def handle() -> None:
        with httpx.Client(timeout=timeout, follow_redirects=False,
                          headers={"User-Agent": f"settings-e2e/{__version__}"}) as client:
            response = client.request(method, url, content=data, headers=dict(headers))
        if not 200 <= response.status_code < 300:
            body = " ".join(response.text.split())[:120]
            raise PushRefused(f"HTTP {response.status_code}" + (f": {body}" if body else ""))

    return handle
