"""The happy path against a contract-keeping fake: the report's output, the restore, the marker."""

from __future__ import annotations

from typing import Callable

from conftest import REPORT, Fake, Run, run_e2e
from e2e_fakes import ORIGINAL



def test_success_prints_the_reports_phases_and_restores(fake: Fake) -> None:
    before = fake.backend.writable()

    run = run_e2e("--url", fake.url)

    assert run.code == 0, run.output
    lines = run.stdout.splitlines()
    phases = [line for line in lines if line.startswith("PHASE")]
    assert phases == [
        "PHASE 1: AUTHENTICATION - ✅ PASS",
        "PHASE 2: FETCH CURRENT SETTINGS - ✅ PASS",
        "PHASE 3: UPDATE SETTINGS - ✅ PASS",
        "PHASE 4: VERIFY PERSISTENCE - ✅ PASS",
    ]
    assert "  ✓ name: Lex Makes It" in lines
    assert "  ✓ business_hours: Monday-Friday, 12:00 PM - 10:00 PM" in lines
    assert "  ✓ description: We provide software development and website..." in lines
    assert "RESTORE ORIGINAL SETTINGS - ✅ PASS" in lines
    assert "ALL TESTS PASSED" in run.stdout and lines[-1] == "Exit code: 0 (Success)"
    assert fake.backend.puts[0] == REPORT  # the report's values were really written ...
    assert fake.backend.writable() == before  # ... and the account ends as it began


def test_two_runs_in_a_row_both_pass_and_leave_the_account_unchanged(fake: Fake) -> None:
    before = fake.backend.writable()

    codes = [run_e2e("--url", fake.url).code for _ in range(2)]

    assert codes == [0, 0]
    assert fake.backend.writable() == before
    assert len(fake.backend.puts) == 4  # a write and a restore per run


def test_values_already_in_place_are_still_proven_with_a_marker(
    fake: Fake, run_in_process: Callable[..., Run]
) -> None:
    fake.backend.business.update(REPORT)
    before = fake.backend.writable()

    run = run_in_process("--url", fake.url, "--json")

    assert run.code == 0, run.output
    result = run.json()
    assert result["marker_fields"] == list(REPORT)
    marker_put = fake.backend.puts[0]
    assert set(marker_put) == set(REPORT) and all("settings-e2e marker" in v for v in marker_put.values())
    assert fake.backend.puts[1] == REPORT  # a real change back, through the audit path
    assert fake.backend.writable() == before


def test_a_backend_that_ignores_saves_fails_even_when_the_values_already_match(fake: Fake) -> None:
    # Without the marker this backend would pass: the values read back are the expected ones.
    fake.backend.business.update(REPORT)
    fake.backend.persist = False

    run = run_e2e("--url", fake.url)

    assert run.code == 4, run.output
    assert "PHASE 3: UPDATE SETTINGS - ❌ FAIL" in run.stdout
    assert "run marker was saved but not read back" in run.stdout
    assert "  ✗ name: expected 'settings-e2e marker" in run.stdout


def test_random_values_print_the_seed_and_repeat_with_it(fake: Fake) -> None:
    first = run_e2e("--url", fake.url, "--random")
    assert first.code == 0, first.output
    seed = first.stdout.split("seed ", 1)[1].split(" ", 1)[0]
    written = fake.backend.puts[0]

    again = run_e2e("--url", fake.url, "--seed", seed)

    assert again.code == 0, again.output
    assert f"--seed {seed}" in again.stdout
    assert fake.backend.puts[2] == written != REPORT
    assert fake.backend.writable()["name"] == ORIGINAL["name"]


def test_json_reports_phases_timings_and_no_failed_fields(
    fake: Fake, run_in_process: Callable[..., Run]
) -> None:
    run = run_in_process("--url", fake.url, "--json")

    assert run.code == 0, run.output
    result = run.json()
    assert result["exit_code"] == 0 and result["error"] is None
    assert [(p["name"], p["status"]) for p in result["phases"]] == [
        ("authentication", "pass"), ("fetch", "pass"), ("update", "pass"), ("persistence", "pass"),
    ]
    assert all(p["duration_ms"] > 0 for p in result["phases"])
    assert result["failed_fields"] == []
    assert {f["field"]: f["actual"] for f in result["phases"][3]["fields"]} == REPORT
    assert result["restore"]["status"] == "pass"
