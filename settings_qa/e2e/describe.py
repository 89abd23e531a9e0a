"""One-line, redacted descriptions of what went wrong on the wire or in a response."""

from __future__ import annotations

import html
import re
from typing import Any

import httpx
from pydantic import ValidationError

from settings_qa.client import json_or_none
from settings_qa.redaction import redact

MAX_DETAIL = 300
_TITLE = re.compile(r"<title[^>]*>(.*?)</title>", re.IGNORECASE | re.DOTALL)
_TAG = re.compile(r"<[^>]+>")


def one_line(text: Any, limit: int = MAX_DETAIL) -> str:
    """Collapse whitespace, cut to `limit` characters, mask secrets."""
    flat = " ".join(str(text).split())
    if len(flat) > limit:
        flat = flat[: limit - 3] + "..."
    return redact(flat)


def transport_error(exc: httpx.HTTPError, timeout: float) -> str:
    """Why no response came back, in words an operator can act on."""
    text = str(exc)
    lowered = text.lower()
    if isinstance(exc, httpx.TimeoutException):
        return f"no answer within {timeout:g} s ({type(exc).__name__})"
    if isinstance(exc, httpx.ConnectError):
        if "name or service not known" in lowered or "nodename nor servname" in lowered or (
            "getaddrinfo" in lowered or "temporary failure in name resolution" in lowered
        ):
            return f"unknown host ({one_line(text, 120)})"
        if "refused" in lowered:
            return "connection refused"
        if "certificate" in lowered or "ssl" in lowered:
            return f"TLS error ({one_line(text, 160)})"
        return f"cannot connect ({one_line(text, 160) or type(exc).__name__})"
    if isinstance(exc, (httpx.ReadError, httpx.WriteError, httpx.RemoteProtocolError)):
        return f"connection closed by the server ({type(exc).__name__})"
    return f"{type(exc).__name__}: {one_line(text, 160)}"


def backend_error(response: httpx.Response) -> str:
    """`HTTP <status>: <detail>` with the backend's own detail, whatever shape the body has."""
    if response.is_redirect:
        where = one_line(response.headers.get("location", "?"), 120)
        return f"HTTP {response.status_code}: redirect to {where} (not followed; use that address as --url)"
    return f"HTTP {response.status_code}: {response_detail(response)}"


def response_detail(response: httpx.Response) -> str:
    body = json_or_none(response)
    if isinstance(body, dict) and "detail" in body:
        return one_line(_detail_text(body["detail"]))
    if body is not None:
        return one_line(body)
    text = response.text
    if not text.strip():
        return f"{response.reason_phrase or 'no reason given'} (empty body)"
    content_type = response.headers.get("content-type", "unknown type")
    title = _TITLE.search(text)
    summary = title.group(1) if title else _TAG.sub(" ", text)
    return one_line(f"{html.unescape(summary).strip()} ({content_type}, not JSON)")


def _detail_text(detail: Any) -> str:
    """FastAPI's detail is a string, or a list of {loc, msg} for a 422."""
    if isinstance(detail, list):
        parts = []
        for item in detail[:3]:
            if isinstance(item, dict) and "msg" in item:
                loc = ".".join(str(p) for p in item.get("loc", []) if p != "body")
                parts.append(f"{loc}: {item['msg']}" if loc else str(item["msg"]))
            else:
                parts.append(str(item))
        more = f" (+{len(detail) - 3} more)" if len(detail) > 3 else ""
        return "; ".join(parts) + more
    return str(detail)


def contract_errors(exc: ValidationError, limit: int = 3) -> str:
    """The first few contract violations of a response, field by field (values not shown)."""
    parts = []
    for error in exc.errors()[:limit]:
        loc = ".".join(str(p) for p in error["loc"]) or "(body)"
        parts.append(f"{loc}: {error['msg']}")
    more = f" (+{exc.error_count() - limit} more)" if exc.error_count() > limit else ""
    return one_line("; ".join(parts) + more)


def short_value(value: Any, limit: int = 48) -> str:
    """A field value as the report prints it: the start of long texts, then '...'."""
    if value is None:
        return "(null)"
    text = " ".join(str(value).split())
    if len(text) > limit:
        cut = text[:limit]
        text = (cut.rsplit(" ", 1)[0] if " " in cut else cut[: limit - 3]) + "..."
    return redact(text)
