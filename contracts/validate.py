"""Judge one HTTP response by the contract: status, headers and the properties it names.

Used by the Gherkin steps on every response, by the fuzzer's reads and by the post-deploy
check, so that a response that breaks the contract is reported as such wherever it shows.
Reading is tolerant (`contracts.reading`): properties the contract does not name come back
as `Judgement.unnamed` for the caller to report, and only a leaked secret among them is a
problem here. Whether unnamed properties fail a run (`--strict`) is the caller's decision.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel, ValidationError

from contracts.models import Business, ErrorBody, SaveResult, Token
from contracts.reading import Unnamed, split

OPERATIONS: dict[str, dict[int, type[BaseModel]]] = {
    "login": {200: Token, 400: ErrorBody, 401: ErrorBody, 422: ErrorBody},
    "get": {200: Business, 401: ErrorBody, 404: ErrorBody},
    "put": {200: SaveResult, 400: ErrorBody, 401: ErrorBody, 404: ErrorBody, 422: ErrorBody},
}


@dataclass
class Judgement:
    problems: list[str] = field(default_factory=list)  # contract violations (leaked secrets included)
    unnamed: list[Unnamed] = field(default_factory=list)  # properties the contract does not name
    view: Any = None  # the decoded body with only what the contract names (None when not JSON)

    @property
    def leaks(self) -> list[Unnamed]:
        return [item for item in self.unnamed if item.leak]


def judge(operation: str, status: int, headers: Any, body: bytes) -> Judgement:
    """Everything the contract says about this response."""
    documented = OPERATIONS[operation]
    verdict = Judgement()
    if status >= 500:
        verdict.problems.append(f"HTTP {status}: the contract allows no 5xx")
    if status not in documented:
        verdict.problems.append(f"HTTP {status} is not a documented status (documented: {sorted(documented)})")
        return verdict
    if status == 401 and operation != "login":
        challenge = headers.get("www-authenticate", "")
        if not challenge.lower().startswith("bearer"):
            verdict.problems.append(f"401 without 'WWW-Authenticate: Bearer' (got {challenge!r})")
    if "json" not in headers.get("content-type", ""):
        verdict.problems.append(f"content-type is {headers.get('content-type')!r}, not JSON")
    model = documented[status]
    try:
        decoded = json.loads(body)
    except ValueError:
        decoded = None
    if decoded is None:
        try:
            model.model_validate_json(body)  # the model says why (invalid JSON, or null)
        except ValidationError as exc:
            verdict.problems.extend(describe(exc, model.__name__))
        return verdict
    verdict.view, verdict.unnamed = split(model, decoded)
    try:
        model.model_validate(verdict.view)
    except ValidationError as exc:
        verdict.problems.extend(describe(exc, model.__name__))
    verdict.problems.extend(item.describe() for item in verdict.leaks)
    return verdict


def problems(operation: str, status: int, headers: Any, body: bytes) -> list[str]:
    """The contract violations of this response (empty when it conforms)."""
    return judge(operation, status, headers, body).problems


def describe(exc: ValidationError, model: str) -> list[str]:
    out = []
    for error in exc.errors(include_url=False):
        where = ".".join(str(p) for p in error["loc"]) or "(body)"
        out.append(f"{model}.{where}: {error['msg']}")
    return out
