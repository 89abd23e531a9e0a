"""History across runs: three successive runs (history_runs.py), each report built by
ci/report.sh from the history the previous one left beside it. The third report shows a
trend of three runs, the scenario broken in run 2 as fixed, and the test that fails, passes,
then fails again as flaky; Chromium photographs the trend and the marks into
reports/screenshots/. Without a history, ci/report.sh works as before."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from history_runs import BROKEN, FLIPPING, run_three, two_legs
from report_files import embedded
from report_runs import ALLURE, ROOT, copy_screenshot, missing_tool, shared


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    if not ALLURE.exists():
        missing_tool("the npm allure CLI is not installed")
    return shared(tmp_path_factory, "history-runs", run_three)


def _tests(report) -> dict[str, dict]:
    """Allure's processed results embedded in a report, by test name."""
    found = [json.loads(text) for text in embedded(report, "data/test-results/").values()]
    return {test["name"]: test for test in found if not test.get("isRetry")}


def _status_dynamics(report) -> list[dict]:
    charts = json.loads(embedded(report, "widgets/charts.json")["widgets/charts.json"])
    return next(chart["data"] for chart in charts["general"].values() if chart["type"] == "statusDynamics")


def test_each_run_fails_what_it_should(runs):
    failed = [sorted(name for name, test in _tests(run.report).items() if test["status"] == "failed") for run in runs]
    assert failed == [[FLIPPING], [BROKEN], [FLIPPING]], [run.pytest_output[-600:] for run in runs]


def test_report_sh_starts_the_history_then_appends_one_line_per_run(runs):
    assert "history: none at" in runs[0].report_output and "starting one" in runs[0].report_output
    lines = [(run.report / "history.jsonl").read_text().splitlines() for run in runs]
    assert [len(each) for each in lines] == [1, 2, 3]
    assert lines[2][:2] == lines[1] and lines[1][:1] == lines[0]  # appended, never rewritten
    assert len({json.loads(line)["uuid"] for line in lines[2]}) == 3
    assert "history: 2 earlier run(s)" in runs[2].report_output


def test_the_third_report_has_a_trend_of_three_runs(runs):
    points = _status_dynamics(runs[2].report)
    assert len(points) == 3 and points[-1]["id"] == "current"
    assert [(p["statistic"]["passed"], p["statistic"]["failed"]) for p in points] == [(3, 1)] * 3


def test_transitions_new_then_regressed_and_fixed_then_flaky(runs):
    first, second, third = (_tests(run.report) for run in runs)
    assert {test.get("transition") for test in first.values()} == {"new"}
    assert second[BROKEN]["transition"] == "regressed" and second[FLIPPING]["transition"] == "fixed"
    assert third[BROKEN]["transition"] == "fixed" and not third[BROKEN]["flaky"]
    assert third[FLIPPING]["flaky"] and third[FLIPPING]["status"] == "failed"
    assert [name for name, test in third.items() if test["flaky"]] == [FLIPPING]
    assert sorted(name for name, test in third.items() if test.get("transition")) == sorted([BROKEN, FLIPPING])
    summary = json.loads((runs[2].report / "summary.json").read_text())
    assert summary["stats"]["flaky"] == 1 and summary["flakyTests"] == [third[FLIPPING]["id"]]


def test_the_summary_reads_the_runs(runs):
    done = subprocess.run([sys.executable, "ci/summary.py", "--results", str(runs[2].results),
                           "--report", str(runs[2].report), "--mutation-table", str(runs[2].report / "absent.md")],
                          cwd=ROOT, capture_output=True, text=True, timeout=60, env={"PATH": os.environ["PATH"]})
    assert done.returncode == 0, done.stderr
    text = done.stdout
    assert "| sqlite | 3 | 1 | 0 | 0 |" in text
    assert f"- **Phase 1: authentication failed**: 1\n  - {FLIPPING} (sqlite): the refusals differ" in text
    assert "Trend over 3 run(s)" in text
    assert f"**Fixed (failed in the previous run, passes now)**: 1: {BROKEN}" in text
    assert f"**Flaky (failed now, and passed after a failure in the last 5 runs)**: 1: {FLIPPING}" in text
    assert "No mutation table yet" in text


def test_browser_shows_the_trend_and_the_flaky_and_fixed_marks(runs, chromium, tmp_path):
    done = subprocess.run(
        ["node", "tests/reports/browse_history.mjs", str(runs[2].report / "index.html"), str(tmp_path),
         FLIPPING, BROKEN],
        cwd=ROOT, capture_output=True, text=True, timeout=240, env={"CHROMIUM": chromium, "PATH": "/usr/bin:/bin"})
    seen = json.loads(done.stdout.strip().splitlines()[-1])
    assert seen["errors"] == [], (seen["step"], seen["errors"])
    assert seen["trend"]["bars"] == 3 and seen["trend"]["ticks"][-1] == "Latest" and seen["trend"]["transitions"]
    flaky, fixed = seen["flaky"], seen["fixed"]
    assert flaky["leaves"] == [FLIPPING] and flaky["title"] == FLIPPING and flaky["status"] == "failed"
    assert "Flaky" in flaky["header"].split("\n") and flaky["history"] == ["passed", "failed"]
    assert fixed["leaves"] == [BROKEN] and fixed["status"] == "passed" and fixed["history"] == ["failed", "passed"]
    assert "Flaky" not in fixed["header"].split("\n")
    for name in ("trend", "flaky", "fixed"):
        shot = tmp_path / f"{name}.png"
        assert shot.stat().st_size > 20_000
        copy_screenshot(shot, f"history-{name}.png")


def test_without_a_history_the_report_is_built_as_before(runs, tmp_path):
    report = tmp_path / "report"
    done = subprocess.run(["bash", "ci/report.sh"], cwd=ROOT, capture_output=True, text=True, timeout=300,
                          env={**os.environ, "QA_ALLURE_RESULTS": str(runs[2].results), "QA_ALLURE_REPORT": str(report),
                               "QA_ALLURE_HISTORY": ""})
    assert done.returncode == 0, done.stderr
    assert not (report / "history.jsonl").exists() and "report: history:" not in done.stdout
    assert len(_status_dynamics(report)) == 1
    assert not any(test.get("transition") or test["flaky"] for test in _tests(report).values())


def test_a_broken_history_file_is_one_line(tmp_path, runs):
    bad = tmp_path / "history.jsonl"
    bad.write_text('{"uuid": "x", "testResults": {}}\nnot json\n')
    done = subprocess.run(["bash", "ci/report.sh"], cwd=ROOT, capture_output=True, text=True, timeout=120,
                          env={**os.environ, "QA_ALLURE_RESULTS": str(runs[0].results),
                               "QA_ALLURE_REPORT": str(tmp_path / "report"), "QA_ALLURE_HISTORY": str(bad)})
    assert done.returncode == 1
    assert done.stderr.strip() == (f"report: QA_ALLURE_HISTORY={bad} is not an Allure history file: "
                                   "line 2 is not an Allure history entry")


def test_the_history_keeps_the_last_runs_only(tmp_path, runs):
    report = tmp_path / "report"
    environ = {**os.environ, "QA_ALLURE_RESULTS": str(runs[2].results), "QA_ALLURE_REPORT": str(report),
               "QA_ALLURE_HISTORY": str(runs[2].report)}
    done = subprocess.run(["bash", "ci/report.sh"], cwd=ROOT, capture_output=True, text=True, timeout=300,
                          env={**environ, "QA_ALLURE_HISTORY_LIMIT": "2"})
    assert done.returncode == 0, done.stderr
    kept = (report / "history.jsonl").read_text().splitlines()
    assert len(kept) == 2 and kept[0] == (runs[2].report / "history.jsonl").read_text().splitlines()[-1]
    bad = subprocess.run(["bash", "ci/report.sh"], cwd=ROOT, capture_output=True, text=True, timeout=60,
                         env={**environ, "QA_ALLURE_HISTORY_LIMIT": "all"})
    assert bad.returncode == 1
    assert bad.stderr == "report: QA_ALLURE_HISTORY_LIMIT=all is not a number of runs (default 20)\n"


def test_each_leg_keeps_its_own_history(tmp_path_factory):
    """Allure 3 keys history by test case id and parameters (it ignores historyId): the suite
    gives each result its leg as a parameter (settings_qa/reporting.py)."""
    if not ALLURE.exists():
        missing_tool("the npm allure CLI is not installed")
    _, report = shared(tmp_path_factory, "history-two-legs", two_legs)
    second = [json.loads(text) for text in embedded(report, "data/test-results/").values()]
    assert sorted({t["environment"] for t in second}) == ["clean", "sqlite"] and len(second) == 8
    # The same results twice: nothing changed, so no test may be fixed, regressed or flaky.
    assert [(t["name"], t["environment"], t.get("transition")) for t in second if t.get("transition") or t["flaky"]] == []
    assert len(json.loads((report / "history.jsonl").read_text().splitlines()[0])["testResults"]) == 8
