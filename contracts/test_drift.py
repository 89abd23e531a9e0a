"""The target's own /openapi.json against the canonical contract (contracts/drift.py)."""

from __future__ import annotations

import json

import httpx
import pytest

from contracts.drift import differences
from contracts.generate import DOCUMENT
from settings_qa.targets import Target

pytestmark = pytest.mark.contract


def served_document(target: Target) -> dict:
    with target.http_client() as http:
        try:
            response = http.get("/openapi.json")
        except httpx.HTTPError as exc:
            pytest.skip(f"the target serves no /openapi.json ({type(exc).__name__})")
    try:
        document = response.json() if response.status_code == 200 else None
    except ValueError:
        document = None
    if response.status_code >= 500:
        pytest.fail(f"GET /openapi.json answered HTTP {response.status_code}: the contract allows no 5xx",
                    pytrace=False)
    if not isinstance(document, dict) or "paths" not in document:
        pytest.skip(f"the target serves no OpenAPI document at /openapi.json (HTTP {response.status_code})")
    return document


def test_served_openapi_matches_the_contract(target: Target) -> None:
    found = differences(json.loads(DOCUMENT.read_text(encoding="utf-8")), served_document(target))
    assert not found, (f"the target's /openapi.json differs from the contract ({len(found)} differences):\n  "
                       + "\n  ".join(found))
