"""What each alert says and where it goes: an unreachable deployment told apart from a broken
layer, a slow phase as `degraded`, escalations to their own webhook, and a webhook that fails
(the exit code stays the check's; the alert waits in the history and goes with the next run)."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys

import pytest
from prometheus_client.parser import text_string_to_metric_families

from conftest import EMAIL, REPO, Deployment, clean_environment

pytestmark = pytest.mark.slow


def test_an_unreachable_deployment_is_told_apart_from_a_broken_layer(fresh: Deployment, webhook, tmp_path):
    watch = ("--history", str(tmp_path / "history.sqlite3"))

    fresh.cut_off()
    unreachable = fresh.check(*watch, QA_ALERT_WEBHOOK=webhook.url)
    fresh.repair()
    back = fresh.check(*watch, QA_ALERT_WEBHOOK=webhook.url)
    fresh.break_save()
    broken = fresh.check(*watch, QA_ALERT_WEBHOOK=webhook.url)

    assert (unreachable.code, back.code, broken.code) == (69, 0, 3), unreachable.output + broken.output
    assert webhook.events == ["failing", "recovered", "failing"]
    cut, _, layer = webhook.received
    assert cut["category"] == "unreachable" and cut["unreachable"] is True and cut["exit_code"] == 69
    assert cut["layer"] is None and cut["phase"] == "authentication"
    assert "could not be reached; no layer was judged" in cut["text"]
    assert layer["category"] == "broken" and layer["unreachable"] is False and layer["exit_code"] == 3
    assert layer["layer"] == "save" and "the save layer is broken" in layer["text"]


def test_a_slow_phase_is_degraded_once(fresh: Deployment, webhook, tmp_path):
    watch = ("--history", str(tmp_path / "history.sqlite3"), "--slow-threshold", "update=0.4")

    fresh.slow(0.5)  # every answer half a second late: phase 3's save takes at least that
    runs = [fresh.check(*watch, QA_ALERT_WEBHOOK=webhook.url) for _ in range(2)]

    assert [run.code for run in runs] == [0, 0], runs[0].output
    assert webhook.events == ["degraded"]  # the second slow run changes nothing
    (degraded,) = webhook.received
    slow = {phase["phase"]: phase for phase in degraded["slow_phases"]}
    assert set(slow) == {"update"} and slow["update"]["threshold"] == 0.4 and slow["update"]["seconds"] >= 0.5
    assert degraded["text"].startswith(f"🟡 settings-e2e DEGRADED: {fresh.url} passes, but update took")
    assert "state degraded" in runs[1].stderr


def test_escalations_go_to_their_own_webhook_and_hear_of_the_recovery(fresh: Deployment, webhook,
                                                                      escalation_webhook, tmp_path):
    watch = ("--history", str(tmp_path / "history.sqlite3"), "--escalate-after", "2")
    hooks = {"QA_ALERT_WEBHOOK": webhook.url, "QA_ESCALATION_WEBHOOK": escalation_webhook.url}

    fresh.break_save()
    codes = [fresh.check(*watch, **hooks).code for _ in range(3)]
    fresh.repair()
    codes.append(fresh.check(*watch, **hooks).code)

    assert codes == [3, 3, 3, 0]
    assert webhook.events == ["failing", "recovered"]
    assert escalation_webhook.events == ["escalated", "recovered"]
    assert escalation_webhook.received[0]["consecutive_failures"] == 2


def test_a_failing_webhook_keeps_the_exit_code_and_its_alert_goes_with_the_next_run(fresh: Deployment, webhook,
                                                                                    tmp_path):
    history = tmp_path / "history.sqlite3"
    fresh.break_save()
    webhook.fail_with = 500

    refused = fresh.check("--history", str(history), QA_ALERT_WEBHOOK=webhook.url)

    assert refused.code == 3  # the check's code, whatever the webhook did
    assert webhook.received == [] and len(webhook.raw) == 1
    assert (f"settings-e2e: webhook {webhook.base_url}: the failing alert was not delivered (HTTP 500: server error); "
            "it is kept and sent again with the next run") in refused.stderr
    with sqlite3.connect(history) as db:
        notes = db.execute("SELECT notes FROM runs").fetchone()[0]
    assert "alert failing (#1) to " + webhook.base_url + ": not delivered: HTTP 500: server error" in notes

    webhook.fail_with = None
    again = fresh.check("--history", str(history), QA_ALERT_WEBHOOK=webhook.url)

    assert again.code == 3 and "not delivered" not in again.stderr
    assert webhook.events == ["failing"]  # the first run's alert, once; the second failure is no change
    assert webhook.received[0]["history_run"] == 1
    for run in (refused, again):
        assert webhook.path not in run.output


def test_two_checks_writing_one_history_at_once_both_count(fresh: Deployment, webhook, tmp_path):
    """Two deployments watched from one host into one history, at the same moment: the healthy
    backend directly and the faulty one directly (the same account, two databases)."""
    history = tmp_path / "history.sqlite3"
    environ = clean_environment(QA_EMAIL=EMAIL, QA_PASSWORD=fresh.password, QA_ALERT_WEBHOOK=webhook.url,
                                QA_HISTORY=str(history), QA_RETRIES="0")
    checks = [subprocess.Popen([sys.executable, "-m", "settings_qa.e2e", "--url", url, "--json"], cwd=REPO,
                               env={**environ, "QA_RESTORE_JOURNAL": str(tmp_path / f"journal-{i}.json")},
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
               for i, url in enumerate((fresh.good.base_url, fresh.faulty.base_url))]
    outputs = [check.communicate(timeout=180) for check in checks]

    assert [check.returncode for check in checks] == [0, 3], outputs
    assert [json.loads(stdout)["exit_code"] for stdout, _ in outputs] == [0, 3]  # --json stays one document
    with sqlite3.connect(history) as db:
        rows = dict(db.execute("SELECT target, exit_code FROM runs").fetchall())
    assert rows == {fresh.good.base_url: 0, fresh.faulty.base_url: 3}
    assert webhook.events == ["failing"] and webhook.received[0]["target"] == fresh.faulty.base_url


def test_the_network_events_of_a_run_are_in_its_history_row_and_its_metrics(fresh: Deployment, tmp_path):
    history, metrics = tmp_path / "history.sqlite3", tmp_path / "m.prom"
    fresh.rate_limit(3)  # 429 with Retry-After: 1, waited out

    run = fresh.check("--history", str(history), "--metrics-file", str(metrics), QA_RETRIES="3")

    assert run.code == 0, run.output
    with sqlite3.connect(history) as db:
        network = json.loads(db.execute("SELECT network FROM runs").fetchone()[0])
    rate_limited = network["by_cause"]["rate-limited"]
    assert rate_limited >= 1 and network["by_outcome"] == {"recovered": network["requests_affected"]}
    assert network["waited_seconds"] >= rate_limited  # each 429 asked for a second at least
    assert all("rate limited" in line for line in network["lines"])
    exported = {s.labels.get("cause"): s.value for f in text_string_to_metric_families(metrics.read_text())
                for s in f.samples if s.name == "settings_e2e_network_events"}
    assert exported["rate-limited"] == rate_limited and exported["gateway"] == 0
