"""The workflow's report job keeps Allure's history between runs of the default branch (Actions
cache: restored by prefix, saved only on the default branch, after the report), publishes the
report as one unzipped HTML file, and writes the job summary whatever happened; the mutation job
adds its table. .ci/run does the same with a local history folder. (Structure only:
tests/reports/test_history.py proves that history works; ci/lint.sh validates the schema.)"""

from __future__ import annotations

import re
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
WORKFLOW = ROOT / ".github" / "workflows" / "ci.yml"
CI_RUN = (ROOT / ".ci" / "run").read_text()


def _jobs() -> dict:
    return yaml.safe_load(WORKFLOW.read_text())["jobs"]


def _index(steps: list[dict], predicate) -> int:
    found = [i for i, step in enumerate(steps) if predicate(step)]
    assert len(found) == 1, found
    return found[0]


def _uses(name: str):
    return lambda step: step.get("uses", "").split("@")[0] == name


def test_history_is_restored_before_the_report_and_saved_after_it_on_the_default_branch_only():
    report = _jobs()["report"]
    steps, folder = report["steps"], report["env"]["QA_ALLURE_HISTORY"]
    restore = _index(steps, _uses("actions/cache/restore"))
    build = _index(steps, lambda s: s.get("run") == "bash ci/report.sh")
    keep = _index(steps, lambda s: "reports/allure-report/history.jsonl" in s.get("run", ""))
    save = _index(steps, _uses("actions/cache/save"))
    assert restore < build < keep < save
    restored, saved = steps[restore]["with"], steps[save]["with"]
    assert restored["path"] == saved["path"] == folder and f"{folder}/history.jsonl" in steps[keep]["run"]
    assert restored["key"] == saved["key"] and "github.run_id" in saved["key"]  # a new entry per run
    assert saved["key"].startswith(restored["restore-keys"])  # the newest saved entry is the one restored
    assert steps[save]["if"] == "github.ref == format('refs/heads/{0}', github.event.repository.default_branch)"
    assert yaml.safe_load(WORKFLOW.read_text())["permissions"] == {"contents": "read"}  # a cache needs no more


def test_the_report_is_published_unzipped_and_linked_from_the_summary():
    steps = _jobs()["report"]["steps"]
    html = _index(steps, lambda s: s.get("id") == "html")
    assert steps[html]["uses"] == "actions/upload-artifact@v7"  # `archive: false` needs v7
    assert steps[html]["with"]["archive"] is False and steps[html]["with"]["path"].endswith(".html")
    copied = steps[html - 1]["run"].split()
    assert copied[:2] == ["cp", "reports/allure-report/index.html"] and copied[2] == steps[html]["with"]["path"]
    summary = _index(steps, lambda s: "ci/summary.py" in s.get("run", ""))
    assert summary == len(steps) - 1 and steps[summary]["if"] == "always()"
    assert steps[summary]["env"]["REPORT_URL"] == "${{ steps.html.outputs.artifact-url }}"
    assert '--report-url "$REPORT_URL"' in steps[summary]["run"] and "${{" not in steps[summary]["run"]


def test_the_job_summaries_cover_every_section_once():
    jobs = _jobs()
    sections = []
    for job in ("report", "mutation"):
        runs = [s["run"] for s in jobs[job]["steps"] if "ci/summary.py" in s.get("run", "")]
        assert len(runs) == 1 and next(s for s in jobs[job]["steps"] if "ci/summary.py" in s.get("run", ""))["if"] == "always()"
        sections += re.search(r"--sections ([\w,]+)", runs[0]).group(1).split(",")
    assert sorted(sections) == sorted(["legs", "failures", "network", "history", "report", "mutation"])
    mutation_steps = jobs["mutation"]["steps"]
    assert _index(mutation_steps, lambda s: s.get("run") == "bash ci/mutation.sh") < len(mutation_steps) - 1


def test_ci_run_keeps_a_local_history_and_prints_the_summary():
    lines = CI_RUN.splitlines()
    build = lines.index("QA_ALLURE_HISTORY=reports/history bash ci/report.sh")
    assert lines[build + 1] == ("mkdir -p reports/history && cp reports/allure-report/history.jsonl "
                                "reports/history/history.jsonl")
    assert lines[build + 2].startswith(".venv/bin/python ci/summary.py")
    cleaned = next(line for line in lines if line.startswith("rm -rf reports/"))
    assert "reports/history" not in cleaned and "reports/allure-report" in cleaned  # the history outlives a run
