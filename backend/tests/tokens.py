"""Hand-made tokens for the 401 tests."""

import base64
import json
import time

import jwt

from tests.helpers import TEST_JWT_SECRET


def _b64(data: dict) -> str:
    raw = json.dumps(data, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def unsigned_token(*, sub: str) -> str:
    """`alg: none`, no signature."""
    claims = {"sub": sub, "exp": int(time.time()) + 600}
    return f"{_b64({'alg': 'none', 'typ': 'JWT'})}.{_b64(claims)}."


def signed_token(*, sub, secret: str = TEST_JWT_SECRET, exp_offset: int = 600, **extra) -> str:
    claims = {"sub": sub, "exp": int(time.time()) + exp_offset, **extra}
    return jwt.encode(claims, secret, algorithm="HS256")


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}
