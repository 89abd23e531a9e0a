"""What the suite does with an answer (or a missing one) before anything judges it.

Production sits behind gateways. Some answers come from the gateway, not from the
application, and say nothing about the contract: a rate limit (429), a gateway that cannot
reach the backend (502, 504, a 503 page), a connection closed before the answer. This module
tells those apart from the application's own answers and decides, per request:

| what came back | safe request (read, login, our restore) | write (PUT) |
|---|---|---|
| 429, or 503 with Retry-After | wait as asked, send again | wait as asked, send again (not processed) |
| 502/503/504 that is not the app's JSON | retry with backoff and jitter | outcome unknown: `OutcomeUnknown` |
| connection refused, connect timeout | retry (nothing was sent) | retry (nothing was sent) |
| connection closed or reset before the answer | retry | outcome unknown: `OutcomeUnknown` |
| a timeout waiting for the answer | no retry (the operator's timeout) | no retry |
| any other answer, every 500 among them | returned as it is: never retried | returned as it is |

A 500 is never retried: the incident's bug was a 500 after commit, and a retry would turn it
green. A request that still fails after its retries raises `NetworkFailure`, worded as the
network's failure, never as the contract's.
"""

from __future__ import annotations

import html
import math
import re
from dataclasses import dataclass
from datetime import datetime, timezone
from email.utils import parsedate_to_datetime

import httpx

GATEWAY_STATUSES = (502, 503, 504)
# Connection failures that mean "nothing was sent": safe to send again, whatever the method.
NOT_SENT = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)
# The connection died after the request may have reached the server.
DROPPED = (httpx.ReadError, httpx.WriteError, httpx.RemoteProtocolError, httpx.CloseError)
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
SAFE_EXTENSION = "settings_qa.safe"  # request extension: True marks a request safe to send again

_TITLE = re.compile(r"<title[^>]*>(.*?)</title>", re.IGNORECASE | re.DOTALL)
_RATE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*/\s*(s|sec|second|m|min|minute|h|hour)\s*$", re.IGNORECASE)
_UNIT_SECONDS = {"s": 1, "sec": 1, "second": 1, "m": 60, "min": 60, "minute": 60, "h": 3600, "hour": 3600}


class NetworkFailure(httpx.TransportError):
    """The network (a gateway, a dropped connection, a rate limit past its budget) kept the request
    from the backend: not a finding about the contract. The message says so in one line;
    `causes` are what each attempt met (settings_qa/net/events.py CAUSES)."""

    def __init__(self, message: str, *, request: httpx.Request | None = None, causes: tuple[str, ...] = ()) -> None:
        super().__init__(message, request=request)
        self.causes = causes


class OutcomeUnknown(NetworkFailure):
    """A write was sent and no answer from the application came back: it may or may not have
    been applied. Never sent again blindly; the caller re-establishes a known state."""


class WaitTooLong(NetworkFailure):
    """The deployment asks to wait longer than the waiting budget allows."""


@dataclass(frozen=True)
class Rate:
    """A request rate such as `20/s` or `600/m`: at most one request every `interval` seconds."""

    count: float
    unit: str

    @property
    def interval(self) -> float:
        return _UNIT_SECONDS[self.unit.lower()] / self.count

    def __str__(self) -> str:
        count = int(self.count) if self.count == int(self.count) else self.count
        return f"{count}/{self.unit}"


def parse_rate(raw: str) -> Rate:
    """`20/s`, `600/m`, `1000/h` (also `sec`, `min`, `hour`); ValueError in words otherwise."""
    match = _RATE.match(raw or "")
    if not match or float(match.group(1)) <= 0:
        raise ValueError(f"a rate looks like 20/s, 600/m or 1000/h, got {raw!r}")
    return Rate(float(match.group(1)), match.group(2))


@dataclass(frozen=True)
class NetworkPolicy:
    """How patient the suite is with the network. The defaults suit a deployment behind a gateway."""

    retries: int = 3  # extra attempts of a safe request after a gateway failure
    backoff: float = 0.5  # seconds; full jitter, doubling per attempt, capped at backoff_max
    backoff_max: float = 8.0
    max_wait: float = 60.0  # seconds one request may wait in all (Retry-After and backoff)
    max_total_wait: float = 900.0  # seconds the whole run may wait in all
    max_rate_limited: int = 30  # 429 answers one request may meet before giving up
    rate: Rate | None = None  # the cap on the run's request rate (--rate-limit)

    def patient(self) -> "NetworkPolicy":
        """The end-of-run restore's policy: more attempts, longer waits."""
        return NetworkPolicy(retries=max(self.retries, 6), backoff=self.backoff, backoff_max=max(self.backoff_max, 15.0),
                             max_wait=max(self.max_wait, 180.0), max_total_wait=max(self.max_total_wait, 1800.0),
                             max_rate_limited=max(self.max_rate_limited, 60), rate=self.rate)


def is_safe(request: httpx.Request) -> bool:
    """Reads are safe to send again; so is any request its sender marked so (a login, a restore)."""
    marked = request.extensions.get(SAFE_EXTENSION)
    return bool(marked) if marked is not None else request.method.upper() in SAFE_METHODS


# A year: longer than any waiting budget can be, short enough to stay a plain finite number.
RETRY_AFTER_CEILING = 365 * 24 * 3600.0


def retry_after(response: httpx.Response, now: datetime | None = None) -> float | None:
    """Seconds the `Retry-After` header asks to wait (a number or an HTTP date), or None."""
    raw = response.headers.get("retry-after", "").strip()
    if not raw:
        return None
    if re.fullmatch(r"\d+(\.\d+)?", raw):
        return min(float(raw), RETRY_AFTER_CEILING)  # "9" * 400 is a number too: past any budget, not infinite
    try:
        when = parsedate_to_datetime(raw)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    return max(0.0, (when - (now or datetime.now(timezone.utc))).total_seconds())


def from_the_application(response: httpx.Response) -> bool:
    """A JSON body is the application's answer (the contract's bodies are JSON); a gateway's
    error page is HTML or text."""
    if "json" not in response.headers.get("content-type", "").lower():
        return False
    try:
        response.json()
    except ValueError:
        return False
    return True


@dataclass(frozen=True)
class Verdict:
    """What to do with one attempt's outcome."""

    action: str  # "return", "wait" (as asked), "retry" (backoff), "unknown" (a write: stop)
    cause: str = ""  # the event's kind: rate-limited, unavailable, gateway, dropped, refused
    detail: str = ""  # one line: what came back
    wait: float | None = None  # seconds asked by Retry-After


def judge(outcome: httpx.Response | BaseException, *, safe: bool) -> Verdict:
    """The policy's decision for one attempt (the table in the module's docstring)."""
    if isinstance(outcome, BaseException):
        detail = describe_error(outcome)
        if isinstance(outcome, NOT_SENT):
            # A name that does not resolve or a certificate that is not trusted will not change
            # by asking again: the caller says so in one line at once.
            return Verdict("return") if _permanent(outcome) else Verdict("retry", "refused", detail)
        if isinstance(outcome, DROPPED):
            return Verdict("retry" if safe else "unknown", "dropped", detail)
        return Verdict("return")  # timeouts and the rest: the caller sees the exception
    status = outcome.status_code
    asked = retry_after(outcome) if status in (429, 503) else None
    if status == 429:
        return Verdict("wait", "rate-limited", describe_status(outcome), asked)
    if status == 503 and asked is not None:
        return Verdict("wait", "unavailable", describe_status(outcome), asked)
    if status in GATEWAY_STATUSES and not from_the_application(outcome):
        return Verdict("retry" if safe else "unknown", "gateway", describe_status(outcome))
    return Verdict("return")


def describe_status(response: httpx.Response) -> str:
    """`HTTP 502 (text/html: 502 Bad Gateway)`: the status, the body's type and its page title."""
    content_type = response.headers.get("content-type", "no content-type").split(";")[0]
    title = _TITLE.search(response.text[:2000]) if "html" in content_type else None
    what = f"{content_type}: {html.unescape(' '.join(title.group(1).split()))[:80]}" if title else content_type
    asked = response.headers.get("retry-after")
    return f"HTTP {response.status_code} ({what}" + (f", Retry-After: {asked}" if asked else "") + ")"


def _permanent(exc: BaseException) -> bool:
    text = str(exc).lower()
    return any(sign in text for sign in ("name or service not known", "nodename nor servname", "getaddrinfo",
                                         "name resolution", "certificate", "ssl", "tls"))


def describe_error(exc: BaseException) -> str:
    text = " ".join(str(exc).split())
    if isinstance(exc, httpx.ConnectError) and "refused" in text.lower():
        return "connection refused"
    if isinstance(exc, httpx.ConnectTimeout):
        return "no connection within the timeout"
    return f"{type(exc).__name__}" + (f": {text[:120]}" if text else "")


def seconds(value: float) -> str:
    """`1.5 s`, `120 s`: how the messages show a duration."""
    if not math.isfinite(value):
        return "forever"
    return f"{value:.1f} s" if value < 10 and not math.isclose(value, round(value)) else f"{round(value):d} s"
