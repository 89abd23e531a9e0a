"""Settings read from the environment at first use, never at import time.

`clear_settings()` forgets the cached values so a caller (tests, the CLI) can change the
environment and have the next `get_settings()` see it; `database.reset_engine()` calls it.
"""

import os
import secrets
import threading
from dataclasses import dataclass, field
from functools import cache

DEFAULT_DATABASE_URL = "sqlite:///./ai_receptionist.db"
DEFAULT_JWT_TTL_SECONDS = 3600
DEFAULT_BCRYPT_ROUNDS = 12
DEFAULT_BLOCKED_PHRASES = (
    "guaranteed results",
    "100% guaranteed",
    "risk-free",
    "no questions asked",
    "miracle cure",
)

_dev_secret_lock = threading.Lock()
_dev_secret: str | None = None


class ConfigError(ValueError):
    """An environment variable holds a value the backend cannot use."""


@dataclass(frozen=True)
class Settings:
    database_url: str
    jwt_secret: str = field(repr=False)  # never in logs or tracebacks
    jwt_secret_is_generated: bool
    jwt_ttl_seconds: int
    bcrypt_rounds: int
    audit_blocked_phrases: tuple[str, ...]


def _int_from_env(name: str, default: int, *, low: int, high: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ConfigError(f"{name} must be an integer, got {raw!r}") from None
    if not low <= value <= high:
        raise ConfigError(f"{name} must be between {low} and {high}, got {value}")
    return value


def _development_secret() -> str:
    # One random secret per process: tokens stay valid until the process exits. Never printed.
    global _dev_secret
    with _dev_secret_lock:
        if _dev_secret is None:
            _dev_secret = secrets.token_urlsafe(48)
        return _dev_secret


def parse_blocked_phrases(raw: str | None) -> tuple[str, ...]:
    """Comma-separated phrases; unset means the defaults, an empty value means none."""
    if raw is None:
        return DEFAULT_BLOCKED_PHRASES
    return tuple(p.strip() for p in raw.split(",") if p.strip())


MIN_JWT_SECRET_BYTES = 32  # RFC 7518 3.2: an HS256 key is at least as long as the hash


def _jwt_secret_from_env() -> str | None:
    secret = os.environ.get("JWT_SECRET") or None
    if secret is not None and len(secret.encode("utf-8")) < MIN_JWT_SECRET_BYTES:
        raise ConfigError(f"JWT_SECRET must be at least {MIN_JWT_SECRET_BYTES} bytes long")
    return secret


@cache
def get_settings() -> Settings:
    secret = _jwt_secret_from_env()
    return Settings(
        database_url=os.environ.get("DATABASE_URL") or DEFAULT_DATABASE_URL,
        jwt_secret=secret or _development_secret(),
        jwt_secret_is_generated=secret is None,
        jwt_ttl_seconds=_int_from_env(
            "JWT_TTL_SECONDS", DEFAULT_JWT_TTL_SECONDS, low=1, high=366 * 24 * 3600
        ),
        bcrypt_rounds=_int_from_env("BCRYPT_ROUNDS", DEFAULT_BCRYPT_ROUNDS, low=4, high=16),
        audit_blocked_phrases=parse_blocked_phrases(os.environ.get("AUDIT_BLOCKED_PHRASES")),
    )


def clear_settings() -> None:
    get_settings.cache_clear()
