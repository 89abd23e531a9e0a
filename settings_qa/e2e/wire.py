"""Calls through the shared ApiClient that turn transport trouble and contract breaks into
`CheckFailed` with the right exit code and one redacted line.

Responses are read as a consumer contract reads them (contracts.reading): what the contract
names is validated; other properties are noted in `unnamed` for the report (and judged at
the end, under --strict); one that looks like a leaked secret is invalid data at once.
"""

from __future__ import annotations

import base64
import json
from typing import Any, Callable, TypeVar

import httpx
from pydantic import BaseModel, ValidationError

from contracts.reading import secret_values, split
from settings_qa.client import json_or_none
from settings_qa.e2e.describe import contract_errors, one_line, transport_error
from settings_qa.e2e.outcome import CheckFailed, ExitCode
from settings_qa.net.policy import NetworkFailure
from settings_qa.redaction import register_secret

Model = TypeVar("Model", bound=BaseModel)


def call(
    code: ExitCode, what: str, timeout: float, send: Callable[..., httpx.Response], *args: Any
) -> httpx.Response:
    """`send(*args)`; no response at all fails with `code` and the reason in words. The network
    failing past its retries (a gateway that keeps answering 502, a rate limit past its budget)
    is 69 at any phase: the backend's contract was not reached, so no layer of it is judged."""
    try:
        return send(*args)
    except NetworkFailure as exc:
        raise CheckFailed(ExitCode.UNAVAILABLE, f"{what}: {exc}") from None
    except httpx.HTTPError as exc:
        raise CheckFailed(code, f"{what}: {transport_error(exc, timeout)}") from None


def parse(response: httpx.Response, model: type[Model], what: str, unnamed: list[str] | None = None) -> Model:
    """The body as a contract model; a body that is not JSON or breaks the contract gives 5.
    Paths of properties the contract does not name are added to `unnamed`."""
    body = json_or_none(response)
    if body is None:
        content_type = response.headers.get("content-type", "no content-type")
        start = one_line(response.text, 60) or "(empty body)"
        raise CheckFailed(
            ExitCode.INVALID_DATA,
            f"{what}: HTTP {response.status_code} but the body is not JSON ({content_type}): {start}",
        )
    named, extra = split(model, body)
    leaks = [item for item in extra if item.leak]
    for item in leaks:
        for value in secret_values(item.value):
            register_secret(value)
    if leaks:
        raise CheckFailed(ExitCode.INVALID_DATA, f"{what} carries what looks like a secret: "
                          + "; ".join(item.describe() for item in leaks))
    if unnamed is not None:
        unnamed.extend(item.path for item in extra if item.path not in unnamed)
    try:
        return model.model_validate(named)
    except ValidationError as exc:
        raise CheckFailed(
            ExitCode.INVALID_DATA, f"{what} breaks the contract: {contract_errors(exc)}"
        ) from None


def check_jwt_claims(token: str) -> None:
    """The contract's token is a JWT naming the account (`sub`) that expires (`exp`).

    The signature is the server's business; the claims are only looked at, never printed.
    """
    parts = token.split(".")
    try:
        if len(parts) != 3:
            raise ValueError
        payload = parts[1] + "=" * (-len(parts[1]) % 4)
        claims = json.loads(base64.urlsafe_b64decode(payload.encode("ascii")))
    except (ValueError, UnicodeError):
        raise CheckFailed(ExitCode.INVALID_DATA, "login response: access_token is not a JWT") from None
    missing = [claim for claim in ("sub", "exp") if not isinstance(claims, dict) or claim not in claims]
    if missing:
        raise CheckFailed(
            ExitCode.INVALID_DATA, f"login response: the JWT has no {' or '.join(missing)} claim"
        )
