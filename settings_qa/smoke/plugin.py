"""pytest plumbing of the import smoke (loaded by pytest.ini's `-p settings_qa.smoke.plugin`).

- options, ini keys and environment variables (settings.py);
- plugin loading for smoke-only and other runs (startup.py);
- one test item per module: `smoke_module` parametrizes `test_imports` over every module;
- the `smoke_server` fixture: the import server (client.py), started before collection in a
  smoke-only run, on first use otherwise. This process never imports the package;
- the cache (cache.py): read by the server from pytest's cache folder, written here when the
  session ends; off with `--smoke-cache=off`, `-p no:cacheprovider`, and not read after
  `--cache-clear`.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

from settings_qa.smoke import cache, settings, startup
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
        _start_server(early_config, found.modules(), getattr(early_config.known_args_namespace, "cacheclear", False))


@pytest.hookimpl(tryfirst=True)
def pytest_collection(session: pytest.Session) -> None:
    if _SMOKE_ONLY_PARSER in session.config.stash:
        startup.accept_ini_keys_of_unloaded_plugins(session.config, session.config.stash[_SMOKE_ONLY_PARSER])


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Smoke-only runs: the modules answered from the cache first, then the others in about
    the order the server checks them, so that pytest reports while the server works. (Not
    in other runs: xdist workers must all collect the same order.)"""
    if _SMOKE_ONLY_PARSER not in config.stash or _SERVER not in config.stash:
        return
    rank = {module: n for n, module in enumerate(config.stash[_SERVER].order())}
    items.sort(key=lambda item: rank.get(_module_of(item), -1))


def _module_of(item: pytest.Item) -> str | None:
    callspec = getattr(item, "callspec", None)
    return callspec.params.get("smoke_module") if callspec is not None else None


def pytest_report_header(config: pytest.Config) -> str | None:
    if _SETTINGS not in config.stash:
        return None
    found = config.stash[_SETTINGS]
    cached = "on" if _cache_file(config, found) else "off"
    return (f"smoke: package {found.package} in {found.source_root} "
            f"({found.isolation}, {found.jobs} at once, warnings: {found.warnings}, cache: {cached})")


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "smoke_module" in metafunc.fixturenames:
        modules = _modules(metafunc.config)
        metafunc.parametrize("smoke_module", modules, ids=modules)


@pytest.fixture(scope="session")
def smoke_server(pytestconfig: pytest.Config) -> ImportServer:
    if _SERVER not in pytestconfig.stash:
        _start_server(pytestconfig, _modules(pytestconfig), getattr(pytestconfig.option, "cacheclear", False))
    return pytestconfig.stash[_SERVER]


def pytest_terminal_summary(terminalreporter, config: pytest.Config) -> None:
    server = config.stash.get(_SERVER, None)
    if server is None or not server.checked:
        return
    found = config.stash[_SETTINGS]
    if _cache_file(config, found):
        terminalreporter.write_line(f"smoke: {server.cached} of {len(server.checked)} modules unchanged since "
                                    "their last green verdict (cached, not imported again)")
    if config.option.verbose > 0:
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


def _cache_file(config: pytest.Config, found: settings.SmokeSettings) -> Path | None:
    """Where this package's verdicts are kept: pytest's cache folder (its `mkdir("smoke")`)."""
    if not found.cache or not config.pluginmanager.has_plugin("cacheprovider"):
        return None
    value = Path(os.path.expandvars(os.path.expanduser(config.getini("cache_dir"))))
    folder = (value if value.is_absolute() else config.rootpath / value) / "d" / "smoke"
    return folder / cache.file_name(found.package, found.source_root)


def _start_server(config: pytest.Config, modules: list[str], clear: bool) -> None:
    config.stash[_MODULES] = modules
    found = config.stash[_SETTINGS]
    cache_file = _cache_file(config, found)
    server = ImportServer(found, modules, None if clear else cache_file)
    config.stash[_SERVER] = server

    def finish() -> None:
        try:
            if cache_file is not None and getattr(config, "cache", None) is not None:
                config.cache.mkdir("smoke")  # pytest's own folder, with its README and .gitignore
                server.store(cache_file)
        except OSError as error:  # a read-only checkout: the next run checks everything again
            sys.stderr.write(f"smoke: could not keep the verdicts in {cache_file}: {error}\n")
        finally:
            server.close()

    config.add_cleanup(finish)
