"""Before the first test: does the target answer, and can every configured account log in?

A wrong URL or a wrong password is one line and an exit code, not a hundred red tests.
Runs once, in the process that starts the run (before xdist starts its workers), from
`pytest_cmdline_main`, so nothing else is printed. Exit codes (sysexits.h; 69 means the
same in `settings-e2e`, whose refused login is its own phase 1 failure, exit 1):

| code | when |
|---|---|
| 69 | the target (or the database server a local target needs) does not answer |
| 77 | a configured account cannot log in (the line names its variables, never a secret) |
| 75 | a restore journal of a run that did not finish stands for a configured account (settings_qa/journal.py) |
| 4  | the configuration is incomplete (pytest's usage error): no QA_EMAIL/QA_PASSWORD, no backend |

Its requests go through the one transport (settings_qa/net): a rate limit is waited out, a
gateway error on a read is retried; a gateway that keeps failing is exit 69 in one line.
"""

from __future__ import annotations

import sys
from pathlib import Path

import httpx
import pytest

from settings_qa import accounts as accounts_mod
from settings_qa.client import BUSINESS_PATH, LOGIN_PATH, ApiClient
from settings_qa.e2e.describe import backend_error, transport_error
from settings_qa.journal import PENDING_EXIT, Journal, JournalPending
from settings_qa.net.policy import GATEWAY_STATUSES, NetworkFailure
from settings_qa.net.transport import build_client
from settings_qa.runsettings import RunSettings
from settings_qa.targets import BACKEND_PACKAGE, ScratchDatabase, TargetError

UNAVAILABLE, NO_PERMISSION = 69, 77


class PreflightFailed(Exception):
    def __init__(self, code: int, message: str) -> None:
        super().__init__(message)
        self.code = code


def check_deployment(base_url: str, environ: dict[str, str], timeout: float, journal: Journal | None = None) -> None:
    """Raise PreflightFailed unless `base_url` answers, every configured account logs in, and no
    restore journal of an unfinished run stands for one of them."""
    configured = accounts_mod.from_environment(environ)
    if "primary" not in configured:
        raise pytest.UsageError("the deployment target needs the primary account: set QA_EMAIL and QA_PASSWORD")
    if journal is not None:
        try:
            journal.check(base_url, [account.email for account in configured.values()])
        except JournalPending as pending:
            raise PreflightFailed(PENDING_EXIT, str(pending)) from None
    with build_client(base_url, timeout=min(timeout, 15.0)) as http:
        client = ApiClient(http)
        try:
            probe = http.get(BUSINESS_PATH)
        except NetworkFailure as exc:
            where = "is unreachable" if set(exc.causes) == {"refused"} else \
                "answers through a gateway that cannot reach the backend"
            raise PreflightFailed(UNAVAILABLE, f"{base_url} {where}: {exc}") from None
        except httpx.HTTPError as exc:
            raise PreflightFailed(UNAVAILABLE, f"{base_url} is unreachable: {transport_error(exc, timeout)}") from None
        if probe.status_code in GATEWAY_STATUSES:
            raise PreflightFailed(UNAVAILABLE, f"{base_url} answers through a gateway that cannot reach the "
                                               f"backend: {backend_error(probe)}")
        for role, account in configured.items():
            email_var, password_var = accounts_mod.ENV_VARS[role]
            try:
                login = client.login(account.email, account.password)
            except NetworkFailure as exc:
                raise PreflightFailed(UNAVAILABLE, f"{base_url}: the login cannot be reached: {exc}") from None
            except httpx.HTTPError as exc:
                raise PreflightFailed(UNAVAILABLE, f"{base_url}: the login stopped answering: "
                                                   f"{transport_error(exc, timeout)}") from None
            if login.status_code == 401:
                raise PreflightFailed(NO_PERMISSION, f"the {role.replace('_', ' ')} account cannot log in at "
                                                     f"{base_url} (HTTP 401): check {email_var} and {password_var}")
            if login.status_code in (404, 405) or login.is_redirect:
                raise PreflightFailed(UNAVAILABLE, f"{base_url}{LOGIN_PATH} is not the login: {backend_error(login)}; "
                                                   "is --base-url the API's base (with its path prefix, if any)?")
            if login.status_code != 200:
                raise PreflightFailed(UNAVAILABLE, f"the {role.replace('_', ' ')} account's login at {base_url} "
                                                   f"failed: {backend_error(login)}")


def check_local(backend: Path, environ: dict[str, str]) -> None:
    """The embedded and served targets: a backend to run, and the database server, if one is named."""
    if not (backend / BACKEND_PACKAGE / "__init__.py").is_file():
        raise pytest.UsageError(f"no {BACKEND_PACKAGE} package under {backend} (set --backend-path or QA_BACKEND_PATH)")
    if environ.get("QA_BACKEND_DATABASE_URL"):
        try:
            ScratchDatabase(Path("."), "preflight", environ).probe()
        except TargetError as exc:
            raise PreflightFailed(UNAVAILABLE, f"the database server is unavailable: {exc}") from None


def run(config: pytest.Config, settings: RunSettings, environ: dict[str, str]) -> int | None:
    """The exit code to stop with (after printing one line), or None to go on."""
    from settings_qa import run as run_mod

    try:
        if settings.deployment:
            check_deployment(settings.base_url, environ, settings.timeout, run_mod.journal(settings))
        else:
            check_local(settings.backend_path, environ)
    except PreflightFailed as failed:
        from settings_qa.redaction import redact

        print(f"settings-qa: preflight failed: {' '.join(redact(failed).split())}", file=sys.stderr)
        return failed.code
    return None
