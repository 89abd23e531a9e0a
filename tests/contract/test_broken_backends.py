"""The contract layer fails, with a clear message, against backends that break the contract.

Each test copies backend/ to tmp_path, breaks one thing with a text replacement and runs
`pytest contracts/... --backend-path <copy>` in a subprocess (embedded target, small example
count, fixed seed).
"""

from __future__ import annotations

import re

from contract_copies import backend_copy, run_contracts

ROUTES = "api/routes/business.py"
JWT = re.compile(r"eyJ[A-Za-z0-9_-]+\.eyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+")


def assert_failed_with(run, *needles: str) -> None:
    output = run.stdout + run.stderr
    assert run.returncode == 1, f"expected the contract tests to fail (exit 1), got {run.returncode}:\n{output[-3000:]}"
    for needle in needles:
        assert needle in output, f"{needle!r} not in the output:\n{output[-4000:]}"
    assert "Reproduce with:" in output and "curl -X" in output, "no reproduction in the failure report"
    assert not JWT.search(output), "a token appears unredacted in the output"


def test_put_that_drops_a_field_fails_persistence(tmp_path) -> None:
    copy = backend_copy(
        tmp_path, ROUTES,
        "changed = apply_changes(business, update.changes())",
        "changed = apply_changes(business, {k: v for k, v in update.changes().items() if k != 'business_hours'})",
    )
    run = run_contracts("contracts/test_fuzz.py", "-k", "PUT", backend=copy)
    assert_failed_with(run, "Custom check failed: `persistence`", "but the next GET differs", "business_hours: expected")


def test_put_that_commits_then_answers_500_fails_atomicity_and_5xx(tmp_path) -> None:
    copy = backend_copy(  # the incident: the save commits, then the auditor fails
        tmp_path, ROUTES,
        "    session.commit()\n",
        "    session.commit()\n    if audit:\n        raise RuntimeError('auditor failed after the commit')\n",
    )
    run = run_contracts("contracts/test_fuzz.py", "-k", "PUT", backend=copy)
    assert_failed_with(run, "Custom check failed: `atomicity`", "PUT answered HTTP 500, yet the next GET shows a change",
                       "Server error")
    assert "RESTORE FAILED" not in run.stdout, "the account was not restored after fuzzing"


def test_get_with_faqs_as_a_string_fails_the_response_schema(tmp_path) -> None:
    copy = backend_copy(
        tmp_path, ROUTES,
        "    return Business.model_validate(business)\n",
        "    import json\n    from fastapi.responses import JSONResponse\n"
        "    data = Business.model_validate(business).model_dump(mode='json')\n"
        "    data['faqs'] = json.dumps(data['faqs'])\n    return JSONResponse(data)\n",
    )
    run = run_contracts("contracts/test_fuzz.py", "-k", "GET", backend=copy)
    assert_failed_with(run, "Response violates schema", "is not of type \"array\"")


def test_drift_lists_a_removed_limit_and_fails_only_under_strict(tmp_path) -> None:
    copy = backend_copy(tmp_path, "schemas/business.py", "Name = text(min_length=1, max_length=200)",
                        "Name = text(min_length=1, max_length=None)")
    lines = ("PUT /api/business/me request body: name.maxLength 200 in the contract, missing in the target",
             "GET /api/business/me response 200 body: name.maxLength 200 in the contract, missing in the target")
    default = run_contracts("contracts/test_drift.py", backend=copy)
    assert default.returncode == 0, default.stdout[-3000:]
    assert "Drift: the served document documents less than the contract:" in default.stdout
    assert all(line in default.stdout for line in lines)
    assert "1 passed, 3 outside the contract" in default.stdout
    strict = run_contracts("contracts/test_drift.py", "--strict", backend=copy)
    assert strict.returncode == 1, strict.stdout[-3000:]
    assert "FAILED findings::drift-less::PUT /api/business/me request body (documents less)" in strict.stdout
    assert all(line in strict.stdout for line in lines)


def test_write_fuzzing_is_off_against_a_remote_target_unless_allowed() -> None:
    remote = {"QA_EMAIL": "qa@example.test", "QA_PASSWORD": "not-used-here"}
    run = run_contracts("contracts/test_fuzz.py", "-k", "PUT", "-rs", "--base-url", "http://192.0.2.10:9",
                        "--no-preflight", env=remote)  # the address answers nothing: only the refusal is tested
    assert run.returncode == 0 and "2 skipped" in run.stdout, run.stdout[-2000:]  # coverage and fuzzing parts
    assert "write fuzzing (PUT) is off against a target that is not on loopback" in run.stdout
