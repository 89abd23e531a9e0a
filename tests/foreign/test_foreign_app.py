"""Fast checks of the foreign backend itself (not of the suite): the contract's basics and
each variant's visible difference. In-process through FastAPI's TestClient, except the
one test of ForeignServer, which serves over real HTTP."""

import json
import time
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient
from foreign_app import FAULTS, LEGITIMATE, VARIANTS, ForeignAccount, create_app
from foreign_server import ForeignServer

PRIMARY = ForeignAccount("owner@example.test", "primary-password", "Primary Co")
SECOND = ForeignAccount("second@example.test", "second-password", "Second Co")
NO_BUSINESS = ForeignAccount("nobody@example.test", "nobody-password", None)
ME = "/api/business/me"


class Api:
    def __init__(self, tmp_path: Path, variants: tuple[str, ...] = (), prefix: str = "") -> None:
        tmp_path.mkdir(parents=True, exist_ok=True)
        app = create_app(
            variants=variants,
            accounts=[PRIMARY, SECOND, NO_BUSINESS],
            database=str(tmp_path / "foreign.sqlite"),
            jwt_secret="k" * 32,
            audit_seconds=0.5,
        )
        self.http, self.prefix = TestClient(app), prefix

    def login(self, account: ForeignAccount = PRIMARY) -> httpx.Response:
        return self.http.post(
            self.prefix + "/api/auth/login", json={"email": account.email, "password": account.password}
        )

    def auth(self, account: ForeignAccount = PRIMARY) -> dict[str, str]:
        return {"Authorization": "Bearer " + self.login(account).json()["access_token"]}

    def get(self, account: ForeignAccount = PRIMARY) -> httpx.Response:
        return self.http.get(self.prefix + ME, headers=self.auth(account))

    def put(self, body: Any, account: ForeignAccount = PRIMARY) -> httpx.Response:
        return self.http.put(self.prefix + ME, headers=self.auth(account), json=body)


@pytest.fixture
def api(tmp_path: Path) -> Api:
    return Api(tmp_path)


def test_variant_lists_are_consistent() -> None:
    assert set(LEGITIMATE) | set(FAULTS) == set(VARIANTS) and not set(LEGITIMATE) & set(FAULTS)


def test_unknown_variant_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="no-such-thing"):
        Api(tmp_path, ("no-such-thing",))


def test_login_and_refusals(api: Api) -> None:
    token = api.login().json()
    assert token["token_type"] == "bearer" and set(token) == {"access_token", "token_type"}
    wrong = api.http.post("/api/auth/login", json={"email": PRIMARY.email, "password": "nope"})
    unknown = api.http.post("/api/auth/login", json={"email": "who@example.test", "password": "nope"})
    assert (wrong.status_code, wrong.json()) == (unknown.status_code, unknown.json()) == (401, wrong.json())
    extra = api.http.post("/api/auth/login", json={"email": PRIMARY.email, "password": "x", "role": "admin"})
    assert extra.status_code == 422 and "role" in extra.text


def test_own_business_ids_apart_from_account_ids(api: Api) -> None:
    first, second = api.get().json(), api.get(SECOND).json()
    assert (first["name"], second["name"]) == ("Primary Co", "Second Co") and first["id"] >= 1000
    assert first["faqs"] == [] and first["audit_status"] == "none" and first["updated_at"].endswith("Z")
    assert api.get(NO_BUSINESS).status_code == 404


@pytest.mark.parametrize("header", [None, "Basic dXNlcjpwYXNz", "Bearer", "Bearer a.b.c"])
def test_401_asks_for_a_bearer_token(api: Api, header: str | None) -> None:
    response = api.http.get(ME, headers={"Authorization": header} if header else {})
    assert response.status_code == 401 and response.headers["WWW-Authenticate"] == "Bearer"


def test_partial_update_audit_and_validation(api: Api) -> None:
    assert api.put({"industry": "Bakery"}).json()["status"] == "success"
    saved = api.put({"description": "Fresh bread", "faqs": [{"question": "Open?", "answer": "Yes"}]}).json()
    assert saved["status"] == "audit_pending" and saved["business"]["audit_status"] == "pending"
    read = api.get().json()
    assert saved["business"]["industry"] == "Bakery" and read["audit_status"] in ("pending", "passed")
    assert {**saved["business"], "audit_status": read["audit_status"]} == read
    assert api.put({"description": "Fresh bread"}).json()["status"] == "success"
    for bad in (
        {"name": None},
        {"name": ""},
        {"phone": "1"},
        {"industry": "x" * 201},
        {"name": "a\x00b"},
        {"faqs": [{"question": "Q", "answer": "A", "id": 1}]},
    ):
        assert api.put(bad).status_code == 422, bad
    time.sleep(0.8)
    assert api.get().json()["audit_status"] == "passed"
    assert api.put({"faqs": None}).json()["business"]["faqs"] == []


def test_405_allow_lists_both_methods_unless_stock(api: Api, tmp_path: Path) -> None:
    assert api.http.options(ME).headers["Allow"] == "GET, PUT"
    stock = Api(tmp_path / "stock", ("stock-405",))
    assert stock.http.options(ME).status_code == 405 and stock.http.options(ME).headers["Allow"] == "GET"


def test_extra_fields(tmp_path: Path) -> None:
    api = Api(tmp_path, ("extra-fields",))
    assert api.login().json()["expires_in"] == 3600
    assert {"phone", "timezone"} <= set(api.get().json())
    assert api.put({"name": "N"}).json()["message"] == "Settings saved"
    refused = api.put({"phone": "123"})
    assert refused.status_code == 422 and refused.json()["code"] == "invalid"


def test_faq_ids(tmp_path: Path) -> None:
    api = Api(tmp_path, ("faq-ids",))
    faqs = api.put({"faqs": [{"question": "Q1", "answer": "A1"}, {"question": "Q2", "answer": "A2"}]}).json()
    assert [sorted(f) for f in faqs["business"]["faqs"]] == [["answer", "id", "question"]] * 2


def test_documents_less_and_no_openapi(tmp_path: Path) -> None:
    def schemas(api: Api) -> str:  # the bodies' schemas, not the 401 header's own pattern
        return json.dumps(api.http.get("/openapi.json").json()["components"]["schemas"])

    strict = schemas(Api(tmp_path / "strict"))
    less_api = Api(tmp_path / "less", ("documents-less",))
    less = schemas(less_api)
    assert "maxLength" in strict and "additionalProperties" in strict
    assert not any(
        word in less for word in ("maxLength", "minLength", "maxItems", "pattern", "additionalProperties")
    )
    assert less_api.put({"industry": "x" * 201}).status_code == 422
    assert Api(tmp_path / "none", ("no-openapi",)).http.get("/openapi.json").status_code == 404


def test_small_legitimate_variants(tmp_path: Path) -> None:
    prefixed = Api(tmp_path / "p", ("path-prefix",), prefix="/receptionist")
    assert prefixed.get().status_code == 200 and prefixed.http.get(ME).status_code == 404
    stamp = Api(tmp_path / "u", ("utc-offset",)).put({"name": "N"}).json()["business"]["updated_at"]
    assert stamp.endswith("+00:00") and "." in stamp
    json400 = Api(tmp_path / "j", ("json-400",))
    broken = json400.http.put(
        ME, headers={**json400.auth(), "Content-Type": "application/json"}, content=b'{"name"'
    )
    assert broken.status_code == 400 and "detail" in broken.json()
    headers = Api(tmp_path / "h", ("extra-headers",)).http.get(ME).headers
    assert headers["Server"] == "foreign/1.0" and headers["X-Request-ID"]


def test_simple_faults(tmp_path: Path) -> None:
    dropped = Api(tmp_path / "d", ("drop-field",))
    assert dropped.put({"industry": "Bakery"}).status_code == 200 and dropped.get().json()["industry"] is None
    leaky = Api(tmp_path / "l", ("leak-hash",)).get().json()
    assert leaky["owner_ref"].startswith("$2")
    crashing = Api(tmp_path / "c", ("commit-then-500",))
    crashing.http = TestClient(crashing.http.app, raise_server_exceptions=False)
    assert crashing.put({"description": "kept"}).status_code == 500
    assert crashing.get().json()["description"] == "kept"


def test_row_limit_passes_each_field_at_its_limit_but_not_all_at_once(tmp_path: Path) -> None:
    limited = Api(tmp_path, ("row-limit",))
    limited.http = TestClient(limited.http.app, raise_server_exceptions=False)
    alone = {"description": "é" * 5000, "faqs": [{"question": f"{i}?", "answer": "Yes."} for i in range(50)]}
    assert limited.put(alone).status_code == 200
    faq = {"question": "😀" * 500, "answer": "😀" * 2000}
    largest = {"name": "n" * 200, "industry": "i" * 200, "common_services": "s" * 500,
               "business_hours": "h" * 200, "description": "é" * 5000, "faqs": [faq] * 50}
    assert limited.put(largest).status_code == 500
    assert limited.get().json()["description"] == alone["description"]  # rolled back
    assert Api(tmp_path / "clean").put(largest).status_code == 200


def test_foreign_server_over_http(tmp_path: Path) -> None:
    with ForeignServer(("path-prefix",), workdir=tmp_path) as server:
        assert server.base_url.endswith("/receptionist")
        env = server.qa_environment()
        assert set(env) == {
            "QA_EMAIL",
            "QA_PASSWORD",
            "QA_EMAIL_2",
            "QA_PASSWORD_2",
            "QA_EMAIL_NO_BUSINESS",
            "QA_PASSWORD_NO_BUSINESS",
        }
        with httpx.Client(base_url=server.base_url) as http:
            token = http.post(
                "/api/auth/login", json={"email": env["QA_EMAIL"], "password": env["QA_PASSWORD"]}
            )
            business = http.get(ME, headers={"Authorization": "Bearer " + token.json()["access_token"]})
        assert business.json()["name"] == "Foreign Primary Co"
        assert server.accounts["no_business"].business_name is None
