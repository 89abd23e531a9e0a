"""GET /api/business/me: the caller's own business, 404 without one, tenants apart."""

import pytest

from tests.helpers import ME, auth_headers, create_owner, get_me, put_me

pytestmark = pytest.mark.anyio


async def test_get_business_returns_contract_fields(client, owner_headers):
    business = await get_me(client=client, headers=owner_headers)

    assert set(business) == {
        "id", "name", "industry", "common_services", "business_hours",
        "description", "faqs", "audit_status", "updated_at",
    }
    assert business["name"] == "Acme"
    assert business["faqs"] == []
    assert business["audit_status"] == "none"
    assert business["updated_at"].endswith(("Z", "+00:00"))


async def test_get_business_without_business_answers_404(client, database_url):
    account = create_owner(email="solo@example.com", business_name=None)
    headers = await auth_headers(client=client, email=account.email, password=account.password)

    response = await client.get(ME, headers=headers)

    assert response.status_code == 404
    assert isinstance(response.json()["detail"], str)


async def test_put_business_without_business_answers_404(client, database_url):
    account = create_owner(email="solo@example.com", business_name=None)
    headers = await auth_headers(client=client, email=account.email, password=account.password)

    response = await put_me(client=client, headers=headers, body={"name": "Mine now"})

    assert response.status_code == 404
    assert (await client.get(ME, headers=headers)).status_code == 404


async def test_get_business_shows_only_own_business(client, owner, owner_headers):
    other = create_owner(email="other@example.com", business_name="Other Co")
    other_headers = await auth_headers(client=client, email=other.email, password=other.password)

    mine = await get_me(client=client, headers=owner_headers)
    theirs = await get_me(client=client, headers=other_headers)

    assert (mine["name"], theirs["name"]) == ("Acme", "Other Co")
    assert mine["id"] != theirs["id"]


@pytest.mark.parametrize("writer", ["owner", "other"])
async def test_put_business_changes_only_own_business(client, owner, owner_headers, writer):
    other = create_owner(email="other@example.com", business_name="Other Co", description="Theirs")
    other_headers = await auth_headers(client=client, email=other.email, password=other.password)
    headers, reader = (owner_headers, other_headers) if writer == "owner" else (other_headers, owner_headers)
    before = await get_me(client=client, headers=reader)

    response = await put_me(client=client, headers=headers, body={"name": "Renamed", "description": "x"})

    assert response.status_code == 200
    assert await get_me(client=client, headers=reader) == before
    assert (await get_me(client=client, headers=headers))["name"] == "Renamed"
