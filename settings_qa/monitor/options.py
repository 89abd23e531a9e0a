"""`settings-e2e`'s options for watching a deployment over time, each with its environment variable.

The command line wins over the environment. A bad value is a `ValueError` whose message is
the one line the user sees (exit 64); a webhook's URL is never echoed (it holds a token).
Alerts, escalation, `--slow-threshold` and metrics need `--history`: the state between runs
(the streak, the last success, what was already announced) lives there.
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass
from pathlib import Path
from typing import Mapping

import httpx

from settings_qa.monitor.alerts import Webhook
from settings_qa.monitor.record import PHASES
from settings_qa.monitor.state import ANY_PHASE, Policy

# option -> (environment variable, help); the repeatable ones take a list (REPEATABLE)
HELP = {
    "history": ("QA_HISTORY", "SQLite file that keeps every run (created if missing); "
                              "`settings-e2e history PATH` reads it"),
    "history_days": ("QA_HISTORY_DAYS", "days the history keeps runs and alerts (default 90)"),
    "alert_webhook": ("QA_ALERT_WEBHOOK", "webhook (Slack, Teams, any JSON receiver) told of each change of "
                                          "state: failing, escalated, recovered, degraded. Repeatable; env: "
                                          "separated by spaces. Prefer the env: argv is visible to all users"),
    "escalation_webhook": ("QA_ESCALATION_WEBHOOK", "webhook told of escalations (and of the end of an escalated "
                                                    "outage) instead of --alert-webhook. Repeatable"),
    "escalate_after": ("QA_ESCALATE_AFTER", "failed runs in a row that make an escalation (default 3)"),
    "slow_threshold": ("QA_SLOW_THRESHOLD", "SECONDS or PHASE=SECONDS (phases: " + ", ".join(PHASES) + "): a "
                                            "passing run with a phase slower than this is degraded. Repeatable; "
                                            "env: separated by commas"),
    "metrics_file": ("QA_METRICS_FILE", "write Prometheus metrics to this file, atomically (node_exporter's "
                                        "textfile collector: name it *.prom)"),
    "pushgateway": ("QA_PUSHGATEWAY", "push Prometheus metrics to this Pushgateway (grouped by job and instance)"),
    "metrics_job": ("QA_METRICS_JOB", "the job label of pushed metrics (default settings-e2e)"),
    "metrics_instance": ("QA_METRICS_INSTANCE", "the instance label of pushed metrics (default: the --url's "
                                                "host and path)"),
}
METAVARS = {"history": "PATH", "history_days": "DAYS", "alert_webhook": "URL", "escalation_webhook": "URL",
            "escalate_after": "N", "slow_threshold": "[PHASE=]SECONDS", "metrics_file": "PATH", "pushgateway": "URL",
            "metrics_job": "NAME", "metrics_instance": "NAME"}
REPEATABLE = {"alert_webhook", "escalation_webhook", "slow_threshold"}
NEEDS_HISTORY = ("alert_webhook", "escalation_webhook", "slow_threshold", "metrics_file", "pushgateway")
DEFAULT_JOB = "settings-e2e"


@dataclass(frozen=True)
class WatchOptions:
    history: Path | None = None
    retention_days: float = 90.0
    alerting: tuple[Webhook, ...] = ()
    escalation: tuple[Webhook, ...] = ()
    policy: Policy = Policy()
    metrics_file: Path | None = None
    pushgateway: str | None = None
    job: str = DEFAULT_JOB
    instance: str = ""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("watching a deployment over time (README: Watching a deployment)")
    for name, (env, text) in HELP.items():
        group.add_argument("--" + name.replace("_", "-"), action="append" if name in REPEATABLE else "store",
                           default=None, metavar=METAVARS[name], help=f"{text}. Env: {env}")


def _label(option: str) -> str:
    return f"--{option.replace('_', '-')} ({HELP[option][0]})"


def resolve(given: Mapping[str, object], environ: Mapping[str, str], url: str) -> WatchOptions:
    """The options from `given` (the command line: None where not given), else the environment."""

    def pick(option: str) -> object:
        value = given.get(option)
        if value not in (None, "", []):
            return value
        raw = environ.get(HELP[option][0], "").strip()
        if not raw:
            return None
        if option in REPEATABLE:
            return raw.split(",") if option == "slow_threshold" else raw.split()
        return raw

    chosen = {option: pick(option) for option in HELP}
    history = _file(chosen["history"], "history")
    if history is None:
        missing = [option for option in NEEDS_HISTORY if chosen[option]]
        if missing:
            raise ValueError(f"{_label(missing[0])} needs --history PATH (QA_HISTORY): the state between runs "
                             "is kept there")
        return WatchOptions()
    return WatchOptions(
        history=history,
        retention_days=_number("history_days", chosen["history_days"], 90, 1, 3650),
        alerting=tuple(_webhook("alert_webhook", raw) for raw in chosen["alert_webhook"] or []),
        escalation=tuple(_webhook("escalation_webhook", raw) for raw in chosen["escalation_webhook"] or []),
        policy=Policy(escalate_after=int(_number("escalate_after", chosen["escalate_after"], 3, 1, 1000, True)),
                      slow=_thresholds(chosen["slow_threshold"] or [])),
        metrics_file=_file(chosen["metrics_file"], "metrics_file"),
        pushgateway=_pushgateway(chosen["pushgateway"]),
        job=str(chosen["metrics_job"] or DEFAULT_JOB),
        instance=str(chosen["metrics_instance"] or default_instance(url)),
    )


def default_instance(url: str) -> str:
    parts = httpx.URL(url)
    port = f":{parts.port}" if parts.port else ""
    return f"{parts.host}{port}{parts.path.rstrip('/')}"


def _file(raw: object, option: str) -> Path | None:
    if raw is None:
        return None
    path = Path(str(raw)).expanduser()
    if path.is_dir():
        raise ValueError(f"{_label(option)}: {path} is a folder; name a file")
    if not path.parent.is_dir():
        raise ValueError(f"{_label(option)}: the folder {path.parent} does not exist")
    return path


def _number(option: str, raw: object, default: float, low: float, high: float, integer: bool = False) -> float:
    if raw is None:
        return default
    try:
        value = int(str(raw)) if integer else float(str(raw))
    except ValueError:
        raise ValueError(f"{_label(option)} must be a{'n integer' if integer else ' number'}, got {raw!r}") from None
    if not low <= value <= high:
        raise ValueError(f"{_label(option)} must be from {low:g} to {high:g}, got {value:g}")
    return value


def _http_url(option: str, raw: str, *, secret: bool) -> httpx.URL:
    shown = "" if secret else f" (got {raw!r})"
    try:
        url = httpx.URL(raw.strip())
    except (httpx.InvalidURL, TypeError):
        raise ValueError(f"{_label(option)} is not a valid URL{shown or ' (not shown: it may hold a token)'}") from None
    if url.scheme not in ("http", "https") or not url.host:
        raise ValueError(f"{_label(option)} must be an http:// or https:// URL with a host"
                         f"{shown or ' (not shown: it may hold a token)'}")
    return url


def _webhook(option: str, raw: str) -> Webhook:
    return Webhook(str(_http_url(option, raw, secret=True)))


def _pushgateway(raw: object) -> str | None:
    if raw is None:
        return None
    url = _http_url("pushgateway", str(raw), secret="@" in str(raw))  # user:password@ is never echoed
    if url.userinfo:
        raise ValueError(f"{_label('pushgateway')} must not contain credentials")
    if url.query or url.fragment:
        raise ValueError(f"{_label('pushgateway')} must not have a query string or fragment")
    return str(url).rstrip("/")


def _thresholds(items: list[str]) -> dict[str, float]:
    found: dict[str, float] = {}
    for item in (part.strip() for part in items):
        phase, _, seconds = item.rpartition("=")
        phase = phase.strip() or ANY_PHASE
        if phase != ANY_PHASE and phase not in PHASES:
            raise ValueError(f"{_label('slow_threshold')}: unknown phase {phase!r} (one of {', '.join(PHASES)})")
        if not seconds.strip():
            raise ValueError(f"{_label('slow_threshold')}: {item!r} has no number of seconds")
        found[phase] = _number("slow_threshold", seconds.strip(), 0, 0.001, 3600)
    return found
