"""The transport's policy, request by request (settings_qa/net): what is waited for, what is
retried, what never is, and how a failure is worded. No network: httpx.MockTransport plays the
gateway, and the sleeps are recorded instead of slept."""

from __future__ import annotations

import multiprocessing
from datetime import datetime, timedelta, timezone
from email.utils import format_datetime
from pathlib import Path

import httpx
import pytest

from settings_qa.client import ApiClient
from settings_qa.net import events, transport
from settings_qa.net.pacing import Pacer
from settings_qa.net.policy import NetworkFailure, NetworkPolicy, OutcomeUnknown, WaitTooLong, parse_rate, retry_after

PAGE = "<html><head><title>502 Bad Gateway</title></head></html>"


class Script:
    """Answers requests in order from a list (a response, or an exception to raise), then 200."""

    def __init__(self, *answers) -> None:
        self.answers, self.seen = list(answers), []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.seen.append(request.method)
        answer = self.answers.pop(0) if self.answers else httpx.Response(200, json={"ok": True})
        if isinstance(answer, Exception):
            raise answer
        return answer


@pytest.fixture
def slept(monkeypatch) -> list[float]:
    """Each sleep the transport asks for, recorded; a fresh context and ledger per test."""
    waits: list[float] = []
    # This process's own run (the selftest's) keeps its context and ledger: restored after the test.
    monkeypatch.setattr(transport, "_context", transport.context())
    monkeypatch.setattr(events, "_ledger", events.ledger())
    transport.configure(NetworkPolicy(backoff=0.5, backoff_max=4))
    monkeypatch.setattr(transport.context(), "sleep", waits.append)
    return waits


def client(script: Script) -> httpx.Client:
    return transport.build_client("http://deployment.test", timeout=5, inner=httpx.MockTransport(script))


def dropped() -> httpx.RemoteProtocolError:
    return httpx.RemoteProtocolError("Server disconnected without sending a response.")


def test_a_429_is_waited_out_as_asked_in_seconds_and_sent_again(slept) -> None:
    script = Script(httpx.Response(429, headers={"Retry-After": "2"}))
    assert client(script).get("/api/business/me").status_code == 200
    assert script.seen == ["GET", "GET"] and slept == [2.0]
    [event] = events.ledger().all_events()
    assert (event.outcome, event.causes, event.waited) == ("recovered", ["rate-limited"], 2.0)


def test_a_429_with_an_http_date_waits_until_that_date() -> None:
    later = datetime.now(timezone.utc) + timedelta(seconds=30)
    response = httpx.Response(429, headers={"Retry-After": format_datetime(later, usegmt=True)})
    assert 28 <= retry_after(response) <= 30


def test_a_write_refused_with_429_or_503_retry_after_is_sent_again(slept) -> None:
    script = Script(httpx.Response(429, headers={"Retry-After": "1"}),
                    httpx.Response(503, headers={"Retry-After": "1"}, text="maintenance"))
    assert client(script).put("/api/business/me", json={}).status_code == 200
    assert script.seen == ["PUT", "PUT", "PUT"] and slept == [1.0, 1.0]


def test_a_gateway_page_is_retried_for_a_read_with_backoff(slept) -> None:
    script = Script(httpx.Response(502, text=PAGE, headers={"Content-Type": "text/html"}),
                    httpx.Response(504, text="Gateway Timeout"))
    assert client(script).get("/api/business/me").status_code == 200
    assert len(script.seen) == 3 and len(slept) == 2 and all(0 < s <= 4.5 for s in slept)


def test_a_gateway_page_after_a_write_is_an_unknown_outcome_never_sent_again(slept) -> None:
    script = Script(httpx.Response(502, text=PAGE, headers={"Content-Type": "text/html"}))
    with pytest.raises(OutcomeUnknown, match=r"PUT /api/business/me: the gateway answered HTTP 502 \(text/html: "
                                             r"502 Bad Gateway\); whether the backend applied this write is unknown"):
        client(script).put("/api/business/me", json={"name": "x"})
    assert script.seen == ["PUT"]


def test_a_dropped_connection_is_retried_for_a_read_and_unknown_for_a_write(slept) -> None:
    reads = Script(dropped())
    assert client(reads).get("/api/business/me").status_code == 200 and reads.seen == ["GET", "GET"]
    writes = Script(dropped())
    with pytest.raises(OutcomeUnknown, match="connection was closed before the answer"):
        client(writes).put("/api/business/me", json={})
    assert writes.seen == ["PUT"]


def test_a_refused_connection_is_retried_even_for_a_write(slept) -> None:
    script = Script(httpx.ConnectError("[Errno 111] Connection refused"))
    assert client(script).put("/api/business/me", json={}).status_code == 200
    assert script.seen == ["PUT", "PUT"]


@pytest.mark.parametrize("method", ["GET", "PUT"])
def test_a_500_is_never_retried(slept, method: str) -> None:
    script = Script(httpx.Response(500, text="Internal Server Error"))
    assert client(script).request(method, "/api/business/me").status_code == 500
    assert script.seen == [method] and slept == [] and events.ledger().all_events() == []


def test_the_applications_own_503_without_retry_after_is_its_answer(slept) -> None:
    script = Script(httpx.Response(503, json={"detail": "database unavailable"}))
    assert client(script).get("/api/business/me").status_code == 503
    assert script.seen == ["GET"]


def test_a_login_and_a_restore_are_safe_to_send_again(slept) -> None:
    login, restore = Script(dropped()), Script(dropped())
    assert ApiClient(client(login)).login("qa@example.test", "pw-not-real-123").status_code == 200
    assert ApiClient(client(restore)).put_business("token-not-real-123", {"name": "x"}, restore=True).status_code == 200
    assert (login.seen, restore.seen) == (["POST", "POST"], ["PUT", "PUT"])


def test_a_gateway_that_keeps_failing_is_a_network_failure_in_one_line(slept) -> None:
    page = httpx.Response(502, text=PAGE, headers={"Content-Type": "text/html"})
    script = Script(*[page] * 10)
    with pytest.raises(NetworkFailure) as failure:
        client(script).get("/api/business/me")
    assert str(failure.value).startswith("the gateway answered HTTP 502 (text/html: 502 Bad Gateway) four times to "
                                         "GET /api/business/me (4 attempts over ")
    assert str(failure.value).endswith("; the backend's contract was not reached")
    assert [e.outcome for e in events.ledger().all_events()] == ["failed"]


def test_a_wait_beyond_the_budget_is_one_line(slept) -> None:
    transport.configure(NetworkPolicy(max_wait=60))
    transport.context().sleep = slept.append
    script = Script(httpx.Response(429, headers={"Retry-After": "120"}))
    with pytest.raises(WaitTooLong, match=r"GET /api/business/me: the deployment asks to wait 120 s, budget 60 s per "
                                          r"request \(--max-wait\); the backend's contract was not reached"):
        client(script).get("/api/business/me")
    assert slept == []


def test_a_retry_after_too_long_for_any_budget_is_one_line_not_a_crash(slept) -> None:
    script = Script(httpx.Response(429, headers={"Retry-After": "9" * 400}))
    with pytest.raises(WaitTooLong, match=r"GET /api/business/me: the deployment asks to wait \d+ s, budget 60 s per request"):
        client(script).get("/api/business/me")
    assert slept == []


def test_the_run_wide_budget_counts_every_wait(tmp_path, slept) -> None:
    transport.configure(NetworkPolicy(max_total_wait=5), run_dir=tmp_path)
    transport.context().sleep = slept.append
    first = Script(httpx.Response(429, headers={"Retry-After": "3"}))
    client(first).get("/api/business/me")
    second = Script(httpx.Response(429, headers={"Retry-After": "3"}))
    with pytest.raises(WaitTooLong, match=r"asks to wait 3 s, and the run has waited 3 s of its 5 s \(--max-total-wait\)"):
        client(second).get("/api/business/me")
    assert events.ledger().total() == 3.0


@pytest.mark.parametrize("raw, interval", [("20/s", 0.05), ("600/m", 0.1), ("1800/hour", 2.0), (" 2.5 / sec ", 0.4)])
def test_rates_are_read_in_every_usual_unit(raw: str, interval: float) -> None:
    assert parse_rate(raw).interval == pytest.approx(interval)


@pytest.mark.parametrize("raw", ["20", "fast", "0/s", "-1/s", "20/d"])
def test_a_bad_rate_is_one_clear_error(raw: str) -> None:
    with pytest.raises(ValueError, match="a rate looks like 20/s, 600/m or 1000/h"):
        parse_rate(raw)


def test_pacing_spaces_requests_evenly_first_come_first_served(tmp_path) -> None:
    slept: list[float] = []
    pacer = Pacer(parse_rate("10/s"), tmp_path, sleep=slept.append)
    for _ in range(5):
        pacer.wait()
    # Reserved slots 0.1 s apart; nobody actually slept, so each wait is measured from "now".
    assert slept[0] == pytest.approx(0.1, abs=0.02) and slept[-1] == pytest.approx(0.4, abs=0.02)


def test_pacing_holds_across_processes_and_starves_none(tmp_path) -> None:
    """Two processes share one cap (as xdist workers do): together at most the rate, each a fair share."""
    import subprocess
    import sys
    import time

    code = ("import sys, time; from pathlib import Path; from settings_qa.net.pacing import Pacer; "
            "from settings_qa.net.policy import parse_rate; p = Pacer(parse_rate('20/s'), Path(sys.argv[1])); "
            "end = float(sys.argv[2]); stamps = []\n"
            "while time.time() < end: p.wait(); stamps.append(time.time())\n"
            "print(len(stamps), min(stamps), max(stamps))")
    end = time.time() + 3
    workers = [subprocess.Popen([sys.executable, "-c", code, str(tmp_path), str(end)], stdout=subprocess.PIPE,
                                text=True) for _ in range(2)]
    counts = [int(worker.communicate(timeout=30)[0].split()[0]) for worker in workers]
    assert sum(counts) <= 3 * 20 + 2, counts  # the cap held (one slot of slack at each end)
    assert min(counts) >= 0.35 * sum(counts), counts  # nobody starved


def _reserve_many(run_dir: str, count: int, budget: float, granted) -> None:
    ledger = events.Ledger(Path(run_dir))
    granted.put(sum(1 for _ in range(count) if ledger.reserve_wait(1.0, budget) is not None))


def test_workers_booking_waits_at_once_never_overrun_the_run_budget(tmp_path) -> None:
    """Four processes (as xdist workers) book 1 s waits as fast as they can against a 60 s
    budget: exactly 60 are granted, and the run's total is 60."""
    context = multiprocessing.get_context("fork")
    granted = context.Queue()
    workers = [context.Process(target=_reserve_many, args=(str(tmp_path), 40, 60.0, granted)) for _ in range(4)]
    for worker in workers:
        worker.start()
    counts = [granted.get(timeout=60) for _ in workers]
    for worker in workers:
        worker.join(60)
    assert sum(counts) == 60
    assert events.Ledger(tmp_path).total() == 60.0


def _add_waits(run_dir: str, count: int) -> None:
    ledger = events.Ledger(Path(run_dir))
    for _ in range(count):
        ledger.add_wait(1.0)


def test_the_run_total_read_by_another_worker_never_goes_back(tmp_path) -> None:
    """A worker reading the run's total while another adds to it sees it grow, never an empty
    file's 0 in between (the budget would then be open again)."""
    ledger = events.Ledger(tmp_path)
    ledger.add_wait(1.0)
    writer = multiprocessing.get_context("fork").Process(target=_add_waits, args=(str(tmp_path), 300))
    writer.start()
    seen = []
    while writer.is_alive():
        seen.append(ledger.total())
    writer.join()
    assert seen and min(seen) >= 1.0
    assert all(later >= earlier for earlier, later in zip(seen, seen[1:]))
    assert ledger.total() == 301.0


def test_a_proxy_password_from_the_environment_is_never_shown(slept, monkeypatch) -> None:
    from settings_qa.redaction import redact

    monkeypatch.setenv("HTTPS_PROXY", "http://qa-user:pr%40xy-secret-41@proxy.example.test:3128")
    transport.build_client("https://deployment.test", timeout=5).close()
    shown = redact("ProxyError via http://qa-user:pr%40xy-secret-41@proxy.example.test:3128 (pr@xy-secret-41)")
    assert "xy-secret-41" not in shown
