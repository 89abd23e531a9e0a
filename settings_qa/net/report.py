"""The network's events as the run reports them: never silent, never a contract failure.

At the end of a run the leading process reads every event of the run (settings_qa/net/events.py)
and reports each kind as an item of its own, like the findings outside the contract: a section
of the terminal summary, a JUnit testcase (`classname="network.<kind>"`), an Allure result in the
category "Network", and a count on the last line (`98 passed, 3 network events`). Recovered
events pass; with `--fail-on-network-events` (QA_FAIL_ON_NETWORK_EVENTS=1) they fail, and the
run with them. `--strict` does not: it judges the backend's answers, not the road to them.

A test whose request still failed after its retries fails as a network failure: its report
leads with `NETWORK FAILURE (not a contract failure)` and its Allure phase is `network`.
"""

from __future__ import annotations

import hashlib
import os
import time
import uuid
from collections import defaultdict
from typing import Any

import pytest

from settings_qa.net.events import CAUSES, NetworkEvent, Summary, ledger
from settings_qa.redaction import redact

CATEGORY = "network events"
NODE_PREFIX = "network"
KINDS = {**CAUSES, "outcome-unknown": "writes whose outcome was unknown (state re-established, step repeated)",
         "inconclusive": "checks left inconclusive for network reasons",
         "failed": "requests that still failed after their retries (their tests failed as network failures)"}
_SHOWN = 5


def network_failure(item: pytest.Item, report: pytest.TestReport, exc: BaseException) -> None:
    """Word a test's failure as the network's."""
    if report.when == "call" or report.failed:
        message = " ".join(redact(str(exc)).split())
        report.longrepr = f"NETWORK FAILURE (not a contract failure): {message}"
        report.user_properties.append(("network_failure", message))
        _allure_label("phase", "network")


def _allure_label(name: str, value: str) -> None:
    try:
        import allure

        allure.dynamic.label(name, value)
    except Exception:  # noqa: BLE001 - no Allure, or no test open: nothing to label
        pass


def grouped(events: list[NetworkEvent]) -> dict[str, list[NetworkEvent]]:
    """Events by kind: each cause they met, and their outcome when it is not `recovered`."""
    kinds: dict[str, list[NetworkEvent]] = defaultdict(list)
    for event in events:
        for cause in dict.fromkeys(event.causes):
            kinds[cause].append(event)
        if event.outcome in ("outcome-unknown", "inconclusive", "failed"):
            kinds[event.outcome].append(event)
    return dict(sorted(kinds.items(), key=lambda kv: list(KINDS).index(kv[0]) if kv[0] in KINDS else 99))


def evidence(kind: str, events: list[NetworkEvent], fail: bool) -> str:
    waited = sum(e.waited for e in events)
    answers = sum(e.causes.count(kind) for e in events) if kind in CAUSES else len(events)
    requests: dict[str, int] = defaultdict(int)
    for event in events:
        requests[event.request] += 1
    tests = list(dict.fromkeys(e.test for e in events if e.test))
    lines = [f"{KINDS.get(kind, kind)}: {answers} time(s), {len(events)} request(s) affected, "
             f"waited {waited:.1f} s", "", "Requests affected:"]
    lines += [f"  {request}: {count}" for request, count in sorted(requests.items())]
    lines += ["", "Examples:"] + [f"  {e.line()}" + (f" [{e.test}]" if e.test else "") for e in events[:_SHOWN]]
    if tests:
        lines += ["", "Tests: " + ", ".join(tests[:_SHOWN]) + (f" (+{len(tests) - _SHOWN} more)" if len(tests) > _SHOWN
                                                                else "")]
    lines += ["", "Judged as: " + ("a failure (--fail-on-network-events)" if fail else
                                   "information: the backend's contract was judged on the answers that came through "
                                   "(--fail-on-network-events would fail the run)")]
    return redact("\n".join(lines))


class NetworkReport:
    """The leading process's report of the run's network events."""

    def __init__(self, config: pytest.Config, settings: Any) -> None:
        self.config, self.settings = config, settings
        self.reported: dict[str, list[NetworkEvent]] = {}

    @property
    def fail(self) -> bool:
        return self.settings.fail_on_network_events

    @pytest.hookimpl(tryfirst=True)  # before junitxml writes its file
    def pytest_sessionfinish(self, session: pytest.Session) -> None:
        self.reported = grouped(ledger().all_events())
        for kind, events in self.reported.items():
            text = evidence(kind, events, self.fail)
            self._report_item(kind, events, text)
            self._allure_result(kind, text)
        if self.fail and self.reported and session.exitstatus == pytest.ExitCode.OK:
            session.exitstatus = pytest.ExitCode.TESTS_FAILED

    def _report_item(self, kind: str, events: list[NetworkEvent], text: str) -> None:
        failed = self.fail
        now = time.time()
        nodeid = f"{NODE_PREFIX}::{kind}::{KINDS.get(kind, kind).split(' (')[0]}"  # JUnit: classname network.<kind>
        properties = [("network", kind), ("requests", len(events)),
                      ("waited_seconds", round(sum(e.waited for e in events), 3)), ("evidence", text)]
        for when in ("call", "teardown"):
            report = pytest.TestReport(
                nodeid=nodeid, location=(NODE_PREFIX, None, f"network: {KINDS.get(kind, kind)}"),
                keywords={kind: 1}, outcome="failed" if failed and when == "call" else "passed",
                longrepr=text if failed and when == "call" else None, when=when, start=now, stop=now,
                user_properties=properties)
            report.qa_network = kind
            self.config.hook.pytest_runtest_logreport(report=report)

    def _allure_result(self, kind: str, text: str) -> None:
        if not getattr(self.config.option, "allure_report_dir", None):
            return
        import allure_commons
        from allure_commons.model2 import Label, Status, StatusDetails, TestResult

        leg = os.environ.get("QA_REPORT_LEG")
        labels = [Label("epic", "Network"), Label("feature", KINDS.get(kind, kind)), Label("network", kind),
                  Label("layer", "network"), Label("framework", "settings-qa")] + ([Label("leg", leg)] if leg else [])
        history = hashlib.md5(f"{NODE_PREFIX}::{kind}:{leg or ''}".encode()).hexdigest()
        now = int(time.time() * 1000)
        first = text.splitlines()[0]
        allure_commons.plugin_manager.hook.report_result(result=TestResult(
            uuid=str(uuid.uuid4()), historyId=history, testCaseId=history, name=f"network: {first}",
            fullName=f"{NODE_PREFIX}::{kind}", status=Status.FAILED if self.fail else Status.UNKNOWN,
            statusDetails=StatusDetails(message=first, trace=text), labels=labels, description=text,
            start=now, stop=now))

    def pytest_terminal_summary(self, terminalreporter: Any) -> None:
        events = ledger().all_events()  # the journal's own restore included
        paced = ledger().total("paced")
        if not events and not paced:
            return
        summary = Summary(events)
        verdict = "FAIL the run (--fail-on-network-events)" if self.fail else \
            "do not fail the run (--fail-on-network-events would)"
        terminalreporter.section(f"settings-qa network: {len(events)} request(s) met the network; recovered ones "
                                 f"{verdict}", sep="=", yellow=not self.fail, red=self.fail, bold=True)
        if events:
            terminalreporter.write_line(summary.headline())
        for kind, members in grouped(events).items():
            terminalreporter.write_line(f"  - {evidence(kind, members, self.fail).splitlines()[0]}")
            for event in members[:3]:
                terminalreporter.write_line(f"      {event.line()[:300]}" + (f"  [{event.test}]" if event.test else ""))
        if paced:
            terminalreporter.write_line(f"  paced by --rate-limit {self.settings.network.rate}: {paced:.1f} s "
                                        "of spacing in all")

    @pytest.hookimpl(tryfirst=True)
    def pytest_report_teststatus(self, report: pytest.TestReport, config: pytest.Config):
        """Network items print nothing while running; they count apart on the last line."""
        if getattr(report, "qa_network", None) is None:
            return None
        if report.when != "call":
            return "", "", ""
        return ("failed", "F", "FAILED") if report.failed else (CATEGORY, "", "")
