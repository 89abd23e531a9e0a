"""Steps of the @concurrency scenarios: saves that overlap on the server, in seeded rounds.

Each When step runs every round (settings_qa/races.py: `--race-rounds`, `--race-requests`)
and keeps the evidence; each Then step judges all rounds and names, for a failure, the round
and its seed, what was lost, and the request that won.
"""

from __future__ import annotations

import time
from typing import Any

import pytest
from faker import Faker
from pytest_bdd import then, when

from contracts.models import WRITABLE_FIELDS, read_back
from settings_qa import races, reporting, values
from settings_qa.client import ApiClient
from settings_qa.net.events import NetworkEvent, record
from settings_qa.net.policy import NetworkFailure
from settings_qa.races import Round, Sent, show
from settings_qa.world import World

UNAUDITED = ("name", "industry", "common_services", "business_hours")
AUDIT_DONE = ("passed", "failed")
STREAM_SECONDS = 10.0  # the contract's bound for an audit to settle
STREAM_MAX_SAVES = 60
NETWORK_SPARE_ROUNDS = 3  # rounds set aside for the network that other rounds may replace


def fresh_values(fake: Faker, tag: str) -> dict[str, Any]:
    """A new value for every writable field, unique to this round (`tag`)."""
    return {
        "name": f"{fake.company()} {tag}",
        "industry": f"{fake.bs()} {tag}"[:200],
        "common_services": f"{fake.catch_phrase()} {tag}",
        "business_hours": f"{fake.day_of_week()}-{fake.day_of_week()} {fake.random_int(6, 11)}-{tag}",
        "description": f"{fake.paragraph()} {tag}",
        "faqs": [{"question": f"{faq['question']} {tag}", "answer": faq["answer"]}
                 for faq in values.make_faqs(2, fake)],
    }


def _rounds(world: World, request: pytest.FixtureRequest, roles: tuple[str, ...], play) -> None:
    """Run `play(round, fake)` for every round; keep the rounds for the Then steps. A round
    whose saves failed or whose audit never settled ends the scenario's rounds: the evidence
    is there, and more rounds would only wait out the same timeout again.

    A round in which the network kept an answer away (a gateway error, a dropped connection)
    cannot be judged: it is set aside as inconclusive and the next round, with its own seed and
    values, takes its place (at most NETWORK_SPARE_ROUNDS times)."""
    settings = races.RaceSettings.of(request.config)
    for role in roles:
        world.snapshot(role)
    tokens = {role: world.token(role) for role in roles}
    rounds, set_aside, number = [], [], 0
    while len(rounds) < settings.rounds and len(set_aside) <= NETWORK_SPARE_ROUNDS:
        number += 1
        seed = races.round_seed(request.config, request.node.nodeid, number)
        current = Round(number, seed)
        play(current, races.round_faker(seed), tokens, settings)
        for role in roles:
            current.after[role] = world.settled(role, STREAM_SECONDS)
        if any(item.network for item in current.sent):
            set_aside.append(current)
            record(NetworkEvent("PUT", "(a @concurrency burst)", "inconclusive",
                                note=f"{current.title} set aside: " + "; ".join(
                                    item.describe() for item in current.sent if item.network)))
            continue
        rounds.append(current)
        if any(not item.ok for item in current.sent) or any(
                after.get("audit_status") == "pending" for after in current.after.values()):
            break
    if not rounds:
        raise NetworkFailure(f"every round met the network and none could be judged ({len(set_aside)} set aside); "
                             "the backend's contract was not reached")
    world.remembered["rounds"] = rounds


def _attach(request: pytest.FixtureRequest) -> bool:
    return reporting.active(request.config)


def _rounds_of(world: World) -> list[Round]:
    return world.remembered["rounds"]


def _fail(problems: list[str], headline: str) -> None:
    assert not problems, headline + ":\n  " + "\n  ".join(problems)


# --- When ----------------------------------------------------------------------------------
@when("I save each writable field at the same time, each in its own request")
def save_fields_at_once(world: World, request: pytest.FixtureRequest) -> None:
    """Example: When I save each writable field at the same time, each in its own request
    (--race-requests fields, at most the six writable ones, each in its own PUT, all released at once)"""
    role = world.actor

    def play(current: Round, fake: Faker, tokens: dict[str, str], settings: races.RaceSettings) -> None:
        fields = WRITABLE_FIELDS[:min(settings.requests, len(WRITABLE_FIELDS))]
        wanted = fresh_values(fake, f"r{current.number}")
        current.wanted[role] = {f: wanted[f] for f in fields}
        current.sent = races.fire(world.target, tokens, [(role, {f: wanted[f]}) for f in fields],
                                  attach=_attach(request))

    _rounds(world, request, (role,), play)


@when("I send the same save several times at once")
def double_submit(world: World, request: pytest.FixtureRequest) -> None:
    """Example: When I send the same save several times at once
    (a double-clicked Save: --race-requests identical PUTs of name, description and FAQs)"""
    role = world.actor

    def play(current: Round, fake: Faker, tokens: dict[str, str], settings: races.RaceSettings) -> None:
        wanted = fresh_values(fake, f"r{current.number}")
        body = {f: wanted[f] for f in ("name", "description", "faqs")}
        current.wanted[role] = body
        current.sent = races.fire(world.target, tokens, [(role, body)] * settings.requests, attach=_attach(request))

    _rounds(world, request, (role,), play)


@when("I change my description and keep saving other fields until its audit has finished")
def save_during_audit(world: World, request: pytest.FixtureRequest) -> None:
    """Example: When I change my description and keep saving other fields until its audit has finished
    (the description is saved, and a moment later the four other text fields, each in its own
    request: they queue up behind it and land just as its audit starts; then saves of other
    fields follow, ever less often, until an answer shows the audit settled, so some land
    while it runs however long it takes)"""
    role = world.actor

    def play(current: Round, fake: Faker, tokens: dict[str, str], settings: races.RaceSettings) -> None:
        wanted = fresh_values(fake, f"r{current.number}")
        current.wanted[role] = {"description": wanted["description"]}
        burst = [(role, {"description": wanted["description"]})] + [(role, {f: wanted[f]}) for f in UNAUDITED]
        lag = fake.random_int(1, 3) / 1000  # the others start while the description is being saved
        current.sent = races.fire(world.target, tokens, burst, attach=_attach(request),
                                  delays=[0.0] + [lag] * len(UNAUDITED))
        with world.target.http_client() as http:
            api = ApiClient(http, on_exchange=reporting.attach_exchange if _attach(request) else None)
            started, pause, deadline = time.perf_counter(), 0.001, time.monotonic() + STREAM_SECONDS
            for number in range(len(burst) + 1, len(burst) + STREAM_MAX_SAVES + 1):
                if _audit_settled(current.sent[-1]) or time.monotonic() > deadline:
                    break
                field = UNAUDITED[number % len(UNAUDITED)]
                value = fresh_values(fake, f"r{current.number}-{number}")[field]
                current.sent.append(races.send(api, tokens[role], Sent(number, role, {field: value}), started))
                time.sleep(pause)
                pause = min(pause * 2, 0.1)

    _rounds(world, request, (role,), play)


def _audit_settled(item: Sent) -> bool:
    """Whether this save's answer shows no audit pending (or it failed: no point going on)."""
    return not item.ok or item.answer["business"]["audit_status"] in AUDIT_DONE


@when("both accounts save their settings at the same time")
def both_accounts_save(world: World, request: pytest.FixtureRequest) -> None:
    """Example: When both accounts save their settings at the same time
    (each account saves half of --race-requests fields, each in its own PUT, all released at once)"""
    roles = ("primary", "secondary")

    def play(current: Round, fake: Faker, tokens: dict[str, str], settings: races.RaceSettings) -> None:
        fields = WRITABLE_FIELDS[:max(1, min(settings.requests // 2, len(WRITABLE_FIELDS)))]
        for index, role in enumerate(roles):
            wanted = fresh_values(fake, f"r{current.number}-{role}")
            current.wanted[role] = {f: wanted[f] for f in fields}
        saves = [(role, {f: current.wanted[role][f]}) for f in fields for role in roles]
        current.sent = races.fire(world.target, tokens, saves, attach=_attach(request))

    _rounds(world, request, roles, play)


# --- Then ----------------------------------------------------------------------------------
@then("every concurrent save succeeds")
def every_save_succeeds(world: World) -> None:
    """Example: Then every concurrent save succeeds
    (each answered 200 within the contract, and its business shows what it wrote)"""
    problems, total = [], 0
    for current in _rounds_of(world):
        for item in current.sent:
            total += 1
            if not item.ok:
                problems.append(f"{current.title}: {item.describe()}")
                continue
            shown = item.answer["business"]
            wrong = [f for f, v in item.body.items() if shown.get(f) != read_back(f, v)]
            if wrong:
                problems.append(f"{current.title}: {item.label} answered 200 but its business shows other "
                                f"values for {', '.join(wrong)}")
    _fail(problems, f"{len(problems)} of {total} concurrent saves failed")


@then("every field reads back as its own save wrote it")
def every_field_reads_back(world: World) -> None:
    """Example: Then every field reads back as its own save wrote it   (no save of the burst was lost)"""
    problems = [problem for current in _rounds_of(world) for problem in _lost(current, world.actor)]
    _fail(problems, "concurrent saves were lost")


def _lost(current: Round, role: str) -> list[str]:
    after = current.after[role]
    lost = [(item, f, v) for item in current.sent if item.role == role for f, v in item.body.items()
            if after.get(f) != read_back(f, v)]
    if not lost:
        return []
    winner = current.winner()
    details = "; ".join(_not_kept(after, item, f, v) for item, f, v in lost)
    return [f"{current.title}: {len(lost)} of {len(current.sent)} saves lost: {details}; the request answered "
            f"last (the likeliest to have won): {winner.describe() if winner else 'none answered'}"]


def _not_kept(after: dict[str, Any], item: Sent, field: str, value: Any) -> str:
    """What a field reads instead of what `item` wrote, and how that save was answered."""
    answered = f"answered {item.status}" if item.status else item.error
    return f"{field} reads {show(after.get(field))} but {item.label} wrote {show(value)} ({answered})"


@then("my settings read back as that save")
def read_back_as_that_save(world: World) -> None:
    """Example: Then my settings read back as that save   (once: FAQs not doubled, nothing lost)"""
    problems = []
    for current in _rounds_of(world):
        body, after = current.wanted[world.actor], current.after[world.actor]
        wrong = [f"{f} reads {show(after.get(f))}, saved {show(v)}" for f, v in body.items()
                 if after.get(f) != read_back(f, v)]
        if wrong:
            problems.append(f"{current.title}: {'; '.join(wrong)}")
    _fail(problems, "the save sent several times did not read back as sent")


@then("the audit status is consistent with that save")
def audit_consistent(world: World) -> None:
    """Example: Then the audit status is consistent with that save
    (exactly one of the identical saves changed the description, so exactly one says audit_pending;
    its business says pending; the audit then settles as passed or failed)"""
    problems = []
    for current in _rounds_of(world):
        answered = [item for item in current.sent if item.ok]
        pending = [item for item in answered if item.answer["status"] == "audit_pending"]
        if len(pending) != 1:
            problems.append(f"{current.title}: {len(pending)} of {len(answered)} identical saves answered "
                            "audit_pending; the description changed once, so exactly one may (were the saves "
                            "applied side by side rather than one after another?)")
        problems += [f"{current.title}: {item.label} answered audit_pending but business.audit_status is "
                     f"{item.answer['business']['audit_status']!r}" for item in pending
                     if item.answer["business"]["audit_status"] != "pending"]
        settled = current.after[world.actor]["audit_status"]
        if settled not in AUDIT_DONE:
            problems.append(f"{current.title}: audit_status is still {settled!r} {STREAM_SECONDS:.0f} s later")
    _fail(problems, "the audit status contradicts the saves")


@then("the audit's verdict and every later save are visible")
def verdict_and_saves_visible(world: World) -> None:
    """Example: Then the audit's verdict and every later save are visible
    (the audit settled as passed or failed, and no save made while it ran was reverted)"""
    problems = []
    for current in _rounds_of(world):
        after, first = current.after[world.actor], current.sent[0]
        if not first.ok or first.answer["status"] != "audit_pending":
            problems.append(f"{current.title}: the description change did not start an audit: {first.describe()}")
            continue
        others = current.sent[1:]
        during = sum(1 for item in others if item.ok and item.answer["business"]["audit_status"] == "pending")
        if after["audit_status"] not in AUDIT_DONE:
            problems.append(f"{current.title}: audit_status is still {after['audit_status']!r} "
                            f"{STREAM_SECONDS:.0f} s later")
        last = {f: (item, v) for item in current.sent for f, v in item.body.items()}
        reverted = [_not_kept(after, item, f, v) for f, (item, v) in last.items() if after.get(f) != read_back(f, v)]
        if reverted:
            problems.append(f"{current.title}: {len(reverted)} saves were undone ({during} of {len(others)} saves "
                            f"of other fields landed while the audit was pending): {'; '.join(reverted)}")
    _fail(problems, "saves made while the audit ran were not all kept")


@then("each account reads back only its own values")
def each_account_own_values(world: World) -> None:
    """Example: Then each account reads back only its own values"""
    problems = []
    for current in _rounds_of(world):
        for role, other in (("primary", "secondary"), ("secondary", "primary")):
            after = current.after[role]
            for f, v in current.wanted[role].items():
                if after.get(f) == read_back(f, current.wanted[other][f]):
                    problems.append(f"{current.title}: the {role} account reads the {other} account's {f} "
                                    f"{show(after.get(f))}")
                elif after.get(f) != read_back(f, v):
                    problems.append(f"{current.title}: the {role} account's {f} reads {show(after.get(f))}, "
                                    f"it saved {show(v)}")
    _fail(problems, "tenants saving at the same time are not kept apart")
