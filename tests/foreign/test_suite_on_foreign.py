"""The suite against a backend written apart from backend/ (foreign_app.py), in deployment
mode, as a new user would point it at their own service.

Legitimate variations (still within the contract) must leave the default mode green and
settings-e2e at exit 0; --strict must fail on exactly what lies outside the contract; a real
fault must fail on that fault, with any finding outside the contract reported beside it.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from foreign_app import LEGITIMATE
from foreign_runs import run_e2e, run_suite
from foreign_server import ForeignServer

pytestmark = pytest.mark.slow
# Everything the contract tolerates at once (no-openapi would hide documents-less: run apart).
TOLERATED = tuple(v for v in LEGITIMATE if v != "no-openapi")
# Within the contract *and* the closed world: strict has nothing to object to.
CLOSED_WORLD = ("no-openapi", "path-prefix", "slow-audit", "utc-offset", "json-400", "extra-headers")
ST205 = "findings::hygiene::allow_header_conformance on OPTIONS /api/business/me: Allow header mismatch"
# What `pytest contracts --strict` objects to on each variation, and nothing else (seed 7, 5 examples).
STRICT_OBJECTIONS = {
    "extra-fields": {
        "findings::drift-more::GET /api/business/me response 200 body (documents more)",
        "findings::drift-more::POST /api/auth/login response 200 body (documents more)",
        "findings::drift-more::PUT /api/business/me response 200 body (documents more)",
        "findings::extension::Business.phone", "findings::extension::Business.timezone",
        "findings::extension::ErrorBody.code", "findings::extension::SaveResult.business.phone",
        "findings::extension::SaveResult.business.timezone", "findings::extension::SaveResult.message",
    },
    "faq-ids": {
        "findings::drift-more::GET /api/business/me response 200 body (documents more)",
        "findings::drift-more::PUT /api/business/me response 200 body (documents more)",
        "findings::extension::SaveResult.business.faqs.*.id",
    },
    "stock-405": {ST205},
    "documents-less": {
        f"findings::drift-less::{where} (documents less)" for where in (
            "GET /api/business/me response 200 body", "POST /api/auth/login request body",
            "POST /api/auth/login response 200 body", "PUT /api/business/me request body",
            "PUT /api/business/me response 200 body")
    },
}
BCRYPT_PREFIX = "$2b$04$"


def test_default_mode_is_green_with_every_tolerated_variation_at_once(tmp_path):
    with ForeignServer(TOLERATED, workdir=tmp_path) as server:
        run = run_suite(server, "features", "contracts")
        e2e = run_e2e(server)
    assert run.code == 0, run.stdout[-4000:] + run.stderr
    assert run.failed == set()
    listed = run.findings_section
    for expected in ("Allow header mismatch (ST205, allow_header_conformance) on OPTIONS /api/business/me",
                     "Business.phone: a property the contract does not name",
                     "Business.faqs[].id: a property the contract does not name",
                     "GET /api/business/me response 200 body: business_hours.maxLength 200 in the contract, "
                     "missing in the target"):
        assert expected in listed, listed[:3000]
    assert e2e.code == 0, e2e.stdout + e2e.stderr
    assert "Outside the contract (information" in e2e.stdout


def test_default_and_strict_are_green_where_the_contract_leaves_room(tmp_path):
    with ForeignServer(CLOSED_WORLD, workdir=tmp_path) as server:
        default, strict = run_suite(server, "features", "contracts"), run_suite(server, "features", "contracts",
                                                                                  "--strict")
        e2e = run_e2e(server, "--strict")
    for run in (default, strict):
        assert run.code == 0, run.stdout[-4000:] + run.stderr
        assert "outside the contract" not in run.stdout.splitlines()[-1]
    assert "the target serves no OpenAPI document" in default.stdout + default.stderr or "skipped" in default.stdout
    assert e2e.code == 0, e2e.stdout + e2e.stderr


@pytest.mark.parametrize("variant", LEGITIMATE)
def test_settings_e2e_passes_every_variation_and_strict_names_what_it_lists(tmp_path, variant):
    with ForeignServer([variant], workdir=tmp_path) as server:
        default, strict = run_e2e(server, "--json"), run_e2e(server, "--strict")
    assert default.code == 0, default.stdout + default.stderr
    unnamed = json.loads(default.stdout)["unnamed_properties"]
    if unnamed:  # extra-fields: the login answer, the business, the save result
        assert strict.code == 5, strict.stdout + strict.stderr
        assert f"--strict: responses carry properties the contract does not name: {', '.join(unnamed)}" \
            in strict.stderr
    else:
        assert strict.code == 0, strict.stdout + strict.stderr


@pytest.mark.parametrize("variant", sorted(STRICT_OBJECTIONS))
def test_strict_fails_on_exactly_what_lies_outside_the_contract(tmp_path, variant):
    with ForeignServer([variant], workdir=tmp_path) as server:  # default mode: the first test, all at once
        strict = run_suite(server, "contracts", "--strict")
    assert strict.code == 1, strict.stdout[-3000:]
    assert strict.failed == STRICT_OBJECTIONS[variant], strict.stdout[-3000:]  # findings only, no test


def test_a_real_fault_is_reported_beside_the_hygiene_finding_not_hidden_by_it(tmp_path):
    results = tmp_path / "allure"
    with ForeignServer(["stock-405", "commit-then-500"], workdir=tmp_path / "server") as server:
        run = run_suite(server, "contracts", "--alluredir", str(results))
    assert run.code == 1, run.stdout[-3000:]
    assert any(test.startswith("contracts/test_fuzz.py::test_writes_conform_persist_and_are_atomic[PUT")
               for test in run.failed), run.failed
    assert "Custom check failed: `atomicity`" in run.stdout and "Server error" in run.stdout
    assert "Allow header mismatch (ST205, allow_header_conformance) on OPTIONS /api/business/me" \
        in run.findings_section
    allure = [json.loads(p.read_text()) for p in results.glob("*-result.json")]
    fuzz = [r for r in allure if "test_writes_conform_persist_and_are_atomic" in r["fullName"]]
    assert any(r["status"] == "failed" and "atomicity" in r["statusDetails"]["message"] for r in fuzz), fuzz
    hygiene = [r for r in allure if {"name": "finding", "value": "hygiene"} in r["labels"]]
    assert [r["status"] for r in hygiene] == ["unknown"] and "ST205" in hygiene[0]["name"]


def test_a_dropped_field_fails_naming_it_with_the_extensions_listed_beside(tmp_path):
    with ForeignServer(["extra-fields", "drop-field"], workdir=tmp_path) as server:
        run = run_suite(server, "features", "-m", "update")
        e2e = run_e2e(server)
    assert run.code == 1, run.stdout[-3000:]
    assert "features/test_scenarios.py::test_each_writable_field_can_be_saved_on_its_own[industry-{{faker:bs}}]" \
        in run.failed
    assert "field 'industry': expected" in run.stdout
    assert "Business.phone: a property the contract does not name" in run.findings_section
    assert e2e.code == 4, e2e.stdout + e2e.stderr
    assert "  ✗ industry: expected 'Software Development, Website Development'" in e2e.stdout


def test_a_password_hash_under_an_innocent_name_fails_in_default_mode_masked(tmp_path: Path):
    results = tmp_path / "allure"
    with ForeignServer(["leak-hash"], workdir=tmp_path / "server") as server:
        run = run_suite(server, "features", "-m", "fetch", "--alluredir", str(results))
        e2e = run_e2e(server, "--verbose")
    assert run.code == 1, run.stdout[-3000:]
    assert "features/test_scenarios.py::test_an_account_reads_its_own_business" in run.failed
    assert "Business.owner_ref looks like a bcrypt password hash (value masked): a response must never carry one" \
        in run.stdout
    assert e2e.code == 5, e2e.stdout + e2e.stderr
    assert "Business.owner_ref looks like a bcrypt password hash (value masked)" in e2e.stderr
    reports = [p.read_text(errors="replace") for p in results.iterdir()]  # results and attachments
    for output in (run.stdout, run.stderr, e2e.stdout, e2e.stderr, *reports):
        assert BCRYPT_PREFIX not in output, "the hash itself was printed"
    assert any('"owner_ref": "«redacted»"' in report for report in reports)  # the exchange, masked


@pytest.mark.parametrize("fault, scenario", [
    ("lost-update", "test_partial_saves_of_different_fields_at_the_same_time_all_persist"),
    ("audit-reverts", "test_saves_made_while_the_audit_is_pending_survive_the_audit"),
    ("locked-500", "test_partial_saves_of_different_fields_at_the_same_time_all_persist"),
])
def test_a_race_fails_the_concurrency_scenario_written_for_it(tmp_path, fault, scenario):
    with ForeignServer([fault], workdir=tmp_path) as server:
        run = run_suite(server, "features", "-m", "concurrency")
    assert run.code == 1, run.stdout[-3000:]
    assert f"features/test_scenarios.py::{scenario}" in run.failed, run.stdout[-3000:]
    assert "round 1 (seed " in run.stdout  # the failure names the round and its seed


def test_limits_that_only_combine_fail_the_largest_settings_and_nothing_else(tmp_path):
    """row-limit passes every single-field boundary; only the largest valid settings exceed it."""
    with ForeignServer(["row-limit"], workdir=tmp_path) as server:
        boundaries = run_suite(server, "features", "-m", "not limits and not concurrency")
        largest = run_suite(server, "features/largest_settings.feature")
    assert boundaries.code == 0, boundaries.stdout[-3000:]
    assert largest.code == 1, largest.stdout[-3000:]
    assert "features/test_scenarios.py::test_the_largest_valid_settings_are_accepted_and_read_back_exactly" \
        in largest.failed
    assert "features/largest_settings.feature:12: Scenario: The largest valid settings are accepted and read back" \
        in largest.stdout  # the failure leads with the feature file and the scenario's line
    assert "PUT /api/business/me answered HTTP 500" in largest.stdout
