"""The suite and `settings-e2e` against backends behind a misbehaving gateway (gateway.py).

For every way the gateway misbehaves: a correct backend stays green with the network's events
listed, and both accounts read back exactly as found (read straight from the backend, never
through the gateway); a backend with a real fault (the incident's stale import, a dropped field)
stays red for that fault and only that fault: a 500 is never retried away, and no network event
is reported as a contract failure.
"""

from __future__ import annotations

import pytest
from gateway import Gateway, Misbehaviour
from network_runs import SUITE_ARGS, run_e2e, run_suite

pytestmark = pytest.mark.slow
MODES = ("rate-seconds", "rate-date", "unavailable", "pages", "drops", "slow")
# What the gateway must have done in each mode, and how the suite's network section names it.
MISBEHAVED = {
    "rate-seconds": ("429", "rate limited (429)"),
    "rate-date": ("429", "rate limited (429)"),
    "unavailable": ("503-retry-after", "unavailable, asked to wait (503 with Retry-After)"),
    "pages": ("502-page", "gateway error page (502/503/504, not the application's)"),
    "drops": ("dropped-after-forwarding", "connection closed or reset before the answer"),
    "slow": ("forwarded", None),
}
# Each fault, the scenarios that must fail for it (by field), what their failure says, settings-e2e's code.
FAULTS = {
    "incident-stale-sessionlocal-import": ({"description", "faqs"}, "answered HTTP 500", 3),
    "field-not-stored": ({"business_hours"}, "business_hours", 4),
}


def _assert_green(run, e2e) -> None:
    assert run.code == 0, run.stdout[-6000:] + run.stderr[-2000:]
    assert run.failed == []
    assert e2e.code == 0, e2e.output
    assert not run.journal.exists() and not e2e.journal.exists(), "a journal entry was left behind"


@pytest.mark.parametrize("mode", MODES)
def test_a_correct_backend_stays_green_and_as_found(mode: str, reference) -> None:
    before = reference.state()
    with Gateway(reference.base_url, Misbehaviour.named(mode)) as gateway:
        run = run_suite(gateway.url, reference, *SUITE_ARGS)
        e2e = run_e2e(gateway.url, reference)
        stats = dict(gateway.stats)

    assert reference.state() == before
    _assert_green(run, e2e)
    did, listed = MISBEHAVED[mode]
    assert stats.get(did, 0) > 0, stats
    if listed:
        assert listed in run.network_section, run.stdout[-4000:]
        assert "network events" in run.last_line, run.last_line
        assert "NETWORK FAILURE" not in run.stdout


def test_the_foreign_backend_stays_green_and_as_found_behind_every_misbehaviour_at_once(foreign) -> None:
    before = foreign.state()
    with Gateway(foreign.base_url, Misbehaviour.named("everything")) as gateway:
        run = run_suite(gateway.url, foreign, *SUITE_ARGS)
        e2e = run_e2e(gateway.url, foreign)
        stats = dict(gateway.stats)

    assert foreign.state() == before
    _assert_green(run, e2e)
    assert stats["requests"] > stats["forwarded"], stats  # it did misbehave
    assert "settings-qa network:" in run.stdout


@pytest.mark.parametrize("mode", MODES)
def test_a_real_fault_stays_red_for_that_fault(mode: str, faulty) -> None:
    fault, upstream = faulty
    fields, says, e2e_code = FAULTS[fault]
    before = upstream.state()
    with Gateway(upstream.base_url, Misbehaviour.named(mode)) as gateway:
        run = run_suite(gateway.url, upstream, "features", "-k", "each_writable_field_can_be_saved_on_its_own",
                        "-rfE")
        e2e = run_e2e(gateway.url, upstream)

    assert upstream.state() == before
    assert run.code == 1, run.stdout[-4000:] + run.stderr
    assert {failed.split("[")[1].split("-")[0] for failed in run.failed} == fields, run.failed
    assert says in run.stdout and "NETWORK FAILURE" not in run.stdout
    assert e2e.code == e2e_code, e2e.output
