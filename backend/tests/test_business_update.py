"""PUT /api/business/me: partial updates, clearing, no-ops and the status it answers."""

from datetime import datetime

import pytest

from ai_receptionist.core.config import clear_settings
from tests.helpers import get_me, put_me

pytestmark = pytest.mark.anyio

FAQS = [{"question": "Do you park?", "answer": "Yes, behind the shop."}]


async def test_put_partial_update_keeps_other_fields(client, owner_headers):
    await put_me(client=client, headers=owner_headers, body={"industry": "Bakery", "business_hours": "Mon-Fri"})

    response = await put_me(client=client, headers=owner_headers, body={"industry": "Cafe"})

    assert response.status_code == 200
    business = response.json()["business"]
    assert (business["name"], business["industry"], business["business_hours"]) == ("Acme", "Cafe", "Mon-Fri")
    assert await get_me(client=client, headers=owner_headers) == business


async def test_put_response_business_equals_next_get(client, owner_headers):
    body = {"name": "Lex Makes It", "industry": "Software", "common_services": "Web",
            "business_hours": "Monday-Friday, 12:00 PM - 10:00 PM", "description": "We build."}

    response = await put_me(client=client, headers=owner_headers, body=body)

    assert response.status_code == 200
    business = response.json()["business"]
    assert {k: business[k] for k in body} == body
    after = await get_me(client=client, headers=owner_headers)
    assert after == {**business, "audit_status": "passed"}  # the audit ran after the response


@pytest.mark.parametrize("field", ["industry", "common_services", "business_hours", "description"])
async def test_put_null_clears_nullable_field(client, owner_headers, field):
    await put_me(client=client, headers=owner_headers, body={field: "something"})

    response = await put_me(client=client, headers=owner_headers, body={field: None})

    assert response.status_code == 200
    assert response.json()["business"][field] is None
    assert (await get_me(client=client, headers=owner_headers))[field] is None


@pytest.mark.parametrize("empty", [None, []])
async def test_put_faqs_null_or_empty_clears_faqs(client, owner_headers, empty):
    await put_me(client=client, headers=owner_headers, body={"faqs": FAQS})

    response = await put_me(client=client, headers=owner_headers, body={"faqs": empty})

    assert response.status_code == 200
    assert response.json()["status"] == "audit_pending"
    assert (await get_me(client=client, headers=owner_headers))["faqs"] == []


async def test_put_empty_body_is_noop_success(client, owner_headers):
    before = await get_me(client=client, headers=owner_headers)

    response = await put_me(client=client, headers=owner_headers, body={})

    assert response.status_code == 200
    assert response.json() == {"status": "success", "business": before}
    assert await get_me(client=client, headers=owner_headers) == before


async def test_put_changed_updated_at_moves_forward(client, owner_headers):
    before = await get_me(client=client, headers=owner_headers)

    response = await put_me(client=client, headers=owner_headers, body={"industry": "Bakery"})

    after = response.json()["business"]["updated_at"]
    assert datetime.fromisoformat(after) > datetime.fromisoformat(before["updated_at"])


@pytest.mark.parametrize("body", [{"description": "New words"}, {"faqs": FAQS}])
async def test_put_audited_field_change_answers_audit_pending(client, owner_headers, body):
    response = await put_me(client=client, headers=owner_headers, body=body)

    assert response.status_code == 200
    assert response.json()["status"] == "audit_pending"
    assert response.json()["business"]["audit_status"] == "pending"
    # In-process, the background audit has run by the time the response is back.
    assert (await get_me(client=client, headers=owner_headers))["audit_status"] == "passed"


@pytest.mark.parametrize("body", [{"description": "Same words"}, {"faqs": FAQS}])
async def test_put_same_audited_value_answers_success(client, owner_headers, body):
    await put_me(client=client, headers=owner_headers, body=body)

    response = await put_me(client=client, headers=owner_headers, body={**body, "name": "Acme"})

    assert response.status_code == 200
    assert response.json()["status"] == "success"
    assert response.json()["business"]["audit_status"] == "passed"


async def test_put_other_fields_answer_success_without_audit(client, owner_headers):
    body = {"name": "N", "industry": "I", "common_services": "S", "business_hours": "H"}

    response = await put_me(client=client, headers=owner_headers, body=body)

    assert response.json()["status"] == "success"
    assert response.json()["business"]["audit_status"] == "none"


async def test_put_blocked_phrase_audit_fails(client, owner_headers, monkeypatch):
    monkeypatch.setenv("AUDIT_BLOCKED_PHRASES", "forbidden words")
    clear_settings()
    response = await put_me(client=client, headers=owner_headers, body={"description": "Some FORBIDDEN words."})

    assert response.json()["status"] == "audit_pending"
    assert (await get_me(client=client, headers=owner_headers))["audit_status"] == "failed"


async def test_put_faq_order_is_kept(client, owner_headers):
    faqs = [{"question": f"Q{n}", "answer": f"A{n}"} for n in (3, 1, 2)]

    response = await put_me(client=client, headers=owner_headers, body={"faqs": faqs})

    assert response.json()["business"]["faqs"] == faqs
    assert (await get_me(client=client, headers=owner_headers))["faqs"] == faqs
