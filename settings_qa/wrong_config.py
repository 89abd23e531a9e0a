"""One clear line when pytest did not load the suite's configuration (a `pytest11` entry point).

pytest picks its rootdir and ini file from the arguments before any plugin can add options.
`--smoke-path DIR` or `--backend-path DIR` (a space, not `=`) makes DIR look like a test path:
pytest then takes DIR's own configuration (backend/pyproject.toml, or none), never loads the
suite, and answers "unrecognized arguments: --smoke-path", as if the option did not exist. The
same happens to a feature file outside the suite's folder. Installed plugins still load in that
case, so this one can say what happened and what to type instead. With the suite's own
pytest.ini it does nothing.
"""

from __future__ import annotations

from pathlib import Path

import pytest

SUITE_INI = Path(__file__).resolve().parents[1] / "pytest.ini"
SUITE_OPTIONS = ("--backend-path", "--target", "--qa-seed", "--qa-timeout", "--race-rounds", "--race-requests",
                 "--no-preflight", "--contract-examples", "--allow-write-fuzzing", "--smoke-")


def problem(args: list[str], inipath: Path | None) -> str | None:
    """The line to stop with, or None when the suite's configuration is loaded or not wanted."""
    if inipath is not None and inipath.resolve() == SUITE_INI:
        return None
    read = f"read {inipath}" if inipath else "found no configuration file"
    spaced, named, features = [], [], []
    for index, arg in enumerate(args):
        option = arg.split("=", 1)[0]
        if option.startswith("--") and option.startswith(SUITE_OPTIONS):
            named.append(option)
            if "=" not in arg and index + 1 < len(args) and not args[index + 1].startswith("-"):
                spaced.append(f"{option}={args[index + 1]}")
        elif arg.rsplit(":", 1)[0].endswith(".feature"):
            features.append(arg)
    if spaced:
        return (f"settings-qa: write {' '.join(spaced)} (with '='): pytest chooses its configuration from the "
                f"arguments before it knows the suite's options, took the value for a test path and {read}, "
                f"not the suite's {SUITE_INI}")
    if features:
        return (f"settings-qa: {features[0]}: feature files run from {SUITE_INI.parent / 'features'} (pytest "
                f"{read}, not the suite's pytest.ini): put the file there and run pytest "
                f"features/{Path(features[0].rsplit(':', 1)[0]).name} from {SUITE_INI.parent}")
    if named:
        return f"settings-qa: {named[0]} needs the suite's configuration: run pytest in {SUITE_INI.parent}"
    return None


@pytest.hookimpl(tryfirst=True)
def pytest_load_initial_conftests(early_config: pytest.Config, parser: pytest.Parser, args: list[str]) -> None:
    line = problem(list(args), early_config.inipath)
    if line:
        raise pytest.UsageError(line)
