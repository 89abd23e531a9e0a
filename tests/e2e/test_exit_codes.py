"""Each of the report's failure codes, produced by a backend broken in exactly one place."""

from __future__ import annotations

import time
from typing import Any, Callable

from fastapi.responses import JSONResponse, PlainTextResponse

from conftest import Fake, Run, run_e2e
from e2e_fakes import ORIGINAL, incident_put, json_error


def test_wrong_password_exits_1_with_the_backends_detail(fake: Fake) -> None:
    run = run_e2e("--url", fake.url, env={"QA_PASSWORD": "not-the-password"})

    assert run.code == 1, run.output
    assert "PHASE 1: AUTHENTICATION - ❌ FAIL (HTTP 401)" in run.stdout
    assert "HTTP 401: Incorrect email or password" in run.stderr
    assert "PHASE 2" not in run.stdout and fake.backend.puts == []


def test_a_login_endpoint_that_errors_exits_1(
    fake: Fake, run_in_process: Callable[..., Run]
) -> None:
    fake.backend.login_hook = json_error(500, "auth database unavailable")

    run = run_in_process("--url", fake.url)

    assert run.code == 1, run.output
    assert "HTTP 500: auth database unavailable" in run.stdout


def test_an_account_without_business_exits_2(fake: Fake) -> None:
    fake.backend.get_hook = json_error(404, "No business for this account")

    run = run_e2e("--url", fake.url)

    assert run.code == 2, run.output
    assert "PHASE 2: FETCH CURRENT SETTINGS - ❌ FAIL (HTTP 404)" in run.stdout
    assert "No business for this account" in run.stdout
    assert fake.backend.puts == []  # nothing was written, so nothing to restore
    assert "RESTORE" not in run.stdout


def test_the_incident_exits_3_and_the_committed_change_is_restored(fake: Fake) -> None:
    # The report's bug: the save commits, then raises; uvicorn answers 500 and drops the connection.
    fake.backend.put_hook = incident_put(fake.backend)

    run = run_e2e("--url", fake.url)

    assert run.code == 3, run.output
    assert "PHASE 3: UPDATE SETTINGS - ❌ FAIL (HTTP 500)" in run.stdout
    assert "HTTP 500: Internal Server Error" in run.stdout
    assert "PHASE 4" not in run.stdout
    assert "RESTORE ORIGINAL SETTINGS - ✅ PASS" in run.stdout
    assert fake.backend.writable() == {k: ORIGINAL[k] for k in fake.backend.writable()}


def test_a_save_that_times_out_exits_3_and_is_restored_after_it_lands(fake: Fake) -> None:
    def slow_first_save(body: dict[str, Any]) -> None:
        if len(fake.backend.puts) == 1:
            time.sleep(2.2)  # the client gives up at 1.5 s; the save still commits afterwards

    fake.backend.put_hook = slow_first_save

    run = run_e2e("--url", fake.url, "--timeout", "1.5")

    assert run.code == 3, run.output
    assert "PUT /api/business/me: no answer within 1.5 s" in run.stdout
    assert "may still land after this restore" in run.stdout
    assert len(fake.backend.puts) == 2  # written back blindly, not judged by a too-early read
    assert fake.backend.writable() == {k: ORIGINAL[k] for k in fake.backend.writable()}


def test_a_save_error_detail_is_surfaced(
    fake: Fake, run_in_process: Callable[..., Run]
) -> None:
    fake.backend.put_hook = json_error(500, "ImportError: cannot import name 'SessionLocal'")

    run = run_in_process("--url", fake.url)

    assert run.code == 3, run.output
    assert "  Error: save failed: HTTP 500: ImportError: cannot import name 'SessionLocal'" in run.stdout
    assert "nothing to restore" in run.stdout  # the failed save changed nothing; no second write
    assert len(fake.backend.puts) == 1


def test_a_save_that_does_not_persist_exits_4_naming_the_fields(
    fake: Fake, run_in_process: Callable[..., Run]
) -> None:
    original_put = fake.backend.apply

    def forget_hours(body: dict[str, Any]) -> Any:
        status, business = original_put(body)
        answer = JSONResponse({"status": status, "business": business})
        fake.backend.business["business_hours"] = ORIGINAL["business_hours"]  # lost after the answer
        return answer

    fake.backend.put_hook = forget_hours

    run = run_in_process("--url", fake.url, "--json")

    assert run.code == 4, run.output
    result = run.json()
    assert result["failed_fields"] == ["business_hours"]
    assert result["phases"][3]["status"] == "fail"
    assert result["restore"]["status"] == "pass"
    assert fake.backend.writable()["name"] == ORIGINAL["name"]


def test_a_save_acknowledged_but_dropped_exits_4_with_a_line_per_field(fake: Fake) -> None:
    def drop_industry(body: dict[str, Any]) -> Any:  # the answer and the storage both lose it
        status, business = fake.backend.apply({k: v for k, v in body.items() if k != "industry"})
        return JSONResponse({"status": status, "business": business})

    fake.backend.put_hook = drop_industry

    run = run_e2e("--url", fake.url)

    assert run.code == 4, run.output
    assert "PHASE 3: UPDATE SETTINGS - ✅ PASS" in run.stdout
    assert "PHASE 4: VERIFY PERSISTENCE - ❌ FAIL" in run.stdout
    assert "  ✓ name: Lex Makes It" in run.stdout
    assert "  ✗ industry: expected 'Software Development, Website Development', got '(null)'" in run.stdout
    assert "1 field(s) did not persist: industry" in run.stderr


def test_a_wrong_echo_with_a_right_read_back_exits_5(fake: Fake) -> None:
    def stale_answer(body: dict[str, Any]) -> Any:
        status, business = fake.backend.apply(body)
        return JSONResponse({"status": status, "business": {**business, "name": ORIGINAL["name"]}})

    fake.backend.put_hook = stale_answer

    run = run_e2e("--url", fake.url)

    assert run.code == 5, run.output
    assert "PHASE 4: VERIFY PERSISTENCE - ✅ PASS" in run.stdout
    assert "save response: its business differs from what was sent in: name" in run.stderr


def test_persistence_failure_prints_a_cross_per_field(
    fake: Fake, run_in_process: Callable[..., Run]
) -> None:
    fake.backend.persist = False

    run = run_in_process("--url", fake.url)

    assert run.code == 4, run.output
    assert "PHASE 4: VERIFY PERSISTENCE - ❌ FAIL" in run.stdout
    assert "  ✗ name: expected 'Lex Makes It', got 'Original Name Ltd'" in run.stdout
    assert "  ✗ industry: expected 'Software Development, Website Development', got '(null)'" in run.stdout


def test_a_failed_restore_after_a_passing_check_exits_4_loudly(fake: Fake) -> None:
    def refuse_restore(body: dict[str, Any]) -> Any:
        if body.get("name") == ORIGINAL["name"]:
            return json_error(500, "database is read-only")(body)
        return None

    fake.backend.put_hook = refuse_restore

    run = run_e2e("--url", fake.url)

    assert run.code == 4, run.output
    assert "PHASE 4: VERIFY PERSISTENCE - ✅ PASS" in run.stdout
    assert "RESTORE ORIGINAL SETTINGS - ❌ FAIL (HTTP 500)" in run.stdout
    assert "THE ACCOUNT WAS NOT RESTORED" in run.stdout
    assert '"name": "Original Name Ltd"' in run.stdout  # the values to put back by hand
    assert "RESTORE FAILED" in run.stderr and "database is read-only" in run.stderr


def test_a_business_that_breaks_the_contract_exits_5(fake: Fake) -> None:
    broken = {**fake.backend.business, "id": "7", "timezone": "Europe/Berlin"}
    fake.backend.get_hook = lambda _: JSONResponse(broken)

    run = run_e2e("--url", fake.url)

    assert run.code == 5, run.output
    assert "business breaks the contract: id: Input should be a valid integer" in run.stdout
    assert "timezone" not in run.stdout.split("Error:")[1].splitlines()[0]  # judged: only what the contract names


def test_a_password_hash_under_an_innocent_name_exits_5_naming_the_field_masked(fake: Fake) -> None:
    hashed = "$2b$12$" + "N9qo8uLOickgx2ZMRZoMye" + "IjZAgcfl7p92ldGxad68LJZdL17lhWy"
    fake.backend.get_hook = lambda _: JSONResponse({**fake.backend.business, "owner_ref": hashed})

    run = run_e2e("--url", fake.url, "--json")

    assert run.code == 5, run.output
    assert "business carries what looks like a secret: Business.owner_ref looks like a bcrypt password hash " \
           "(value masked)" in run.json()["error"]
    assert hashed not in run.output


def test_properties_the_contract_does_not_name_are_listed_not_failed(fake: Fake) -> None:
    extra = {"phone": "+49 30 123456", "timezone": "Europe/Berlin"}
    fake.backend.get_hook = lambda _: JSONResponse({**fake.backend.business, **extra,
                                                    "faqs": [{"id": 1, **f} for f in fake.backend.business["faqs"]]})

    run = run_e2e("--url", fake.url)

    assert run.code == 0, run.output
    assert ("Outside the contract (information: the contract's fields were judged): "
            "Business.faqs[].id, Business.phone, Business.timezone") in run.stdout


def test_strict_fails_on_properties_the_contract_does_not_name_after_the_phases(fake: Fake) -> None:
    fake.backend.get_hook = lambda _: JSONResponse({**fake.backend.business, "timezone": "Europe/Berlin"})

    for run in (run_e2e("--url", fake.url, "--strict"), run_e2e("--url", fake.url, env={"QA_STRICT": "1"})):
        assert run.code == 5, run.output
        assert "PHASE 4: VERIFY PERSISTENCE - ✅ PASS" in run.stdout
        assert ("--strict: responses carry properties the contract does not name: Business.timezone"
                in run.stderr)
        assert "RESTORE ORIGINAL SETTINGS - ✅ PASS" in run.stdout


def test_a_login_200_that_is_not_json_exits_5(fake: Fake) -> None:
    fake.backend.login_hook = lambda _: PlainTextResponse("Welcome! Login OK")

    run = run_e2e("--url", fake.url)

    assert run.code == 5, run.output
    assert "login response: HTTP 200 but the body is not JSON (text/plain; charset=utf-8)" in run.stderr


def test_a_save_that_skips_the_audit_exits_5_and_restores(
    fake: Fake, run_in_process: Callable[..., Run]
) -> None:
    def no_audit(body: dict[str, Any]) -> Any:
        status, business = fake.backend.apply(body)
        return JSONResponse({"status": "success", "business": business})

    fake.backend.put_hook = no_audit

    run = run_in_process("--url", fake.url)

    assert run.code == 5, run.output
    assert "PHASE 4: VERIFY PERSISTENCE - ✅ PASS" in run.stdout  # the values did persist
    assert "Error: save response: status 'success' although the description changed" in run.stdout
    assert fake.backend.writable()["description"] == ORIGINAL["description"]
