"""The one transport: every HTTP client of the suite, the fuzzer, the preflight and
`settings-e2e` is built here (`build_client`), with one policy (settings_qa/net/policy.py).

`PolicyTransport` wraps the real transport (the network, or the in-process app): it paces
each attempt (`--rate-limit`), sends it, and lets the policy judge what came back. The
retry loop is tenacity's: waits as asked by `Retry-After`, exponential backoff with jitter
otherwise, and stops at the attempt limit or the waiting budget (per request and per run),
then raises `NetworkFailure` in one line. Every request the network touched leaves a
`NetworkEvent` (settings_qa/net/events.py).

schemathesis sends its cases with `requests`; `requests_session()` gives it a session whose
adapter sends through the same client, so the fuzzer's cases and its checks' own probes meet
the same policy, pacing and events as everything else.
"""

from __future__ import annotations

import http.cookiejar
import io
import ssl
import time
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any, Callable
from urllib.parse import urlsplit

import httpx
import requests
import tenacity
from requests.adapters import HTTPAdapter
from urllib3 import HTTPResponse

from settings_qa import __version__
from settings_qa.net import events
from settings_qa.net.events import NetworkEvent
from settings_qa.redaction import register_secret
from settings_qa.net.pacing import Pacer
from settings_qa.net.policy import (
    GATEWAY_STATUSES, SAFE_EXTENSION, NetworkFailure, NetworkPolicy, OutcomeUnknown, Verdict, WaitTooLong, is_safe,
    judge, seconds,
)

USER_AGENT = f"settings-qa/{__version__}"


@dataclass
class NetworkContext:
    """This process's policy, pacing and TLS settings: set once per run (`configure`)."""

    policy: NetworkPolicy = field(default_factory=NetworkPolicy)
    pacer: Pacer = field(default_factory=lambda: Pacer(None))
    ca_bundle: Path | None = None
    sleep: Callable[[float], None] = time.sleep


_context = NetworkContext()


def configure(policy: NetworkPolicy, run_dir: Path | None = None, ca_bundle: Path | None = None) -> NetworkContext:
    """The run's network settings for this process; `run_dir` shares pacing, events and the
    waiting budget with the run's other processes."""
    global _context
    events.use(run_dir)
    _context = NetworkContext(policy, Pacer(policy.rate, run_dir), ca_bundle)
    return _context


def context() -> NetworkContext:
    return _context


class _Again(Exception):
    """One attempt the policy wants to repeat (internal to the retry loop)."""

    def __init__(self, verdict: Verdict, outcome: httpx.Response | BaseException) -> None:
        super().__init__(verdict.detail)
        self.verdict, self.outcome = verdict, outcome


@dataclass
class _Trace:
    """What one request met on its way, for its event and its failure message."""

    verdicts: list[Verdict] = field(default_factory=list)
    waited: float = 0.0
    stop_reason: str = ""

    def count(self, action: str) -> int:
        return sum(1 for v in self.verdicts if v.action == action)


class PolicyTransport(httpx.BaseTransport):
    def __init__(self, inner: httpx.BaseTransport, ctx: NetworkContext | None = None) -> None:
        self.inner = inner
        self.ctx = ctx

    @property
    def _ctx(self) -> NetworkContext:
        return self.ctx or _context

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        ctx, safe, trace = self._ctx, is_safe(request), _Trace()

        def attempt() -> httpx.Response:
            paced = ctx.pacer.wait()
            if paced > 0.001:
                events.ledger().add_wait(paced, "paced")
            try:
                outcome: httpx.Response | BaseException = self.inner.handle_request(request)
            except httpx.TransportError as exc:
                outcome = exc
            else:
                if outcome.status_code == 429 or outcome.status_code in GATEWAY_STATUSES:
                    outcome.read()  # small error bodies: the policy looks at them
            verdict = judge(outcome, safe=safe)
            if verdict.action == "return":
                if isinstance(outcome, BaseException):
                    raise outcome
                return outcome
            trace.verdicts.append(verdict)
            if isinstance(outcome, httpx.Response):
                outcome.close()
            raise _Again(verdict, outcome)

        retrying = tenacity.Retrying(
            retry=tenacity.retry_if_exception(lambda exc: isinstance(exc, _Again) and exc.verdict.action != "unknown"),
            wait=self._wait, stop=lambda state: self._stop(state, trace), before_sleep=lambda state: self._slept(
                state, trace), sleep=ctx.sleep, reraise=True)
        try:
            response = retrying(attempt)
        except _Again as last:
            raise self._failure(request, trace, last) from None
        except httpx.TransportError:
            if trace.verdicts:  # met the network first, then something the policy does not retry
                self._record(request, trace, "failed")
            raise
        if trace.verdicts:
            self._record(request, trace, "recovered")
        return response

    # -- the loop's parts (tenacity) -------------------------------------------------------
    def _wait(self, state: tenacity.RetryCallState) -> float:
        verdict = state.outcome.exception().verdict
        if verdict.wait is not None:
            return max(verdict.wait, 0.05)  # as asked; never a hot loop on "Retry-After: 0"
        policy = self._ctx.policy
        backoff = tenacity.wait_exponential_jitter(multiplier=policy.backoff, max=policy.backoff_max, jitter=policy.backoff)
        return backoff(state)

    def _stop(self, state: tenacity.RetryCallState, trace: _Trace) -> bool:
        verdict, policy, upcoming = state.outcome.exception().verdict, self._ctx.policy, state.upcoming_sleep
        if verdict.action == "retry" and trace.count("retry") > policy.retries:
            trace.stop_reason = "attempts"
        elif verdict.action == "wait" and trace.count("wait") > policy.max_rate_limited:
            trace.stop_reason = "attempts"
        elif trace.waited + upcoming > policy.max_wait:
            trace.stop_reason = f"--max-wait: the deployment asks to wait {seconds(upcoming)}" + (
                f" more after {seconds(trace.waited)}" if trace.waited else "") + f", budget {seconds(policy.max_wait)} per request"
        elif events.ledger().reserve_wait(upcoming, policy.max_total_wait) is None:  # the last check: it books the wait
            trace.stop_reason = (f"--max-total-wait: the deployment asks to wait {seconds(upcoming)}, and the run has "
                                 f"waited {seconds(events.ledger().total())} of its {seconds(policy.max_total_wait)}")
        return bool(trace.stop_reason)

    def _slept(self, state: tenacity.RetryCallState, trace: _Trace) -> None:
        trace.waited += state.upcoming_sleep  # the run's total was booked by _stop

    # -- the outcome ----------------------------------------------------------------------
    def _record(self, request: httpx.Request, trace: _Trace, outcome: str, note: str = "") -> None:
        events.record(NetworkEvent(request.method, request.url.path, outcome, [v.cause for v in trace.verdicts],
                                   [v.detail for v in trace.verdicts], round(trace.waited, 3), note=note))

    def _failure(self, request: httpx.Request, trace: _Trace, last: _Again) -> NetworkFailure:
        where, causes = f"{request.method} {request.url.path}", tuple(v.cause for v in trace.verdicts)
        if last.verdict.action == "unknown":
            self._record(request, trace, "outcome-unknown")
            what = ("the gateway answered " + last.verdict.detail if last.verdict.cause == "gateway"
                    else "the connection was closed before the answer (" + last.verdict.detail + ")")
            return OutcomeUnknown(f"{where}: {what}; whether the backend applied this write is unknown",
                                  request=request, causes=causes)
        self._record(request, trace, "failed", note=trace.stop_reason)
        if trace.stop_reason.startswith("--max"):
            flag, _, text = trace.stop_reason.partition(": ")
            return WaitTooLong(f"{where}: {text} ({flag}); the backend's contract was not reached", request=request,
                               causes=causes)
        return NetworkFailure(f"{_answered(trace.verdicts)} to {where} ({len(trace.verdicts)} attempts over "
                              f"{seconds(trace.waited)}); the backend's contract was not reached", request=request,
                              causes=causes)

    def close(self) -> None:
        self.inner.close()


def _times(count: int) -> str:
    return {1: "once", 2: "twice", 3: "three times", 4: "four times", 5: "five times"}.get(count, f"{count} times")


def _answered(verdicts: list[Verdict]) -> str:
    """`the gateway answered HTTP 502 (text/html) three times`, or a mix of what came back."""
    details = [v.detail for v in verdicts]
    causes = {v.cause for v in verdicts}
    if causes <= {"gateway", "rate-limited", "unavailable"}:
        what = details[0] + " " + _times(len(details)) if len(set(details)) == 1 else ", ".join(details)
        who = "the deployment" if causes - {"gateway"} else "the gateway"
        return f"{who} answered {what}"
    if causes == {"dropped"}:
        return f"the connection was closed before the answer {_times(len(details))} ({details[-1]})"
    if causes == {"refused"}:
        return f"no connection {_times(len(details))} ({details[-1]})"
    return "the network failed " + _times(len(details)) + " (" + "; ".join(details) + ")"


# ---------------------------------------------------------------------------- building clients

def ssl_context(ca_bundle: Path | None) -> ssl.SSLContext | bool:
    """`--ca-bundle` when given; otherwise httpx's default, which honours SSL_CERT_FILE/SSL_CERT_DIR."""
    if ca_bundle is None:
        return True
    return ssl.create_default_context(cafile=str(ca_bundle))


def network_transports(ctx: NetworkContext) -> tuple[httpx.BaseTransport, dict[str, httpx.BaseTransport | None]]:
    """The plain transport and the proxy mounts that httpx would build from the environment
    (HTTP_PROXY, HTTPS_PROXY, ALL_PROXY, NO_PROXY), each behind the policy."""
    from httpx._utils import get_environment_proxies  # what httpx.Client does when given no transport

    verify = ssl_context(ctx.ca_bundle)
    mounts: dict[str, httpx.BaseTransport | None] = {}
    for pattern, proxy in get_environment_proxies().items():
        if proxy is not None and httpx.URL(proxy).password:  # user:password@ of a proxy: never in a message
            register_secret(httpx.URL(proxy).password)
            register_secret(httpx.URL(proxy).userinfo.decode("ascii", "replace").partition(":")[2])  # as written
        mounts[pattern] = None if proxy is None else PolicyTransport(
            httpx.HTTPTransport(verify=verify, trust_env=True, proxy=proxy))
    return PolicyTransport(httpx.HTTPTransport(verify=verify, trust_env=True)), mounts


def build_client(base_url: str, *, timeout: float, inner: httpx.BaseTransport | None = None,
                 headers: dict[str, str] | None = None) -> httpx.Client:
    """An httpx client to `base_url` through the policy: over the network (with the
    environment's proxies and CA settings), or through `inner` (the in-process app)."""
    ctx = _context
    common: dict[str, Any] = {"base_url": base_url, "timeout": timeout, "follow_redirects": False,
                              "headers": {"User-Agent": USER_AGENT, **(headers or {})}}
    if inner is not None:
        return httpx.Client(transport=PolicyTransport(inner), **common)
    transport, mounts = network_transports(ctx)
    return httpx.Client(transport=transport, mounts=mounts, trust_env=False, **common)


# ---------------------------------------------------------------------------- requests, for schemathesis

class HttpxAdapter(HTTPAdapter):
    """A `requests` adapter that sends through one of our httpx clients (and so the policy).

    `safe(method, path)` says which of the fuzzer's requests may be sent again (its reads and
    logins); its writes are not, so a write whose outcome is unknown raises `OutcomeUnknown`.
    """

    def __init__(self, client: httpx.Client, safe: Callable[[str, str], bool]) -> None:
        super().__init__()
        self.client, self.safe = client, safe

    def send(self, request: requests.PreparedRequest, stream: bool = False, timeout: Any = None,
             verify: Any = True, cert: Any = None, proxies: Any = None) -> requests.Response:
        body = request.body.encode("utf-8") if isinstance(request.body, str) else (request.body or b"")
        path = urlsplit(request.url).path
        outgoing = self.client.build_request(
            request.method, request.url, headers=dict(request.headers), content=body,
            extensions={SAFE_EXTENSION: self.safe(request.method.upper(), path)})
        started = time.perf_counter()
        answer = self.client.send(outgoing)
        elapsed = timedelta(seconds=time.perf_counter() - started)
        headers = [(k, v) for k, v in answer.headers.multi_items() if k.lower() not in ("content-encoding",
                                                                                        "content-length")]
        raw = HTTPResponse(body=io.BytesIO(answer.content), headers=headers + [("content-length",
                                                                                str(len(answer.content)))],
                           status=answer.status_code, reason=answer.reason_phrase, version=11,
                           preload_content=False, decode_content=False, request_method=request.method)
        response = self.build_response(request, raw)
        response.elapsed = elapsed
        return response


class _NoCookies(http.cookiejar.DefaultCookiePolicy):
    """The fuzzer's session keeps no cookie: schemathesis' auth probes must carry no credential."""

    def set_ok(self, cookie: Any, request: Any) -> bool:
        return False

    def return_ok(self, cookie: Any, request: Any) -> bool:
        return False


def requests_session(client: httpx.Client, safe: Callable[[str, str], bool]) -> requests.Session:
    session = requests.Session()
    adapter = HttpxAdapter(client, safe)
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    session.trust_env = False  # the httpx client below already applied the environment
    session.cookies.set_policy(_NoCookies())
    return session
