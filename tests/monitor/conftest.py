"""Fixtures for watching a deployment: real webhook receivers and a Pushgateway on loopback, and a
deployment that can be broken and repaired between runs.

The deployment is the reference backend served by ServedTarget, behind the test gateway of
tests/network: `deployment.url` is the gateway. `break_save()` points the gateway at a copy of
the backend with the incident's fault (the auditor's stale import: a description save answers
500, exit 3), same accounts; `repair()` points it back (the rollback); `cut_off()` makes the
gateway answer every request with its own error pages (exit 69); `rate_limit(rate)` answers 429
above a rate; `slow(seconds)` delays every answer. `settings-e2e` runs as a subprocess with its own restore journal.
"""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from pathlib import Path
from typing import Iterator

import httpx
import pytest

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "tests" / "network"))

from gateway import Gateway, Misbehaviour, TokenBucket  # noqa: E402
from monitor_servers import Pushgateway, WebhookReceiver  # noqa: E402

from mutations.catalogue import by_id  # noqa: E402
from mutations.model import faulty_copy  # noqa: E402
from settings_qa.accounts import Account  # noqa: E402
from settings_qa.targets import ServedTarget  # noqa: E402

EMAIL = "qa-watch@example.test"


class Run(subprocess.CompletedProcess):
    @property
    def code(self) -> int:
        return self.returncode

    @property
    def output(self) -> str:
        return self.stdout + self.stderr


def clean_environment(**extra: str) -> dict[str, str]:
    keep = {k: v for k, v in os.environ.items() if not k.startswith(("QA_", "PYTEST_"))
            and k.lower() not in ("http_proxy", "https_proxy", "all_proxy", "no_proxy")}
    return {**keep, "PYTHONPATH": str(REPO), **extra}


def run_command(*args: str, env: dict[str, str], timeout: float = 180) -> Run:
    done = subprocess.run([sys.executable, "-m", "settings_qa.e2e", *args], cwd=REPO, env=env,
                          capture_output=True, text=True, timeout=timeout)
    return Run(done.args, done.returncode, done.stdout, done.stderr)


class Deployment:
    def __init__(self, good: ServedTarget, faulty: ServedTarget, gateway: Gateway, journal: Path) -> None:
        self.good, self.faulty, self.gateway, self.journal = good, faulty, gateway, journal
        self.password = good.accounts["primary"].password

    @property
    def url(self) -> str:
        return self.gateway.url

    def _upstream(self, base_url: str) -> None:
        old, self.gateway.client = self.gateway.client, httpx.Client(
            base_url=base_url, timeout=60, follow_redirects=False, trust_env=False)
        old.close()

    def break_save(self) -> None:
        self._upstream(self.faulty.base_url)

    def repair(self) -> None:
        self._upstream(self.good.base_url)
        self.gateway.misbehaviour, self.gateway.bucket = Misbehaviour(), None

    def cut_off(self) -> None:
        self.gateway.misbehaviour = Misbehaviour(pages=1.0)

    def rate_limit(self, rate: float) -> None:
        """Above `rate` requests a second, 429 with Retry-After: 1 (the gateway's token bucket, burst 1)."""
        self.gateway.misbehaviour = Misbehaviour(rate=rate, burst=1)
        self.gateway.bucket = TokenBucket(rate, 1)

    def slow(self, seconds: float) -> None:
        self.gateway.misbehaviour = Misbehaviour(delay=seconds)

    def check(self, *args: str, **env: str) -> Run:
        """`settings-e2e --url <the gateway> ARGS`: credentials and journal in the environment; the
        network policy does not retry (QA_RETRIES=0), so an unreachable run ends at once."""
        environ = clean_environment(QA_EMAIL=EMAIL, QA_PASSWORD=self.password, QA_RESTORE_JOURNAL=str(self.journal),
                                    **{"QA_RETRIES": "0", "BCRYPT_ROUNDS": "4", **env})
        return run_command("--url", self.url, *args, env=environ)


@pytest.fixture(scope="session")
def deployment(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Deployment]:
    workdir = tmp_path_factory.mktemp("watched")
    accounts = {"primary": Account("primary", EMAIL, secrets.token_urlsafe(18))}
    environ = {**os.environ, "BCRYPT_ROUNDS": "4"}
    names = {"primary": "Watched Receptionist Co"}
    faulty_backend = faulty_copy(REPO / "backend", workdir / "faulty-backend", by_id("incident-stale-sessionlocal-import"))
    with ServedTarget(REPO / "backend", workdir / "good", "watch-good", names, accounts=accounts,
                      environ=environ) as good, \
            ServedTarget(faulty_backend, workdir / "faulty", "watch-faulty", names, accounts=accounts,
                         environ=environ) as faulty, \
            Gateway(good.base_url) as gateway:
        yield Deployment(good, faulty, gateway, workdir / "restore-journal.json")


@pytest.fixture
def fresh(deployment: Deployment) -> Iterator[Deployment]:
    """The deployment, healthy at the start and at the end of the test."""
    deployment.repair()
    yield deployment
    deployment.repair()


@pytest.fixture
def webhook() -> Iterator[WebhookReceiver]:
    with WebhookReceiver() as receiver:
        yield receiver


@pytest.fixture
def escalation_webhook() -> Iterator[WebhookReceiver]:
    with WebhookReceiver("/escalation/T0WATCH02/pager-token-9e107d9d372bb682") as receiver:
        yield receiver


@pytest.fixture
def pushgateway() -> Iterator[Pushgateway]:
    with Pushgateway() as gateway:
        yield gateway

