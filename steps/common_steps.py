"""Steps shared by every feature: who acts, and what the last response was."""

from __future__ import annotations

import json

from pytest_bdd import given, parsers, then

from settings_qa.client import json_or_none
from settings_qa.world import World

ROLES = {"the primary account": "primary", "the second account": "secondary",
         "an account without a business": "no_business"}


WHO = "(?P<who>" + "|".join(ROLES) + ")"


def role_of(phrase: str) -> str:
    try:
        return ROLES[phrase]
    except KeyError:
        raise AssertionError(f"unknown account {phrase!r}; use one of: {', '.join(ROLES)}") from None


@given(parsers.re(f"I am logged in as {WHO}"))
def logged_in_as(world: World, who: str) -> None:
    """Example: Given I am logged in as the primary account"""
    world.actor = role_of(who)
    world.token()


@then(parsers.parse("the response status is {status:d}"))
def response_status_is(world: World, status: int) -> None:
    """Example: Then the response status is 404"""
    got = world.response.status_code
    assert got == status, f"expected HTTP {status}, got HTTP {got}: {world.response.text[:300]}"


@then("the request succeeds")
def request_succeeds(world: World) -> None:
    """Example: Then the request succeeds"""
    response_status_is(world, 200)


@then("the request is rejected as invalid")
def rejected_as_invalid(world: World) -> None:
    """Example: Then the request is rejected as invalid   (HTTP 422)"""
    response_status_is(world, 422)


@then("the request is rejected as malformed")
def rejected_as_malformed(world: World) -> None:
    """Example: Then the request is rejected as malformed   (HTTP 400 or 422: the body is not JSON)"""
    got = world.response.status_code
    assert got in (400, 422), f"expected HTTP 400 or 422 for a body that is not JSON, got HTTP {got}"


@then(parsers.parse('the error detail mentions "{text}"'))
def error_mentions(world: World, text: str) -> None:
    """Example: Then the error detail mentions "name" """
    detail = (json_or_none(world.response) or {}).get("detail")
    assert text in json.dumps(detail, ensure_ascii=False), f"{text!r} not in the error detail: {detail}"
