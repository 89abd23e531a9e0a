"""Which plugins a run loads: none of the installed ones for a smoke-only run, all otherwise.

pytest.ini adds `--disable-plugin-autoload -p settings_qa.smoke.plugin` to every run. Before
the conftests load, the smoke plugin decides:

- smoke-only (`pytest -m smoke` from the rootdir, or only paths inside smoke/, and no option
  that an installed plugin would have to understand): no installed plugin is loaded, the
  root conftest leaves out its `pytest_plugins`, and only smoke/ is collected. With
  PYTHONDONTWRITEBYTECODE=1 pytest re-rewrites every installed plugin's modules at each
  start; skipping them is most of what keeps `pytest -m smoke` under two seconds.
- any other run: every installed plugin (`pytest11` entry point) is loaded here, as
  autoloading would have, minus those blocked with `-p no:NAME`; but their modules are not
  marked for assertion rewriting. Autoload would mark every module of every such
  distribution (Faker's providers, schemathesis, hypothesis: some 460 modules), and with
  PYTHONDONTWRITEBYTECODE=1 each is rewritten again at every start of every process (the
  controller and each xdist worker): about 3 s each, for the `assert` statements of other
  people's library code. The suite's own modules (conftests, steps, settings_qa's plugins,
  test modules) are rewritten as always.
"""

from __future__ import annotations

import copy
import os

import pytest

_smoke_only = False


def plugins_unless_smoke_only(plugins: list[str]) -> list[str]:
    """For the root conftest's `pytest_plugins`: a smoke-only run needs none of them."""
    return [] if _smoke_only else list(plugins)


def smoke_only_paths(early_config: pytest.Config, parser: pytest.Parser, args: list[str]) -> list[str] | None:
    """The paths to collect when the run selects smoke tests only, else None."""
    namespace = early_config.known_args_namespace
    if namespace.help or namespace.version or namespace.pyargs:
        return None
    _, unknown = parser.parse_known_and_unknown_args(args, namespace=copy.copy(early_config.option))
    if any(arg.startswith("-") for arg in unknown):
        return None  # an option of an installed plugin (-n, --alluredir, --base-url, ...)
    smoke_dir = early_config.rootpath / "smoke"
    here = early_config.invocation_params.dir
    if namespace.file_or_dir:
        paths = [(here / arg.split("::")[0]).resolve() for arg in namespace.file_or_dir]
        return namespace.file_or_dir if all(p.is_relative_to(smoke_dir) for p in paths) else None
    if (namespace.markexpr or "").strip() != "smoke":
        return None
    if here == early_config.rootpath:
        return [str(smoke_dir)]  # testpaths would collect features/ and contracts/ too
    return [] if here.is_relative_to(smoke_dir) else None


def choose_plugins(early_config: pytest.Config, parser: pytest.Parser, args: list[str]) -> bool:
    """Load the installed plugins unless the run is smoke-only; True if it is."""
    global _smoke_only
    paths = smoke_only_paths(early_config, parser, args)
    _smoke_only = paths is not None
    if _smoke_only:
        if paths and not early_config.known_args_namespace.file_or_dir:
            args.append(paths[0])  # the list pytest parses next: collect smoke/ only
            early_config.known_args_namespace.file_or_dir = paths
    elif not _autoload_disabled_by_user(early_config):
        _load_installed_plugins(early_config, parser, args)
    return _smoke_only


def _autoload_disabled_by_user(early_config: pytest.Config) -> bool:
    given = early_config.invocation_params.args
    return bool(os.environ.get("PYTEST_DISABLE_PLUGIN_AUTOLOAD")) or "--disable-plugin-autoload" in given


def _load_installed_plugins(early_config: pytest.Config, parser: pytest.Parser, args: list[str]) -> None:
    """What pytest does when autoloading, except the rewriting of the plugins' own modules:
    load the `pytest11` entry points, parse the known options again."""
    namespace = early_config.known_args_namespace
    early_config.pluginmanager.load_setuptools_entrypoints("pytest11")
    reparsed = parser.parse_known_args(args, namespace=copy.copy(early_config.option))
    reparsed.confcutdir = namespace.confcutdir  # set by pytest after its own parse
    early_config.known_args_namespace = reparsed


def accept_ini_keys_of_unloaded_plugins(config: pytest.Config, parser: pytest.Parser) -> None:
    """pytest.ini sets keys of plugins that a smoke-only run does not load (bdd_features_base_dir):
    declare them, or `strict` rejects them when collection ends. Other runs load those plugins
    and check every key as usual."""
    unknown_keys = getattr(config, "_get_unknown_ini_keys", set)
    for key in sorted(unknown_keys()):
        parser.addini(key, "set for a plugin that smoke-only runs do not load")
