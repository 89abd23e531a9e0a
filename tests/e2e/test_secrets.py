"""Passwords and tokens never reach stdout, stderr or --json, even with --verbose, even when
a backend echoes them back."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.responses import JSONResponse

from conftest import Fake, run_e2e
from e2e_fakes import EMAIL, PASSWORD, json_error

OPTION_SETS = [("--verbose",), ("--verbose", "--json")]  # verbose prints the most


def secrets_of(fake: Fake) -> list[str]:
    signature = fake.backend.token.rsplit(".", 1)[1]
    return [PASSWORD, fake.backend.token, signature]


@pytest.mark.parametrize("options", OPTION_SETS)
def test_a_passing_run_prints_no_secret(fake: Fake, options: tuple[str, ...]) -> None:
    run = run_e2e("--url", fake.url, *options)

    assert run.code == 0, run.output
    for secret in secrets_of(fake):
        assert secret not in run.output
    if "--verbose" in options:
        assert "POST " in run.stderr and "/api/auth/login" in run.stderr  # exchanges were shown ...
        assert EMAIL in run.stderr and "«redacted»" in run.stderr  # ... with the secrets masked


def test_a_backend_echoing_the_password_and_token_in_errors_leaks_nothing(fake: Fake) -> None:
    fake.backend.get_hook = json_error(500, f"bad login {PASSWORD} with token {fake.backend.token}")

    run = run_e2e("--url", fake.url, "--verbose")

    assert run.code == 2, run.output
    assert "HTTP 500: bad login «redacted» with token «redacted»" in run.stdout
    for secret in secrets_of(fake):
        assert secret not in run.output


def test_a_failing_save_with_json_and_verbose_leaks_nothing(fake: Fake) -> None:
    def echo_authorization(body: dict[str, Any]) -> Any:
        return JSONResponse({"detail": {"seen": f"Bearer {fake.backend.token}", "password": PASSWORD}}, 500)

    fake.backend.put_hook = echo_authorization

    run = run_e2e("--url", fake.url, "--json", "--verbose")

    assert run.code == 3, run.output
    assert run.json()["exit_code"] == 3
    for secret in secrets_of(fake):
        assert secret not in run.output
