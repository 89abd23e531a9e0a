"""A run stopped in the middle of its writes leaves the deployment as found.

- SIGKILL (nothing can run after it): the restore journal stays on disk; the next run refuses
  to write, in one line; `settings-qa restore` shows what differs, puts it back and verifies.
- SIGTERM (a CI job's timeout, `kill`) and SIGINT (Ctrl-C): the run stops writing and puts the
  data back itself before it exits; nothing is left in the journal.

Each test waits, reading the backend directly, until one of the run's saves has landed, so
the signal arrives while the account really is changed.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pytest
from gateway import Gateway, Misbehaviour
from network_runs import REPO, environ, new_journal, run_e2e, run_restore, run_suite

from settings_qa.journal import Journal

pytestmark = pytest.mark.slow
WRITES = ("features", "-m", "update or persistence", "-n", "2", "-p", "no:cacheprovider", "-q")


def start(command: list[str], upstream, journal) -> subprocess.Popen:
    """The command in a process group of its own (the run and its xdist workers)."""
    return subprocess.Popen(command, cwd=REPO, env=environ(upstream, journal), stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True, start_new_session=True)


def suite_command(url: str) -> list[str]:
    return [sys.executable, "-m", "pytest", *WRITES, "--qa-seed", "7", "--base-url", url]


def wait_until_changed(upstream, before: dict, process: subprocess.Popen, limit: float = 120) -> None:
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"the run ended before any save landed: {process.stdout.read()[-3000:]}")
        if upstream.state() != before:
            return
        time.sleep(0.02)
    pytest.fail("no save landed in time")


@pytest.fixture
def slow_gateway(reference):
    """A gateway that answers 0.1 s late: each scenario's writes stay in place long enough to be caught."""
    with Gateway(reference.base_url, Misbehaviour(delay=0.1)) as gateway:
        yield gateway


def test_sigkill_leaves_the_journal_then_the_next_run_refuses_and_restore_puts_it_back(reference, slow_gateway):
    journal, before = new_journal(), reference.state()
    for _attempt in range(3):  # the kill must land while the account is changed
        run = start(suite_command(slow_gateway.url), reference, journal)
        wait_until_changed(reference, before, run)
        os.killpg(run.pid, signal.SIGKILL)
        run.wait(30)
        if reference.state() != before:
            break
        assert run_restore(reference, journal).code == 0
    else:
        pytest.fail("three kills in a row landed after a restore")
    assert journal.exists(), "the journal must survive a SIGKILL"

    refused = run_suite(slow_gateway.url, reference, "features", "-m", "update", journal=journal)
    assert refused.code == 75, refused.output
    assert refused.stdout.strip() == "" and refused.stderr.count("\n") == 1, refused.output
    assert str(journal) in refused.stderr and "settings-qa restore" in refused.stderr and "--discard" in refused.stderr
    e2e = run_e2e(slow_gateway.url, reference, journal=journal)
    assert e2e.code == 75, e2e.output

    looked = run_restore(reference, journal, "--dry-run")
    assert looked.code == 1 and "differs (--dry-run: nothing written)" in looked.stdout, looked.output
    assert reference.state() != before and journal.exists()

    restored = run_restore(reference, journal)
    assert restored.code == 0, restored.output
    assert "as found" in restored.stdout and "put back and verified" in restored.stdout
    assert reference.state() == before
    assert not journal.exists()


def test_a_dry_run_on_accounts_already_as_found_says_the_entries_stay(reference, tmp_path):
    journal = tmp_path / "journal.json"
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    email, _ = reference.credentials["primary"]
    as_found = reference.state()["primary"]
    Journal(journal, run="killed", owner_pid=int(dead.stdout)).ensure(reference.base_url, email, as_found)
    looked = run_restore(reference, journal, "--dry-run")
    assert looked.code == 0 and "reads back as found" in looked.stdout, looked.output
    assert "the entries stay" in looked.stdout and "every entry settled" not in looked.output
    assert journal.exists()


@pytest.mark.parametrize("how", ["SIGTERM to the run", "SIGINT to its process group"])
def test_a_terminated_run_puts_the_data_back_itself(reference, slow_gateway, how: str):
    journal, before = new_journal(), reference.state()
    run = start(suite_command(slow_gateway.url), reference, journal)
    wait_until_changed(reference, before, run)
    if how.startswith("SIGTERM"):
        run.send_signal(signal.SIGTERM)
    else:
        os.killpg(run.pid, signal.SIGINT)
    output, _ = run.communicate(timeout=180)

    assert run.returncode != 0, output[-3000:]
    assert reference.state() == before, output[-5000:]
    assert not journal.exists(), output[-5000:]
    assert "settings-qa restore journal" in output and "reads back as found" in output, output[-3000:]


def test_a_terminated_settings_e2e_puts_the_data_back_itself(reference, slow_gateway):
    journal, before = new_journal(), reference.state()
    check = start([sys.executable, "-m", "settings_qa.e2e", "--url", slow_gateway.url], reference, journal)
    wait_until_changed(reference, before, check)
    check.send_signal(signal.SIGTERM)
    output, _ = check.communicate(timeout=120)

    assert check.returncode == 130, output
    assert "RESTORE ORIGINAL SETTINGS - ✅ PASS" in output
    assert reference.state() == before and not journal.exists()


SETTLING = """
import os, signal
from settings_qa import signals
signals.install()
with signals.settling():
    os.kill(os.getpid(), signal.SIGTERM)  # a CI job's timeout arriving during the end-of-run restore
    print("the restore went on; stopping:", signals.stopping(), flush=True)
    try:
        os.kill(os.getpid(), signal.SIGINT)  # then the user insisting
        print("not interrupted")
    except KeyboardInterrupt:
        print("a second Ctrl-C interrupts it")
try:
    os.kill(os.getpid(), signal.SIGTERM)
    print("a later SIGTERM was ignored")
except KeyboardInterrupt:
    print("interrupted after the restore")
"""


def test_a_first_signal_during_the_end_of_run_restore_does_not_interrupt_it():
    done = subprocess.run([sys.executable, "-c", SETTLING], cwd=REPO, capture_output=True, text=True, timeout=60,
                          env={**os.environ, "PYTHONPATH": str(REPO)})
    assert done.stdout.splitlines() == ["the restore went on; stopping: True", "a second Ctrl-C interrupts it",
                                        "a later SIGTERM was ignored"], done.stdout + done.stderr
