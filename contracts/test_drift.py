"""The target's own /openapi.json against the canonical contract (settings_qa/drift.py).

Every difference is reported as a finding of its grade (contradicts, documents less,
documents more), one per place in the document: information by default, a failure under
`--strict`. The behaviour itself is judged by the fuzzer, whatever the document says.
"""

from __future__ import annotations

import httpx
import pytest

from contracts.document import load
from settings_qa.drift import graded
from settings_qa.findings import Finding, record
from settings_qa.targets import Target

pytestmark = pytest.mark.contract
FINDING_KINDS = {"contradicts": "drift-contradicts", "documents less": "drift-less", "documents more": "drift-more"}


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


def test_served_openapi_against_the_contract(target: Target) -> None:
    by_grade = graded(load(), served_document(target))
    for grade, lines in by_grade.items():
        places: dict[str, list[str]] = {}
        for where, line in lines:
            places.setdefault(where, []).append(line)
        for where, found in places.items():
            record(Finding(FINDING_KINDS[grade], f"{where} ({grade})", f"{where}: {grade} ({len(found)})",
                           detail="\n".join(found), reproduce=f"GET {target.base_url}/openapi.json"))
