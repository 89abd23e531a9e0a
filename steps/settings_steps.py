"""Steps for reading and saving business settings, and for checking what persisted."""

from __future__ import annotations

import time
from typing import Any

from pytest_bdd import given, parsers, then, when

from contracts.models import WRITABLE_FIELDS, read_back, writable
from settings_qa import values
from settings_qa.tables import FAQ_TABLE, FIELD_TABLE, faq_table_to_list, table_to_body, takes_table
from settings_qa.world import World
from steps.common_steps import WHO, role_of

AUDIT_DONE = ("passed", "failed")


def _mismatches(wanted: dict[str, Any], got: dict[str, Any]) -> list[str]:
    return [f"field '{field}': {values.difference(value, got.get(field))}"
            for field, value in wanted.items() if got.get(field) != value]


def _changes(before: dict[str, Any], now: dict[str, Any]) -> list[str]:
    """Differences between two reads of a business that nobody wrote to in between.

    A pending audit may finish meanwhile (on a served backend it runs after the
    response), so `pending` -> `passed`/`failed` is not a change.
    """
    if before.get("audit_status") == "pending" and now.get("audit_status") in AUDIT_DONE:
        before = {**before, "audit_status": now["audit_status"]}
    return _mismatches(before, now)


# --- Given -----------------------------------------------------------------
@given("my settings are:")
@takes_table(FIELD_TABLE)
def settings_are(world: World, datatable: list[list[str]]) -> None:
    """Example: Given my settings are:
      | field       | value              |
      | name        | Lex Makes It       |
      | description | {{null}}           |"""
    response = world.save(table_to_body(datatable, world.fake))
    assert response.status_code == 200, f"could not set up the settings: HTTP {response.status_code}"


@given("I remember my settings")
def remember_settings(world: World) -> None:
    """Example: Given I remember my settings"""
    world.remembered[world.actor] = world.business()


@given(parsers.re(f"I remember the settings of {WHO}"))
def remember_settings_of(world: World, who: str) -> None:
    """Example: Given I remember the settings of the second account"""
    world.remembered[role_of(who)] = world.business(role_of(who))


# --- When ------------------------------------------------------------------
@when("I fetch my settings")
def fetch_settings(world: World) -> None:
    """Example: When I fetch my settings"""
    world.fetch()


@when("I save my settings with:")
@takes_table(FIELD_TABLE)
def save_with_table(world: World, datatable: list[list[str]]) -> None:
    """Example: When I save my settings with:
      | field          | value                              |
      | business_hours | Monday-Friday, 12:00 PM - 10:00 PM |
      | industry       | {{"  padded  "}}                   |
    (value expressions: `settings-qa values`; fields: `settings-qa fields`; | every field | {{max}} | is the
    largest valid settings)"""
    world.save(table_to_body(datatable, world.fake))


@when(parsers.re(f"{WHO} saves its settings with:"))
@takes_table(FIELD_TABLE)
def other_saves_with_table(world: World, who: str, datatable: list[list[str]]) -> None:
    """Example: When the second account saves its settings with:
      | field | value            |
      | name  | {{faker:company}} |"""
    world.save(table_to_body(datatable, world.fake), role=role_of(who))


@when("I save my settings with the JSON body:")
def save_with_json(world: World, docstring: str) -> None:
    """Example: When I save my settings with the JSON body:
      \"\"\"
      {"name": ["not", "a", "string"]}
      \"\"\""""
    world.save(content=docstring.encode("utf-8"), headers={"Content-Type": "application/json"})


@when(parsers.parse("I save my settings with the raw {content_type} body:"))
def save_with_raw_body(world: World, content_type: str, docstring: str) -> None:
    """Example: When I save my settings with the raw text/plain body:
      \"\"\"
      name=Lex
      \"\"\""""
    world.save(content=docstring.encode("utf-8"), headers={"Content-Type": content_type})


@when(parsers.parse("I save my settings with {count:d} generated FAQs"))
def save_generated_faqs(world: World, count: int) -> None:
    """Example: When I save my settings with 50 generated FAQs"""
    world.save({"faqs": values.make_faqs(count, world.fake)})


@when("I save my settings with the FAQs:")
@takes_table(FAQ_TABLE)
def save_faq_table(world: World, datatable: list[list[str]]) -> None:
    """Example: When I save my settings with the FAQs:
      | question              | answer                |
      | Are you open Sunday?  | No, Monday to Friday. |"""
    world.save({"faqs": faq_table_to_list(datatable, world.fake)})


@when("I save the same settings again")
def save_same_again(world: World) -> None:
    """Example: When I save the same settings again"""
    world.save(world.last_body)


@when("I put back the settings I remembered")
def put_back_remembered(world: World) -> None:
    """Example: When I put back the settings I remembered
    (saves the remembered writable fields, as the suite's own restore does)"""
    world.save(writable(world.remembered[world.actor]))


# --- Then ------------------------------------------------------------------
@then(parsers.parse('the save status is "{status}"'))
def save_status_is(world: World, status: str) -> None:
    """Example: Then the save status is "audit_pending"   (or "success")"""
    assert world.response.status_code == 200, f"the save failed: HTTP {world.response.status_code}"
    got = world.view["status"]
    assert got == status, f"save status is {got!r}, expected {status!r} (sent: {values.show(world.last_body)})"


@then(parsers.parse('my audit status is "{status}"'))
def audit_status_is(world: World, status: str) -> None:
    """Example: Then my audit status is "pending"   (as the save response reported it)"""
    got = world.view["business"]["audit_status"]
    assert got == status, f"audit_status is {got!r}, expected {status!r}"


@then(parsers.parse("the audit finishes within {seconds:d} seconds"))
def audit_finishes(world: World, seconds: int) -> None:
    """Example: Then the audit finishes within 10 seconds   (audit_status becomes passed or failed)"""
    deadline = time.monotonic() + seconds
    status = world.business()["audit_status"]
    while status not in AUDIT_DONE and time.monotonic() < deadline:
        time.sleep(0.2)
        status = world.business()["audit_status"]
    assert status in AUDIT_DONE, f"audit_status is still {status!r} after {seconds} s"


@then("my settings read back exactly as saved")
def read_back_as_saved(world: World) -> None:
    """Example: Then my settings read back exactly as saved
    (every field sent is stored verbatim; every field not sent kept its value)"""
    assert world.response.status_code == 200, f"the save failed: HTTP {world.response.status_code}"
    sent = world.last_body
    assert isinstance(sent, dict), "this step compares with a save whose body was a JSON object"
    now = world.business()
    wanted = {f: read_back(f, sent[f]) for f in sent}
    wanted |= {f: world.before_last_write[f] for f in WRITABLE_FIELDS if f not in sent}
    problems = _mismatches(wanted, now)
    assert not problems, "what was saved did not read back:\n  " + "\n  ".join(problems)


@then("my settings are unchanged")
def settings_unchanged(world: World) -> None:
    """Example: Then my settings are unchanged   (a rejected save left every field as it was)"""
    problems = _changes(world.before_last_write, world.business())
    assert not problems, "a rejected save changed the settings:\n  " + "\n  ".join(problems)


@then(parsers.re(f"the settings of {WHO} are unchanged"))
def others_unchanged(world: World, who: str) -> None:
    """Example: Then the settings of the primary account are unchanged   (compared with what was remembered)"""
    role = role_of(who)
    problems = _changes(world.remembered[role], world.business(role))
    assert not problems, f"the {who}'s business changed:\n  " + "\n  ".join(problems)


@then("the saved business equals the next read")
def saved_equals_next_read(world: World) -> None:
    """Example: Then the saved business equals the next read   (PUT's business == the following GET)"""
    result = world.view
    saved = result["business"]
    if result["status"] == "audit_pending":  # the background audit may have moved on since
        saved = {k: v for k, v in saved.items() if k != "audit_status"}
    problems = _mismatches(saved, world.business())
    assert not problems, "the PUT response and the next GET disagree:\n  " + "\n  ".join(problems)


@then("my settings include:")
@takes_table(FIELD_TABLE)
def settings_include(world: World, datatable: list[list[str]]) -> None:
    """Example: Then my settings include:
      | field | value        |
      | name  | Lex Makes It |"""
    wanted = {f: read_back(f, v) for f, v in table_to_body(datatable, world.fake).items()}
    problems = _mismatches(wanted, world.business())
    assert not problems, "the settings differ:\n  " + "\n  ".join(problems)


@then(parsers.parse("I have {count:d} FAQs in the order I saved them"))
def faqs_in_order(world: World, count: int) -> None:
    """Example: Then I have 50 FAQs in the order I saved them"""
    stored = world.business()["faqs"]
    assert len(stored) == count, f"{len(stored)} FAQs stored, expected {count}"
    moved = [i for i, (a, b) in enumerate(zip(world.last_body["faqs"], stored)) if a != b]
    assert not moved, f"FAQs differ or moved at positions {moved[:10]}"


@then("I see my own business")
def see_own_business(world: World) -> None:
    """Example: Then I see my own business   (the same business on every read, matching the contract)"""
    first = world.view
    again = world.business()
    assert first["id"] == again["id"], f"two reads returned different businesses: {first['id']} and {again['id']}"
    world.remembered.setdefault("business_ids", {})[world.actor] = first["id"]


@then(parsers.re(f"{WHO} sees a different business"))
def other_sees_different(world: World, who: str) -> None:
    """Example: Then the second account sees a different business"""
    mine, theirs = world.business()["id"], world.business(role_of(who))["id"]
    assert mine != theirs, f"both accounts read business {mine}: tenants are not isolated"
