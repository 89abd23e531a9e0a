"""Helpers shared by the tests (keyword-only arguments)."""

from dataclasses import dataclass

import httpx

from ai_receptionist.accounts import create_account

TEST_JWT_SECRET = "test-secret-for-the-backend-suite-0123456789abcdef"
DEFAULT_PASSWORD = "correct horse battery staple"
ME = "/api/business/me"
LOGIN = "/api/auth/login"


@dataclass(frozen=True)
class Owner:
    account_id: int
    email: str
    password: str


def create_owner(
    *, email: str, business_name: str | None, password: str = DEFAULT_PASSWORD, **fields
) -> Owner:
    account_id = create_account(
        email=email, password=password, business_name=business_name, **fields
    )
    return Owner(account_id=account_id, email=email, password=password)


async def login(*, client: httpx.AsyncClient, email: str, password: str) -> httpx.Response:
    return await client.post(LOGIN, json={"email": email, "password": password})


async def auth_headers(*, client: httpx.AsyncClient, email: str, password: str) -> dict[str, str]:
    response = await login(client=client, email=email, password=password)
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


async def put_me(*, client: httpx.AsyncClient, headers: dict[str, str], body) -> httpx.Response:
    return await client.put(ME, headers=headers, json=body)


async def get_me(*, client: httpx.AsyncClient, headers: dict[str, str]) -> dict:
    response = await client.get(ME, headers=headers)
    assert response.status_code == 200, response.text
    return response.json()
