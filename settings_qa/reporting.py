"""Allure integration: Gherkin steps as Allure steps, HTTP exchanges as attachments,
labels that sort every test into a layer and every failure into a phase, the run's
environment, and a last redaction pass over every result Allure writes.

Labels (what `allurerc.mjs` groups and categorises by):
- epic: the layer (Gherkin scenarios, API contract, import smoke); feature: the Gherkin
  feature; story: the post-deploy phase the scenario covers; leg: QA_REPORT_LEG.
- phase, on failures only: where it failed. authentication, fetch, save, persistence
  for scenarios (from the failing step and the request it made or judged), contract
  and import for the other layers, other when nothing says more.
- finding: on the results settings_qa/findings.py writes for what lies outside the
  contract (hygiene, drift-*, extension); they carry no phase.

All of it is inert when Allure is not active (no --alluredir).
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from settings_qa import __version__, runsettings
from settings_qa.client import BUSINESS_PATH, LOGIN_PATH, Exchange
from settings_qa.net.policy import NetworkFailure
from settings_qa.redaction import redact

try:
    import allure
    import allure_commons
    from allure_commons.model2 import Label, Parameter
except ImportError:  # pragma: no cover - allure-pytest is pinned, but the suite runs without it
    allure = allure_commons = Label = Parameter = None

_STEP_KEY = pytest.StashKey[list]()
EPICS = {"scenario": "Gherkin scenarios", "contract": "API contract", "smoke": "Import smoke"}
# Gherkin tag -> the incident report's phase it belongs to, in the report's order.
TAG_PHASES = {"authentication": "authentication", "fetch": "fetch", "update": "save",
              "persistence": "persistence"}
STORIES = {"authentication": "Phase 1: authentication", "fetch": "Phase 2: fetch",
           "save": "Phase 3: save", "persistence": "Phase 4: persistence"}
_FAILED = ("failed", "broken")
# Exchanges of the test that is running (one at a time per process, xdist or not).
_exchanges: list[tuple[str, str]] = []
# The failing scenario's message in QA's words and its Python traceback (scenario_failures.py),
# for the result Allure writes when the test that is running ends.
_failure: dict[str, str] = {}


def active(config: pytest.Config) -> bool:
    return allure is not None and bool(getattr(config.option, "allure_report_dir", None))


# ---------------------------------------------------------------- failure phases

def exchange_phase(method: str, path: str, *, judged_by_then: bool) -> str:
    """The phase one request belongs to. A read checked by a Then step checks what was saved."""
    if path.rstrip("/").endswith(LOGIN_PATH):
        return "authentication"
    if method.upper() in ("PUT", "PATCH", "POST") and path.rstrip("/").endswith(BUSINESS_PATH):
        return "save"
    return "persistence" if judged_by_then else "fetch"


def failure_phase(step_type: str | None, step_exchanges: list[tuple[str, str]],
                  earlier_exchanges: list[tuple[str, str]], tags: set[str]) -> str:
    """Where a scenario failed.

    A step that made requests failed on the last of them (a Then step's own read is the
    persistence check). A step that made none judged the previous response (`Then the
    request succeeds` after a save that got a 500 is a save failure). With no request at
    all, the scenario's tags decide.
    """
    if step_exchanges:
        method, path = step_exchanges[-1]
        return exchange_phase(method, path, judged_by_then=step_type == "then")
    if earlier_exchanges:
        method, path = earlier_exchanges[-1]
        return exchange_phase(method, path, judged_by_then=False)
    return tag_phase(tags) or "other"


def tag_phase(tags: set[str] | list[str]) -> str | None:
    for tag, phase in TAG_PHASES.items():
        if tag in tags:
            return phase
    return None


def label_result(result: Any, leg: str | None) -> None:
    """Add the layer, leg and (for failures) phase labels a result still lacks."""
    names = {label.name for label in result.labels}
    tags = {label.value for label in result.labels if label.name == "tag"}
    layer = ("smoke" if "smoke" in tags else "contract" if "contract" in tags
             else "scenario" if "scenario" in tags or "features." in (result.fullName or "") else None)
    if "epic" not in names and layer:
        result.labels.append(Label(name="epic", value=EPICS[layer]))
    if leg and "leg" not in names:
        result.labels.append(Label(name="leg", value=leg))
        # The same test in two legs is two tests, not a retry: give each leg its own history.
        # Allure 3 keys history by test case id and parameters (it ignores historyId), so the
        # leg is a parameter too.
        if result.historyId:
            result.historyId = hashlib.md5(f"{result.historyId}:{leg}".encode()).hexdigest()
    parameters = getattr(result, "parameters", None) or []
    if leg and not any(getattr(p, "name", None) == "leg" for p in parameters):
        result.parameters = [*parameters, Parameter(name="leg", value=leg)]
    if result.status in _FAILED and "phase" not in names and "finding" not in names:
        phase = {"smoke": "import", "contract": "contract"}.get(layer) or tag_phase(tags) or "other"
        result.labels.append(Label(name="phase", value=phase))


# ---------------------------------------------------------------- allure_commons plugin

class _AllureHooks:
    """Runs before Allure's file writer: labels results, masks secrets in messages,
    traces and parameters."""

    if allure_commons is not None:
        @allure_commons.hookimpl(tryfirst=True)
        def report_result(self, result: Any) -> None:
            label_result(result, os.environ.get("QA_REPORT_LEG"))
            _qa_message(result)
            _scrub(result)

        @allure_commons.hookimpl(tryfirst=True)
        def report_container(self, container: Any) -> None:
            _scrub(container)


def note_failure(message: str, trace: str) -> None:
    """The running scenario failed: Allure's test page shows `message` at once, `trace` behind a click."""
    _failure.update(message=message, trace=trace)


def _qa_message(result: Any) -> None:
    if not _failure:
        return
    message, trace = _failure.pop("message"), _failure.pop("trace")
    details = getattr(result, "statusDetails", None)
    if result.status in _FAILED and details is not None:
        details.message, details.trace = message, trace


def _scrub(node: Any) -> None:
    details = getattr(node, "statusDetails", None)
    if details is not None:
        details.message = redact(details.message) if details.message else details.message
        details.trace = redact(details.trace) if details.trace else details.trace
    for parameter in getattr(node, "parameters", None) or []:
        parameter.value = redact(parameter.value)
    for child in (getattr(node, "steps", None) or []) + (getattr(node, "befores", None) or []) + (
        getattr(node, "afters", None) or []
    ):
        _scrub(child)


class _ScenarioLabels:
    """pytest-bdd hook: a scenario's title, feature and story come from the Gherkin."""

    @pytest.hookimpl
    def pytest_bdd_before_scenario(self, request, feature, scenario) -> None:
        _exchanges.clear()
        _failure.clear()
        allure.dynamic.title(scenario.name)
        allure.dynamic.feature(feature.name)
        phase = tag_phase(scenario.tags | feature.tags)
        if phase:
            allure.dynamic.story(STORIES[phase])
        if feature.description:
            allure.dynamic.description(f"{feature.rel_filename}\n\n{feature.description.strip()}")


_PLUGIN = _AllureHooks()


def configure(config: pytest.Config) -> None:
    if not active(config):
        return
    if not allure_commons.plugin_manager.is_registered(_PLUGIN):
        allure_commons.plugin_manager.register(_PLUGIN)
    # Only when pytest-bdd is loaded: a smoke-only run has no pytest_bdd_* hooks.
    if hasattr(config.hook, "pytest_bdd_before_scenario") and not config.pluginmanager.has_plugin(
            "settings-qa-scenario-labels"):
        config.pluginmanager.register(_ScenarioLabels(), "settings-qa-scenario-labels")


# ---------------------------------------------------------------- environment

def environment(config: pytest.Config, target: Any) -> None:
    """Write Allure's environment.properties: target, backend, database, seed (no secrets)."""
    if not active(config):
        return
    folder = Path(config.option.allure_report_dir)
    folder.mkdir(parents=True, exist_ok=True)
    leg = os.environ.get("QA_REPORT_LEG")
    lines = {
        "target": target.mode,
        "base_url": target.base_url,
        "database": _database(target),
        "seed": runsettings.of(config).seed,
        "suite_version": __version__,
        "backend_version": getattr(target, "backend_version", None) or _backend_version(target),
    }
    prefix = f"{leg}." if leg else ""  # legs merged into one report keep their values apart
    (folder / "environment.properties").write_text(
        "".join(f"{prefix}{k} = {redact(v)}\n" for k, v in lines.items()), encoding="utf-8"
    )


def _database(target: Any) -> str:
    if not target.provisions_accounts:
        return "the deployment's own"
    return backend_database(os.environ.get("QA_BACKEND_DATABASE_URL", ""))


def backend_database(server: str) -> str:
    """Which database a backend the suite starts uses: a scratch SQLite file, or a scratch database
    on the server QA_BACKEND_DATABASE_URL names. Scheme, host and port only: never its user or password."""
    if not server:
        return "sqlite (a scratch file per worker)"
    parts = urlsplit(server)
    try:
        port = parts.port or 5432
    except ValueError:
        port = "?"
    host = parts.hostname or "the local socket"
    return f"{parts.scheme.split('+')[0]} on {host}:{port} (a scratch database per worker, dropped afterwards)"


def _backend_version(target: Any) -> str:
    """The API's own version (OpenAPI info.version), if the backend publishes its document."""
    if getattr(target, "app", None) is not None and getattr(target.app, "version", None):
        return str(target.app.version)
    try:
        with target.http_client() as http:
            return str(http.get("/openapi.json").json()["info"]["version"])
    except Exception:  # noqa: BLE001 - any failure means "not published"; never fail the run
        return "unknown"


# ---------------------------------------------------------------- steps and attachments

def attach_exchange(exchange: Exchange) -> None:
    if allure is None:
        return
    path = "/" + exchange.url.split("//", 1)[-1].split("/", 1)[-1]
    _exchanges.append((exchange.method, urlsplit(path).path))
    status = exchange.status if exchange.status is not None else exchange.error
    allure.attach(redact(exchange.render()), name=f"{exchange.method} {path} -> {status}",
                  attachment_type=allure.attachment_type.TEXT)


def step_started(request: pytest.FixtureRequest, step: Any) -> None:
    if not active(request.config):
        return
    context = allure.step(f"{step.keyword} {step.name}")
    context.__enter__()
    if getattr(step, "datatable", None):
        allure.attach(redact(_table(step.datatable)), name="data table",
                      attachment_type=allure.attachment_type.TEXT)
    request.node.stash.setdefault(_STEP_KEY, []).append((context, step, len(_exchanges)))


def step_finished(request: pytest.FixtureRequest, exception: BaseException | None) -> None:
    stack = request.node.stash.get(_STEP_KEY, [])
    if not stack:
        return
    context, step, first = stack.pop()
    if exception is not None:
        tags = {marker.name for marker in request.node.iter_markers()}
        phase = failure_phase(getattr(step, "type", None), _exchanges[first:], _exchanges[:first], tags)
        if isinstance(exception, NetworkFailure):  # the gateway kept the request from the backend
            phase = "network"
        allure.dynamic.label("phase", phase)
    context.__exit__(type(exception) if exception else None, exception,
                     exception.__traceback__ if exception else None)


def close_open_steps(request: pytest.FixtureRequest) -> None:
    """Close steps that neither after_step nor step_error closed: a step that skipped."""
    stack = request.node.stash.get(_STEP_KEY, [])
    skipped = pytest.skip.Exception("the step skipped the scenario")
    while stack:
        context, _step, _first = stack.pop()
        context.__exit__(type(skipped), skipped, None)


def _table(datatable: Any) -> str:
    rows = [[cell.value for cell in row.cells] for row in datatable.rows] if hasattr(
        datatable, "rows") else list(datatable)
    widths = [max(len(str(row[i])) for row in rows) for i in range(len(rows[0]))] if rows else []
    return "\n".join("| " + " | ".join(str(c).ljust(w) for c, w in zip(row, widths)) + " |" for row in rows)
