"""The watch's options and their environment variables: a bad value is one line and exit 64 before
anything is sent, and a webhook's URL (it holds a token) is never echoed."""

from __future__ import annotations

import pytest

from settings_qa.e2e.cli import main
from settings_qa.monitor.options import resolve

URL = "http://127.0.0.1:9"  # nothing listens there: a usage error must come before any request
HOOK = "https://hooks.example.test/services/T000/B000/webhook-token-never-echoed"
BAD = [
    (["--alert-webhook", HOOK], {}, "--alert-webhook (QA_ALERT_WEBHOOK) needs --history PATH (QA_HISTORY)"),
    ([], {"QA_METRICS_FILE": "{tmp}/m.prom"}, "--metrics-file (QA_METRICS_FILE) needs --history PATH"),
    (["--pushgateway", "http://127.0.0.1:9091"], {}, "--pushgateway (QA_PUSHGATEWAY) needs --history PATH"),
    (["--slow-threshold", "2"], {}, "--slow-threshold (QA_SLOW_THRESHOLD) needs --history PATH"),
    (["--history", "{tmp}/no-such-folder/h.sqlite3"], {}, "the folder {tmp}/no-such-folder does not exist"),
    (["--history", "{tmp}"], {}, "is a folder; name a file"),
    ([], {"QA_HISTORY": "{tmp}/notes.txt"}, "{tmp}/notes.txt is not a settings-e2e history"),
    (["--history", "{tmp}/h.sqlite3", "--history-days", "0"], {}, "--history-days (QA_HISTORY_DAYS) must be from 1"),
    (["--history", "{tmp}/h.sqlite3"], {"QA_ESCALATE_AFTER": "three"},
     "--escalate-after (QA_ESCALATE_AFTER) must be an integer, got 'three'"),
    (["--history", "{tmp}/h.sqlite3", "--escalate-after", "0"], {}, "must be from 1 to 1000, got 0"),
    (["--history", "{tmp}/h.sqlite3", "--slow-threshold", "login=2"], {}, "unknown phase 'login' (one of "),
    (["--history", "{tmp}/h.sqlite3"], {"QA_SLOW_THRESHOLD": "update="}, "'update=' has no number of seconds"),
    (["--history", "{tmp}/h.sqlite3", "--slow-threshold", "update=-1"], {}, "must be from 0.001 to 3600"),
    (["--history", "{tmp}/h.sqlite3", "--alert-webhook", "ftp://hooks.example.test/T000/webhook-token"], {},
     "--alert-webhook (QA_ALERT_WEBHOOK) must be an http:// or https:// URL with a host (not shown"),
    (["--history", "{tmp}/h.sqlite3"], {"QA_ESCALATION_WEBHOOK": "https://hooks.example.test:notaport/webhook-token"},
     "--escalation-webhook (QA_ESCALATION_WEBHOOK) is not a valid URL (not shown"),
    (["--history", "{tmp}/h.sqlite3", "--pushgateway", "http://user:pw@127.0.0.1:9091"], {},
     "--pushgateway (QA_PUSHGATEWAY) must not contain credentials"),
    (["--history", "{tmp}/h.sqlite3", "--metrics-file", "{tmp}/absent/m.prom"], {}, "the folder {tmp}/absent does not"),
    (["--history", "{tmp}/h.sqlite3", "--pushgateway", "admin:webhook-token-pw@pushgw:9091"], {},
     "--pushgateway (QA_PUSHGATEWAY) must be an http:// or https:// URL with a host (not shown"),
    (["--history", "{tmp}/h.sqlite3"], {"QA_PUSHGATEWAY": "ftp://admin:webhook-token-pw@pushgw:9091"},
     "--pushgateway (QA_PUSHGATEWAY) must be an http:// or https:// URL with a host (not shown"),
]


@pytest.mark.parametrize("args, env, message", BAD)
def test_a_bad_value_is_one_line_and_exit_64(tmp_path, capsys, monkeypatch, args, env, message):
    (tmp_path / "notes.txt").write_text("plain words, not a database " * 50)
    monkeypatch.setenv("QA_EMAIL", "qa@example.test")
    monkeypatch.setenv("QA_PASSWORD", "a-password-for-options")
    monkeypatch.setenv("QA_RESTORE_JOURNAL", str(tmp_path / "journal.json"))
    for key, value in env.items():
        monkeypatch.setenv(key, value.format(tmp=tmp_path))

    code = main(["--url", URL, *[arg.format(tmp=tmp_path) for arg in args]])

    captured = capsys.readouterr()
    assert code == 64 and captured.out == "" and captured.err.count("\n") == 1, captured.err
    assert captured.err.startswith("settings-e2e: usage error: ")
    assert message.format(tmp=tmp_path) in captured.err
    assert "webhook-token" not in captured.err


def test_the_command_line_wins_and_lists_come_from_the_environment(tmp_path):
    environ = {"QA_HISTORY": str(tmp_path / "env.sqlite3"), "QA_ALERT_WEBHOOK": f"{HOOK} {HOOK}-second",
               "QA_SLOW_THRESHOLD": "2, update=0.5", "QA_ESCALATE_AFTER": "5", "QA_METRICS_JOB": "e2e"}
    given = {"history": str(tmp_path / "cli.sqlite3"), "escalate_after": "4", "alert_webhook": None}

    options = resolve(given, environ, "https://api.example.test:8443/receptionist/")

    assert options.history == tmp_path / "cli.sqlite3"
    assert [hook.url for hook in options.alerting] == [HOOK, HOOK + "-second"]
    assert options.policy.escalate_after == 4 and options.policy.slow == {"*": 2.0, "update": 0.5}
    assert options.job == "e2e" and options.instance == "api.example.test:8443/receptionist"
    assert options.alerting[0].label == "https://hooks.example.test"


def test_without_history_nothing_is_watched(tmp_path):
    options = resolve({}, {}, "https://api.example.test")
    assert options.history is None and options.alerting == () and options.metrics_file is None
