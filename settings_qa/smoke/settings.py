"""What the smoke layer checks and how: command line > environment > ini > default.

A relative path given on the command line or in the environment is taken from the folder
pytest was started in; one in the ini file from the ini file's folder; the default from
the rootdir.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import pytest


@dataclass(frozen=True)
class Option:
    ini: str  # ini key; the command-line flag is --smoke-<rest>
    env: str
    default: str
    help: str
    choices: tuple[str, ...] | None = None

    @property
    def flag(self) -> str:
        return "--" + self.ini.replace("_", "-")


OPTIONS = (
    Option("smoke_package", "QA_SMOKE_PACKAGE", "ai_receptionist", "package to check (dotted name)"),
    Option("smoke_path", "QA_SMOKE_PATH", "backend", "source root: the folder that holds the package"),
    Option("smoke_isolation", "QA_SMOKE_ISOLATION", "shared",
           "shared: a few children of an interpreter warmed with third-party modules only, each module "
           "imported with only what its own imports run loaded, and a child of its own if it fails; "
           "fork: a child of its own for every module; subprocess: a new interpreter per module (slowest)",
           ("shared", "fork", "subprocess")),
    Option("smoke_jobs", "QA_SMOKE_JOBS", "0", "modules imported at once (0: one per CPU)"),
    Option("smoke_timeout", "QA_SMOKE_TIMEOUT", "30", "seconds one module may take to import"),
    Option("smoke_warnings", "QA_SMOKE_WARNINGS", "error",
           "error: a warning while importing a module fails it (python -W error)", ("error", "default")),
    Option("smoke_cache", "QA_SMOKE_CACHE", "on",
           "on: a module unchanged since its last green verdict is not checked again (pytest's cache "
           "folder; --cache-clear empties it); off: check every module", ("on", "off")),
)


@dataclass(frozen=True)
class SmokeSettings:
    package: str
    source_root: Path
    isolation: str
    jobs: int
    timeout: float
    warnings: str
    origin: str  # where package and path came from, for error messages
    cache: bool = True

    def modules(self) -> list[str]:
        """Dotted names of the package's modules, `__main__` included, sorted."""
        base = self.source_root.joinpath(*self.package.split("."))
        if base.with_name(base.name + ".py").is_file():
            return [self.package]
        if not base.is_dir():
            raise pytest.UsageError(f"smoke: no package {self.package!r} in {self.source_root} ({self.origin})")
        found = []
        for folder, subfolders, files in os.walk(base):
            subfolders[:] = sorted(d for d in subfolders if d.isidentifier() and d != "__pycache__")
            parts = Path(folder).relative_to(self.source_root).parts
            for stem in (f[:-3] for f in files if f.endswith(".py")):
                if stem == "__init__":
                    found.append(".".join(parts))
                elif stem.isidentifier():
                    found.append(".".join((*parts, stem)))
        return sorted(found)


def add_options(parser: pytest.Parser) -> None:
    group = parser.getgroup("smoke", "import smoke of the backend package (pytest -m smoke)")
    for option in OPTIONS:
        described = f"{option.help}. Also ${option.env}, ini {option.ini}; default: {option.default}"
        group.addoption(option.flag, dest=option.ini, default=None, choices=option.choices, help=described)
        parser.addini(option.ini, option.help, default="")


def resolve(config: pytest.Config, namespace=None) -> SmokeSettings:
    """Settings from `namespace` (the command line; early_config.known_args_namespace before
    the full parse) or config.option, then the environment, the ini file, the defaults."""
    namespace = namespace or config.option
    values, bases, origins = {}, {}, {}
    for option in OPTIONS:
        for origin, value, base in (
            (option.flag, getattr(namespace, option.ini, None), config.invocation_params.dir),
            (f"${option.env}", os.environ.get(option.env), config.invocation_params.dir),
            (f"ini {option.ini}", config.getini(option.ini),
             config.inipath.parent if config.inipath else config.rootpath),
            ("default", option.default, config.rootpath),
        ):
            if value:
                break
        if option.choices and value not in option.choices:
            raise pytest.UsageError(f"smoke: {origin} must be one of {', '.join(option.choices)}, got {value!r}")
        values[option.ini], bases[option.ini], origins[option.ini] = value, base, origin
    try:
        jobs, timeout = int(values["smoke_jobs"]), float(values["smoke_timeout"])
    except ValueError as error:
        raise pytest.UsageError(f"smoke: jobs and timeout must be numbers: {error}") from None
    return SmokeSettings(
        package=values["smoke_package"],
        source_root=(bases["smoke_path"] / values["smoke_path"]).resolve(),
        isolation=values["smoke_isolation"],
        jobs=jobs or os.cpu_count() or 1,
        timeout=timeout,
        warnings=values["smoke_warnings"],
        origin=f"package from {origins['smoke_package']}, path from {origins['smoke_path']}",
        cache=values["smoke_cache"] == "on",
    )
