"""The fuzzer's classes of checks, the tolerant document it fuzzes, drift grades, and the
direction of the packages' dependencies."""

from __future__ import annotations

import ast
import copy
from pathlib import Path

from contracts.document import load, tolerant
from settings_qa.drift import graded
from settings_qa.fuzzing import CONTRACT_CHECKS, HYGIENE_CHECKS, unclassified_checks

ROOT = Path(__file__).resolve().parents[2]


def test_every_schemathesis_check_is_classed_as_contract_or_hygiene():
    assert unclassified_checks() == [], "class each new check in settings_qa/fuzzing.py"
    assert not set(CONTRACT_CHECKS) & set(HYGIENE_CHECKS)


def test_the_tolerant_document_opens_responses_only():
    schemas = tolerant()["components"]["schemas"]
    assert all("additionalProperties" not in schemas[name] for name in ("Business", "Faq", "SaveResult", "Token"))
    assert all(schemas[name]["additionalProperties"] is False for name in ("BusinessUpdate", "FaqInput", "LoginRequest"))
    assert load()["components"]["schemas"]["Business"]["additionalProperties"] is False  # the committed one is closed


def _grades(change) -> dict[str, list[str]]:
    target = copy.deepcopy(load())
    change(target["components"]["schemas"], target["paths"])
    return {grade: [line for _, line in lines] for grade, lines in graded(load(), target).items()}


def test_drift_grades_a_missing_limit_as_documenting_less():
    def drop_limit(schemas, paths):
        del schemas["BusinessUpdate"]["properties"]["name"]["maxLength"]
    assert _grades(drop_limit) == {"contradicts": [], "documents more": [], "documents less": [
        "PUT /api/business/me request body: name.maxLength 200 in the contract, missing in the target"]}


def test_drift_grades_a_type_a_status_and_a_request_property_as_contradictions():
    def break_it(schemas, paths):
        schemas["Business"]["properties"]["id"]["type"] = "string"
        del paths["/api/business/me"]["get"]["responses"]["404"]
        schemas["BusinessUpdate"]["properties"]["phone"] = {"type": "string"}
    grades = _grades(break_it)
    assert "GET /api/business/me response 200 body: id.type integer in the contract, string in the target" \
        in grades["contradicts"]
    assert "GET /api/business/me response 404: status yes in the contract, missing in the target" in grades["contradicts"]
    assert "PUT /api/business/me request body: phone (property) optional in the target, missing in the contract" \
        in grades["contradicts"]


def test_drift_grades_an_extra_response_property_as_documenting_more():
    def extend(schemas, paths):
        schemas["Business"]["properties"]["phone"] = {"type": "string"}
    grades = _grades(extend)
    assert grades["contradicts"] == [] and grades["documents less"] == []
    assert "GET /api/business/me response 200 body: phone (property) optional in the target, missing in the contract" \
        in grades["documents more"]


def test_the_contract_package_does_not_depend_on_the_suite():
    """contracts/ is the contract (models, document, reading); the machinery that runs it lives
    in settings_qa/, which depends on contracts/, never the other way round. Its tests may use both."""
    offenders = []
    for module in (ROOT / "contracts").glob("*.py"):
        if module.name.startswith("test_") or module.name == "conftest.py":
            continue
        for node in ast.walk(ast.parse(module.read_text(encoding="utf-8"))):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else (
                [node.module or ""] if isinstance(node, ast.ImportFrom) else [])
            offenders += [f"{module.name}: {name}" for name in names if name.split(".")[0] in ("settings_qa", "steps")]
    assert offenders == []
