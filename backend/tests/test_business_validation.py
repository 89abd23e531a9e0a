"""PUT /api/business/me: limits kept, every invalid input rejected, and nothing written."""

import pytest

from tests.helpers import ME, get_me, put_me

pytestmark = pytest.mark.anyio

LIMITS = {"name": 200, "industry": 200, "common_services": 500, "business_hours": 200, "description": 5000}
ASTRAL = "😀"  # one code point, two UTF-16 units, four UTF-8 bytes


def faqs(count: int, *, question: str = "Q", answer: str = "A") -> list[dict[str, str]]:
    return [{"question": f"{question}{n}", "answer": f"{answer}{n}"} for n in range(count)]


@pytest.mark.parametrize("field", list(LIMITS))
async def test_put_max_length_is_kept_in_code_points(client, owner_headers, field):
    value = ASTRAL * LIMITS[field]

    response = await put_me(client=client, headers=owner_headers, body={field: value})

    assert response.status_code == 200
    assert (await get_me(client=client, headers=owner_headers))[field] == value


@pytest.mark.parametrize("field", list(LIMITS))
async def test_put_max_length_plus_one_answers_422(client, owner_headers, field):
    response = await put_me(client=client, headers=owner_headers, body={field: "x" * (LIMITS[field] + 1)})

    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"][-1] == field


async def test_put_fifty_faqs_at_max_length_kept_in_order(client, owner_headers):
    items = [{"question": f"{n:03d}" + "q" * 497, "answer": f"{n:04d}" + "a" * 1996} for n in range(50)]

    response = await put_me(client=client, headers=owner_headers, body={"faqs": items})

    assert response.status_code == 200
    assert (await get_me(client=client, headers=owner_headers))["faqs"] == items


INVALID_BODIES = {
    "fifty-one faqs": {"faqs": faqs(51)},
    "question too long": {"faqs": [{"question": "q" * 501, "answer": "a"}]},
    "answer too long": {"faqs": [{"question": "q", "answer": "a" * 2001}]},
    "empty question": {"faqs": [{"question": "", "answer": "a"}]},
    "empty answer": {"faqs": [{"question": "q", "answer": ""}]},
    "faq without answer": {"faqs": [{"question": "q"}]},
    "faq unknown field": {"faqs": [{"question": "q", "answer": "a", "id": 1}]},
    "faq null item": {"faqs": [None]},
    "faqs not a list": {"faqs": "Q: a? A: b"},
    "name null": {"name": None},
    "name empty": {"name": ""},
    "name number": {"name": 42},
    "industry list": {"industry": ["a"]},
    "description object": {"description": {"text": "x"}},
    "description bool": {"description": True},
    "nul in name": {"name": "Ac\u0000me"},
    "nul in description": {"description": "\u0000"},
    "nul in answer": {"faqs": [{"question": "q", "answer": "a\u0000"}]},
    "unknown field": {"name": "Acme", "owner_id": 2},
    "audit_status is read-only": {"audit_status": "passed"},
    "id is read-only": {"id": 7},
    "huge number": {"name": 10**300},
    "body is a list": [{"name": "Acme"}],
    "body is a string": "Acme",
}


@pytest.mark.parametrize("body", INVALID_BODIES.values(), ids=INVALID_BODIES.keys())
async def test_put_invalid_body_answers_422_and_changes_nothing(client, owner_headers, body):
    before = await get_me(client=client, headers=owner_headers)

    response = await put_me(client=client, headers=owner_headers, body=body)

    assert response.status_code == 422
    assert isinstance(response.json()["detail"], list)
    assert await get_me(client=client, headers=owner_headers) == before


RAW_BODIES = {
    "syntax error": b'{"name": ',
    "invalid utf-8": b'{"name": "\xff\xfe"}',
    "lone surrogate": b'{"name": "\\ud800"}',
    "infinity": b'{"name": 1e400}',
    "NaN literal": b'{"name": NaN}',
    "too many digits": b'{"name": 1' + b"0" * 5000 + b"}",
    "deep nesting": b"[" * 100_000,
    "empty": b"",
}


@pytest.mark.parametrize("content", RAW_BODIES.values(), ids=RAW_BODIES.keys())
async def test_put_non_json_body_answers_400_or_422(client, owner_headers, content):
    before = await get_me(client=client, headers=owner_headers)
    headers = {**owner_headers, "Content-Type": "application/json"}

    response = await client.put(ME, headers=headers, content=content)

    assert response.status_code in (400, 422)
    assert "detail" in response.json()
    assert await get_me(client=client, headers=owner_headers) == before


@pytest.mark.parametrize("content_type", [None, "text/plain", "application/x-www-form-urlencoded"])
async def test_put_non_json_content_type_answers_422(client, owner_headers, content_type):
    headers = {**owner_headers, **({"Content-Type": content_type} if content_type else {})}

    response = await client.put(ME, headers=headers, content=b'{"name": "\xff"}')

    assert response.status_code == 422
    assert (await get_me(client=client, headers=owner_headers))["name"] == "Acme"


async def test_put_invalid_faq_leaves_valid_fields_unwritten(client, owner_headers):
    body = {"name": "Half Written", "description": "new", "faqs": faqs(1) + [{"question": "", "answer": "a"}]}

    response = await put_me(client=client, headers=owner_headers, body=body)

    assert response.status_code == 422
    business = await get_me(client=client, headers=owner_headers)
    assert (business["name"], business["description"], business["faqs"]) == ("Acme", None, [])
