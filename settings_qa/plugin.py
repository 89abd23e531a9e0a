"""The suite's pytest plugin: options, the target, the scenario world, redaction, report hooks."""

from __future__ import annotations

import contextlib
import json
import logging
import os
import zlib
from pathlib import Path

import pytest
from faker import Faker

from settings_qa import reporting, run, runsettings
from settings_qa.client import ApiClient
from settings_qa.net import options as net_options
from settings_qa.net import report as netreport
from settings_qa.net.policy import NetworkFailure
from settings_qa.redaction import redact
from settings_qa.runsettings import MODES
from settings_qa.targets import DeploymentTarget, EmbeddedTarget, ServedTarget, Target, TargetError
from settings_qa.world import World


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
    # pytest.ini has on already) or QA_STRICT=1 (settings_qa/runsettings.py).
    network = parser.getgroup("settings-qa-network", "the network: rate limits, retries, restore journal "
                                                     "(README: running against production)")
    for name, (env, text) in net_options.HELP.items():
        network.addoption("--" + name.replace("_", "-"), default=None, help=f"{text}. Env: {env}")
    network.addoption("--fail-on-network-events", action="store_true", default=False,
                      help="fail the run when the network made the suite wait or retry, even if every request "
                           "got through in the end (default: listed, not failed). Env: QA_FAIL_ON_NETWORK_EVENTS=1")


# Options after which pytest runs no test: no preflight for them.
_NO_RUN_OPTIONS = ("help", "version", "collectonly", "showfixtures", "show_fixtures_per_test", "markers", "setupplan")


@pytest.hookimpl(tryfirst=True)
def pytest_cmdline_main(config: pytest.Config) -> int | None:
    """The run's start, in the process that leads it: settings, the run's folder, the network;
    then the preflight (settings_qa/preflight.py): stop with one line before any test if the
    target cannot be reached, a configured account cannot log in, or a restore journal of an
    unfinished run stands for this deployment."""
    if getattr(config.option, "numprocesses", None) and getattr(config.option, "dist", None) == "no":
        # Unless the user chose: a few long fuzzing parts and many short scenarios, so a worker
        # that runs dry takes work from a busy one instead of idling (xdist's own default is "load").
        config.option.dist = "worksteal"
    if hasattr(config, "workerinput") or any(getattr(config.option, name, False) for name in _NO_RUN_OPTIONS):
        return None
    settings = runsettings.of(config)  # a usage error is one line, here
    run.start(config, settings)
    if config.getoption("no_preflight"):
        return None
    from settings_qa import preflight

    return preflight.run(config, settings, dict(os.environ))


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
    settings = runsettings.of(config)
    os.environ["QA_SEED"] = str(settings.seed)  # xdist workers inherit it
    run.start(config, settings)  # a worker joins the run its controller started
    _redact_log_records()
    reporting.configure(config)


def pytest_unconfigure(config: pytest.Config) -> None:
    run.finish(config)


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
    settings = runsettings.of(config)
    where = "in-process" if settings.mode == "embedded" else settings.base_url or "loopback"
    judging = ("strict: closed-world responses; hygiene findings and drift fail the run" if settings.strict
               else "default: the contract's clauses fail the run; what lies outside them is reported")
    lines = [f"settings-qa: target={settings.mode} ({where}), seed={settings.seed} "
             f"(rerun with --qa-seed {settings.seed})", f"settings-qa: judging {judging}",
             f"settings-qa: network {run.describe_network(settings)}"]
    if not settings.deployment:  # the backend the suite starts: which database it is given
        server = os.environ.get("QA_BACKEND_DATABASE_URL", "")
        lines.append(f"settings-qa: database={reporting.backend_database(server)}")
    return lines


def build_target(config: pytest.Config, workdir: Path) -> Target:
    settings = runsettings.of(config)
    if settings.deployment:
        target = DeploymentTarget(settings.base_url, settings.timeout)
        target.journal = run.journal(settings)
        return target
    worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
    fake = Faker()
    fake.seed_instance(settings.seed)
    names = {"primary": fake.company(), "secondary": fake.company()}  # no_business owns none
    cls = EmbeddedTarget if settings.mode == "embedded" else ServedTarget
    return cls(settings.backend_path, workdir, worker, names)


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
    generator.seed_instance(runsettings.of(request.config).seed ^ zlib.crc32(request.node.nodeid.encode()))
    return generator


@pytest.fixture
def world(request: pytest.FixtureRequest, target: Target, api: ApiClient, fake: Faker,
          session_tokens: dict[str, str]) -> World:
    """One scenario's state; restores every account it wrote to, pass or fail.

    Accounts the suite provisions belong to one xdist worker each. A deployment's
    accounts are shared, so there a scenario tagged @writes holds a lock that
    every worker (and any other run on this machine) honours; a scenario that writes without
    the tag takes the lock at its first write.
    """
    with contextlib.ExitStack() as held:
        def hold_write_lock() -> None:
            if not held_lock:
                held.enter_context(target.write_lock())
                held_lock.append(True)

        held_lock: list[bool] = []
        state = World(target=target, api=api, fake=fake, tokens=session_tokens, hold_write_lock=hold_write_lock)
        if request.node.get_closest_marker("writes") is not None:
            hold_write_lock()
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
    if call.excinfo is not None and call.excinfo.errisinstance(NetworkFailure):
        netreport.network_failure(item, report, call.excinfo.value)
    if report.failed and report.when == "call":
        seed = runsettings.of(item.config).seed
        report.sections.append(("settings-qa", f"seed {seed}; reproduce: pytest '{item.nodeid}' --qa-seed {seed}"))
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
