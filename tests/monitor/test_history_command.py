"""`settings-e2e history`: the right pass rates, streak, last failure and percentiles for a known
sequence of runs, as text and as JSON; bad input in one line, exit 64."""

from __future__ import annotations

import json
import time

import pytest

from settings_qa.e2e.cli import main
from settings_qa.monitor.options import WatchOptions
from settings_qa.monitor.record import RunRecord
from settings_qa.monitor.store import History
from settings_qa.monitor.summary import when
from settings_qa.monitor.watch import record_run

TARGET, OTHER = "https://api.example.test", "https://staging.example.test/receptionist"
HOUR, DAY = 3600.0, 86400.0
# (age in hours, exit code, update phase ms): passes carry every phase; failures stop at theirs.
SEQUENCE = [(240, 0, 100), (239, 0, 110), (72, 3, None), (71, 0, 120), (5, 0, 130), (4, 69, None), (3, 3, None),
            (2, 0, 140), (1, 0, 150), (0.5, 130, None)]


@pytest.fixture
def known(tmp_path) -> tuple[str, float]:
    now = time.time()
    path = tmp_path / "history.sqlite3"
    with History(path) as history:
        for hours, code, update in SEQUENCE:
            phases = {"authentication": 50.0, "fetch": 30.0, "update": update, "persistence": 20.0, "restore": 40.0} \
                if code == 0 else {"authentication": 45.0}
            failed = {3: "update", 69: "authentication"}.get(code)
            record_run(RunRecord(target=TARGET, started_at=now - hours * HOUR - 2, finished_at=now - hours * HOUR,
                                 exit_code=code, failed_phase=failed, reason=None if code == 0 else f"reason {code}",
                                 phases=phases), WatchOptions(history=path), history)
        record_run(RunRecord(target=OTHER, started_at=now - 10, finished_at=now - 9, exit_code=0,
                             phases={"authentication": 60.0}), WatchOptions(history=path), history)
    return str(path), now


def test_the_summary_of_a_known_sequence(known, capsys):
    path, now = known
    assert main(["history", path, "--url", TARGET]) == 0
    out = capsys.readouterr().out.splitlines()

    assert out == [
        f"settings-e2e history: {path}",
        f"{TARGET}: PASSING since {when(now - 2 * HOUR)}",
        "  pass rate: last 24 h 60.0% (3/5) · last 7 days 57.1% (4/7) · last 20 runs 66.7% (6/9)",
        f"  current streak: 2 passing runs since {when(now - 2 * HOUR)}",
        f"  last failure: {when(now - 3 * HOUR)}, phase update, exit 3 (Save failed): reason 3",
        f"  last success: {when(now - 1 * HOUR)}",
        "  phase durations, passing runs among the last 20 (p50 / p95):",
        "    authentication        50 ms /       50 ms   (6 runs)",
        "    fetch                 30 ms /       30 ms   (6 runs)",
        "    update               120 ms /      150 ms   (6 runs)",
        "    persistence           20 ms /       20 ms   (6 runs)",
        "    restore               40 ms /       40 ms   (6 runs)",
        f"  runs kept: 10 since {when(now - 240 * HOUR)}, 1 interrupted (not counted)",
    ]


@pytest.mark.parametrize("spelling", ["https://API.example.test/", "https://api.example.test:443"])
def test_url_is_read_as_the_check_records_it(known, capsys, spelling):
    path, _ = known
    assert main(["history", path, "--url", spelling, "--json"]) == 0
    [mine] = json.loads(capsys.readouterr().out)["deployments"]
    assert mine["target"] == TARGET and mine["pass_rate"]["24h"]["runs"] == 5


def test_json_and_the_last_n_runs(known, capsys):
    path, now = known
    assert main(["history", path, "--json", "--runs", "4"]) == 0
    document = json.loads(capsys.readouterr().out)

    assert [d["target"] for d in document["deployments"]] == sorted([TARGET, OTHER])
    mine = next(d for d in document["deployments"] if d["target"] == TARGET)
    assert mine["pass_rate"] == {"24h": {"passed": 3, "runs": 5, "rate": 0.6},
                                 "7d": {"passed": 4, "runs": 7, "rate": 0.5714},
                                 "last_4": {"passed": 2, "runs": 4, "rate": 0.5}}
    assert mine["streak"] == {"kind": "passing", "runs": 2, "since": pytest.approx(now - 2 * HOUR)}
    assert mine["last_failure"]["exit_code"] == 3 and mine["last_failure"]["category"] == "broken"
    assert mine["phases"]["update"] == {"runs": 2, "p50_ms": 140.0, "p95_ms": 150.0}
    assert mine["status"] == "ok" and mine["consecutive_failures"] == 0 and mine["interrupted"] == 1


def test_a_deployment_failing_now(tmp_path, capsys):
    path, now = tmp_path / "history.sqlite3", time.time()
    with History(path) as history:
        for minutes, code in ((30, 0), (20, 69), (10, 69), (0, 69)):
            record_run(RunRecord(target=TARGET, started_at=now - minutes * 60, finished_at=now - minutes * 60,
                                 exit_code=code, failed_phase=None if code == 0 else "authentication",
                                 reason=None if code == 0 else "cannot reach the deployment"),
                       WatchOptions(history=path), history)
    assert main(["history", str(path)]) == 0
    out = capsys.readouterr().out
    assert f"{TARGET}: FAILING since {when(now - 20 * 60)} (3 failed runs in a row, escalated)" in out
    assert "current streak: 3 failed runs since" in out
    assert "phase authentication, exit 69 (Target unreachable): cannot reach the deployment" in out


@pytest.mark.parametrize("args, env, message", [
    (["history"], {}, "name the history file (or set QA_HISTORY)"),
    (["history", "{tmp}/absent.sqlite3"], {}, "no history at {tmp}/absent.sqlite3"),
    (["history", "{tmp}/notes.txt"], {}, "is not a settings-e2e history"),
    (["history", "{tmp}/empty.sqlite3"], {}, "no history in {tmp}/empty.sqlite3 yet (an empty file"),
    (["history", "{tmp}/h.sqlite3", "--runs", "0"], {}, "--runs must be from 1 to 100000, got 0"),
    (["history", "{tmp}/h.sqlite3", "--runs", "many"], {}, "argument --runs: invalid int value: 'many'"),
    (["history", "{tmp}/h.sqlite3"], {"QA_HISTORY_RUNS": "lots"}, "QA_HISTORY_RUNS must be an integer"),
])
def test_bad_input_is_one_line_and_exit_64(tmp_path, capsys, monkeypatch, args, env, message):
    (tmp_path / "notes.txt").write_text("plain words, not a database " * 50)
    (tmp_path / "empty.sqlite3").write_bytes(b"")
    History(tmp_path / "h.sqlite3").close()
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    monkeypatch.delenv("QA_HISTORY", raising=False)

    assert main([arg.format(tmp=tmp_path) for arg in args]) == 64
    captured = capsys.readouterr()
    assert captured.out == "" and captured.err.count("\n") == 1
    assert captured.err.startswith("settings-e2e history: usage error: ")
    assert message.format(tmp=tmp_path) in captured.err
    assert (tmp_path / "empty.sqlite3").read_bytes() == b""  # reading never changes a file


def test_the_path_may_come_from_qa_history(known, capsys, monkeypatch):
    monkeypatch.setenv("QA_HISTORY", known[0])
    assert main(["history"]) == 0
    assert "last 20 runs 66.7% (6/9)" in capsys.readouterr().out
