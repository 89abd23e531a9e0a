"""A PUT that fails part-way changes nothing: the auditor import comes before the commit."""

import builtins
import sys

import httpx
import pytest

from ai_receptionist.main import create_app
from tests.helpers import get_me, put_me

pytestmark = pytest.mark.anyio

AUDITOR = "ai_receptionist.services.voice.auditor"


@pytest.fixture
def broken_auditor_import(monkeypatch):
    """Make `from ai_receptionist.services.voice import auditor` fail like the incident."""
    real_import = builtins.__import__

    def failing_import(name, globals=None, locals=None, fromlist=(), level=0):
        if name == AUDITOR or (name == "ai_receptionist.services.voice" and "auditor" in (fromlist or ())):
            raise ImportError("cannot import name 'SessionLocal'")
        return real_import(name, globals, locals, fromlist, level)

    monkeypatch.delitem(sys.modules, AUDITOR, raising=False)
    monkeypatch.delattr("ai_receptionist.services.voice.auditor", raising=False)
    monkeypatch.setattr(builtins, "__import__", failing_import)


@pytest.fixture
async def lenient_client(database_url):
    """A client that receives the 500 instead of the exception."""
    transport = httpx.ASGITransport(app=create_app(), raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        yield client


async def test_put_auditor_import_failure_rolls_back_every_field(
    lenient_client, owner_headers, broken_auditor_import
):
    client = lenient_client
    before = await get_me(client=client, headers=owner_headers)

    body = {"name": "Lex Makes It", "description": "New"}

    response = await put_me(client=client, headers=owner_headers, body=body)

    assert response.status_code == 500
    assert await get_me(client=client, headers=owner_headers) == before


async def test_put_without_audit_never_imports_auditor(lenient_client, owner_headers, broken_auditor_import):
    response = await put_me(client=lenient_client, headers=owner_headers, body={"name": "Lex Makes It"})

    assert response.status_code == 200
    assert response.json()["status"] == "success"
    assert AUDITOR not in sys.modules
