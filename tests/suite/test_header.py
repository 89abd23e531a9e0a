"""The run's header says which database the backend the suite starts is given, never the
credentials in QA_BACKEND_DATABASE_URL."""

from suite.helpers import run_suite


def test_the_header_names_the_database_without_its_credentials():
    env = {"QA_BACKEND_DATABASE_URL": "postgresql+psycopg://qa-user:Secret-Pw-9@127.0.0.1:5432/test"}
    run = run_suite("--collect-only", "features/fetch_settings.feature", env=env)
    assert "settings-qa: database=postgresql on 127.0.0.1:5432 (a scratch database per worker" in run.stdout
    assert "Secret-Pw-9" not in run.stdout + run.stderr and "qa-user" not in run.stdout + run.stderr
    sqlite = run_suite("--collect-only", "features/fetch_settings.feature")
    assert "settings-qa: database=sqlite (a scratch file per worker)" in sqlite.stdout
