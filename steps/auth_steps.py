"""Authentication steps: logging in, and calling with bad tokens."""

from __future__ import annotations

import secrets
import time

import jwt
import pytest
from pytest_bdd import parsers, then, when

from settings_qa.redaction import register_secret
from settings_qa.world import World
from steps.common_steps import WHO, role_of


def _other_subject(subject: str) -> str:
    return str(int(subject) + 10**6) if subject.isdigit() else f"nobody-{secrets.token_hex(6)}@example.test"


def _signed_by_target(world: World, claims: dict, kind: str) -> str:
    """Tokens only the backend's own key can make: for backends the suite starts."""
    if world.target.jwt_secret is None:
        pytest.skip(f"{kind} token needs the backend's signing key, known only on targets the suite starts")
    return jwt.encode(claims, world.target.jwt_secret, algorithm="HS256")


def forged_token(world: World, kind: str) -> str | None:
    """A token of the given kind, made from the real token's own claims where it has any."""
    claims = jwt.decode(world.token(), options={"verify_signature": False})
    makers = {
        "no": lambda: None,
        "a garbage": lambda: "not-a-jwt",
        "an unsigned": lambda: jwt.encode(claims, None, algorithm="none"),
        "a foreign-key": lambda: jwt.encode(claims, secrets.token_urlsafe(32), algorithm="HS256"),
        "a truncated": lambda: world.token()[:-8],
        "an expired": lambda: _signed_by_target(world, {**claims, "exp": int(time.time()) - 60}, kind),
        "an unknown-account": lambda: _signed_by_target(
            world, {**claims, "sub": _other_subject(str(claims.get("sub", "")))}, kind),
    }
    if kind not in makers:
        raise AssertionError(f"unknown token kind {kind!r}; use one of: {', '.join(makers)}")
    token = makers[kind]()
    register_secret(token)
    return token


@when(parsers.re(f"I log in as {WHO}"))
def log_in_as(world: World, who: str) -> None:
    """Example: When I log in as the primary account"""
    account = world.account(role_of(who))
    world.login(account.email, account.password)


@when(parsers.re(f"I log in as {WHO} with a wrong password"))
def log_in_wrong_password(world: World, who: str) -> None:
    """Example: When I log in as the primary account with a wrong password"""
    account = world.account(role_of(who))
    world.remembered["refusals"] = world.remembered.get("refusals", []) + [
        world.login(account.email, account.password + "-wrong")
    ]


@when("I log in with an unknown email")
def log_in_unknown_email(world: World) -> None:
    """Example: When I log in with an unknown email"""
    world.remembered["refusals"] = world.remembered.get("refusals", []) + [
        world.login(f"nobody-{secrets.token_hex(6)}@example.test", secrets.token_urlsafe(12))
    ]


@when(parsers.parse('I log in with the body field "{field}" set to "{value}"'))
def log_in_with_extra(world: World, field: str, value: str) -> None:
    """Example: When I log in with the body field "role" set to "admin"   (an unknown field)"""
    account = world.account()
    world.login(account.email, account.password, **{field: value})


KIND = "(?P<kind>no|a garbage|an unsigned|a foreign-key|a truncated|an expired|an unknown-account)"


@when(parsers.re(f"I fetch my settings with {KIND} token"))
def fetch_with_token(world: World, kind: str) -> None:
    """Example: When I fetch my settings with an unsigned token"""
    world.fetch(token=forged_token(world, kind))


@when(parsers.re(f"I save my settings with {KIND} token"))
def save_with_token(world: World, kind: str) -> None:
    """Example: When I save my settings with a foreign-key token"""
    world.save({"name": "Should not be saved"}, token=forged_token(world, kind))


@when(parsers.parse('I fetch my settings with the Authorization header "{header}"'))
def fetch_with_header(world: World, header: str) -> None:
    """Example: When I fetch my settings with the Authorization header "Basic dXNlcjpwYXNz" """
    world.fetch(token=None, headers={"Authorization": header})


@then("I receive a bearer token")
def receive_bearer_token(world: World) -> None:
    """Example: Then I receive a bearer token"""
    body = world.view
    assert world.response.status_code == 200, f"login failed: HTTP {world.response.status_code}"
    assert body["token_type"] == "bearer"
    claims = jwt.decode(body["access_token"], options={"verify_signature": False})
    assert "sub" in claims and "exp" in claims, f"the token lacks sub or exp (claims: {sorted(claims)})"


@then("the login is refused")
def login_refused(world: World) -> None:
    """Example: Then the login is refused   (HTTP 401)"""
    assert world.response.status_code == 401, f"expected HTTP 401, got HTTP {world.response.status_code}"


@then("both refusals are identical")
def refusals_identical(world: World) -> None:
    """Example: Then both refusals are identical   (same status and detail: no account enumeration;
    properties the contract does not name, such as a request id, are not compared)"""
    first, second = [(r.status_code, world.contract_body("login", r)) for r in world.remembered["refusals"][-2:]]
    assert first == second, (f"the refusals differ, which tells accounts apart: HTTP {first[0]} {first[1]} "
                             f"vs HTTP {second[0]} {second[1]}")


@then("I am asked to authenticate with a bearer token")
def asked_for_bearer(world: World) -> None:
    """Example: Then I am asked to authenticate with a bearer token   (401 + WWW-Authenticate: Bearer)"""
    response = world.response
    assert response.status_code == 401, f"expected HTTP 401, got HTTP {response.status_code}"
    challenge = response.headers.get("www-authenticate", "")
    assert challenge.lower().startswith("bearer"), f"WWW-Authenticate is {challenge!r}, expected Bearer"
