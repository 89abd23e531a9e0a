"""Findings: what the suite notices outside the contract, reported beside its verdicts,
never instead of them.

| kind | what |
|---|---|
| hygiene | HTTP behaviour no clause of the contract covers (405 and `Allow`, unsupported methods) |
| drift-contradicts | the target's own OpenAPI document contradicts the contract |
| drift-less | it documents less (limits, patterns, `additionalProperties`) |
| drift-more | it documents more (statuses, operations, properties the contract does not name) |
| extension | a response property the contract does not name |

Default mode: information. Every unique finding becomes an item of its own (a section of
the terminal summary, a JUnit testcase, an Allure result in its own category) and never
fails the run. `--strict` (QA_STRICT=1): the same items fail, and the run with them.

Code anywhere in a test calls `record(Finding(...))`. When the test's report is made, the
pending findings travel on it (`report.qa_findings`, which xdist carries to the
controller); the controller (or the only process) gathers them, one per kind and key, and
reports each as its own item when the session ends.
"""

from __future__ import annotations

import hashlib
import os
import threading
import time
import uuid
from dataclasses import asdict, dataclass, field
from typing import Any

import pytest

from contracts.reading import Unnamed, secret_values
from settings_qa.redaction import redact, register_secret

KINDS = {
    "hygiene": "HTTP hygiene (no clause of the contract)",
    "drift-contradicts": "Drift: the served document contradicts the contract",
    "drift-less": "Drift: the served document documents less than the contract",
    "drift-more": "Drift: the served document documents more than the contract",
    "extension": "Properties the contract does not name",
}
CATEGORY = "outside the contract"  # the terminal's name for the items in default mode
NODE_PREFIX = "findings"
_SHOWN_TESTS = 3
_SHOWN_DETAIL = 6  # lines of a finding's evidence in the terminal summary


@dataclass
class Finding:
    kind: str
    key: str  # unique within the kind; also the item's name
    title: str  # one line
    detail: str = ""  # the evidence, several lines
    reproduce: str = ""  # a command or request that shows it again

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"unknown finding kind {self.kind!r}")
        self.key, self.title = " ".join(redact(self.key).split()), " ".join(redact(self.title).split())
        self.detail, self.reproduce = redact(self.detail), redact(self.reproduce)

    @property
    def nodeid(self) -> str:
        """`findings::<kind>::<key>`; brackets would read as test parameters, so they go."""
        name = self.key.replace("::", ":").replace("[]", ".*").replace("[", "(").replace("]", ")")
        return f"{NODE_PREFIX}::{self.kind}::{name}"


@dataclass
class Seen:
    """One finding as gathered over the run: how often, and by which tests."""

    finding: Finding
    count: int = 0
    tests: list[str] = field(default_factory=list)

    def add(self, test: str) -> None:
        self.count += 1
        if test not in self.tests:
            self.tests.append(test)

    def evidence(self, strict: bool) -> str:
        f = self.finding
        lines = [f"{KINDS[f.kind]}: {f.title}"]
        if f.detail:
            lines += ["", f.detail]
        if f.reproduce:
            lines += ["", "Reproduce with:", f.reproduce]
        shown = ", ".join(self.tests[:_SHOWN_TESTS]) + (f" (+{len(self.tests) - _SHOWN_TESTS} more)"
                                                        if len(self.tests) > _SHOWN_TESTS else "")
        lines += ["", f"Seen {self.count} time(s), by: {shown}",
                  "Judged as: " + ("a failure (--strict)" if strict else
                                   "information, outside the contract (--strict would fail on it)")]
        return "\n".join(lines)


_pending: list[Finding] = []
_lock = threading.Lock()


def record(finding: Finding) -> None:
    """Note a finding of the running test (safe from any thread)."""
    with _lock:
        _pending.append(finding)


def _drain() -> list[Finding]:
    with _lock:
        taken = list(_pending)
        _pending.clear()
    return taken


def note_unnamed(unnamed: list[Unnamed], where: str) -> None:
    """Record the properties a response carries that the contract does not name, as findings.
    A leaked secret among them is the caller's failure to raise; its value is masked from here on."""
    for item in unnamed:
        if item.leak:
            for value in secret_values(item.value):
                register_secret(value)
        else:
            record(Finding("extension", item.path, f"{item.path}: a property the contract does not name",
                           detail=f"type {type(item.value).__name__}, first seen in the answer to {where}. Read "
                                  "tolerantly: the contract's properties are judged; this one is the provider's "
                                  "business.", reproduce=where))


def strict_mode(config: pytest.Config) -> bool:
    from settings_qa import runsettings

    return runsettings.of(config).strict


# ------------------------------------------------------------------------- pytest plugin

@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo):
    report = yield
    found = _drain()
    if found:
        report.qa_findings = [asdict(f) for f in found]
    return report


class Gatherer:
    """On the controller (or the only process): every finding of the run, reported at the end."""

    def __init__(self, config: pytest.Config) -> None:
        self.config = config
        self.seen: dict[tuple[str, str], Seen] = {}

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        for data in getattr(report, "qa_findings", None) or []:
            finding = Finding(**data)
            self.seen.setdefault((finding.kind, finding.key), Seen(finding)).add(report.nodeid)

    @pytest.hookimpl(tryfirst=True)
    def pytest_sessionfinish(self, session: pytest.Session) -> None:
        strict = strict_mode(self.config)
        for seen in self.ordered():
            _report_item(self.config, seen, strict)
            _allure_result(self.config, seen, strict)
        if strict and self.seen and session.exitstatus == pytest.ExitCode.OK:
            session.exitstatus = pytest.ExitCode.TESTS_FAILED

    def ordered(self) -> list[Seen]:
        order = list(KINDS)
        return sorted(self.seen.values(), key=lambda s: (order.index(s.finding.kind), s.finding.key))

    def pytest_terminal_summary(self, terminalreporter: Any) -> None:
        if not self.seen:
            return
        strict = strict_mode(self.config)
        verdict = "FAIL the run (--strict)" if strict else "do not fail the run (--strict would)"
        terminalreporter.section(f"settings-qa findings outside the contract: {len(self.seen)}, they {verdict}",
                                 sep="=", yellow=not strict, red=strict, bold=True)
        kind = None
        for seen in self.ordered():
            if seen.finding.kind != kind:
                kind = seen.finding.kind
                terminalreporter.write_line(f"{KINDS[kind]}:")
            terminalreporter.write_line(f"  - {seen.finding.title}  [{seen.count}x, first in {seen.tests[0]}]")
            detail = [line for line in seen.finding.detail.splitlines() if line.strip()]
            for line in detail[:_SHOWN_DETAIL] if kind != "extension" else []:
                terminalreporter.write_line(f"      {line[:300]}")
            if len(detail) > _SHOWN_DETAIL and kind != "extension":
                terminalreporter.write_line(f"      (+{len(detail) - _SHOWN_DETAIL} more lines in JUnit and Allure)")
            if seen.finding.reproduce:
                first = seen.finding.reproduce.splitlines()[0]
                terminalreporter.write_line(f"      reproduce: {first[:300]}")


@pytest.hookimpl(tryfirst=True)
def pytest_report_teststatus(report: pytest.TestReport, config: pytest.Config):
    """Finding items print nothing while running; in default mode they count apart."""
    if getattr(report, "qa_finding", None) is None:
        return None
    if report.when != "call":
        return "", "", ""
    return ("failed", "F", "FAILED") if report.failed else (CATEGORY, "", "")


def pytest_configure(config: pytest.Config) -> None:
    if not hasattr(config, "workerinput") and not config.pluginmanager.has_plugin("settings-qa-findings"):
        config.pluginmanager.register(Gatherer(config), "settings-qa-findings")


def _report_item(config: pytest.Config, seen: Seen, strict: bool) -> None:
    """The finding as a test item of its own: terminal statistics and JUnit see it like any other."""
    f = seen.finding
    evidence = seen.evidence(strict)
    properties = [("finding", f.kind), ("seen", seen.count), ("first_test", seen.tests[0]), ("evidence", evidence)]
    if f.reproduce:
        properties.append(("reproduce", f.reproduce))
    now = time.time()
    for when in ("call", "teardown"):
        failed = strict and when == "call"
        report = pytest.TestReport(
            nodeid=f.nodeid, location=(NODE_PREFIX, None, f"{f.kind}: {f.title}"), keywords={f.kind: 1},
            outcome="failed" if failed else "passed", longrepr=evidence if failed else None, when=when,
            start=now, stop=now, user_properties=properties)
        report.qa_finding = f.kind
        config.hook.pytest_runtest_logreport(report=report)


def _allure_result(config: pytest.Config, seen: Seen, strict: bool) -> None:
    """The finding as an Allure result, labelled for its own category (allurerc.mjs)."""
    if not getattr(config.option, "allure_report_dir", None):
        return
    import allure_commons
    from allure_commons.model2 import Label, Status, StatusDetails, TestResult

    f = seen.finding
    now = int(time.time() * 1000)
    labels = [Label("epic", "Outside the contract"), Label("feature", KINDS[f.kind]), Label("finding", f.kind),
              Label("framework", "settings-qa")]
    leg = os.environ.get("QA_REPORT_LEG")
    if leg:
        labels.append(Label("leg", leg))
    history = hashlib.md5(f"{f.nodeid}:{leg or ''}".encode()).hexdigest()
    result = TestResult(
        uuid=str(uuid.uuid4()), historyId=history, testCaseId=history, name=f"{f.kind}: {f.title}",
        fullName=f.nodeid, status=Status.FAILED if strict else Status.UNKNOWN,
        statusDetails=StatusDetails(message=f.title, trace=seen.evidence(strict)), labels=labels,
        description=seen.evidence(strict), start=now, stop=now)
    allure_commons.plugin_manager.hook.report_result(result=result)
