"""The network options, read the same way by pytest (`--rate-limit` ...) and `settings-e2e`.

Each option has an environment variable; the command line wins. A bad value is a
`ValueError` whose message is the one line the user sees.
"""

from __future__ import annotations

import os
import ssl
from dataclasses import dataclass
from pathlib import Path
from typing import Mapping

from platformdirs import user_state_dir

from settings_qa.net.policy import NetworkPolicy, parse_rate

TRUE, FALSE = {"1", "true", "yes", "on"}, {"", "0", "false", "no", "off"}
# option -> (environment variable, help)
HELP = {
    "rate_limit": ("QA_RATE_LIMIT", "cap the run's request rate, e.g. 20/s or 600/m (all workers together; "
                                    "requests are spaced evenly). Default: no cap"),
    "retries": ("QA_RETRIES", "extra attempts of a safe request (read, login, restore) after a gateway error or "
                              "a dropped connection (default 3). A 500 is never retried"),
    "max_wait": ("QA_MAX_WAIT", "seconds one request may wait in all for Retry-After and backoff (default 60)"),
    "max_total_wait": ("QA_MAX_TOTAL_WAIT", "seconds the whole run may wait in all (default 900)"),
    "ca_bundle": ("QA_CA_BUNDLE", "PEM file of the certificate authorities to trust (a private CA); "
                                  "SSL_CERT_FILE works too"),
    "restore_journal": ("QA_RESTORE_JOURNAL", "where the settings found before the first write are kept until "
                                              "they are verified back (default: ~/.local/state/settings-qa/"
                                              "restore-journal.json)"),
}


def flag(name: str, raw: str | None) -> bool:
    value = (raw or "").strip().lower()
    if value not in TRUE | FALSE:
        raise ValueError(f"{name} must be 1 or 0, got {raw!r}")
    return value in TRUE


def _number(name: str, raw: str | float | None, default: float, low: float, high: float, integer: bool = False) -> float:
    if raw is None or raw == "":
        return default
    try:
        value = int(raw) if integer else float(raw)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a{'n integer' if integer else ' number'}, got {raw!r}") from None
    if not low <= value <= high:
        raise ValueError(f"{name} must be from {low:g} to {high:g}, got {value:g}")
    return value


def default_journal() -> Path:
    return Path(user_state_dir("settings-qa")) / "restore-journal.json"


@dataclass(frozen=True)
class NetworkOptions:
    policy: NetworkPolicy
    ca_bundle: Path | None
    journal: Path


def resolve(given: Mapping[str, object], environ: Mapping[str, str] = os.environ) -> NetworkOptions:
    """The options from `given` (the command line: None where not given), else the environment."""

    def pick(option: str) -> object:
        value = given.get(option)
        return value if value not in (None, "") else environ.get(HELP[option][0]) or None

    def label(option: str) -> str:
        return f"--{option.replace('_', '-')} ({HELP[option][0]})"

    rate_raw = pick("rate_limit")
    try:
        rate = parse_rate(str(rate_raw)) if rate_raw else None
    except ValueError as exc:
        raise ValueError(f"{label('rate_limit')}: {exc}") from None
    defaults = NetworkPolicy()
    policy = NetworkPolicy(
        retries=int(_number(label("retries"), pick("retries"), defaults.retries, 0, 10, integer=True)),
        max_wait=_number(label("max_wait"), pick("max_wait"), defaults.max_wait, 0, 3600),
        max_total_wait=_number(label("max_total_wait"), pick("max_total_wait"), defaults.max_total_wait, 0, 86400),
        rate=rate)
    ca = pick("ca_bundle")
    ca_bundle = Path(str(ca)).expanduser() if ca else None
    if ca_bundle is not None and not ca_bundle.is_file():
        raise ValueError(f"{label('ca_bundle')}: no such file: {ca_bundle}")
    if ca_bundle is not None:
        _check_certificates(ca_bundle, label("ca_bundle"))
    elif environ.get("SSL_CERT_FILE") and Path(environ["SSL_CERT_FILE"]).is_file():
        _check_certificates(Path(environ["SSL_CERT_FILE"]), "SSL_CERT_FILE")
    journal = pick("restore_journal")
    journal_path = Path(str(journal)).expanduser() if journal else default_journal()
    _check_journal_path(journal_path, label("restore_journal"))
    return NetworkOptions(policy, ca_bundle, journal_path)


def _check_certificates(path: Path, what: str) -> None:
    """A file of certificate authorities that the TLS library can load (PEM), or ValueError."""
    try:
        ssl.create_default_context(cafile=str(path))
    except (ssl.SSLError, OSError) as exc:
        reason = " ".join(str(exc).split())
        raise ValueError(f"{what}: {path} is not a PEM file of certificates the TLS library can load ({reason})") \
            from None


def _check_journal_path(path: Path, what: str) -> None:
    """A place where the journal can be: a file or nothing yet, under folders that are folders."""
    if path.exists() and not path.is_file():
        raise ValueError(f"{what}: {path} is not a file")
    folder = path.parent
    while not folder.exists() and folder != folder.parent:
        folder = folder.parent
    if not folder.is_dir():
        raise ValueError(f"{what}: {path} cannot be a file: {folder} is not a folder")
