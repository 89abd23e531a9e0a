"""/openapi.json documents every status, the bearer scheme and every limit."""

import pytest

from tests.helpers import LOGIN, ME

pytestmark = pytest.mark.anyio


@pytest.fixture
async def openapi(sqlite_client) -> dict:
    return (await sqlite_client.get("/openapi.json")).json()


def _resolve(openapi: dict, ref: str) -> dict:
    return openapi["components"]["schemas"][ref.rsplit("/", 1)[-1]]


async def test_openapi_documents_every_status(openapi):
    statuses = {
        (path, method): set(operation["responses"])
        for path, item in openapi["paths"].items()
        for method, operation in item.items()
    }

    assert statuses == {
        (LOGIN, "post"): {"200", "400", "401", "422"},
        (ME, "get"): {"200", "401", "404"},
        (ME, "put"): {"200", "400", "401", "404", "422"},
    }


async def test_openapi_business_me_requires_http_bearer(openapi):
    assert openapi["components"]["securitySchemes"]["HTTPBearer"] == {
        "type": "http", "scheme": "bearer", "description": "Access token from POST /api/auth/login"
    }
    for method in ("get", "put"):
        assert openapi["paths"][ME][method]["security"] == [{"HTTPBearer": []}]
    assert "security" not in openapi["paths"][LOGIN]["post"]


async def test_openapi_business_update_carries_contract_limits(openapi):
    schema = _resolve(openapi, "BusinessUpdate")
    props = schema["properties"]

    assert schema["additionalProperties"] is False and "required" not in schema
    assert (props["name"]["type"], props["name"]["minLength"], props["name"]["maxLength"]) == ("string", 1, 200)
    assert "default" not in props["name"]
    for field, limit in {"industry": 200, "common_services": 500, "business_hours": 200, "description": 5000}.items():
        string, null = props[field]["anyOf"]
        assert (string["maxLength"], string["pattern"], null) == (limit, "^[^\\x00]*$", {"type": "null"})
    assert props["faqs"]["anyOf"][0]["maxItems"] == 50


async def test_openapi_faq_and_login_limits(openapi):
    faq = _resolve(openapi, "Faq")["properties"]
    login = _resolve(openapi, "LoginRequest")

    assert (faq["question"]["minLength"], faq["question"]["maxLength"]) == (1, 500)
    assert (faq["answer"]["minLength"], faq["answer"]["maxLength"]) == (1, 2000)
    assert (login["properties"]["email"]["maxLength"], login["properties"]["password"]["maxLength"]) == (320, 128)
    assert login["additionalProperties"] is False


async def test_openapi_business_status_and_timestamp_formats(openapi):
    business = _resolve(openapi, "Business")["properties"]

    assert business["audit_status"]["enum"] == ["none", "pending", "passed", "failed"]
    assert business["updated_at"] == {"type": "string", "format": "date-time", "title": "Updated At"}
    assert _resolve(openapi, "BusinessUpdateResult")["properties"]["status"]["enum"] == ["success", "audit_pending"]


@pytest.mark.parametrize(("method", "path", "allow"), [("DELETE", ME, "GET, PUT"), ("GET", LOGIN, "POST")])
async def test_unsupported_method_answers_405_with_every_allowed_method(sqlite_client, method, path, allow):
    response = await sqlite_client.request(method, path)

    assert response.status_code == 405
    assert response.headers["allow"] == allow
