"""A run that could not judge the deployment still counts: a restore journal left by a killed run
(exit 75, nothing sent to the deployment) is a `failing` alert of its own category, so that a
check stuck on it is noticed."""

from __future__ import annotations

import sqlite3
import subprocess
import sys

from conftest import clean_environment, run_command
from settings_qa.journal import Journal

URL = "http://127.0.0.1:9"  # nothing listens there, and nothing is sent: the journal stops the run first
FOUND = {"name": "As Found Ltd", "industry": None, "common_services": "Plumbing", "business_hours": "9-5",
         "description": "Before.", "faqs": []}


def test_a_pending_restore_journal_is_a_failing_run_that_judged_nothing(tmp_path, webhook):
    journal = tmp_path / "journal.json"
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    Journal(journal, run="killed", owner_pid=int(dead.stdout)).ensure(URL, "qa@example.test", FOUND)
    environ = clean_environment(QA_EMAIL="qa@example.test", QA_PASSWORD="pending-journal-password",
                                QA_RESTORE_JOURNAL=str(journal), QA_HISTORY=str(tmp_path / "history.sqlite3"),
                                QA_ALERT_WEBHOOK=webhook.url)

    run = run_command("--url", URL, env=environ)

    assert run.code == 75, run.output
    assert "state failing (1 failed run in a row)" in run.stderr
    (alert,) = webhook.received
    assert alert["event"] == "failing" and alert["exit_code"] == 75 and alert["category"] == "not-judged"
    assert alert["phase"] is None and alert["unreachable"] is False and alert["layer"] is None
    assert "the check could not judge the deployment" in alert["text"] and "settings-qa restore" in alert["reason"]
    with sqlite3.connect(tmp_path / "history.sqlite3") as db:
        assert db.execute("SELECT exit_code, category, phases FROM runs").fetchall() == [(75, "not-judged", "{}")]


def test_a_bug_of_ours_is_a_run_recorded_and_alerted_with_exit_70(tmp_path, webhook, monkeypatch, capsys):
    """Exit 70 (a bug in the check itself) counts as a failed run of the not-judged category, like
    75: recorded in the history and alerted, so that a check that keeps crashing is noticed."""
    from settings_qa.e2e.check import SettingsCheck
    from settings_qa.e2e.cli import main

    def crash(self):
        raise RuntimeError("a bug in the check")

    monkeypatch.setattr(SettingsCheck, "run", crash)
    for key, value in {"QA_EMAIL": "qa@example.test", "QA_PASSWORD": "crash-run-password",
                       "QA_RESTORE_JOURNAL": str(tmp_path / "journal.json"),
                       "QA_HISTORY": str(tmp_path / "history.sqlite3"), "QA_ALERT_WEBHOOK": webhook.url}.items():
        monkeypatch.setenv(key, value)

    code = main(["--url", URL])

    err = capsys.readouterr().err
    assert code == 70, err
    assert "exit 70 (Internal error): internal error: RuntimeError: a bug in the check" in err
    (alert,) = webhook.received
    assert alert["event"] == "failing" and alert["exit_code"] == 70 and alert["category"] == "not-judged"
    with sqlite3.connect(tmp_path / "history.sqlite3") as db:
        assert db.execute("SELECT exit_code, category FROM runs").fetchall() == [(70, "not-judged")]
