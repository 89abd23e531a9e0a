"""Strings come back exactly as written, on SQLite and PostgreSQL."""

import pytest

from tests.helpers import get_me, put_me

pytestmark = pytest.mark.anyio

VERBATIM = {
    "surrounding spaces": "  Acme  ",
    "tabs and newlines": "\tline one\r\nline two\n\n",
    "emoji and zwj": "Café 👩‍👩‍👧 🇺🇦 ☕",
    "right to left": "مرحبا بكم في متجرنا \u200f(عربي)",
    "combining marks": "e\u0301 vs \u00e9",  # not normalised: both forms stay
    "quotes and backslashes": "It's \"quoted\" \\ 'single' `back`",
    "sql looking": "'; DROP TABLE businesses; --",
    "html looking": "<script>alert(1)</script>&amp;",
    "json looking": '{"name": null}',
    "control characters": "\u0001\u001f\u007f\u0085",
    "non characters": "\ufffe\uffff\U0010ffff",
    "only spaces": "   ",
}


@pytest.mark.parametrize("value", VERBATIM.values(), ids=VERBATIM.keys())
async def test_put_string_fields_read_back_verbatim(client, owner_headers, value):
    body = {"name": value, "industry": value, "common_services": value, "business_hours": value,
            "description": value, "faqs": [{"question": value, "answer": value}]}

    response = await put_me(client=client, headers=owner_headers, body=body)

    assert response.status_code == 200
    stored = await get_me(client=client, headers=owner_headers)
    assert {k: stored[k] for k in body} == body
    assert {k: response.json()["business"][k] for k in body} == body
