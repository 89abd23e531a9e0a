"""The metrics, read back by prometheus_client's own parser: the textfile node_exporter reads, and
what a Pushgateway receives (grouped by job and instance)."""

from __future__ import annotations

import socket

import httpx
from prometheus_client.parser import text_string_to_metric_families

from monitor_servers import Pushgateway
from settings_qa.monitor import metrics
from settings_qa.monitor.record import RunRecord
from settings_qa.monitor.state import State

TARGET = "https://api.example.test/receptionist"
PHASES = {"authentication": 120.5, "fetch": 80.0, "update": 1500.0, "persistence": 70.0, "restore": 210.0}


def values(text: str) -> dict[tuple[str, tuple], float]:
    found = {}
    for family in text_string_to_metric_families(text):
        assert family.type == "gauge", family.name
        for sample in family.samples:
            assert sample.labels["target"] == TARGET
            found[(sample.name, tuple(sorted((k, v) for k, v in sample.labels.items() if k != "target")))] = sample.value
    return found


def failing_run() -> tuple[RunRecord, State]:
    record = RunRecord(target=TARGET, started_at=1_790_000_000.0, finished_at=1_790_000_004.25, exit_code=3,
                       failed_phase="update", reason="save failed: HTTP 500", duration_ms=4250.0,
                       phases={k: v for k, v in PHASES.items() if k != "persistence"},
                       network={"waited_seconds": 2.5, "by_cause": {"gateway": 2, "rate-limited": 1}})
    state = State(status="failing", consecutive_failures=3, last_success=1_789_990_000.0, escalated=True)
    return record, state


def test_the_textfile_holds_the_run_and_the_state(tmp_path):
    record, state = failing_run()
    path = tmp_path / "settings_e2e.prom"

    assert metrics.write_file(path, metrics.registry(record, state)) is None
    found = values(path.read_text())

    assert found[("settings_e2e_success", ())] == 0
    assert found[("settings_e2e_exit_code", ())] == 3
    assert found[("settings_e2e_degraded", ())] == 0
    assert found[("settings_e2e_duration_seconds", ())] == 4.25
    assert found[("settings_e2e_consecutive_failures", ())] == 3
    assert found[("settings_e2e_last_run_timestamp_seconds", ())] == 1_790_000_004.25
    assert found[("settings_e2e_last_success_timestamp_seconds", ())] == 1_789_990_000.0
    assert found[("settings_e2e_network_waited_seconds", ())] == 2.5
    assert {labels[0][1]: v for (name, labels), v in found.items() if name == "settings_e2e_phase_duration_seconds"} \
        == {"authentication": 0.1205, "fetch": 0.08, "update": 1.5, "restore": 0.21}  # no persistence: it did not run
    events = {labels[0][1]: v for (name, labels), v in found.items() if name == "settings_e2e_network_events"}
    assert events == {"rate-limited": 1, "unavailable": 0, "gateway": 2, "dropped": 0, "refused": 0}
    assert {name for name, _ in found} == set(metrics.names())


def test_a_passing_degraded_run_and_a_deployment_that_never_passed(tmp_path):
    record, _ = failing_run()
    record.exit_code = 0
    degraded = values(_written(tmp_path, record, State(status="degraded", last_success=record.finished_at)))
    assert degraded[("settings_e2e_success", ())] == 1 and degraded[("settings_e2e_degraded", ())] == 1
    record.exit_code = 69
    never = values(_written(tmp_path, record, State(status="failing", consecutive_failures=1)))
    assert never[("settings_e2e_last_success_timestamp_seconds", ())] == 0


def _written(tmp_path, record: RunRecord, state: State) -> str:
    path = tmp_path / "m.prom"
    assert metrics.write_file(path, metrics.registry(record, state)) is None
    return path.read_text()


def test_the_textfile_is_replaced_whole_and_leaves_no_temporary_file(tmp_path):
    record, state = failing_run()
    path = tmp_path / "settings_e2e.prom"
    path.write_text("# an older file\n")
    before = path.stat().st_ino

    assert metrics.write_file(path, metrics.registry(record, state)) is None

    assert path.stat().st_ino != before  # renamed over it, never written in place
    assert [p.name for p in tmp_path.iterdir()] == ["settings_e2e.prom"]


def test_a_textfile_that_cannot_be_written_is_one_line(tmp_path):
    (tmp_path / "a-file").write_text("")
    error = metrics.write_file(tmp_path / "a-file" / "m.prom", metrics.registry(*failing_run()))
    assert error is not None and error.startswith("cannot write ") and "\n" not in error


def test_a_push_replaces_the_group_of_job_and_instance(tmp_path):
    record, state = failing_run()
    with Pushgateway() as gateway:
        error = metrics.push(gateway.base_url, "settings-e2e", "api.example.test/receptionist",
                             metrics.registry(record, state))
        exposed = httpx.get(gateway.base_url + "/metrics").text

    assert error is None
    (method, path), = gateway.requests
    assert method == "PUT" and path.startswith("/metrics/job/settings-e2e/instance@base64/")
    pushed = gateway.group("settings-e2e", instance="api.example.test/receptionist")
    assert pushed["settings_e2e_consecutive_failures"].samples[0].value == 3
    file_values = values(_written(tmp_path, record, state))
    exposed_values = {}
    for family in text_string_to_metric_families(exposed):
        for sample in family.samples:
            assert sample.labels["job"] == "settings-e2e" and sample.labels["instance"] == "api.example.test/receptionist"
            labels = tuple(sorted((k, v) for k, v in sample.labels.items() if k not in ("target", "job", "instance")))
            exposed_values[(sample.name, labels)] = sample.value
    assert exposed_values == file_values


def test_a_push_that_fails_is_one_line():
    registry = metrics.registry(*failing_run())
    with Pushgateway() as gateway:
        gateway.fail_with = 500
        assert metrics.push(gateway.base_url, "settings-e2e", "x", registry) == "HTTP 500: refused"
    with socket.socket() as unused:
        unused.bind(("127.0.0.1", 0))
        port = unused.getsockname()[1]
    error = metrics.push(f"http://127.0.0.1:{port}", "settings-e2e", "x", registry)
    assert error is not None and error.startswith("ConnectError") and "\n" not in error
