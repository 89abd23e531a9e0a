"""A fault: exact text replacements in a copy of the backend, and the layers that must catch it.

An edit names a file (relative to backend/), an old snippet and a new one. The old snippet
must occur exactly once in the file as it is when the edit runs, otherwise applying the
fault fails loudly: a catalogue entry can never rot into a silent no-op.
"""

from __future__ import annotations

import re
import shutil
from dataclasses import dataclass
from pathlib import Path

# The suite's layers, cheapest first: the order in which a fault's layers run. "races" is the
# @concurrency scenarios alone (also part of "features"), for the faults only they can see.
LAYERS = ("smoke", "features", "races", "contracts", "e2e")
DATABASES = ("sqlite", "postgres")
E2E_EXIT_CODES = {0: "ok", 1: "auth failed", 2: "fetch failed", 3: "save failed",
                  4: "persistence failed", 5: "invalid data"}
MODES = ("default", "strict")  # how the suite judges (README, "Verdicts")
_ID = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
_NOT_COPIED = shutil.ignore_patterns("__pycache__", "*.pyc", "*.db", "tests", ".pytest_cache")


class CatalogueError(Exception):
    """A fault cannot be applied as written (snippet missing or repeated, code no longer compiles)."""


@dataclass(frozen=True)
class Edit:
    file: str  # relative to backend/, e.g. "ai_receptionist/api/deps.py"
    old: str
    new: str

    def apply(self, backend: Path) -> None:
        path = backend / self.file
        if not path.is_file():
            raise CatalogueError(f"{self.file}: no such file in {backend}")
        text = path.read_text(encoding="utf-8")
        count = text.count(self.old)
        if count != 1:
            first = self.old.strip().splitlines()[0] if self.old.strip() else repr(self.old)
            raise CatalogueError(f"{self.file}: the old snippet must occur exactly once, found {count} "
                                 f"times (it starts with {first!r})")
        mutated = text.replace(self.old, self.new, 1)
        try:
            compile(mutated, str(path), "exec")
        except SyntaxError as error:
            raise CatalogueError(f"{self.file}: the fault does not compile ({error.msg}, line {error.lineno}); "
                                 "a fault must be a realistic bug, not a syntax error") from None
        path.write_text(mutated, encoding="utf-8")


@dataclass(frozen=True)
class Fault:
    id: str
    description: str  # one line: what is wrong, in the backend's terms
    layers: tuple[str, ...]  # each of these layers must fail against the faulty copy
    edits: tuple[Edit, ...]
    e2e_exit: int | None = None  # when "e2e" is a layer: the exit code it must end with
    databases: tuple[str, ...] = ("sqlite",)  # the embedded backend's database(s) each layer runs on

    def __post_init__(self) -> None:
        problems = []
        if not _ID.match(self.id):
            problems.append("id must be lower-case words joined by '-'")
        if not self.description or "\n" in self.description:
            problems.append("description must be one non-empty line")
        if not self.layers or set(self.layers) - set(LAYERS):
            problems.append(f"layers must be a non-empty subset of {LAYERS}")
        if not self.edits or any(e.old == e.new for e in self.edits):
            problems.append("needs at least one edit, each changing something")
        if self.e2e_exit is not None and ("e2e" not in self.layers or self.e2e_exit not in E2E_EXIT_CODES
                                          or self.e2e_exit == 0):
            problems.append("e2e_exit needs the e2e layer and a failure code 1-5")
        if not self.databases or set(self.databases) - set(DATABASES):
            problems.append(f"databases must be a non-empty subset of {DATABASES}")
        if problems:
            raise CatalogueError(f"fault {self.id!r}: " + "; ".join(problems))

    def ordered_layers(self) -> tuple[str, ...]:
        return tuple(layer for layer in LAYERS if layer in self.layers)


def fault(id: str, description: str, layers: str, *edits: Edit, e2e_exit: int | None = None,
          databases: tuple[str, ...] = ("sqlite",)) -> Fault:
    """A catalogue entry: `layers` is space-separated, e.g. "features contracts"."""
    return Fault(id, description, tuple(layers.split()), edits, e2e_exit, databases)


def replace(file: str, old: str, new: str) -> Edit:
    return Edit(file, old, new)


def faulty_copy(source: Path, destination: Path, fault: Fault | None) -> Path:
    """Copy the backend (package and pyproject, not its tests) and apply `fault` to the copy."""
    shutil.copytree(source, destination, ignore=_NOT_COPIED)
    for edit in fault.edits if fault else ():
        edit.apply(destination)
    return destination
