"""Settings come from the environment at first use; passwords and tokens."""

import time

import jwt
import pytest

from ai_receptionist.core import config, security
from ai_receptionist.core.config import ConfigError, clear_settings, get_settings
from ai_receptionist.core.database import get_engine, reset_engine


@pytest.fixture(autouse=True)
def fresh_settings():
    clear_settings()
    yield
    clear_settings()


def test_settings_follow_environment_after_clear(monkeypatch):
    monkeypatch.setenv("JWT_TTL_SECONDS", "60")
    assert get_settings().jwt_ttl_seconds == 60

    monkeypatch.setenv("JWT_TTL_SECONDS", "120")
    assert get_settings().jwt_ttl_seconds == 60  # cached until cleared
    clear_settings()
    assert get_settings().jwt_ttl_seconds == 120


def test_reset_engine_switches_database_url(monkeypatch, tmp_path):
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'one.db'}")
    reset_engine()
    first = get_engine().url.database
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'two.db'}")
    reset_engine()

    assert (first, get_engine().url.database) == (str(tmp_path / "one.db"), str(tmp_path / "two.db"))
    reset_engine()


@pytest.mark.parametrize("raw", ["soon", "0", "-5"])
def test_settings_invalid_ttl_raises_config_error(monkeypatch, raw):
    monkeypatch.setenv("JWT_TTL_SECONDS", raw)

    with pytest.raises(ConfigError, match="JWT_TTL_SECONDS"):
        get_settings()


def test_settings_short_jwt_secret_raises_config_error_without_echo(monkeypatch):
    monkeypatch.setenv("JWT_SECRET", "too-short-secret")

    with pytest.raises(ConfigError, match="at least 32 bytes") as error:
        get_settings()
    assert "too-short-secret" not in str(error.value)


def test_settings_without_jwt_secret_generate_stable_secret(monkeypatch):
    monkeypatch.delenv("JWT_SECRET", raising=False)
    first = get_settings()
    clear_settings()

    assert first.jwt_secret_is_generated and len(first.jwt_secret) >= 48
    assert get_settings().jwt_secret == first.jwt_secret
    assert first.jwt_secret not in repr(first)


@pytest.mark.parametrize(
    ("raw", "phrases"),
    [(None, config.DEFAULT_BLOCKED_PHRASES), ("", ()), (" a b , ,C ", ("a b", "C"))],
)
def test_parse_blocked_phrases_reads_comma_list(raw, phrases):
    assert config.parse_blocked_phrases(raw) == phrases


def test_hash_password_verifies_only_same_password(monkeypatch):
    monkeypatch.setenv("BCRYPT_ROUNDS", "4")
    hashed = security.hash_password("pässword 🔑")

    assert hashed.startswith("$2b$04$")
    assert security.verify_password("pässword 🔑", hashed)
    assert not security.verify_password("pässword", hashed)
    assert not security.verify_password("pässword 🔑", "not-a-bcrypt-hash")


def test_access_token_round_trips_and_expires(monkeypatch):
    monkeypatch.setenv("JWT_SECRET", "k" * 48)
    monkeypatch.setenv("JWT_TTL_SECONDS", "30")
    token = security.create_access_token(7)
    claims = jwt.decode(token, "k" * 48, algorithms=["HS256"])

    assert security.account_id_from_token(token) == 7
    assert claims["sub"] == "7"
    assert 25 <= claims["exp"] - time.time() <= 30
    assert security.account_id_from_token(token + "x") is None
