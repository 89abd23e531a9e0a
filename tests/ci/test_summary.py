"""ci/summary.py, the run's Markdown summary: counts per leg, failures grouped as the report's
categories group them, the mutation table, where the report is; every missing input said so;
bad input is one line. (Its history section is proved on real runs in
tests/reports/test_history.py.)"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "ci" / "summary.py"
sys.path.insert(0, str(ROOT / "ci"))
import summary  # noqa: E402


def _result(folder: Path, name: str, status: str, leg: str, message: str = "", **labels: str) -> None:
    """One result file in the shape allure-pytest writes (only the fields the summary reads)."""
    folder.mkdir(parents=True, exist_ok=True)
    data = {"name": name, "status": status, "stop": int(time.time() * 1000),
            "labels": [{"name": "leg", "value": leg}, *({"name": k, "value": v} for k, v in labels.items())]}
    if message:
        data["statusDetails"] = {"message": message, "trace": "Traceback ..."}
    (folder / f"{abs(hash((name, leg, status)))}-result.json").write_text(json.dumps(data))


def _run(*args: str, env: dict | None = None, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(SCRIPT), *args], cwd=cwd, capture_output=True, text=True, timeout=60,
                          env={"PATH": os.environ["PATH"], **(env or {})})


@pytest.fixture()
def results(tmp_path: Path) -> Path:
    root = tmp_path / "allure-results"
    for shard in ("sqlite-shard0", "sqlite-shard1"):
        _result(root / shard, f"passes in {shard}", "passed", "sqlite")
    _result(root / "sqlite-shard0", "skipped one", "skipped", "sqlite")
    _result(root / "sqlite-shard1", "The incident report's settings persist", "failed", "sqlite",
            "AssertionError: PUT /api/business/me answered HTTP 500\nsecond line", phase="save")
    _result(root / "postgres", "passes", "passed", "postgres")
    _result(root / "postgres", "imports resolve[auditor]", "broken", "postgres", "ImportError: SessionLocal", phase="import")
    _result(root / "postgres", "writes conform", "failed", "postgres", "schema | mismatch", phase="contract")
    _result(root / "postgres", "Allow header mismatch", "unknown", "postgres", "Allow: GET", finding="hygiene")
    _result(root / "postgres", "Business.phone", "failed", "postgres", "not named", finding="extension")
    _result(root / "sqlite-shard0", "network: rate limited (429)", "unknown", "sqlite",
            "rate limited (429): 12 time(s), 9 request(s) affected, waited 12.0 s", layer="network",
            network="rate-limited")
    _result(root / "sqlite-shard1", "reads its business", "failed", "sqlite",
            "NETWORK FAILURE (not a contract failure): the gateway answered HTTP 502 four times", phase="network")
    return root


def _args(tmp_path: Path, results: Path, *extra: str) -> list[str]:
    return ["--results", str(results), "--report", str(tmp_path / "no-report"),
            "--mutation-table", str(tmp_path / "no-table.md"), *extra]


def test_counts_per_leg_and_the_verdict(tmp_path, results):
    done = _run(*_args(tmp_path, results))
    assert done.returncode == 0 and done.stderr == ""
    assert done.stdout.startswith("## Settings QA: 5 failed\n")
    assert "| postgres | 1 | 3 | 0 | 1 | 0 |" in done.stdout  # broken counts as failed; the unknown finding apart
    assert "| sqlite | 2 | 2 | 1 | 0 | 1 |" in done.stdout      # both shards of the leg in one row


def test_failures_are_grouped_in_the_order_of_the_report_categories(tmp_path, results):
    text = _run(*_args(tmp_path, results, "--sections", "failures")).stdout
    groups = re.findall(r"^- \*\*(.+?)\*\*: (\d+)$", text, re.M)
    assert groups == [("Outside the contract: properties the contract does not name", "1"),
                      ("Phase 3: save failed", "1"), ("Contract violations", "1"), ("Import failures (smoke)", "1"),
                      ("Network failures: the deployment's gateway kept requests from the backend", "1")]
    assert ("  - The incident report's settings persist (sqlite): AssertionError: PUT /api/business/me answered "
            "HTTP 500\n") in text  # the first line of the message only
    assert "schema \\| mismatch" in text  # a table-safe message
    assert "Allow header mismatch" not in text  # a finding that did not fail is no failure


def test_category_names_are_the_ones_allurerc_gives(tmp_path):
    config = (ROOT / "allurerc.mjs").read_text()
    assert dict((kind, name) for name, kind in re.findall(r'finding\("([^"]+)", "([^"]+)"\)', config)) == summary.FINDINGS
    assert dict((value, name) for name, value in re.findall(r'phase\("([^"]+)", "([^"]+)"\)', config)) == summary.PHASES
    assert f'name: "{summary.UNCLASSIFIED}"' in config
    assert re.findall(r'network\("([^"]+)"\)', config) == [summary.NETWORK]


def test_the_network_section_lists_each_kind_with_its_counts(tmp_path, results):
    text = _run(*_args(tmp_path, results, "--sections", "network")).stdout
    assert ("| sqlite | rate-limited | rate limited (429): 12 time(s), 9 request(s) affected, waited 12.0 s | listed |"
            in text)


def test_a_long_group_is_cut_short(tmp_path):
    root = tmp_path / "allure-results"
    for i in range(11):
        _result(root / "sqlite", f"persist {i:02}", "failed", "sqlite", "differs", phase="persistence")
    text = _run(*_args(tmp_path, root, "--sections", "failures")).stdout
    assert "- **Phase 4: persistence failed**: 11" in text and "  - and 3 more" in text and "persist 08" not in text


def test_every_missing_input_is_said(tmp_path):
    text = _run(*_args(tmp_path, tmp_path / "absent")).stdout
    assert text.startswith("## Settings QA: no results\n")
    assert f"No Allure results under `{tmp_path / 'absent'}`" in text
    assert f"No report at `{tmp_path / 'no-report'}`: nothing to compare across runs." in text
    assert "No mutation table yet" in text and "bash ci/mutation.sh" in text
    assert f"No Allure report at `{tmp_path / 'no-report' / 'index.html'}`" in text


def test_a_report_without_history_says_so_and_its_link_is_given(tmp_path, results):
    report = tmp_path / "report"
    report.mkdir()
    (report / "index.html").write_text("<html></html>")
    text = _run("--results", str(results), "--report", str(report), "--sections", "history,report",
                "--report-url", "https://github.com/o/r/actions/runs/1/artifacts/2").stdout
    assert "No history: this report stands alone (set QA_ALLURE_HISTORY" in text
    assert "**[Open the Allure report](https://github.com/o/r/actions/runs/1/artifacts/2)**" in text


def test_the_mutation_table_is_folded_with_its_totals_and_age(tmp_path, results):
    table = tmp_path / "mutation-table.md"
    table.write_text("| fault | expected layer | killed by | time |\n|---|---|---|---|\n"
                     "| text-trimmed | features | features [default]: t (2 s) | 2 s |\n\n"
                     "27/27 faults killed by their expected layers; unmodified backend passes every layer.\n")
    os.utime(table, (time.time() - 3600, time.time() - 3600))  # written before these results
    text = _run("--results", str(results), "--mutation-table", str(table), "--sections", "mutation").stdout
    assert text.startswith("### Mutation catalogue\n\n27/27 faults killed by their expected layers")
    assert "(from an earlier run than these results)" in text
    assert "<details><summary>Mutation table</summary>\n\n| fault |" in text and "| text-trimmed |" in text
    os.utime(table)  # written after them
    assert "earlier run" not in _run("--results", str(results), "--mutation-table", str(table),
                                     "--sections", "mutation").stdout


def test_in_ci_it_appends_to_the_step_summary(tmp_path, results):
    step_summary = tmp_path / "step-summary.md"
    step_summary.write_text("earlier step\n")
    done = _run(*_args(tmp_path, results, "--sections", "legs"), env={"GITHUB_STEP_SUMMARY": str(step_summary)})
    assert done.returncode == 0 and done.stdout == ""
    written = step_summary.read_text()
    assert written.startswith("earlier step\n## Settings QA: 5 failed") and "| sqlite |" in written
    step_summary.write_text("")
    _run(*_args(tmp_path, results, "--sections", "report"),
         env={"GITHUB_STEP_SUMMARY": str(step_summary), "GITHUB_ACTIONS": "true"})
    assert "No Allure report was built (`bash ci/report.sh` failed" in step_summary.read_text()  # no local path in CI
    out = tmp_path / "summary.md"
    assert _run(*_args(tmp_path, results, "--output", str(out))).returncode == 0
    assert out.read_text().startswith("## Settings QA: 5 failed")


def test_secrets_in_messages_are_masked(tmp_path):
    root = tmp_path / "allure-results"
    jwt = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJlc2lnbmF0dXJl"
    _result(root / "sqlite", "leaks", "failed", "sqlite", f"token {jwt} and pw-Known-Secret-123", phase="other")
    text = _run(*_args(tmp_path, root), env={"QA_PASSWORD": "pw-Known-Secret-123"}).stdout
    assert jwt not in text and "pw-Known-Secret-123" not in text and text.count("«redacted»") == 2


def test_bad_input_is_one_line(tmp_path, results):
    for args, message in (
        (["--sections", "legs,charts"], "summary: argument --sections: unknown section charts; choose from legs, "
                                        "failures, network, history, mutation, report (python ci/summary.py --help)"),
        (["--results", str(SCRIPT)], f"summary: {SCRIPT} is a file; a folder is expected"),
        (["--results", str(results), "--output", str(tmp_path / "no" / "such" / "dir.md")], None),
    ):
        done = _run(*args)
        assert done.returncode == 2 and done.stdout == "" and len(done.stderr.strip().splitlines()) == 1, done.stderr
        assert message is None or done.stderr.strip() == message
        assert "Traceback" not in done.stderr


def test_an_unreadable_result_file_is_listed_not_fatal(tmp_path, results):
    (results / "postgres" / "broken-result.json").write_text("{not json")
    done = _run(*_args(tmp_path, results, "--sections", "legs"))
    assert done.returncode == 0 and "1 result file(s) could not be read: `" in done.stdout
