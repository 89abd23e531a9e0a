"""Against the reference backend served by uvicorn: passes twice in a row and leaves the
account as it was; with the incident's stale auditor import (the report's own change, from
the mutation catalogue) it exits 3."""

from __future__ import annotations

import os
from typing import Any, Iterator

import httpx
import pytest

from conftest import REPO, REPORT, run_e2e
from contracts.models import WRITABLE_FIELDS
from mutations.catalogue import by_id
from mutations.model import faulty_copy
from settings_qa.accounts import Account
from settings_qa.client import ApiClient
from settings_qa.targets import ServedTarget

BACKEND = REPO / "backend"
pytestmark = pytest.mark.skipif(
    not (BACKEND / "ai_receptionist" / "__main__.py").is_file(),
    reason="backend/ai_receptionist is absent: no reference backend to serve",
)
ACCOUNTS = {
    "twice": ("twice@example.com", "Twice-Pw-0451", "Twice Plumbing"),
    "report": ("report@example.com", "Report-Pw-0452", "Already Lex"),
    "random": ("random@example.com", "Random-Pw-0453", "Random Bakery"),
}


@pytest.fixture(scope="module")
def servers(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, ServedTarget]]:
    accounts = {role: Account(role, email, password) for role, (email, password, _) in ACCOUNTS.items()}
    names = {role: business for role, (_, _, business) in ACCOUNTS.items()}
    environ = {**{k: v for k, v in os.environ.items() if not k.startswith("QA_")}, "BCRYPT_ROUNDS": "4"}
    incident = faulty_copy(BACKEND, tmp_path_factory.mktemp("incident-source") / "backend",
                           by_id("incident-stale-sessionlocal-import"))
    good, broken = (ServedTarget(backend, tmp_path_factory.mktemp(label), business_names=names,
                                 accounts=accounts, environ=environ)
                    for backend, label in ((BACKEND, "reference"), (incident, "incident")))
    with good, broken:
        yield {"good": good, "incident": broken}


def settings(url: str, account: str) -> dict[str, Any]:
    email, password, _ = ACCOUNTS[account]
    with httpx.Client(base_url=url, timeout=10) as http:
        client = ApiClient(http)
        token = client.login(email, password).json()["access_token"]
        business = client.get_business(token).json()
    return {name: business[name] for name in WRITABLE_FIELDS}


def put_settings(url: str, account: str, body: dict[str, Any]) -> None:
    email, password, _ = ACCOUNTS[account]
    with httpx.Client(base_url=url, timeout=10) as http:
        client = ApiClient(http)
        token = client.login(email, password).json()["access_token"]
        assert client.put_business(token, body).status_code == 200


def credentials(account: str) -> dict[str, str]:
    email, password, _ = ACCOUNTS[account]
    return {"QA_EMAIL": email, "QA_PASSWORD": password}


def test_two_runs_in_a_row_exit_0_and_leave_the_settings_unchanged(servers: dict[str, ServedTarget]) -> None:
    url = servers["good"].base_url
    before = settings(url, "twice")

    runs = [run_e2e("--url", url, env=credentials("twice")) for _ in range(2)]

    assert [run.code for run in runs] == [0, 0], runs[-1].output
    assert all(run.stdout.count("✅ PASS") == 5 for run in runs)  # four phases and the restore
    assert settings(url, "twice") == before


def test_values_already_stored_are_proven_with_a_marker(servers: dict[str, ServedTarget]) -> None:
    url = servers["good"].base_url
    put_settings(url, "report", REPORT)
    before = settings(url, "report")

    run = run_e2e("--url", url, "--json", env=credentials("report"))

    assert run.code == 0, run.output
    assert run.json()["marker_fields"] == list(REPORT)
    assert settings(url, "report") == before


def test_random_values_pass_and_are_restored(servers: dict[str, ServedTarget]) -> None:
    url = servers["good"].base_url
    before = settings(url, "random")

    run = run_e2e("--url", url, "--seed", "20260126", env=credentials("random"))

    assert run.code == 0, run.output
    assert "seed 20260126" in run.stdout
    assert settings(url, "random") == before


def test_the_incidents_broken_auditor_import_exits_3(servers: dict[str, ServedTarget]) -> None:
    url = servers["incident"].base_url
    before = settings(url, "twice")

    run = run_e2e("--url", url, env=credentials("twice"))

    assert run.code == 3, run.output
    assert "PHASE 3: UPDATE SETTINGS - ❌ FAIL (HTTP 500)" in run.stdout
    assert settings(url, "twice") == before
