"""Run a feature file, or one scenario of it, by its path: the way QA names them.

    pytest features/persistence.feature        every scenario of that file
    pytest features/persistence.feature:43     the scenario spanning line 43; on an Examples
                                               row, that one example

pytest collects Python files, not feature files: each such argument is replaced by the module
that binds the feature files (features/test_scenarios.py) and the collected scenarios are
narrowed to the ones named. Other arguments are left as they are. A path that names no
feature file in the features folder (pytest.ini's bdd_features_base_dir), or a line outside
every scenario, is one clear usage error.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pytest
from pytest_bdd.exceptions import GherkinParseError
from pytest_bdd.scenario import scenario_wrapper_template_registry

from settings_qa import gherkin

BINDING = Path("features", "test_scenarios.py")  # binds every feature file under bdd_features_base_dir
_ARGUMENT = re.compile(r"^(?P<path>.+\.feature)(?::(?P<line>\d+))?$")
_SELECTION = pytest.StashKey[list["Selection"]]()


@dataclass(frozen=True)
class Selection:
    feature: Path
    line: int | None
    rows: frozenset[int] | None = None  # parametrize indices of the examples chosen; None: all


def features_folder(config: pytest.Config) -> Path:
    return (config.rootpath / (config.getini("bdd_features_base_dir") or "features")).resolve()


def select(config: pytest.Config, argument: str) -> Selection | None:
    """The selection a command-line argument makes, None if it names no feature file."""
    match = _ARGUMENT.match(argument)
    if not match:
        return None
    path = (config.invocation_params.dir / match.group("path")).resolve()
    folder = features_folder(config)
    if not path.is_file():
        raise pytest.UsageError(f"{match.group('path')}: no such feature file")
    if not path.is_relative_to(folder):
        raise pytest.UsageError(f"{match.group('path')} is not under {folder}: feature files run from there "
                                f"(every .feature file in it runs); move it there and run pytest "
                                f"{Path(folder.name) / path.name}")
    if match.group("line") is None:
        return Selection(path, None)
    line = int(match.group("line"))
    try:
        feature = gherkin.read(path)
    except GherkinParseError as error:
        raise pytest.UsageError(f"{match.group('path')}: not valid Gherkin: {' '.join(str(error).split())}") from None
    found = feature.scenario_at(line)
    if found is None:
        starts = ", ".join(str(s.line) for s in feature.scenarios) or "none"
        lines = len(path.read_text(encoding="utf-8").splitlines())
        where = (f"the file has {lines} lines" if line > lines or line < 1
                 else "it is the feature's header or Background")
        raise pytest.UsageError(f"line {line} of {match.group('path')} is in no scenario ({where}); "
                                f"its scenarios start at lines {starts}")
    scenario, row = found
    return Selection(path, line, frozenset({row.index}) if row else None)


@pytest.hookimpl(tryfirst=True)
def pytest_cmdline_main(config: pytest.Config) -> None:
    """Before the preflight: a wrong path is a usage error at once, not after the target's checks."""
    _rewrite(config)


def _rewrite(config: pytest.Config) -> None:
    if _SELECTION in config.stash:
        return
    chosen: list[Selection] = []
    arguments = []
    binding = str(config.rootpath / BINDING)
    for argument in config.args:
        selection = select(config, argument)
        if selection is None:
            arguments.append(argument)
            continue
        chosen.append(selection)
        if binding not in arguments:
            arguments.append(binding)
    config.stash[_SELECTION] = chosen
    if chosen:
        config.args[:] = arguments


def pytest_configure(config: pytest.Config) -> None:
    _rewrite(config)  # xdist workers and runs without pytest_cmdline_main (pytest.main in a test)


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    chosen = config.stash.get(_SELECTION, [])
    if not chosen:
        return
    binding = config.rootpath / BINDING
    kept, dropped = [], []
    for item in items:
        if item.path != binding:
            kept.append(item)
        elif any(_matches(item, selection) for selection in chosen):
            kept.append(item)
        else:
            dropped.append(item)
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = kept


def scenario_of(item: pytest.Item):
    """pytest-bdd's scenario template behind a test item, or None for any other test."""
    function = getattr(item, "obj", None)
    return scenario_wrapper_template_registry.get(function) if function is not None else None


def _matches(item: pytest.Item, selection: Selection) -> bool:
    template = scenario_of(item)
    if template is None or Path(template.feature.filename).resolve() != selection.feature:
        return False
    if selection.line is None:
        return True
    scenario, _row = gherkin.read(selection.feature).scenario_at(selection.line)
    if template.line_number != scenario.line:
        return False
    callspec = getattr(item, "callspec", None)
    return selection.rows is None or (callspec is not None
                                      and callspec.indices.get("_pytest_bdd_example") in selection.rows)
