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
