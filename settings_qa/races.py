"""Real concurrent requests for the @concurrency scenarios, and the evidence they leave.

`fire()` sends several saves at the same moment: one thread and one client each, released
together by a barrier, so the requests overlap on the server whatever the target (in-process,
loopback or a deployment). Every answer is judged by the contract like any other. Each
`Sent` keeps what a failure message needs: which request, what it wrote, how it was
answered, and when it ended (the request answered last is the one that "won" a lost update).

A race is a matter of chance: a scenario runs several rounds, each with values from its own
seed (`round_faker`), bounded by the client's timeout.
"""

from __future__ import annotations

import threading
import time
import zlib
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest
from faker import Faker

from contracts import validate
from settings_qa import reporting, runsettings
from settings_qa.client import ApiClient, Exchange
from settings_qa.findings import note_unnamed
from settings_qa.net.policy import NetworkFailure

_SHOWN = 40


@dataclass
class Sent:
    number: int  # 1-based, in the order the requests were built
    role: str
    body: dict[str, Any]
    status: int | None = None
    answer: Any = None  # the body as the contract names it
    problems: list[str] = field(default_factory=list)  # contract violations of the answer
    ended_ms: float = 0.0  # after the burst was released
    error: str | None = None  # no answer at all
    network: bool = False  # the network, not the application, kept its answer away (a gateway, a dropped connection)

    @property
    def label(self) -> str:
        fields = ", ".join(self.body) or "nothing"
        owner = "" if self.role == "primary" else f" as the {self.role.replace('_', ' ')} account"
        return f"PUT #{self.number} {{{fields}}}{owner}"

    @property
    def ok(self) -> bool:
        return self.status == 200 and not self.problems

    def describe(self) -> str:
        if self.error:
            return f"{self.label} got no answer ({self.error})"
        return f"{self.label} answered HTTP {self.status} after {self.ended_ms:.0f} ms" + (
            f": {'; '.join(self.problems)}" if self.problems else "")


@dataclass
class Round:
    number: int  # 1-based
    seed: int
    sent: list[Sent] = field(default_factory=list)
    wanted: dict[str, dict[str, Any]] = field(default_factory=dict)  # role -> the values of the round
    after: dict[str, dict[str, Any]] = field(default_factory=dict)  # role -> business, once it settled

    @property
    def title(self) -> str:
        return f"round {self.number} (seed {self.seed})"

    def winner(self) -> Sent | None:
        """The request answered last: of a lost update, the likeliest to have overwritten the others."""
        answered = [s for s in self.sent if s.status is not None]
        return max(answered, key=lambda s: s.ended_ms) if answered else None


@dataclass(frozen=True)
class RaceSettings:
    rounds: int
    requests: int

    @classmethod
    def of(cls, config: pytest.Config) -> RaceSettings:
        settings = runsettings.of(config)
        return cls(settings.race_rounds, settings.race_requests)


def round_seed(config: pytest.Config, nodeid: str, number: int) -> int:
    return (runsettings.of(config).seed ^ zlib.crc32(nodeid.encode())) + number


def round_faker(seed: int) -> Faker:
    fake = Faker()
    fake.seed_instance(seed)
    return fake


def send(api: ApiClient, token: str, item: Sent, started: float) -> Sent:
    """One save, judged by the contract; `started` is when its burst (or stream) began."""
    try:
        response = api.put_business(token, item.body)
    except NetworkFailure as exc:
        item.error, item.network = f"network: {exc}", True
        return item
    except httpx.HTTPError as exc:
        item.error = type(exc).__name__
        return item
    finally:
        item.ended_ms = (time.perf_counter() - started) * 1000
    verdict = validate.judge("put", response.status_code, response.headers, response.content)
    note_unnamed(verdict.unnamed, f"PUT {response.request.url.path}")
    item.status, item.answer, item.problems = response.status_code, verdict.view, verdict.problems
    return item


def fire(target: Any, tokens: dict[str, str], saves: list[tuple[str, dict[str, Any]]], *,
         attach: bool, first_number: int = 1, delays: list[float] | None = None) -> list[Sent]:
    """Send every (role, body) save at the same moment (or `delays[i]` seconds after it); return
    them answered, in order."""
    sent = [Sent(number, role, body) for number, (role, body) in enumerate(saves, first_number)]
    barrier = threading.Barrier(len(sent))
    exchanges: list[list[Exchange]] = [[] for _ in sent]
    released: list[float] = []

    def run(item: Sent, recorded: list[Exchange]) -> None:
        with target.http_client() as http:
            api = ApiClient(http, on_exchange=recorded.append if attach else None)
            try:
                barrier.wait(timeout=target.timeout)
            except threading.BrokenBarrierError:
                item.error = "the burst never started: another request's thread failed first"
                return
            released.append(time.perf_counter())
            if delays and delays[item.number - first_number] > 0:
                time.sleep(delays[item.number - first_number])
            send(api, tokens[item.role], item, released[0])

    threads = [threading.Thread(target=run, args=(item, recorded), daemon=True)
               for item, recorded in zip(sent, exchanges)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(target.timeout + 5)
    for item, thread in zip(sent, threads):
        if thread.is_alive():
            item.error = f"still running after {target.timeout + 5:.0f} s"
    if attach:  # attachments belong to the test's thread
        for exchange in (e for recorded in exchanges for e in recorded):
            reporting.attach_exchange(exchange)
    return sent


def show(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= _SHOWN else f"{text[:_SHOWN]}... ({len(text)} chars)"
