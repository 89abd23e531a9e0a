"""One run of the suite, from its start to its end, in the process that leads it and in its workers.

`start`: the run's id and folder (shared with the xdist workers through QA_RUN_ID, QA_RUN_DIR
and QA_RUN_OWNER_PID), the network (settings_qa/net: policy, pacing, events), the signal
handlers (settings_qa/signals.py), and, in the leading process, the plugins that end the run:
the network report and, against a deployment, the journal keeper.

`JournalKeeper`: at the end of a run against a deployment, after the workers stopped, every
account this run journaled is compared with what was found and put back if it differs
(settings_qa/settle.py); its entry goes only when the account reads back as found. A failure
says so loudly, keeps the journal, and fails the run.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import pytest

from settings_qa import accounts as accounts_mod
from settings_qa import signals
from settings_qa.client import ApiClient
from settings_qa.journal import Journal, JournalPending, new_run_id
from settings_qa.net import report as netreport
from settings_qa.net.transport import build_client, configure, context
from settings_qa.runsettings import RunSettings
from settings_qa.settle import Settled, settle

_STARTED = pytest.StashKey[bool]()
_RUN_DIR = pytest.StashKey[Path]()


def start(config: pytest.Config, settings: RunSettings) -> None:
    if config.stash.get(_STARTED, False):
        return
    config.stash[_STARTED] = True
    leading = not hasattr(config, "workerinput")
    if leading:
        run_dir = Path(tempfile.mkdtemp(prefix="settings-qa-run-"))
        config.stash[_RUN_DIR] = run_dir
        os.environ.update(QA_RUN_ID=new_run_id(), QA_RUN_DIR=str(run_dir), QA_RUN_OWNER_PID=str(os.getpid()))
    else:
        run_dir = Path(os.environ["QA_RUN_DIR"]) if os.environ.get("QA_RUN_DIR") else None
    configure(settings.network, run_dir, settings.ca_bundle)
    signals.install(run_dir)
    if leading and not config.pluginmanager.has_plugin("settings-qa-network"):
        config.pluginmanager.register(netreport.NetworkReport(config, settings), "settings-qa-network")
        if settings.deployment:
            config.pluginmanager.register(JournalKeeper(settings), "settings-qa-journal")


def finish(config: pytest.Config) -> None:
    run_dir = config.stash.get(_RUN_DIR, None)
    if run_dir is not None:
        shutil.rmtree(run_dir, ignore_errors=True)


def journal(settings: RunSettings) -> Journal:
    """This run's view of the restore journal (the leading process owns the entries)."""
    owner = os.environ.get("QA_RUN_OWNER_PID")
    return Journal(settings.journal, run=os.environ.get("QA_RUN_ID"), tool="pytest",
                   owner_pid=int(owner) if owner else None)


def describe_network(settings: RunSettings) -> str:
    policy = settings.network
    rate = f"capped at {policy.rate}" if policy.rate else "no rate cap (--rate-limit)"
    journal_part = f"; restore journal {settings.journal}" if settings.deployment else ""
    return (f"{rate}; waits on 429/503 Retry-After up to {policy.max_wait:g} s a request, {policy.max_total_wait:g} s "
            f"a run; {policy.retries} retries of safe requests on gateway errors; a 500 is never retried{journal_part}")


class JournalKeeper:
    """The leading process's end of a run against a deployment: settle this run's journal."""

    def __init__(self, settings: RunSettings) -> None:
        self.settings = settings
        self.results: list[Settled] = []
        self.problem = ""

    @pytest.hookimpl(trylast=True)  # after xdist stopped its workers: nothing writes any more
    def pytest_sessionfinish(self, session: pytest.Session, exitstatus: int) -> None:
        book = journal(self.settings)
        try:
            entries = book.mine()
        except JournalPending as exc:
            self.problem = str(exc)
            return
        if not entries:
            return
        interrupted = exitstatus == pytest.ExitCode.INTERRUPTED or signals.stopping()
        accounts = {a.email.lower(): a for a in accounts_mod.from_environment().values()}
        configure(self.settings.network.patient(), context().pacer.run_dir, self.settings.ca_bundle)
        with signals.settling(), build_client(self.settings.base_url, timeout=self.settings.timeout) as http:
            client = ApiClient(http)
            for entry in entries:
                account = accounts.get(entry.email.lower())
                if account is None:
                    self.results.append(Settled(entry, error="its credentials are no longer in the environment"))
                    continue
                result = settle(entry, client, account.password, interrupted=interrupted)
                self.results.append(result)
                if result.verified:
                    book.remove(entry)
        if any(not r.verified for r in self.results) and session.exitstatus == pytest.ExitCode.OK:
            session.exitstatus = pytest.ExitCode.TESTS_FAILED

    def pytest_terminal_summary(self, terminalreporter) -> None:
        if not self.results and not self.problem:
            return
        failed = [r for r in self.results if not r.verified]
        terminalreporter.section("settings-qa restore journal", sep="=", red=bool(failed or self.problem),
                                 green=not (failed or self.problem), bold=True)
        for result in self.results:
            terminalreporter.write_line(f"  {result.line()}")
        if self.problem:
            terminalreporter.write_line(f"  {self.problem}")
        if failed:
            terminalreporter.write_line(f"RESTORE FAILED: the journal {self.settings.journal} keeps the settings as "
                                        "found; run `settings-qa restore` to put them back", red=True, bold=True)
        else:
            terminalreporter.write_line(f"every account this run wrote to reads back as found; the journal entries "
                                        f"are removed ({self.settings.journal})")
