"""Against the reference backend served by uvicorn: passes twice in a row and leaves the
account as it was; with the incident's broken auditor import it exits 3."""

from __future__ import annotations

import shutil
from typing import Any, Iterator

import httpx
import pytest

from conftest import run_e2e
from contracts.models import WRITABLE_FIELDS
from e2e_backend import BackendServer, backend_available
from settings_qa.client import ApiClient

pytestmark = pytest.mark.skipif(
    not backend_available(), reason="backend/ai_receptionist is absent: no reference backend to serve"
)
ACCOUNTS = {
    "twice": ("twice@example.com", "Twice-Pw-0451", "Twice Plumbing"),
    "report": ("report@example.com", "Report-Pw-0452", "Already Lex"),
    "random": ("random@example.com", "Random-Pw-0453", "Random Bakery"),
}
REPORT = {
    "name": "Lex Makes It",
    "industry": "Software Development, Website Development",
    "common_services": "Software Development, Website Development",
    "business_hours": "Monday-Friday, 12:00 PM - 10:00 PM",
    "description": "We provide software development and website development services. "
    "For more information, visit lexmakesit.com.",
}


@pytest.fixture(scope="module")
def servers(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, BackendServer]]:
    good = BackendServer(tmp_path_factory.mktemp("reference"))
    broken = BackendServer(tmp_path_factory.mktemp("incident"), incident=True)
    try:
        good.create_accounts(list(ACCOUNTS.values()))
        shutil.copyfile(good.database, broken.database)  # the same accounts, made once
        for server in (good, broken):
            server.start()  # both start up at once
        for server in (good, broken):
            server.wait_ready()
        yield {"good": good, "incident": broken}
    finally:
        good.stop()
        broken.stop()


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


def test_two_runs_in_a_row_exit_0_and_leave_the_settings_unchanged(servers: dict[str, BackendServer]) -> None:
    url = servers["good"].url
    before = settings(url, "twice")

    runs = [run_e2e("--url", url, env=credentials("twice")) for _ in range(2)]

    assert [run.code for run in runs] == [0, 0], runs[-1].output
    assert all(run.stdout.count("✅ PASS") == 5 for run in runs)  # four phases and the restore
    assert settings(url, "twice") == before


def test_values_already_stored_are_proven_with_a_marker(servers: dict[str, BackendServer]) -> None:
    url = servers["good"].url
    put_settings(url, "report", REPORT)
    before = settings(url, "report")

    run = run_e2e("--url", url, "--json", env=credentials("report"))

    assert run.code == 0, run.output
    assert run.json()["marker_fields"] == list(REPORT)
    assert settings(url, "report") == before


def test_random_values_pass_and_are_restored(servers: dict[str, BackendServer]) -> None:
    url = servers["good"].url
    before = settings(url, "random")

    run = run_e2e("--url", url, "--seed", "20260126", env=credentials("random"))

    assert run.code == 0, run.output
    assert "seed 20260126" in run.stdout
    assert settings(url, "random") == before


def test_the_incidents_broken_auditor_import_exits_3(servers: dict[str, BackendServer]) -> None:
    url = servers["incident"].url
    before = settings(url, "twice")

    run = run_e2e("--url", url, env=credentials("twice"))

    assert run.code == 3, run.output
    assert "PHASE 3: UPDATE SETTINGS - ❌ FAIL (HTTP 500)" in run.stdout
    assert settings(url, "twice") == before
