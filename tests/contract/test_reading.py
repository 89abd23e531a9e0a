"""Tolerant reading (contracts/reading.py, contracts/validate.py): what the contract names is
judged, what it does not name is listed, and a leaked secret fails whatever its name."""

from __future__ import annotations

import json

import pytest

from contracts import validate
from contracts.models import Business, SaveResult, writable
from contracts.reading import contract_view, leak_reason, split

BUSINESS = {"id": 1000, "name": "Lex", "industry": None, "common_services": None, "business_hours": None,
            "description": None, "faqs": [{"question": "Q?", "answer": "A."}], "audit_status": "none",
            "updated_at": "2026-01-26T10:00:00Z"}
BCRYPT = "$2b$12$" + "N9qo8uLOickgx2ZMRZoMyeIjZAgcfl7p92ldGxad68LJZdL17lhWy"
HEADERS = {"content-type": "application/json"}


def judge_get(body: dict) -> validate.Judgement:
    return validate.judge("get", 200, HEADERS, json.dumps(body).encode())


def test_unnamed_properties_are_listed_at_every_level_and_not_judged():
    body = {**BUSINESS, "phone": "+1 555", "faqs": [{"id": 3, "question": "Q?", "answer": "A."}]}
    answer = {"status": "success", "business": body, "message": "Settings saved"}
    verdict = validate.judge("put", 200, HEADERS, json.dumps(answer).encode())
    assert verdict.problems == []
    assert [item.path for item in verdict.unnamed] == [
        "SaveResult.business.faqs[].id", "SaveResult.business.phone", "SaveResult.message"]
    assert verdict.view["business"]["faqs"] == [{"question": "Q?", "answer": "A."}]


def test_what_the_contract_names_is_still_judged_strictly():
    verdict = judge_get({**BUSINESS, "id": "7", "phone": "+1 555"})
    assert verdict.problems == ["Business.id: Input should be a valid integer"]
    assert judge_get({k: v for k, v in BUSINESS.items() if k != "updated_at"}).problems == [
        "Business.updated_at: Field required"]


@pytest.mark.parametrize("name, value, reason", [
    ("owner_ref", BCRYPT, "a bcrypt password hash"),
    ("ref", "$argon2id$v=19$m=65536,t=3,p=4$c29tZXNhbHQ$RdescudvJCsgt3ub+b+dWRWJTmaaJObG", "an argon2 password hash"),
    ("legacy", "pbkdf2_sha256$600000$salt$hash=", "a PBKDF2 password hash"),
    ("session", "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2ln", "a JSON Web Token"),
    ("stripe", "sk_live_" + "a" * 24, "an API key"),
    ("owner", {"email": "x@example.test", "password_hash": "anything"}, "a secret (its name, 'password_hash', says so)"),
    ("apiKey", "abc", "a secret (its name, 'apiKey', says so)"),
], ids=["bcrypt", "argon2", "pbkdf2", "jwt", "api-key", "name-password_hash", "name-apiKey"])  # values stay out of reports
def test_a_leaked_secret_is_named_by_shape_or_name(name, value, reason):
    assert leak_reason(name, value, root="Business") == reason


@pytest.mark.parametrize("name, value", [
    ("phone", "+49 30 123456"), ("timezone", "Europe/Berlin"), ("token_count", 3), ("api_key", None),
    ("passenger_limit", "12"), ("etag", "W/\"5f3c\""),
])
def test_ordinary_extensions_are_not_secrets(name, value):
    assert leak_reason(name, value, root="Business") is None


def test_a_login_answer_may_hand_out_tokens_but_never_a_password_hash():
    assert leak_reason("refresh_token", "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2ln", root="Token") is None
    assert leak_reason("user_hash", BCRYPT, root="Token") == "a bcrypt password hash"


def test_a_leak_is_a_problem_that_names_the_field_and_never_shows_the_value():
    verdict = judge_get({**BUSINESS, "owner_ref": BCRYPT})
    assert verdict.problems == ["Business.owner_ref looks like a bcrypt password hash (value masked): "
                                "a response must never carry one"]
    assert BCRYPT not in " ".join(verdict.problems)


def test_writable_shape_drops_what_a_request_may_not_carry():
    read = {**BUSINESS, "phone": "x", "faqs": [{"id": 3, "question": "Q?", "answer": "A."}]}
    assert writable(contract_view(Business, read)) == {
        "name": "Lex", "industry": None, "common_services": None, "business_hours": None, "description": None,
        "faqs": [{"question": "Q?", "answer": "A."}]}


def test_split_leaves_a_body_of_the_wrong_type_to_the_model():
    assert split(SaveResult, ["not", "an", "object"]) == (["not", "an", "object"], [])
    assert validate.judge("get", 200, HEADERS, b"[1]").problems
