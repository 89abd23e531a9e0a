"""Bad input and unreachable targets: one clear line, the right code, no traceback, in time."""

from __future__ import annotations

import contextlib
import os
import shlex
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any, Callable

import pytest

from conftest import REPO, Fake, Run, run_e2e
from e2e_fakes import EMAIL, PASSWORD, gateway_502, slow
from settings_qa.targets import free_port


def assert_one_clear_line(run: Run, code: int, *needles: str) -> None:
    assert run.code == code, run.output
    assert "Traceback" not in run.output
    error_lines = run.stderr.strip().splitlines()
    assert len(error_lines) == 1, run.stderr
    for needle in needles:
        assert needle in error_lines[0], error_lines[0]


@pytest.mark.parametrize(
    ("url", "needle"),
    [
        ("not a url", "must start with http:// or https://"),
        ("ftp://example.com", "must start with http:// or https://"),
        ("http://", "has no host"),
        ("http://[::1", "not a valid URL"),
        ("https://example.com/?token=abc", "query string or fragment"),
    ],
)
def test_a_malformed_url_exits_64(run_in_process: Callable[..., Run], url: str, needle: str) -> None:
    assert_one_clear_line(run_in_process("--url", url), 64, "usage error", needle)


def test_a_malformed_url_exits_64_from_the_command_line() -> None:
    assert_one_clear_line(run_e2e("--url", "not a url"), 64, "usage error", "--url must start with")


def test_credentials_in_the_url_are_refused_and_not_echoed() -> None:
    run = run_e2e("--url", "https://qa:s3cr3t-in-url@example.com")

    assert_one_clear_line(run, 64, "must not contain credentials")
    assert "s3cr3t-in-url" not in run.output


@pytest.mark.parametrize("missing", [("QA_EMAIL",), ("QA_PASSWORD",), ("QA_EMAIL", "QA_PASSWORD")])
def test_missing_credentials_exit_64_naming_the_variables(
    run_in_process: Callable[..., Run], fake: Fake, missing: tuple[str, ...]
) -> None:
    run = run_in_process("--url", fake.url, env=dict.fromkeys(missing))

    assert_one_clear_line(run, 64, " and ".join(missing) + " not set")
    assert fake.backend.puts == []


def test_missing_credentials_exit_64_from_the_command_line(fake: Fake) -> None:
    run = run_e2e("--url", fake.url, "--json", env={"QA_PASSWORD": None})

    assert_one_clear_line(run, 64, "QA_PASSWORD not set")
    assert run.json()["exit_code"] == 64


def test_a_password_on_the_command_line_is_refused_and_not_echoed(fake: Fake) -> None:
    run = run_e2e("--url", fake.url, "--password", PASSWORD)

    assert_one_clear_line(run, 64, "unrecognized arguments", "--password <value>")
    assert PASSWORD not in run.output


@pytest.mark.parametrize("args", [(), ("--timeout", "0"), ("--timeout", "soon"), ("--seed", "x")])
def test_bad_options_exit_64(run_in_process: Callable[..., Run], args: tuple[str, ...]) -> None:
    url_args = () if not args else ("--url", "http://127.0.0.1:9")
    assert_one_clear_line(run_in_process(*url_args, *args), 64, "usage error")


def test_a_refused_connection_exits_69() -> None:
    run = run_e2e("--url", f"http://127.0.0.1:{free_port()}")

    assert_one_clear_line(run, 69, "connection refused")
    # Nothing was checked: the report says so and never that authentication is broken.
    assert "PHASE 1: AUTHENTICATION - ⚠ NOT CHECKED: could not reach the target" in run.stdout
    assert "TARGET UNREACHABLE: NOTHING CHECKED" in run.stdout and "❌" not in run.stdout


def test_an_unknown_host_exits_69() -> None:
    assert_one_clear_line(run_e2e("--url", "http://settings-e2e.invalid"), 69, "unknown host")


def test_a_target_that_does_not_answer_exits_69_within_the_timeout(serve: Callable[[Any], str]) -> None:
    seen: list[str] = []
    url = serve(slow(seconds=20, seen=seen))

    run = run_e2e("--url", url, "--timeout", "1")

    assert_one_clear_line(run, 69, "no answer within 1 s")
    assert seen == ["POST /api/auth/login"]  # a read timeout is the operator's limit: never retried


def test_an_html_502_page_exits_69_with_its_title_after_its_retries(serve: Callable[[Any], str]) -> None:
    run = run_e2e("--url", serve(gateway_502()), "--retries", "1")

    assert_one_clear_line(run, 69, "the gateway answered HTTP 502 (text/html: 502 Bad Gateway) twice to POST "
                                   "/api/auth/login", "the backend's contract was not reached")
    assert "<html>" not in run.output
    assert "PHASE 1: AUTHENTICATION - ⚠ NOT CHECKED" in run.stdout and "❌" not in run.stdout


def test_a_terminal_without_utf8_still_gets_the_report_and_the_right_code() -> None:
    run = run_e2e("--url", f"http://127.0.0.1:{free_port()}", env={"PYTHONIOENCODING": "ascii", "QA_RETRIES": "0"})

    assert_one_clear_line(run, 69, "connection refused")
    assert "Exit code: 69 (Target unreachable)" in run.stdout


def test_a_reader_that_goes_away_mid_run_does_not_stop_the_restore(fake: Fake) -> None:
    """`settings-e2e ... | head -3`: the reader leaves while phase 3 has changed the deployment.
    The check goes on without its output, puts the settings back and ends with its verdict."""
    original = fake.backend.writable()
    reader, writer = os.pipe()

    def reader_leaves(body: dict[str, Any]) -> None:
        if body != original:  # the first save of phase 3, not the restore
            with contextlib.suppress(OSError):
                os.close(reader)
        return None

    fake.backend.put_hook = reader_leaves
    journal = Path(tempfile.mkdtemp(prefix="e2e-journal-")) / "journal.json"
    environ = {k: v for k, v in os.environ.items() if not k.startswith("QA_")}
    environ.update(QA_EMAIL=EMAIL, QA_PASSWORD=PASSWORD, PYTHONPATH=str(REPO), QA_RESTORE_JOURNAL=str(journal))
    with subprocess.Popen([sys.executable, "-m", "settings_qa.e2e", "--url", fake.url], cwd=REPO, env=environ,
                          stdout=writer, stderr=subprocess.PIPE, text=True) as child:
        os.close(writer)
        _, stderr = child.communicate(timeout=60)

    assert fake.backend.puts and fake.backend.puts[0] != original, "phase 3 never saved"
    assert fake.backend.writable() == original, f"left changed; {stderr}"
    assert child.returncode == 0, stderr
    assert "Traceback" not in stderr and "BrokenPipe" not in stderr, stderr
    assert not journal.exists()


def test_settings_qa_piped_into_head_stops_quietly() -> None:
    done = subprocess.run(f"{shlex.quote(sys.executable)} -m settings_qa.cli steps | head -1; exit ${{PIPESTATUS[0]}}",
                          shell=True, executable="/bin/bash", cwd=REPO, capture_output=True, text=True, timeout=60,
                          env={**os.environ, "PYTHONPATH": str(REPO)})

    assert done.stdout.startswith("Given ")
    assert done.stderr == ""
    assert done.returncode in (0, 141)  # 141 when the reader left before the last line, as for `ls | head -1`


def test_a_bug_of_ours_after_the_save_still_restores_and_exits_70(
    fake: Fake, run_in_process: Callable[..., Run], monkeypatch: pytest.MonkeyPatch
) -> None:
    """An exception the check does not expect (here phase 4 raising) once phase 3 has written:
    one line, exit 70, and the account put back and its journal entry settled."""
    from settings_qa.e2e.check import SettingsCheck

    def broken_verify(self: SettingsCheck, token: str) -> None:
        raise RuntimeError("a bug in phase 4")

    monkeypatch.setattr(SettingsCheck, "verify", broken_verify)
    original = fake.backend.writable()
    run = run_in_process("--url", fake.url)

    assert fake.backend.puts and fake.backend.puts[0] != original, "phase 3 never saved"
    assert fake.backend.writable() == original, run.output
    assert run.code == 70, run.output
    assert "exit 70 (Internal error): internal error: RuntimeError: a bug in phase 4" in run.stderr
    assert "Traceback" not in run.output
    assert not Path(os.environ["QA_RESTORE_JOURNAL"]).exists()


def test_a_url_without_the_apis_prefix_is_not_called_an_auth_failure(fake: Fake) -> None:
    """A typo in --url must not read "Auth failed" (the post-deploy step would recommend a rollback)."""
    run = run_e2e("--url", fake.url + "/receptionist")

    assert_one_clear_line(run, 69, f"{fake.url}/receptionist/api/auth/login is not the login", "path prefix")
    assert fake.backend.puts == []


def test_a_gateway_error_on_the_restore_is_retried_like_any_restore(fake: Fake) -> None:
    """The restore writes back a known state, so the transport may send it again after a 502 page."""
    from starlette.responses import HTMLResponse

    original, bounced = fake.backend.writable(), []

    def bounce_the_first_restore(body: dict[str, Any]) -> HTMLResponse | None:
        if all(body.get(name) == value for name, value in original.items() if name in body) and not bounced:
            bounced.append(body)
            return HTMLResponse("<html><title>502 Bad Gateway</title></html>", status_code=502)
        return None

    fake.backend.put_hook = bounce_the_first_restore
    run = run_e2e("--url", fake.url)

    assert bounced, "the restore was never sent"
    assert run.code == 0, run.output
    assert "RESTORE ORIGINAL SETTINGS - ✅ PASS" in run.stdout
    assert fake.backend.writable() == original


def test_an_entry_another_run_journaled_meanwhile_stops_phase_3_with_75(
    fake: Fake, run_in_process: Callable[..., Run], monkeypatch: pytest.MonkeyPatch
) -> None:
    from settings_qa.journal import Journal, JournalPending

    def taken(self: Journal, base_url: str, email: str, found: dict[str, Any]) -> bool:
        raise JournalPending("another run is writing to this account (a test's own words)")

    monkeypatch.setattr(Journal, "ensure", taken)
    run = run_in_process("--url", fake.url)

    assert run.code == 75, run.output
    assert "another run is writing to this account" in run.stderr and "Traceback" not in run.output
    assert fake.backend.puts == []
