"""The suite's HTTP client for the business-settings API.

One thin layer over an httpx client from settings_qa/net (the one transport: its policy
waits on rate limits and retries what is safe to retry) used by the Gherkin steps, the
contract checks and the post-deploy command alike. It knows the three operations of the
contract, tells the transport which requests are safe to send again (reads, the login, and
our own restores; never a save under test), keeps every secret it touches registered for
redaction, and records each exchange for reports.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from typing import Any, Callable

import httpx

from contracts.models import WRITABLE_FIELDS, writable
from settings_qa.net.policy import SAFE_EXTENSION
from settings_qa.redaction import redact, redact_data, redact_headers, register_secret

LOGIN_PATH = "/api/auth/login"
BUSINESS_PATH = "/api/business/me"
_UNSET: Any = object()


@dataclass
class Exchange:
    """One request and its response, already redacted, for logs and report attachments."""

    method: str
    url: str
    request_headers: dict[str, str]
    request_body: str
    status: int | None
    response_headers: dict[str, str] = field(default_factory=dict)
    response_body: str = ""
    elapsed_ms: float = 0.0
    error: str | None = None

    def render(self) -> str:
        lines = [f"{self.method} {self.url}"]
        lines += [f"{k}: {v}" for k, v in self.request_headers.items()]
        if self.request_body:
            lines += ["", self.request_body]
        lines += ["", "---", ""]
        if self.error:
            lines.append(f"(no response: {self.error})")
        else:
            lines.append(f"HTTP {self.status}  ({self.elapsed_ms:.0f} ms)")
            lines += [f"{k}: {v}" for k, v in self.response_headers.items()]
            lines += ["", self.response_body]
        return "\n".join(lines)


def _pretty(raw: bytes | str, content_type: str = "application/json") -> str:
    text = raw.decode("utf-8", "replace") if isinstance(raw, bytes) else raw
    if "json" in content_type:
        try:
            return json.dumps(redact_data(json.loads(text)), ensure_ascii=False, indent=2)
        except ValueError:
            pass
    return redact(text)


class ApiClient:
    """The contract's operations over any httpx transport (in-process ASGI or network)."""

    def __init__(
        self,
        http: httpx.Client,
        *,
        on_exchange: Callable[[Exchange], None] | None = None,
    ) -> None:
        self.http = http
        self.on_exchange = on_exchange

    @property
    def base_url(self) -> str:
        return str(self.http.base_url)

    def request(
        self,
        method: str,
        path: str,
        *,
        token: str | None = None,
        json_body: Any = _UNSET,
        content: bytes | str | None = None,
        headers: dict[str, str] | None = None,
        safe: bool | None = None,
    ) -> httpx.Response:
        """Send one request through the policy. `safe` marks a request that may be sent again
        after a gateway error (None: by its method, GET is and PUT is not)."""
        merged = {"Accept": "application/json", **(headers or {})}
        if token is not None:
            register_secret(token)
            merged["Authorization"] = f"Bearer {token}"
        kwargs: dict[str, Any] = {"headers": merged}
        if json_body is not _UNSET:
            kwargs["content"] = json.dumps(json_body, ensure_ascii=False).encode("utf-8")
            merged.setdefault("Content-Type", "application/json")
        elif content is not None:
            kwargs["content"] = content
        if safe is not None:
            kwargs["extensions"] = {SAFE_EXTENSION: safe}
        started = time.perf_counter()
        try:
            response = self.http.request(method, path, **kwargs)
        except httpx.HTTPError as exc:
            self._record(method, path, kwargs, None, started, error=f"{type(exc).__name__}: {exc}")
            raise
        self._record(method, path, kwargs, response, started)
        return response

    def login(self, email: str, password: str, **extra: Any) -> httpx.Response:
        register_secret(password)
        response = self.request("POST", LOGIN_PATH, json_body={"email": email, "password": password, **extra},
                                safe=True)  # a login changes nothing: safe to send again
        if response.status_code == 200:
            try:
                register_secret(response.json().get("access_token"))
            except (ValueError, AttributeError):
                pass
        return response

    def get_business(self, token: str | None, **kwargs: Any) -> httpx.Response:
        return self.request("GET", BUSINESS_PATH, token=token, **kwargs)

    def put_business(self, token: str | None, body: Any = _UNSET, *, restore: bool = False,
                     **kwargs: Any) -> httpx.Response:
        """A save. `restore=True` for our own restores: written back to a known state, they are
        safe to send again; a save under test never is (its answer is what is judged)."""
        return self.request("PUT", BUSINESS_PATH, token=token, json_body=body, safe=restore or None, **kwargs)

    def _record(self, method, path, kwargs, response, started, error=None) -> None:
        if self.on_exchange is None:  # nobody reads it: skip the rendering and redaction work
            return
        body = kwargs.get("content") or b""
        exchange = Exchange(
            method=method,
            url=redact(str(self.http.base_url.join(path))),
            request_headers=redact_headers(kwargs["headers"]),
            request_body=_pretty(body) if body else "",
            status=response.status_code if response is not None else None,
            error=error,
        )
        if response is not None:
            exchange.response_headers = redact_headers(response.headers)
            exchange.response_body = _pretty(response.content, response.headers.get("content-type", ""))
            exchange.elapsed_ms = (time.perf_counter() - started) * 1000
        self.on_exchange(exchange)


def json_or_none(response: httpx.Response) -> Any:
    """The decoded body, or None when the body is not JSON (an HTML 502 page, say)."""
    try:
        return response.json()
    except ValueError:
        return None


def restore_settings(client: ApiClient, token: str, original: dict[str, Any]) -> list[str]:
    """Write back the writable fields of `original` and verify them by reading; return what is
    still wrong (empty when restored). What counts is the read, not the PUT's status: a broken
    server may answer 500 and commit, or drop the connection (the restoring PUT is safe to send
    again, so the transport retries it).
    Both the body written and the comparison use the contract's writable shape only (a FAQ
    read back with a server `id` is written back without it)."""
    wanted = writable(original)
    try:
        status = client.put_business(token, wanted, restore=True).status_code
        now = json_or_none(client.get_business(token))
    except httpx.HTTPError as exc:
        return [f"{type(exc).__name__} while restoring: {' '.join(str(exc).split())}"]
    now = writable(now if isinstance(now, dict) else {})
    wrong = [k for k in WRITABLE_FIELDS if now.get(k) != wanted[k]]
    return [f"fields not restored: {', '.join(wrong)} (the restoring PUT answered HTTP {status})"] if wrong else []
