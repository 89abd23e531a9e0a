"""The generated HTML report: one file, both legs as environments, the failure in its phase's
category, and, in a real browser, a scenario with its steps and an opened HTTP attachment."""

from __future__ import annotations

import json
import subprocess

from report_files import embedded
from report_runs import ROOT, copy_screenshot

SCENARIO_PATH = "Gherkin scenarios>Persistence>Phase 4: persistence>The incident report's settings persist"


def test_report_is_a_single_file_with_both_legs(report_run):
    files = [p.name for p in report_run.report.iterdir()]
    assert "index.html" in files
    environments = json.loads(embedded(report_run.report, "widgets/environments.json")["widgets/environments.json"])
    assert {"deployment", "incident"} <= {environment["id"] for environment in environments}


def test_the_incident_lands_in_the_save_phase_category(report_run):
    categories = json.loads(embedded(report_run.report, "widgets/categories.json")["widgets/categories.json"])
    roots = [categories["nodes"][root] for root in categories["roots"]]
    assert [(node["name"], node["statistic"]) for node in roots] == [("Phase 3: save failed", {"total": 1, "failed": 1})]


def test_browser_shows_scenario_steps_and_an_attachment(report_run, chromium, tmp_path):
    shot = tmp_path / "allure-report.png"
    done = subprocess.run(
        ["node", "tests/reports/browse_report.mjs", str(report_run.report / "index.html"), str(shot),
         SCENARIO_PATH, "PUT /api/business/me -> 200"],
        cwd=ROOT, capture_output=True, text=True, timeout=240, env={"CHROMIUM": chromium, "PATH": "/usr/bin:/bin"})
    seen = json.loads(done.stdout.strip().splitlines()[-1])
    assert seen["errors"] == [], seen["errors"]
    for layer in ("Gherkin scenarios", "API contract", "Import smoke"):
        assert layer in seen["home"]
    assert seen["opened"] == "The incident report's settings persist"
    assert seen["steps"][:3] == ["Given I am logged in as the primary account", "When I save my settings with:",
                                 "Then the request succeeds"]
    assert "HTTP 200" in seen["attachment"] and "Authorization: «redacted»" in seen["attachment"]
    assert shot.stat().st_size > 20_000
    copy_screenshot(shot, "allure-report.png")
