"""Password hashing (bcrypt) and access tokens (JWT, HS256, with `sub` and `exp`)."""

import base64
import hashlib
from datetime import datetime, timedelta, timezone
from functools import cache

import bcrypt
import jwt

from ai_receptionist.core.config import get_settings

ALGORITHM = "HS256"
_MAX_ACCOUNT_ID = 2**31 - 1


def _prehash(password: str) -> bytes:
    # bcrypt reads at most 72 bytes (bcrypt 5 refuses longer input) and the contract allows
    # 128 code points: hash first, base64 so the bcrypt input has no NUL bytes.
    return base64.b64encode(hashlib.sha256(password.encode("utf-8")).digest())


def hash_password(password: str) -> str:
    salt = bcrypt.gensalt(rounds=get_settings().bcrypt_rounds)
    return bcrypt.hashpw(_prehash(password), salt).decode("ascii")


def verify_password(password: str, password_hash: str) -> bool:
    try:
        return bcrypt.checkpw(_prehash(password), password_hash.encode("ascii"))
    except ValueError:  # a malformed stored hash never matches
        return False


@cache
def _dummy_hash(rounds: int) -> str:
    salt = bcrypt.gensalt(rounds=rounds)
    return bcrypt.hashpw(b"no account has this password", salt).decode("ascii")


def spend_password_check_time(password: str) -> None:
    """Run one bcrypt check for an unknown email, so timing does not tell emails apart."""
    verify_password(password, _dummy_hash(get_settings().bcrypt_rounds))


def create_access_token(account_id: int) -> str:
    settings = get_settings()
    expires = datetime.now(timezone.utc) + timedelta(seconds=settings.jwt_ttl_seconds)
    claims = {"sub": str(account_id), "exp": expires}
    return jwt.encode(claims, settings.jwt_secret, algorithm=ALGORITHM)


def account_id_from_token(token: str) -> int | None:
    """The account id the token names, or None if the token is not valid for any reason."""
    try:
        claims = jwt.decode(
            token,
            get_settings().jwt_secret,
            algorithms=[ALGORITHM],
            options={"require": ["sub", "exp"]},
        )
    except jwt.InvalidTokenError:
        return None
    sub = claims.get("sub")
    if not isinstance(sub, str) or not (sub.isascii() and sub.isdigit() and len(sub) <= 10):
        return None
    account_id = int(sub)
    return account_id if 1 <= account_id <= _MAX_ACCOUNT_ID else None
