"""Check one HTTP response against the contract: status, headers and body shape.

Used by the Gherkin steps on every response and by the post-deploy check, so
that a response that breaks the contract is reported as such wherever it shows.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ValidationError

from contracts.models import Business, ErrorBody, SaveResult, Token

OPERATIONS: dict[str, dict[int, type[BaseModel]]] = {
    "login": {200: Token, 400: ErrorBody, 401: ErrorBody, 422: ErrorBody},
    "get": {200: Business, 401: ErrorBody, 404: ErrorBody},
    "put": {200: SaveResult, 400: ErrorBody, 401: ErrorBody, 404: ErrorBody, 422: ErrorBody},
}


def problems(operation: str, status: int, headers: Any, body: bytes) -> list[str]:
    """Everything about this response that the contract does not allow (empty when it conforms)."""
    documented = OPERATIONS[operation]
    found: list[str] = []
    if status >= 500:
        found.append(f"HTTP {status}: the contract allows no 5xx")
    if status not in documented:
        found.append(f"HTTP {status} is not a documented status (documented: {sorted(documented)})")
        return found
    if status == 401 and operation != "login":
        challenge = headers.get("www-authenticate", "")
        if not challenge.lower().startswith("bearer"):
            found.append(f"401 without 'WWW-Authenticate: Bearer' (got {challenge!r})")
    if "json" not in headers.get("content-type", ""):
        found.append(f"content-type is {headers.get('content-type')!r}, not JSON")
    try:
        documented[status].model_validate_json(body)
    except ValidationError as exc:
        found.extend(describe(exc, documented[status].__name__))
    return found


def describe(exc: ValidationError, model: str) -> list[str]:
    out = []
    for error in exc.errors(include_url=False):
        where = ".".join(str(p) for p in error["loc"]) or "(body)"
        out.append(f"{model}.{where}: {error['msg']}")
    return out
