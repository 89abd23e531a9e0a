"""The app answers as its own /openapi.json says: no 5xx, no undocumented status.

In process, on SQLite, positive and negative examples, with a login token. The full run
(`schemathesis run` against a served instance) is described in backend/README.md.
"""

import json

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis import GenerationMode

from ai_receptionist.core.security import create_access_token
from ai_receptionist.main import create_app
from tests.helpers import create_owner

# Loaded at collection from the app's own document, not by `from_asgi`, whose client runs
# the app's start-up (init_db) before any fixture has chosen a database. The lazy
# `schemathesis.pytest.from_fixture` fails on pytest 9.2 (Function has no `_nodeid`).
_app = create_app()
schema = schemathesis.openapi.from_dict(json.loads(json.dumps(_app.openapi())))
schema.app = _app  # cases are sent to the app in process, as from_asgi would
schema.config.generation.update(modes=[GenerationMode.POSITIVE, GenerationMode.NEGATIVE], max_examples=30)


@pytest.fixture
def token(sqlite_url) -> str:
    owner = create_owner(email="fuzz@example.com", business_name="Fuzz Co")
    return create_access_token(owner.account_id)


@schema.parametrize()
@settings(database=None, deadline=None, suppress_health_check=list(HealthCheck))
def test_api_answers_as_documented(case, token):
    case.call_and_validate(headers={"Authorization": f"Bearer {token}"})
