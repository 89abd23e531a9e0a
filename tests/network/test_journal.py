"""The restore journal on disk (settings_qa/journal.py): what it keeps, who may write, who must wait."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys

import pytest

from settings_qa.journal import Journal, JournalPending

URL = "https://deployment.example.test"
FOUND = {"id": 7, "name": "As Found Ltd", "industry": None, "common_services": "Plumbing", "business_hours": "9-5",
         "description": "Before.", "faqs": [{"id": 3, "question": "Q?", "answer": "A."}], "audit_status": "passed",
         "updated_at": "2026-12-01T10:00:00Z", "access_token": "eyJ-not-a-real-token"}


def test_the_first_write_keeps_the_writable_fields_only_in_a_private_file(tmp_path) -> None:
    journal = Journal(tmp_path / "state" / "journal.json", run="run-a")
    assert journal.ensure(URL, "qa@example.test", FOUND) is True
    assert journal.ensure(URL, "qa@example.test", {**FOUND, "name": "Changed since"}) is False  # the first stays
    data = json.loads(journal.path.read_text())
    [entry] = data["entries"]
    assert entry["settings"] == {"name": "As Found Ltd", "industry": None, "common_services": "Plumbing",
                                 "business_hours": "9-5", "description": "Before.",
                                 "faqs": [{"question": "Q?", "answer": "A."}]}
    assert "token" not in journal.path.read_text() and "password" not in journal.path.read_text()
    assert stat.S_IMODE(os.stat(journal.path).st_mode) == 0o600


def test_an_entry_of_a_run_that_died_stops_the_next_run_in_one_line(tmp_path) -> None:
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    Journal(tmp_path / "journal.json", run="killed", owner_pid=int(dead.stdout)).ensure(URL, "qa@example.test", FOUND)
    journal = Journal(tmp_path / "journal.json", run="next")
    journal.check(URL, ["other@example.test"])  # another account: not blocked
    journal.check("https://elsewhere.example.test", ["qa@example.test"])  # another deployment: not blocked
    with pytest.raises(JournalPending) as pending:
        journal.ensure(URL, "QA@example.test", FOUND)
    message = str(pending.value)
    assert "\n" not in message and str(journal.path) in message and "did not finish" in message
    assert f"settings-qa restore --journal {journal.path}" in message and "--discard" in message


@pytest.mark.parametrize("spelling", ["https://Deployment.Example.TEST/", "HTTPS://deployment.example.test:443",
                                      "https://deployment.example.test//"])
def test_another_spelling_of_the_same_deployment_is_the_same_deployment(tmp_path, spelling: str) -> None:
    """The suite keeps --base-url as typed; settings-e2e normalises --url: either way, an entry
    left by one stops the other."""
    Journal(tmp_path / "journal.json", run="killed", owner_pid=os.getpid()).ensure(URL, "qa@example.test", FOUND)
    with pytest.raises(JournalPending):
        Journal(tmp_path / "journal.json", run="next").check(spelling, ["qa@example.test"])
    Journal(tmp_path / "journal.json", run="next").check("https://deployment.example.test:8443", ["qa@example.test"])


@pytest.mark.parametrize("content", ["[]", '{"entries": [{"unknown": 1}]}', '{"entries": 3}'])
def test_a_file_that_is_json_but_not_a_journal_is_one_line(tmp_path, content: str) -> None:
    (tmp_path / "journal.json").write_text(content)
    with pytest.raises(JournalPending, match="is not a restore journal this version can read"):
        Journal(tmp_path / "journal.json", run="next").check(URL, ["qa@example.test"])


def test_an_entry_of_a_run_still_running_says_to_wait_for_it(tmp_path) -> None:
    Journal(tmp_path / "journal.json", run="alive", owner_pid=os.getpid()).ensure(URL, "qa@example.test", FOUND)
    with pytest.raises(JournalPending, match="another run is writing to qa@example.test"):
        Journal(tmp_path / "journal.json", run="second").check(URL, ["qa@example.test"])


def test_the_file_goes_with_its_last_entry(tmp_path) -> None:
    journal = Journal(tmp_path / "journal.json", run="run-a")
    journal.ensure(URL, "one@example.test", FOUND)
    journal.ensure(URL, "two@example.test", FOUND)
    first, second = journal.mine()
    journal.remove(first)
    assert [e.email for e in journal.entries()] == ["two@example.test"]
    journal.remove(second)
    assert not journal.path.exists()


def test_processes_writing_at_once_lose_no_entry(tmp_path) -> None:
    code = ("import sys; from settings_qa.journal import Journal; "
            "j = Journal(sys.argv[1], run='run-a'); "
            "[j.ensure('https://d.test', f'{sys.argv[2]}-{i}@example.test', {'name': 'x'}) for i in range(20)]")
    workers = [subprocess.Popen([sys.executable, "-c", code, str(tmp_path / "journal.json"), f"w{n}"])
               for n in range(4)]
    assert [worker.wait(timeout=60) for worker in workers] == [0, 0, 0, 0]
    assert len(Journal(tmp_path / "journal.json", run="run-a").entries()) == 80


def test_a_journal_that_cannot_be_read_is_named_not_ignored(tmp_path) -> None:
    (tmp_path / "journal.json").write_text("{not json")
    with pytest.raises(JournalPending, match="cannot be read"):
        Journal(tmp_path / "journal.json").check(URL, ["qa@example.test"])
