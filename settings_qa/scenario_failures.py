"""A failing scenario in QA's words: the feature file and line first, then the scenario, the
Gherkin step that failed and one line of reason; the Python traceback only on request.

    ____ features/persistence.feature:32: Scenario Outline: Text is stored verbatim: emoji ____
    And my settings read back exactly as saved   (features/persistence.feature:27)
      what was saved did not read back: field 'description': expected "We ❤️ dogs…", read back "We dogs…"
      (the Python traceback: -v or --tb=long; this scenario alone: pytest features/persistence.feature:32)

The line is the scenario's, or for an outline the Examples row's, so `pytest <that>` runs
exactly the case that failed. `-v`, `--tb=long` (or short, native) add the traceback below;
`--tb=line` prints the first line only. JUnit's message and the short summary carry the reason
and the step; Allure shows the same lines, the reason first, as the test's message, the
traceback as its trace.
Everything is redacted. Failures outside a step (setup, the restore) keep pytest's report.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest
from _pytest._code.code import ExceptionChainRepr, ReprEntryNative, ReprFileLocation, ReprTraceback
from pytest_bdd.steps import step_function_context_registry

from settings_qa import gherkin, reporting
from settings_qa.check import closest_step, step_phrases
from settings_qa.feature_paths import scenario_of
from settings_qa.redaction import redact
from settings_qa.net.policy import NetworkFailure

_FAILED_STEP = pytest.StashKey["FailedStep"]()
_SCENARIO_NAME = pytest.StashKey[str]()
_WITH_TRACEBACK = ("long", "short", "native")


@dataclass(frozen=True)
class FailedStep:
    keyword: str
    text: str
    line: int
    exception: BaseException
    no_definition: bool = False


def pytest_bdd_step_error(request, feature, scenario, step, step_func, step_func_args, exception) -> None:
    request.node.stash[_FAILED_STEP] = FailedStep(step.keyword, step.name, step.line_number, exception)


def pytest_bdd_step_func_lookup_error(request, feature, scenario, step, exception) -> None:
    request.node.stash[_FAILED_STEP] = FailedStep(step.keyword, step.name, step.line_number, exception, True)


def reason(exception: BaseException) -> list[str]:
    """The exception's message, without pytest's `assert ...` explanation; a bug in a step
    (not an assertion) keeps its type."""
    if isinstance(exception, (AssertionError, pytest.fail.Exception)):
        text = str(exception)
    elif isinstance(exception, NetworkFailure):  # the network's failure, worded as such (settings_qa/net)
        text = f"NETWORK FAILURE (not a contract failure): {exception}"
    else:
        text = f"{type(exception).__name__}: {exception}"
    lines = []
    for line in text.splitlines():
        if line.startswith("assert ") and lines:
            break
        if line.strip():
            lines.append(line.rstrip())
    lines = lines or [type(exception).__name__]
    if len(lines) > 1 and lines[0].endswith(":"):  # "what was saved did not read back:" + the first case
        lines[:2] = [f"{lines[0]} {lines[1].strip().removeprefix('- ')}"]
    return lines


def _where(item: pytest.Item, template) -> tuple[str, int]:
    """The feature file (relative to the rootdir) and the line that runs this case alone."""
    path = Path(template.feature.filename)
    try:
        shown = str(path.resolve().relative_to(item.config.rootpath))
    except ValueError:
        shown = str(path)
    index = getattr(getattr(item, "callspec", None), "indices", {}).get("_pytest_bdd_example")
    line = template.line_number
    if index is not None:
        span = next((s for s in gherkin.read(path).scenarios if s.line == template.line_number), None)
        line = span.rows[index].line if span and index < len(span.rows) else line
    return shown, line


def describe(item: pytest.Item, failed: FailedStep, *, with_traceback: bool = False,
             ) -> tuple[str, list[str], ReprFileLocation]:
    """The headline, the lines below it, and the crash line (JUnit message, short summary)."""
    template = scenario_of(item)
    path, line = _where(item, template)
    name = item.stash.get(_SCENARIO_NAME, template.name)
    headline = redact(f"{path}:{line}: {template.keyword}: {name}")
    step = f"{failed.keyword} {failed.text}"
    if failed.no_definition:
        hint = closest_step(failed.text, step_phrases(list(step_function_context_registry.values())))
        why = ["no step definition matches this step" + (f"; did you mean '{hint}'?" if hint else "")
               + f" (`settings-qa check {path}`)"]
    else:
        why = reason(failed.exception)
    body = [redact(f"{step}   ({path}:{failed.line})"), *(redact("  " + text) for text in why)]
    crash = ReprFileLocation(path, line, redact(f"{why[0].strip()} ({step}: line {failed.line})"))
    alone = f"this scenario alone: pytest {path}:{line}"
    hint = f"({alone})" if with_traceback else f"(the Python traceback: -v or --tb=long; {alone})"
    return headline, [*body, "  " + hint], crash


def pytest_bdd_before_scenario(request, feature, scenario) -> None:
    request.node.stash[_SCENARIO_NAME] = scenario.name  # with the example's values filled in


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo):
    report = yield
    failed = item.stash.get(_FAILED_STEP, None)
    if report.when != "call" or not report.failed or failed is None or scenario_of(item) is None:
        return report
    style = item.config.option.tbstyle
    if style == "no":
        return report
    with_traceback = item.config.option.verbose > 0 or style in _WITH_TRACEBACK
    headline, body, crash = describe(item, failed, with_traceback=with_traceback)
    # Allure's page has the scenario as its title: its message starts with the reason (the line
    # lists and the CI summary show), then the step and the line that runs this case alone.
    step, *why = body[:-1]
    reporting.note_failure("\n".join([*(line.strip() for line in why), step, headline]), str(report.longrepr))
    fspath, lineno, _domain = report.location
    report.location = (fspath, lineno, headline)  # the failure's section title
    report.longrepr = _longrepr(body, crash, report.longrepr, with_traceback)
    return report


def _native(text: str) -> ReprTraceback:
    return ReprTraceback([ReprEntryNative([text if text.endswith("\n") else text + "\n"])], None, "native")


def _longrepr(body: list[str], crash: ReprFileLocation, original, with_traceback: bool) -> ExceptionChainRepr:
    qa = _native("\n".join(body))
    if not with_traceback:
        return ExceptionChainRepr([(qa, crash, None)])
    chain = list(original.chain) if isinstance(original, ExceptionChainRepr) else [(_native(str(original)), None, None)]
    *earlier, (traceback, _crash, description) = chain
    return ExceptionChainRepr([(qa, None, "The Python traceback:"), *earlier, (traceback, crash, description)])
