"""The run's configuration, resolved once from options and environment (`of(config)`).

Everything the suite's parts need to know about the run (target, base URL, judgement,
seed, network policy, restore journal) is read here, validated, and kept in `config.stash`;
no other module reads those options or variables. A bad value is one line (pytest's usage
error, exit 4).
"""

from __future__ import annotations

import os
import random
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from settings_qa.net import options as net_options
from settings_qa.net.policy import NetworkPolicy

MODES = ("embedded", "served", "deployment")
DEFAULT_RACE_ROUNDS, DEFAULT_RACE_REQUESTS = 5, 6
_KEY = pytest.StashKey["RunSettings"]()


@dataclass(frozen=True)
class RunSettings:
    mode: str
    base_url: str | None  # the deployment's, normalised (no trailing slash); None for local targets
    backend_path: Path
    seed: int
    strict: bool
    timeout: float
    race_rounds: int
    race_requests: int
    network: NetworkPolicy
    ca_bundle: Path | None
    journal: Path
    fail_on_network_events: bool

    @property
    def deployment(self) -> bool:
        return self.mode == "deployment"


def of(config: pytest.Config) -> RunSettings:
    """The run's settings, resolved on first use (the preflight's, before pytest_configure)."""
    settings = config.stash.get(_KEY, None)
    if settings is None:
        settings = config.stash[_KEY] = resolve(config, os.environ)
    return settings


def resolve(config: pytest.Config, environ) -> RunSettings:
    def env(name: str) -> str | None:
        return environ.get(name) or None

    mode = _mode(config.getoption("base_url", None), config.getoption("target") or env("QA_TARGET"))
    try:
        strict = bool(config.getoption("strict", False)) or net_options.flag("QA_STRICT", env("QA_STRICT"))
        fail_network = bool(config.getoption("fail_on_network_events")) or net_options.flag(
            "QA_FAIL_ON_NETWORK_EVENTS", env("QA_FAIL_ON_NETWORK_EVENTS"))
        network = net_options.resolve({name: config.getoption(name) for name in net_options.HELP}, environ)
    except ValueError as exc:
        raise pytest.UsageError(str(exc)) from None
    given_backend = config.getoption("backend_path") or env("QA_BACKEND_PATH")
    return RunSettings(
        mode=mode,
        base_url=normalise_base_url(config.getoption("base_url")) if mode == "deployment" else None,
        backend_path=Path(given_backend).resolve() if given_backend else config.rootpath / "backend",
        seed=_seed(config.getoption("qa_seed"), env("QA_SEED")),
        strict=strict,
        timeout=config.getoption("qa_timeout"),
        race_rounds=_bounded("race_rounds", "QA_RACE_ROUNDS", config.getoption("race_rounds"), env("QA_RACE_ROUNDS"),
                             DEFAULT_RACE_ROUNDS, 1, 100),
        race_requests=_bounded("race_requests", "QA_RACE_REQUESTS", config.getoption("race_requests"),
                               env("QA_RACE_REQUESTS"), DEFAULT_RACE_REQUESTS, 2, 32),
        network=network.policy,
        ca_bundle=network.ca_bundle,
        journal=network.journal,
        fail_on_network_events=fail_network,
    )


def normalise_base_url(raw: str) -> str:
    parts = urlsplit(raw.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise pytest.UsageError(f"--base-url must be an http(s) URL with a host, got {raw!r}")
    if parts.username or parts.password:
        raise pytest.UsageError("--base-url must not contain credentials; set QA_EMAIL and QA_PASSWORD instead")
    if parts.query or parts.fragment:
        raise pytest.UsageError("--base-url must not have a query string or fragment")
    return raw.strip().rstrip("/")


def _mode(base_url: str | None, chosen: str | None) -> str:
    mode = chosen or ("deployment" if base_url else "embedded")
    if mode not in MODES:
        raise pytest.UsageError(f"QA_TARGET must be one of {', '.join(MODES)}, got {mode!r}")
    if mode == "deployment" and not base_url:
        raise pytest.UsageError("the deployment target needs --base-url URL (and QA_EMAIL/QA_PASSWORD)")
    if mode != "deployment" and base_url:
        raise pytest.UsageError(f"--base-url selects the deployment target; it cannot go with --target {mode}")
    return mode


def _seed(given: int | None, from_env: str | None) -> int:
    seed = given if given is not None else from_env or random.randrange(1, 10**6)
    try:
        return int(seed)
    except ValueError:
        raise pytest.UsageError(f"QA_SEED must be an integer, got {seed!r}") from None


def _bounded(option: str, env: str, given: int | None, from_env: str | None, default: int, low: int, high: int) -> int:
    raw = given if given is not None else from_env or default
    try:
        value = int(raw)
    except ValueError:
        raise pytest.UsageError(f"{env} must be an integer, got {raw!r}") from None
    if not low <= value <= high:
        raise pytest.UsageError(f"--{option.replace('_', '-')} ({env}) must be from {low} to {high}, got {value}")
    return value
