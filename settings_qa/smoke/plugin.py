"""pytest plumbing of the import smoke (loaded by pytest.ini's `-p settings_qa.smoke.plugin`).

- options, ini keys and environment variables (settings.py);
- plugin loading for smoke-only and other runs (startup.py);
- one test item per module: `smoke_module` parametrizes `test_imports` over every module
  (one item, not one per check: pytest's own cost per item is most of a run's time once the
  package has hundreds of modules);
- the `smoke_server` fixture: the import server (client.py), started before collection in a
  smoke-only run, on first use otherwise. This process never imports the package.
"""

from __future__ import annotations

import pytest

from settings_qa.smoke import settings, startup
from settings_qa.smoke.client import ImportServer

_SETTINGS = pytest.StashKey[settings.SmokeSettings]()
_MODULES = pytest.StashKey[list[str]]()
_SERVER = pytest.StashKey[ImportServer]()
_SMOKE_ONLY_PARSER = pytest.StashKey[pytest.Parser]()


def pytest_addoption(parser: pytest.Parser) -> None:
    settings.add_options(parser)


@pytest.hookimpl(tryfirst=True)
def pytest_load_initial_conftests(early_config: pytest.Config, parser: pytest.Parser, args: list[str]) -> None:
    if startup.choose_plugins(early_config, parser, args):
        # Smoke-only: start the server now, so that its warm-up overlaps pytest's start-up.
        found = settings.resolve(early_config, early_config.known_args_namespace)
        early_config.stash[_SETTINGS] = found
        early_config.stash[_SMOKE_ONLY_PARSER] = parser
        _start_server(early_config, found.modules())


@pytest.hookimpl(tryfirst=True)
def pytest_collection(session: pytest.Session) -> None:
    if _SMOKE_ONLY_PARSER in session.config.stash:
        startup.accept_ini_keys_of_unloaded_plugins(session.config, session.config.stash[_SMOKE_ONLY_PARSER])


def pytest_report_header(config: pytest.Config) -> str | None:
    if _SETTINGS not in config.stash:
        return None
    found = config.stash[_SETTINGS]
    return (f"smoke: package {found.package} in {found.source_root} "
            f"({found.isolation}, {found.jobs} at once, warnings: {found.warnings})")


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "smoke_module" in metafunc.fixturenames:
        modules = _modules(metafunc.config)
        metafunc.parametrize("smoke_module", modules, ids=modules)


@pytest.fixture(scope="session")
def smoke_server(pytestconfig: pytest.Config) -> ImportServer:
    if _SERVER not in pytestconfig.stash:
        _start_server(pytestconfig, _modules(pytestconfig))
    return pytestconfig.stash[_SERVER]


def pytest_terminal_summary(terminalreporter, config: pytest.Config) -> None:
    server = config.stash.get(_SERVER, None)
    if server is None or config.option.verbose <= 0:
        return
    notes = [(m, n) for m in server.checked for n in server.verdict(m).notes]
    if notes:
        terminalreporter.section("smoke: not decided, or judged again (no finding)", sep="-")
        for module, note in notes:
            where = f"{module}:{note['line']}: `{note['text']}`" if note["line"] else module
            terminalreporter.write_line(f"{where}: {note['why']}")


def _modules(config: pytest.Config) -> list[str]:
    if _MODULES not in config.stash:
        try:
            if _SETTINGS not in config.stash:
                config.stash[_SETTINGS] = settings.resolve(config)
            config.stash[_MODULES] = config.stash[_SETTINGS].modules()
        except pytest.UsageError as error:  # fail the smoke tests, not the whole run
            pytest.fail(str(error), pytrace=False)
    return config.stash[_MODULES]


def _start_server(config: pytest.Config, modules: list[str]) -> None:
    config.stash[_MODULES] = modules
    server = ImportServer(config.stash[_SETTINGS], modules)
    config.stash[_SERVER] = server
    config.add_cleanup(server.close)
