"""A deployment that fails four runs in a row and then recovers, watched as an operator would:
a real webhook receiver, the history, the metrics file and a Pushgateway.

The failure is the incident's: a deploy whose auditor import is stale (every description save
answers 500, exit 3), then the rollback. One POST per change of state: `failing` at the first
failure, `escalated` at the third (the default), `recovered` with the outage's length, and
nothing for the runs in between.
"""

from __future__ import annotations

import json
import re
import sqlite3

import pytest
from prometheus_client.parser import text_string_to_metric_families

from conftest import Deployment, clean_environment, run_command
from monitor_servers import WEBHOOK_PATH

pytestmark = pytest.mark.slow


def samples(text: str) -> dict[tuple[str, tuple], float]:
    """Every sample of a Prometheus text exposition: (name, sorted labels without target) -> value."""
    found = {}
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            labels = tuple(sorted((k, v) for k, v in sample.labels.items() if k != "target"))
            found[(sample.name, labels)] = sample.value
    return found


def history_rows(path) -> list[dict]:
    with sqlite3.connect(path) as db:
        db.row_factory = sqlite3.Row
        return [dict(row) for row in db.execute("SELECT * FROM runs ORDER BY id")]


def test_four_failures_then_recovery_send_one_alert_per_change(fresh: Deployment, webhook, pushgateway, tmp_path):
    history, metrics = tmp_path / "history.sqlite3", tmp_path / "settings_e2e.prom"
    watch = ("--history", str(history), "--metrics-file", str(metrics), "--pushgateway", pushgateway.base_url)

    outputs = []

    def check():
        run = fresh.check(*watch, QA_ALERT_WEBHOOK=webhook.url)
        outputs.append(run.output)
        return run

    first = check()
    assert first.code == 0, first.output
    assert webhook.received == []

    fresh.break_save()
    seen = []
    for failure in range(1, 5):
        run = check()
        assert run.code == 3, run.output
        seen.append(list(webhook.events))
        if failure == 4:
            assert "state failing (4 failed runs in a row, escalated)" in run.stderr
    assert seen == [["failing"], ["failing"], ["failing", "escalated"], ["failing", "escalated"]]
    failing_metrics = samples(metrics.read_text())

    fresh.repair()
    last = check()
    assert last.code == 0, last.output
    assert webhook.events == ["failing", "escalated", "recovered"]

    rows = history_rows(history)
    assert [row["exit_code"] for row in rows] == [0, 3, 3, 3, 3, 0]
    failing, escalated, recovered = webhook.received
    assert failing["exit_code"] == 3 and failing["phase"] == "update" and failing["layer"] == "save"
    assert failing["category"] == "broken" and failing["unreachable"] is False
    assert "HTTP 500" in failing["reason"] and failing["text"].startswith("🔴 settings-e2e FAILING on " + fresh.url)
    assert escalated["consecutive_failures"] == 3 and escalated["history_run"] == rows[3]["id"]
    assert recovered["failed_runs"] == 4 and recovered["was"] == "failing"
    assert recovered["down_seconds"] == round(rows[5]["finished_at"] - rows[1]["finished_at"], 3)
    assert recovered["down_seconds"] > 0 and "down for" in recovered["text"]

    # The metrics file after the fourth failure, and after the recovery; the Pushgateway has the last.
    assert failing_metrics[("settings_e2e_success", ())] == 0
    assert failing_metrics[("settings_e2e_exit_code", ())] == 3
    assert failing_metrics[("settings_e2e_consecutive_failures", ())] == 4
    assert failing_metrics[("settings_e2e_last_success_timestamp_seconds", ())] == rows[0]["finished_at"]
    final = samples(metrics.read_text())
    assert final[("settings_e2e_success", ())] == 1 and final[("settings_e2e_consecutive_failures", ())] == 0
    assert final[("settings_e2e_last_run_timestamp_seconds", ())] == rows[5]["finished_at"]
    assert final[("settings_e2e_last_success_timestamp_seconds", ())] == rows[5]["finished_at"]
    phases = json.loads(rows[5]["phases"])
    for phase, milliseconds in phases.items():
        assert final[("settings_e2e_phase_duration_seconds", (("phase", phase),))] == pytest.approx(milliseconds / 1000)
    instance = fresh.url.removeprefix("http://")
    pushed = pushgateway.group("settings-e2e", instance=instance)
    assert {s.name: s.value for f in pushed.values() for s in f.samples if not s.labels.get("phase")
            and not s.labels.get("cause")} == {name: value for (name, labels), value in final.items() if not labels}

    summary = run_command("history", str(history), env=clean_environment())
    assert summary.code == 0, summary.output
    assert f"{fresh.url}: PASSING since " in summary.stdout
    assert "pass rate: last 24 h 33.3% (2/6) · last 7 days 33.3% (2/6) · last 20 runs 33.3% (2/6)" in summary.stdout
    assert "current streak: 1 passing run since" in summary.stdout
    assert re.search(r"last failure: .* UTC, phase update, exit 3 \(Save failed\): save failed: HTTP 500", summary.stdout)

    # No secret anywhere: not the password, not the webhook's token, not a JWT.
    with sqlite3.connect(history) as db:
        stored = "\n".join(db.iterdump())
    places = {"history": stored, "metrics file": metrics.read_text(), "run output": "".join(outputs),
              "webhook bodies": b"".join(webhook.raw).decode(), "pushed": b"".join(pushgateway.bodies).decode()}
    for place, text in places.items():
        assert text, place
        for secret in (fresh.password, WEBHOOK_PATH, WEBHOOK_PATH.rsplit("/", 1)[1]):
            assert secret not in text, place
        assert not re.search(r"eyJ[\w-]+\.eyJ", text), place
