"""POST /api/auth/login and the 401 answers of /api/business/me."""

import jwt
import pytest

from ai_receptionist.core import security
from tests.helpers import LOGIN, ME, TEST_JWT_SECRET, create_owner, login
from tests.tokens import bearer, signed_token, unsigned_token

pytestmark = pytest.mark.anyio


async def test_login_valid_credentials_returns_bearer_token_naming_account(client, owner):
    response = await login(client=client, email=owner.email, password=owner.password)

    assert response.status_code == 200
    body = response.json()
    assert body["token_type"] == "bearer"
    claims = jwt.decode(body["access_token"], TEST_JWT_SECRET, algorithms=["HS256"])
    assert claims["sub"] == str(owner.account_id)
    assert claims["exp"] > claims.get("iat", 0)


async def test_login_unknown_email_and_wrong_password_answer_alike(client, owner):
    unknown = await login(client=client, email="nobody@example.com", password=owner.password)
    wrong = await login(client=client, email=owner.email, password=owner.password + "x")

    assert unknown.status_code == wrong.status_code == 401
    assert unknown.json() == wrong.json()
    assert isinstance(unknown.json()["detail"], str)


async def test_login_unknown_email_still_runs_bcrypt(client, owner, monkeypatch):
    checked = []
    real_verify = security.verify_password
    monkeypatch.setattr(
        security, "verify_password", lambda pw, h: checked.append(h) or real_verify(pw, h)
    )

    await login(client=client, email="nobody@example.com", password="whatever")

    assert len(checked) == 1 and checked[0].startswith("$2")


async def test_login_long_unicode_password_works(client, database_url):
    password = "🔑" * 128  # 512 UTF-8 bytes, beyond bcrypt's own 72-byte limit
    account = create_owner(email="long@example.com", password=password, business_name=None)

    ok = await login(client=client, email=account.email, password=password)
    prefix_only = await login(client=client, email=account.email, password="🔑" * 127)

    assert ok.status_code == 200
    assert prefix_only.status_code == 401


@pytest.mark.parametrize(
    "body",
    [
        {"email": "a@example.com"},
        {"password": "x"},
        {"email": "", "password": "x"},
        {"email": "a@example.com", "password": ""},
        {"email": "a" * 321, "password": "x"},
        {"email": "a@example.com", "password": "x" * 129},
        {"email": "a@example.com", "password": "x", "remember": True},
        {"email": 5, "password": "x"},
        {"email": "a\u0000@example.com", "password": "x"},
        ["a@example.com", "x"],
    ],
)
async def test_login_invalid_body_answers_422(client, body):
    response = await client.post(LOGIN, json=body)

    assert response.status_code == 422
    assert isinstance(response.json()["detail"], list)


async def test_login_error_never_echoes_password(client):
    secret = "hunter2-" + "x" * 130

    response = await client.post(LOGIN, json={"email": "a@example.com", "password": secret})

    assert response.status_code == 422
    assert "hunter2" not in response.text


@pytest.mark.parametrize("content", [b"{not json", b"\xff\xfe\x00", b"", b"null"])
async def test_login_non_json_body_answers_400_or_422(client, content):
    headers = {"Content-Type": "application/json"}

    response = await client.post(LOGIN, content=content, headers=headers)

    assert response.status_code in (400, 422)
    assert "detail" in response.json()


def _token_cases(owner_id: int) -> dict[str, dict[str, str]]:
    return {
        "missing header": {},
        "basic scheme": {"Authorization": "Basic b3duZXI6cGFzcw=="},
        "bearer without token": {"Authorization": "Bearer"},
        "garbage token": bearer("not.a.jwt"),
        "alg none": bearer(unsigned_token(sub=str(owner_id))),
        "other key": bearer(signed_token(sub=str(owner_id), secret="another-key-" + "k" * 40)),
        "expired": bearer(signed_token(sub=str(owner_id), exp_offset=-60)),
        "no account": bearer(signed_token(sub="999999")),
        "sub not a number": bearer(signed_token(sub="owner@example.com")),
        "sub huge": bearer(signed_token(sub="9" * 5000)),
        "no exp": bearer(jwt.encode({"sub": str(owner_id)}, TEST_JWT_SECRET, algorithm="HS256")),
    }


@pytest.mark.parametrize("method", ["GET", "PUT"])
async def test_business_me_bad_token_answers_401_with_bearer_challenge(client, owner, method):
    for case, headers in _token_cases(owner.account_id).items():
        response = await client.request(method, ME, headers=headers, json={"name": "Hijack"})

        assert response.status_code == 401, case
        assert response.headers["www-authenticate"] == "Bearer", case
        assert isinstance(response.json()["detail"], str), case
    assert (await client.get(ME, headers=bearer(signed_token(sub=str(owner.account_id))))).json()[
        "name"
    ] == "Acme"
