"""The history file: two runs writing at once lose nothing (runs, state and alerts), old runs go,
and a file that is not a history is refused in one line."""

from __future__ import annotations

import io
import sqlite3
import subprocess
import sys
import textwrap
import time

import pytest

from conftest import REPO
from settings_qa.e2e.outcome import ExitCode, RunResult
from settings_qa.monitor.alerts import Webhook
from settings_qa.monitor.options import WatchOptions
from settings_qa.monitor.record import RunRecord
from settings_qa.monitor.store import History, HistoryError
from settings_qa.monitor.watch import after_run, record_run

TARGET = "https://api.example.test"
WRITER = textwrap.dedent("""
    import pathlib, sys, time
    from settings_qa.monitor.alerts import Webhook
    from settings_qa.monitor.options import WatchOptions
    from settings_qa.monitor.record import RunRecord
    from settings_qa.monitor.store import History
    from settings_qa.monitor.watch import record_run

    path, go, name, count = pathlib.Path(sys.argv[1]), pathlib.Path(sys.argv[2]), sys.argv[3], int(sys.argv[4])
    options = WatchOptions(history=path, alerting=(Webhook("http://127.0.0.1:9/hooks/concurrent-writers"),))
    history = History(path)
    for _ in range(500):  # at most 5 s for the other writer to be ready
        if go.exists():
            break
        time.sleep(0.01)
    for i in range(count):
        now = time.time()
        record_run(RunRecord(target=sys.argv[5], started_at=now, finished_at=now, exit_code=3,
                             reason=f"{name} {i}", phases={"update": 1.0}), options, history)
""")


def record(history: History, code: int, at: float, options: WatchOptions | None = None) -> RunRecord:
    run = RunRecord(target=TARGET, started_at=at - 1, finished_at=at, exit_code=code, phases={"fetch": 50.0})
    record_run(run, options or WatchOptions(history=history.path), history)
    return run


def test_two_writers_at_once_lose_no_run_no_failure_and_queue_one_alert(tmp_path):
    path, go, count = tmp_path / "history.sqlite3", tmp_path / "go", 150
    writers = [subprocess.Popen([sys.executable, "-c", WRITER, str(path), str(go), name, str(count), TARGET],
                                cwd=REPO, env={"PYTHONPATH": str(REPO), "PATH": ""}, stderr=subprocess.PIPE, text=True)
               for name in ("first", "second")]
    time.sleep(0.3)  # both have imported and opened the file; then they start together
    go.touch()
    for writer in writers:
        assert writer.wait(timeout=120) == 0, writer.stderr.read()

    with History(path, create=False) as history:
        runs = history.runs(TARGET)
        state = history.state(TARGET)
        alerts = history.db.execute("SELECT kind FROM alerts").fetchall()
    assert len(runs) == 2 * count and len({run.id for run in runs}) == 2 * count
    assert {run.reason for run in runs} == {f"{name} {i}" for name in ("first", "second") for i in range(count)}
    assert state.consecutive_failures == 2 * count  # each run read the state the other had written
    assert sorted(kind for (kind,) in alerts) == ["escalated", "failing"]  # one of each, not one per writer


def test_runs_and_alerts_older_than_the_retention_go(tmp_path):
    day = 86400.0
    now = time.time()
    history = History(tmp_path / "history.sqlite3", retention_days=7)
    options = WatchOptions(history=history.path, retention_days=7)
    for age in (30, 10, 9, 6, 1):
        record(history, 3 if age == 10 else 0, now - age * day, options)

    kept = history.runs(TARGET)
    assert [round((now - run.finished_at) / day) for run in kept] == [6, 1]
    assert history.db.execute("SELECT count(*) FROM alerts").fetchone()[0] == 0  # 10 days old: gone


def test_a_claimed_delivery_is_not_sent_by_another_run(tmp_path):
    history = History(tmp_path / "history.sqlite3")
    hook = Webhook("http://127.0.0.1:9/hooks/claimed-delivery")
    record(history, 3, time.time(), WatchOptions(history=history.path, alerting=(hook,)))
    other = History(history.path)

    mine = history.claim(TARGET, [hook.fingerprint], now=1000.0)
    assert [d.kind for d in mine] == ["failing"]
    assert other.claim(TARGET, [hook.fingerprint], now=1001.0) == []  # claimed by the first
    assert [d.kind for d in other.claim(TARGET, [hook.fingerprint], now=1200.0)] == ["failing"]  # claim expired
    history.delivered(mine[0], None, now=1201.0)
    assert history.pending(TARGET) == []


def test_a_file_that_is_not_a_history_is_refused(tmp_path):
    text, other = tmp_path / "notes.txt", tmp_path / "other.sqlite3"
    text.write_text("not a database at all, just some words that fill a page " * 40)
    with sqlite3.connect(other) as db:
        db.execute("CREATE TABLE t (x)")

    for path, message in ((text, "is not a settings-e2e history"), (other, "an SQLite file of something else"),
                          (tmp_path / "missing" / "h.sqlite3", "does not exist")):
        with pytest.raises(HistoryError, match=message):
            History(path)
    with pytest.raises(HistoryError, match="no history at"):
        History(tmp_path / "absent.sqlite3", create=False)


def test_a_new_history_is_readable_by_its_owner_only(tmp_path):
    History(tmp_path / "history.sqlite3").close()
    assert (tmp_path / "history.sqlite3").stat().st_mode & 0o777 == 0o600


def test_a_history_that_cannot_be_written_is_one_line_and_sends_nothing(tmp_path):
    path = tmp_path / "history.sqlite3"
    history = History(path)
    history.close()  # as if the disk had gone away under it
    hook = Webhook("http://127.0.0.1:9/hooks/never-called-at-all")
    result = RunResult(url=TARGET, values_source="report", code=ExitCode.SAVE_FAILED, reason="save failed")
    err = io.StringIO()

    assert after_run(result, 0.0, WatchOptions(history=path, alerting=(hook,)), history, err=err) is None
    assert err.getvalue() == (f"settings-e2e: history: this run was not recorded in {path} (Cannot operate on a "
                              "closed database.); no alert or metric was sent\n")
