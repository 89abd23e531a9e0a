"""The suite's pytest plugin: options, the target, the scenario world, redaction, report hooks."""

from __future__ import annotations

import contextlib
import json
import logging
import os
import random
import zlib
from pathlib import Path

import pytest
from faker import Faker

from settings_qa import races, reporting
from settings_qa.client import ApiClient
from settings_qa.redaction import redact
from settings_qa.targets import DeploymentTarget, EmbeddedTarget, ServedTarget, Target, TargetError
from settings_qa.world import World

MODES = ("embedded", "served", "deployment")
_TRUE, _FALSE = {"1", "true", "yes", "on"}, {"", "0", "false", "no", "off"}


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("settings-qa", "business-settings suite")
    group.addoption("--target", choices=MODES, default=None,
                    help="embedded (default), served, or deployment (implied by --base-url). Env: QA_TARGET")
    group.addoption("--backend-path", default=None,
                    help="folder holding the reference backend's ai_receptionist package (embedded and "
                         "served targets). Env: QA_BACKEND_PATH. Default: backend/ beside pytest.ini")
    group.addoption("--qa-seed", type=int, default=None,
                    help="seed for generated data (faker); printed in the header. Env: QA_SEED")
    group.addoption("--qa-timeout", type=float, default=30.0, help="HTTP timeout in seconds (default 30)")
    group.addoption("--race-rounds", type=int, default=None,
                    help="rounds of each @concurrency scenario, each with its own seeded values "
                         "(default 5). Env: QA_RACE_ROUNDS")
    group.addoption("--race-requests", type=int, default=None,
                    help="requests sent at the same moment in a @concurrency burst (default 6). Env: QA_RACE_REQUESTS")
    group.addoption("--no-preflight", action="store_true", default=False,
                    help="skip the check, before the first test, that the target answers and every configured "
                         "account logs in (settings_qa/preflight.py)")
    # Strict mode is pytest's own `--strict` flag (it also turns on pytest's strictness, which
    # pytest.ini has on already) or QA_STRICT=1: see strict_mode().


# Options after which pytest runs no test: no preflight for them.
_NO_RUN_OPTIONS = ("help", "version", "collectonly", "showfixtures", "show_fixtures_per_test", "markers", "setupplan")


@pytest.hookimpl(tryfirst=True)
def pytest_cmdline_main(config: pytest.Config) -> int | None:
    """Preflight (settings_qa/preflight.py): stop with one line before any test if the target
    cannot be reached or a configured account cannot log in."""
    if getattr(config.option, "numprocesses", None) and getattr(config.option, "dist", None) == "no":
        # Unless the user chose: a few long fuzzing parts and many short scenarios, so a worker
        # that runs dry takes work from a busy one instead of idling (xdist's own default is "load").
        config.option.dist = "worksteal"
    if hasattr(config, "workerinput") or any(getattr(config.option, name, False) for name in _NO_RUN_OPTIONS):
        return None
    if config.getoption("no_preflight"):
        _mode(config)  # a usage error is still one
        return None
    from settings_qa import preflight

    return preflight.run(config, _mode(config), backend_path(config), dict(os.environ))


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Under xdist, the longest tests first (by ci/durations.json): a worker starts on them
    while the other takes the short ones, and work stealing, which takes the tail of a queue,
    evens out the end with short ones. Every worker sorts alike (xdist requires one order)."""
    if not hasattr(config, "workerinput"):
        return
    durations = _recorded_durations(config.rootpath / "ci" / "durations.json")
    if not durations:
        return
    # The import smoke's items share one import server per process: they stay together (as one
    # block, as long as all of them), so that one worker starts it, not both.
    smoke = [item for item in items if item.get_closest_marker("smoke")]
    block = sum(durations.get(item.nodeid, 0.0) for item in smoke)
    order = {id(item): index for index, item in enumerate(items)}
    first_smoke = min((order[id(item)] for item in smoke), default=0)

    def key(item: pytest.Item) -> tuple[float, int]:
        if item.get_closest_marker("smoke"):
            return -block, first_smoke + order[id(item)] / (len(items) + 1)
        return -durations.get(item.nodeid, 0.0), order[id(item)]

    items.sort(key=key)


def _recorded_durations(path: Path) -> dict[str, float]:
    try:
        return {k: float(v) for k, v in json.loads(path.read_text(encoding="utf-8")).items()}
    except (OSError, ValueError, TypeError, AttributeError):
        return {}


def pytest_configure(config: pytest.Config) -> None:
    config.qa_seed = _seed(config)
    os.environ["QA_SEED"] = str(config.qa_seed)  # xdist workers inherit it
    config.qa_mode = _mode(config)
    config.qa_strict = strict_mode(config)
    config.qa_race_rounds = _bounded(config, "race_rounds", "QA_RACE_ROUNDS", races.DEFAULT_ROUNDS, 1, 100)
    config.qa_race_requests = _bounded(config, "race_requests", "QA_RACE_REQUESTS", races.DEFAULT_REQUESTS, 2, 32)
    _redact_log_records()
    reporting.configure(config)


def _seed(config: pytest.Config) -> int:
    seed = config.getoption("qa_seed")
    if seed is None:
        seed = os.environ.get("QA_SEED") or random.randrange(1, 10**6)
    try:
        return int(seed)
    except ValueError:
        raise pytest.UsageError(f"QA_SEED must be an integer, got {seed!r}") from None

def _bounded(config: pytest.Config, option: str, env: str, default: int, low: int, high: int) -> int:
    raw = config.getoption(option)
    raw = raw if raw is not None else os.environ.get(env) or default
    try:
        value = int(raw)
    except ValueError:
        raise pytest.UsageError(f"{env} must be an integer, got {raw!r}") from None
    if not low <= value <= high:
        raise pytest.UsageError(f"--{option.replace('_', '-')} ({env}) must be from {low} to {high}, got {value}")
    return value


def strict_mode(config: pytest.Config) -> bool:
    """Closed-world judgement: `--strict` or QA_STRICT=1. Default: tolerant (README, "Verdicts")."""
    raw = os.environ.get("QA_STRICT", "").strip().lower()
    if raw not in _TRUE | _FALSE:
        raise pytest.UsageError(f"QA_STRICT must be 1 or 0, got {raw!r}")
    return bool(config.getoption("strict", False)) or raw in _TRUE


def _mode(config: pytest.Config) -> str:
    base_url = config.getoption("base_url", None)
    mode = config.getoption("target") or os.environ.get("QA_TARGET") or ("deployment" if base_url else "embedded")
    if mode not in MODES:
        raise pytest.UsageError(f"QA_TARGET must be one of {', '.join(MODES)}, got {mode!r}")
    if mode == "deployment" and not base_url:
        raise pytest.UsageError("the deployment target needs --base-url URL (and QA_EMAIL/QA_PASSWORD)")
    if mode != "deployment" and base_url:
        raise pytest.UsageError(f"--base-url selects the deployment target; it cannot go with --target {mode}")
    return mode


def _redact_log_records() -> None:
    """Mask secrets in every log record, whichever handler (pytest's capture, files) gets it."""
    factory = logging.getLogRecordFactory()
    if getattr(factory, "redacting", False):
        return

    def make(*args, **kwargs):
        record = factory(*args, **kwargs)
        try:
            message = record.getMessage()
        except (TypeError, ValueError):  # arguments that do not fit the format: logging reports it later
            return record
        record.msg, record.args = redact(message), None
        return record

    make.redacting = True
    logging.setLogRecordFactory(make)


def pytest_report_header(config: pytest.Config) -> list[str]:
    where = "in-process" if config.qa_mode == "embedded" else config.getoption("base_url", None) or "loopback"
    judging = ("strict: closed-world responses; hygiene findings and drift fail the run" if config.qa_strict
               else "default: the contract's clauses fail the run; what lies outside them is reported")
    lines = [f"settings-qa: target={config.qa_mode} ({where}), seed={config.qa_seed} "
             f"(rerun with --qa-seed {config.qa_seed})", f"settings-qa: judging {judging}"]
    if config.qa_mode != "deployment":  # the backend the suite starts: which database it is given
        server = os.environ.get("QA_BACKEND_DATABASE_URL", "")
        lines.append(f"settings-qa: database={reporting.backend_database(server)}")
    return lines


def backend_path(config: pytest.Config) -> Path:
    given = config.getoption("backend_path") or os.environ.get("QA_BACKEND_PATH")
    return Path(given).resolve() if given else config.rootpath / "backend"


def build_target(config: pytest.Config, workdir: Path) -> Target:
    if config.qa_mode == "deployment":
        return DeploymentTarget(config.getoption("base_url"), config.getoption("qa_timeout"))
    worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
    fake = Faker()
    fake.seed_instance(config.qa_seed)
    names = {"primary": fake.company(), "secondary": fake.company()}  # no_business owns none
    cls = EmbeddedTarget if config.qa_mode == "embedded" else ServedTarget
    return cls(backend_path(config), workdir, worker, names)


@pytest.fixture(scope="session")
def target(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Target:
    """The backend under test, started once per session (per xdist worker)."""
    config = request.config
    if getattr(config, "qa_target_error", None):
        pytest.fail(config.qa_target_error, pytrace=False)
    try:
        built = build_target(config, tmp_path_factory.mktemp("target"))
        built.start()
    except TargetError as exc:
        config.qa_target_error = f"target not available: {exc}"
        pytest.fail(config.qa_target_error, pytrace=False)
    reporting.environment(config, built)
    yield built
    built.stop()


@pytest.fixture(scope="session")
def session_tokens() -> dict[str, str]:
    return {}


@pytest.fixture
def api(request: pytest.FixtureRequest, target: Target) -> ApiClient:
    """The scenario's client; its exchanges become Allure attachments when Allure is on."""
    on_exchange = reporting.attach_exchange if reporting.active(request.config) else None
    with target.http_client() as http:
        yield ApiClient(http, on_exchange=on_exchange)


@pytest.fixture
def fake(request: pytest.FixtureRequest) -> Faker:
    """Faker seeded from the run's seed and the test id, so any one test reproduces alone."""
    generator = Faker()
    generator.seed_instance(request.config.qa_seed ^ zlib.crc32(request.node.nodeid.encode()))
    return generator


@pytest.fixture
def world(request: pytest.FixtureRequest, target: Target, api: ApiClient, fake: Faker,
          session_tokens: dict[str, str]) -> World:
    """One scenario's state; restores every account it wrote to, pass or fail.

    Accounts the suite provisions belong to one xdist worker each. A deployment's
    accounts are shared, so there a scenario tagged @writes holds a lock that
    every worker (and any other run on this machine) honours.
    """
    state = World(target=target, api=api, fake=fake, tokens=session_tokens)
    writes = request.node.get_closest_marker("writes") is not None
    with target.write_lock() if writes else contextlib.nullcontext():
        yield state
        failures = state.restore()
        if failures:
            pytest.fail("RESTORE FAILED, the account was left changed: " + "; ".join(failures), pytrace=False)


@pytest.hookimpl(wrapper=True, trylast=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo):
    """Innermost wrapper: redact the report before junitxml, allure and the terminal see it."""
    report = yield
    if isinstance(report.longrepr, tuple):  # a skip: (path, line, reason)
        path, line, reason = report.longrepr
        report.longrepr = (path, line, redact(reason))
    elif report.longrepr is not None:
        text = str(report.longrepr)
        if redact(text) != text:  # keep pytest's structured report (its -ra summary line) when clean
            report.longrepr = redact(text)
    report.sections = [(title, redact(content)) for title, content in report.sections]
    if report.failed and report.when == "call":
        report.sections.append(("settings-qa", f"seed {item.config.qa_seed}; reproduce: "
                                f"pytest '{item.nodeid}' --qa-seed {item.config.qa_seed}"))
    return report


def pytest_bdd_before_step(request, feature, scenario, step, step_func) -> None:
    reporting.step_started(request, step)


def pytest_bdd_after_step(request, feature, scenario, step, step_func, step_func_args) -> None:
    reporting.step_finished(request, None)


def pytest_bdd_step_error(request, feature, scenario, step, step_func, step_func_args, exception) -> None:
    reporting.step_finished(request, exception)


def pytest_bdd_after_scenario(request, feature, scenario) -> None:
    """A skip inside a step reaches neither hook above: close what is still open."""
    reporting.close_open_steps(request)
