"""The cost of one Gherkin persistence scenario vs the same requests made with bare httpx.

    .venv/bin/python bench/scenario_cost.py [ITERATIONS]

Scenario: `The incident report's settings persist` (features/persistence.feature) run by pytest
on the embedded backend, after a warm-up scenario so the session's backend and login exist;
its setup + call + teardown times come from JUnit-free `--durations=0` output. It makes more
than four requests (a snapshot GET before the save, two reads after it, the restore PUT and
GET in teardown), and its report hooks attach each exchange when Allure is on.

Bare httpx: login, GET, PUT, GET against the same app in-process (httpx.ASGITransport),
the same values, ITERATIONS times; the mean per iteration. Its accounts hash with bcrypt
cost 4, as the suite's targets do (BENCH_BCRYPT_ROUNDS=12 for the backend's default).
"""

from __future__ import annotations

import os
import re
import secrets
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

from settings_qa.e2e.values import REPORT_VALUES

ROOT = Path(__file__).resolve().parents[1]
VALUES = REPORT_VALUES  # the incident report's values, as settings-e2e writes them
SCENARIO = "test_the_incident_reports_settings_persist"


def scenario_seconds(extra: list[str]) -> float:
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-q", "--durations=0", "--durations-min=0",
         "features", "-k", f"{SCENARIO} or test_an_account_logs_in_and_receives_a_bearer_token", *extra],
        cwd=ROOT, capture_output=True, text=True, check=True)
    phases = re.findall(rf"([\d.]+)s (setup|call|teardown) +features/test_scenarios.py::{SCENARIO}", done.stdout)
    return sum(float(seconds) for seconds, _ in phases)


async def _bare_async(iterations: int) -> list[float]:
    sys.path.insert(0, str(ROOT / "backend"))
    workdir = tempfile.mkdtemp()
    # The bcrypt cost of the backend the scenario runs against: the suite's targets use 4.
    os.environ.update(DATABASE_URL=f"sqlite:///{workdir}/bench.db", JWT_SECRET=secrets.token_urlsafe(32),
                      BCRYPT_ROUNDS=os.environ.get("BENCH_BCRYPT_ROUNDS", "4"))
    from ai_receptionist.accounts import create_account
    from ai_receptionist.core.database import init_db
    from ai_receptionist.main import create_app

    init_db()
    password = secrets.token_urlsafe(16)
    create_account(email="bench@example.test", password=password, business_name="Bench Ltd")
    times, without_login = [], []
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=create_app()), base_url="http://bench") as http:
        for _ in range(iterations):
            started = time.perf_counter()
            login = await http.post("/api/auth/login", json={"email": "bench@example.test", "password": password})
            headers = {"Authorization": f"Bearer {login.json()['access_token']}"}
            logged_in = time.perf_counter()
            assert (await http.get("/api/business/me", headers=headers)).status_code == 200
            assert (await http.put("/api/business/me", headers=headers, json=VALUES)).status_code == 200
            after = (await http.get("/api/business/me", headers=headers)).json()
            assert all(after[k] == v for k, v in VALUES.items())
            times.append(time.perf_counter() - started)
            without_login.append(time.perf_counter() - logged_in)
    return times, without_login


def main() -> None:
    import asyncio

    iterations = int(sys.argv[1]) if len(sys.argv) > 1 else 20
    runs = [scenario_seconds([]) for _ in range(5)]
    with tempfile.TemporaryDirectory() as results:
        allure_runs = [scenario_seconds(["--alluredir", results]) for _ in range(5)]
    bare, bare_no_login = asyncio.run(_bare_async(iterations))
    print("one persistence scenario vs the same four requests:")
    print(f"  Gherkin scenario (setup+call+teardown, pytest --durations), median of 5: "
          f"{statistics.median(runs) * 1000:.0f} ms; with --alluredir: {statistics.median(allure_runs) * 1000:.0f} ms")
    print(f"  bare httpx login+GET+PUT+GET in-process, mean of {iterations}: {statistics.fmean(bare) * 1000:.0f} ms "
          f"(median {statistics.median(bare) * 1000:.0f} ms); of which GET+PUT+GET after the login: "
          f"{statistics.fmean(bare_no_login) * 1000:.1f} ms")


if __name__ == "__main__":
    main()
