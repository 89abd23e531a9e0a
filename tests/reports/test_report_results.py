"""The Allure results of a real run: every layer present, Gherkin steps as nested steps with
the HTTP exchanges attached inside them, labels to group by, environment written."""

from __future__ import annotations

from report_files import labels, results


def _by_layer(run, leg):
    found = {}
    for result in results(run.results / leg):
        for epic in labels(result, "epic"):
            found.setdefault(epic, []).append(result)
    return found


def test_every_layer_is_in_one_results_folder(report_run):
    layers = _by_layer(report_run, "deployment")
    assert set(layers) == {"Gherkin scenarios", "API contract", "Import smoke"}, report_run.outputs["deployment"]


def test_scenarios_are_titled_and_grouped_by_their_gherkin(report_run):
    scenario = next(r for r in results(report_run.results / "deployment")
                    if r["name"] == "The incident report's settings persist")
    assert labels(scenario, "feature") == ["Persistence"]
    assert labels(scenario, "story") == ["Phase 4: persistence"]
    assert labels(scenario, "leg") == ["deployment"]
    assert scenario["status"] == "passed"


def test_steps_nest_and_hold_their_own_http_exchanges(report_run):
    scenario = next(r for r in results(report_run.results / "deployment")
                    if r["name"] == "The incident report's settings persist")
    steps = {step["name"]: [a["name"] for a in step.get("attachments", [])] for step in scenario["steps"]}
    # The login is made once per session and its token reused: the step shows it only the first time.
    assert steps["Given I am logged in as the primary account"] in ([], ["POST /api/auth/login -> 200"])
    assert "PUT /api/business/me -> 200" in steps["When I save my settings with:"]
    assert steps["And my settings read back exactly as saved"] == ["GET /api/business/me -> 200"]
    assert not scenario.get("attachments"), "exchanges belong inside steps, not on the test"


def test_attachment_shows_the_exchange_with_secrets_masked(report_run):
    folder = report_run.results / "deployment"
    login = next(a for r in results(folder) for s in r.get("steps", []) for a in s.get("attachments", [])
                 if a["name"] == "POST /api/auth/login -> 200")
    text = (folder / login["source"]).read_text()
    assert "HTTP 200" in text and '"password": "«redacted»"' in text and '"access_token": "«redacted»"' in text


def test_environment_names_target_backend_version_and_seed(report_run):
    properties = dict(line.split(" = ", 1) for line in
                      (report_run.results / "deployment" / "environment.properties").read_text().splitlines())
    assert properties["deployment.target"] == "deployment"
    assert properties["deployment.backend_version"] == "1.0.0"
    assert properties["deployment.seed"].isdigit()


def test_the_incidents_failure_is_labelled_as_the_save_phase(report_run):
    failed = [r for r in results(report_run.results / "incident") if r["status"] in ("failed", "broken")]
    assert failed, report_run.outputs["incident"]
    incident = next(r for r in failed if r["name"] == "The incident report's settings persist")
    assert labels(incident, "phase") == ["save"]
    failing_step = next(s for s in incident["steps"] if s["status"] != "passed")
    assert failing_step["name"] == "When I save my settings with:"
    assert failing_step["attachments"][-1]["name"] == "PUT /api/business/me -> 500"
