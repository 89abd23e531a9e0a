"""Alert delivery cannot hold a run: a receiver that answers a byte at a time meets a deadline
for the whole exchange, and a run that has spent its sending budget leaves the other alerts, in
order, for the next run (before another run's claim on them could lapse)."""

from __future__ import annotations

import io
import socket
import threading
import time

from monitor_servers import WebhookReceiver
from settings_qa.monitor import alerts, store, watch
from settings_qa.monitor.options import Webhook, WatchOptions
from settings_qa.monitor.record import RunRecord
from settings_qa.monitor.store import History

TARGET = "https://api.example.test"


def test_a_receiver_that_drips_its_answer_meets_the_deadline():
    listener = socket.create_server(("127.0.0.1", 0))
    stop = threading.Event()

    def drip() -> None:
        connection, _ = listener.accept()
        with connection:
            connection.recv(65536)
            connection.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n")
            while not stop.is_set():  # a byte every 0.2 s: each read is well inside httpx's timeout
                try:
                    connection.sendall(b"o")
                except OSError:
                    return
                time.sleep(0.2)

    threading.Thread(target=drip, daemon=True).start()
    hook = Webhook(f"http://127.0.0.1:{listener.getsockname()[1]}/services/T0DRIP/dripping-token-0123")
    try:
        error = alerts.send(hook, {"text": "x"}, timeout=1.0, deadline=1.5)
    finally:
        stop.set()
        listener.close()
    assert error == "no whole answer within 1.5 s"


def test_alerts_past_the_sending_budget_wait_for_the_next_run(tmp_path):
    assert watch.SENDING_BUDGET + alerts.DEADLINE < store.CLAIM_SECONDS
    with WebhookReceiver() as receiver, History(tmp_path / "history.sqlite3") as history:
        options = WatchOptions(history=tmp_path / "history.sqlite3", alerting=(Webhook(receiver.url),))
        for minute, code in enumerate([3, 3, 3, 0]):  # failing, escalated (no escalation hook: to the alert one), recovered
            watch.record_run(RunRecord(target=TARGET, started_at=60.0 * minute, finished_at=60.0 * minute + 1,
                                       exit_code=code, failed_phase=None if code == 0 else "update",
                                       reason=None if code == 0 else "save failed"), options, history)
        record = RunRecord(target=TARGET, started_at=181.0, finished_at=182.0, exit_code=0)
        # the clock at the start, then before and after each send: the third alert finds the budget spent
        ticks = iter([1000.0, 1001.0, 1002.0, 1003.0, 1004.0, 1000.0 + watch.SENDING_BUDGET + 1] + [2000.0] * 10)

        watch._deliver(record, options, history, lambda: next(ticks), io.StringIO())
        first_run = list(receiver.events)
        watch._deliver(record, options, history, time.time, io.StringIO())

    assert first_run == ["failing", "escalated"]
    assert receiver.events == ["failing", "escalated", "recovered"]
