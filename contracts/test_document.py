"""The committed OpenAPI document is the one the models generate, and schemathesis can load it."""

from __future__ import annotations

import json

import pytest
import schemathesis

from contracts import generate
from contracts.models import LIMITS

pytestmark = pytest.mark.contract


def test_committed_document_equals_generated() -> None:
    committed = generate.DOCUMENT.read_text(encoding="utf-8")
    assert committed == generate.render(), (
        "contracts/openapi.json is out of date with contracts/models.py: run `python -m contracts.generate`")


def test_document_loads_with_every_operation() -> None:
    schema = schemathesis.openapi.from_path(generate.DOCUMENT)
    labels = sorted(result.ok().label for result in schema.get_all_operations())
    assert labels == ["GET /api/business/me", "POST /api/auth/login", "PUT /api/business/me"]


def test_document_carries_the_limits() -> None:
    schemas = json.loads(generate.DOCUMENT.read_text(encoding="utf-8"))["components"]["schemas"]
    update = schemas["BusinessUpdate"]
    assert update["additionalProperties"] is False and "required" not in update
    assert update["properties"]["name"] == {
        "maxLength": LIMITS["name"], "minLength": 1, "pattern": "^[^\\x00]*$", "title": "Name", "type": "string"}
    nullable = update["properties"]["industry"]["anyOf"]
    assert {"type": "null"} in nullable and nullable[0]["maxLength"] == LIMITS["industry"]
    assert schemas["Faq"]["properties"]["answer"]["maxLength"] == LIMITS["answer"]
    assert schemas["Business"]["properties"]["faqs"]["maxItems"] == LIMITS["faqs"]
    assert schemas["Business"]["properties"]["updated_at"]["format"] == "date-time"
