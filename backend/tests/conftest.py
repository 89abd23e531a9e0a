"""Fixtures for the backend's tests: one fresh database per test, on SQLite and PostgreSQL.

PostgreSQL tests use TEST_POSTGRES_URL (default postgresql+psycopg://postgres@127.0.0.1:5432/test)
and are skipped, with the reason, when it is not reachable. Each run (each xdist worker)
gets its own schema on that database, dropped at the end, so concurrent runs never meet.
"""

import os
import uuid
from collections.abc import AsyncIterator, Iterator
from urllib.parse import quote

import httpx
import psycopg
import pytest
from sqlalchemy import text

from ai_receptionist.core.database import get_engine, init_db, reset_engine
from ai_receptionist.main import create_app
from tests.helpers import TEST_JWT_SECRET, auth_headers, create_owner

DEFAULT_POSTGRES_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
TEST_POSTGRES_URL = os.environ.get("TEST_POSTGRES_URL", DEFAULT_POSTGRES_URL)


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "served: starts a real uvicorn server on a free port")


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """A URL whose connections use a private, freshly created schema."""
    plain = TEST_POSTGRES_URL.replace("postgresql+psycopg://", "postgresql://", 1)
    try:
        admin = psycopg.connect(plain, autocommit=True, connect_timeout=3)
    except psycopg.Error as exc:
        pytest.skip(f"PostgreSQL not reachable at {TEST_POSTGRES_URL}: {str(exc).splitlines()[0]}")
    schema = f"ai_receptionist_test_{uuid.uuid4().hex[:12]}"
    admin.execute(f'CREATE SCHEMA "{schema}"')
    separator = "&" if "?" in TEST_POSTGRES_URL else "?"
    yield f"{TEST_POSTGRES_URL}{separator}options={quote(f'-csearch_path={schema}')}"
    reset_engine()
    admin.execute(f'DROP SCHEMA "{schema}" CASCADE')
    admin.close()


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request, tmp_path, monkeypatch) -> Iterator[str]:
    """Point the backend at an empty database for this test (engine reset before and after)."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'ai_receptionist.db'}"
    else:
        url = request.getfixturevalue("postgres_url")
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.setenv("JWT_SECRET", TEST_JWT_SECRET)
    monkeypatch.setenv("BCRYPT_ROUNDS", "4")
    monkeypatch.delenv("AUDIT_BLOCKED_PHRASES", raising=False)
    monkeypatch.delenv("JWT_TTL_SECONDS", raising=False)
    reset_engine()
    if request.param == "postgresql":
        init_db()
        with get_engine().begin() as conn:
            conn.execute(text("TRUNCATE accounts, businesses RESTART IDENTITY CASCADE"))
    yield url
    reset_engine()


@pytest.fixture
def sqlite_url(tmp_path, monkeypatch) -> Iterator[str]:
    """Like database_url, SQLite only: for tests whose subject is not the database."""
    url = f"sqlite:///{tmp_path / 'ai_receptionist.db'}"
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.setenv("JWT_SECRET", TEST_JWT_SECRET)
    monkeypatch.setenv("BCRYPT_ROUNDS", "4")
    monkeypatch.delenv("AUDIT_BLOCKED_PHRASES", raising=False)
    reset_engine()
    yield url
    reset_engine()


async def _in_process_client() -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=create_app())
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        yield client


@pytest.fixture
async def client(database_url) -> AsyncIterator[httpx.AsyncClient]:
    """The real app in process, on each database."""
    async for client in _in_process_client():
        yield client


@pytest.fixture
async def sqlite_client(sqlite_url) -> AsyncIterator[httpx.AsyncClient]:
    """The real app in process, on SQLite only: for tests whose subject is not the database."""
    async for client in _in_process_client():
        yield client


@pytest.fixture
def owner(database_url):
    """An account that owns a business named "Acme"."""
    return create_owner(email="owner@example.com", business_name="Acme")


@pytest.fixture
async def owner_headers(client, owner) -> dict[str, str]:
    return await auth_headers(client=client, email=owner.email, password=owner.password)
