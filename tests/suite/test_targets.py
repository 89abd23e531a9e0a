"""The same scenarios pass in every target mode, and a bad target fails in one clear line."""

import os

import httpx

from contracts.models import WRITABLE_FIELDS
from suite.helpers import run_suite

POSTGRES_URL = os.environ.get("TEST_POSTGRES_URL") or "postgresql+psycopg://postgres@127.0.0.1:5432/test"


def _settings(target, role):
    account = target.accounts[role]
    token = httpx.post(f"{target.base_url}/api/auth/login",
                       json={"email": account.email, "password": account.password}).json()["access_token"]
    business = httpx.get(f"{target.base_url}/api/business/me", headers={"Authorization": f"Bearer {token}"}).json()
    return {k: business[k] for k in WRITABLE_FIELDS}


def test_deployment_mode_passes_under_xdist_and_leaves_accounts_as_found(served):
    env = served.qa_environment()
    before = {role: _settings(served, role) for role in ("primary", "secondary")}
    run = run_suite("features", "-q", "-n", "2", "--base-url", served.base_url, env=env)
    assert run.returncode == 0, run.stdout[-3000:]
    assert "2 skipped" in run.stdout  # only the @signing_key scenarios: a deployment's key is unknown
    assert {role: _settings(served, role) for role in ("primary", "secondary")} == before


def test_served_mode_passes():
    run = run_suite("features", "-q", "--target", "served")
    assert run.returncode == 0, run.stdout[-3000:]


def test_concurrent_saves_pass_served_on_postgresql():
    """SQLite served: the test above; SQLite and PostgreSQL embedded: the CI legs of the suite."""
    run = run_suite("features", "-q", "-m", "concurrency", "--target", "served",
                    env={"QA_BACKEND_DATABASE_URL": POSTGRES_URL})
    assert run.returncode == 0, run.stdout[-3000:]
    assert "4 passed" in run.stdout


def test_deployment_mode_without_a_second_account_skips_with_the_variables_to_set(served):
    account = served.accounts["primary"]
    run = run_suite("features", "-q", "-rs", "-m", "isolation", "--base-url", served.base_url,
                    env={"QA_EMAIL": account.email, "QA_PASSWORD": account.password,
                         "QA_EMAIL_2": "", "QA_PASSWORD_2": ""})
    assert run.returncode == 0, run.stdout[-2000:]
    assert "needs the secondary account: set QA_EMAIL_2 and QA_PASSWORD_2" in run.stdout


def test_deployment_target_without_base_url_is_a_usage_error():
    run = run_suite("features", "-q", "--target", "deployment")
    assert run.returncode == 4
    assert "the deployment target needs --base-url" in run.stderr
    assert "Traceback" not in run.stderr + run.stdout


def test_base_url_with_a_local_target_and_a_bad_seed_are_usage_errors():
    run = run_suite("features", "-q", "--target", "served", "--base-url", "http://127.0.0.1:9")
    assert run.returncode == 4 and "cannot go with --target served" in run.stderr
    run = run_suite("features", "-q", env={"QA_SEED": "abc"})
    assert run.returncode == 4 and "QA_SEED must be an integer, got 'abc'" in run.stderr
    assert "Traceback" not in run.stderr


def test_missing_backend_stops_the_run_with_one_clear_line(tmp_path):
    run = run_suite("features", "-q", "-n", "2", "--backend-path", str(tmp_path))
    assert run.returncode == 4, run.stdout[-2000:]
    assert run.stderr.strip() == f"ERROR: no ai_receptionist package under {tmp_path} (set --backend-path or QA_BACKEND_PATH)"
    assert run.stdout.strip() == ""
