"""What to tell the reader when an import fails: the closest existing name, the missing
distribution. Stdlib only: loaded by path into the import server's interpreter.
"""

from __future__ import annotations

import difflib
import importlib.metadata
import re
import sys
import tomllib
from pathlib import Path


def closest(name: str, candidates, cutoff: float = 0.6) -> str | None:
    """The candidate most like `name`, public names first (`SessionLocal` -> `get_session_local`).

    Case is ignored: a renamed `SessionLocal` is more like `get_session_local` than like
    `sessionmaker`. A private name is offered only when no public one comes close.
    """
    public = [c for c in candidates if not c.startswith("_")]
    private = [c for c in candidates if c.startswith("_")]
    for pool in (public, private):
        by_lower = {c.lower(): c for c in pool}
        match = difflib.get_close_matches(name.lower(), list(by_lower), n=1, cutoff=cutoff)
        if match:
            return by_lower[match[0]]
    return None


def did_you_mean(name: str, candidates, cutoff: float = 0.6) -> str:
    suggestion = closest(name, candidates, cutoff)
    return f"did you mean {suggestion!r}?" if suggestion else ""


def missing_module_hint(missing: str, source_root: Path) -> str:
    """Why a module outside the source tree is missing, naming the distribution if possible."""
    top = missing.partition(".")[0]
    providers = importlib.metadata.packages_distributions().get(top)
    if providers and top != missing:
        dists = ", ".join(f"{d} {_version(d)}" for d in sorted(set(providers)))
        return (f"'{top}' is installed (distribution {dists}) but has no module '{missing}': "
                "a different version of it is expected?")
    declared = declared_requirement(top, source_root)
    where = f"declared in {declared[0]} as {declared[1]!r} but " if declared else ""
    message = (f"missing third-party dependency: module '{top}' is {where}not installed in "
               f"{sys.prefix} (no installed distribution provides it)")
    typo = "" if declared else did_you_mean(top, _installed_top_levels(), cutoff=0.85)
    return f"{message}; {typo}" if typo else message


def declared_requirement(top: str, source_root: Path) -> tuple[str, str] | None:
    """The requirement in the source root's pyproject.toml / requirements*.txt naming `top`."""
    wanted = _normalize(top)
    for path in [source_root / "pyproject.toml", *sorted(source_root.glob("requirements*.txt"))]:
        for requirement in _requirements(path):
            name = re.match(r"\s*([A-Za-z0-9][A-Za-z0-9._-]*)", requirement)
            if name and _normalize(name.group(1)) in (wanted, f"python-{wanted}", f"py{wanted}"):
                return path.name, requirement.strip()
    return None


def _requirements(path: Path) -> list[str]:
    if not path.is_file():
        return []
    if path.suffix == ".toml":
        try:
            project = tomllib.loads(path.read_text(encoding="utf-8")).get("project", {})
        except tomllib.TOMLDecodeError:
            return []
        optional = project.get("optional-dependencies", {}).values()
        return [*project.get("dependencies", []), *(r for group in optional for r in group)]
    lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
    return [line for line in lines if line.strip() and not line.lstrip().startswith(("#", "-"))]


def _installed_top_levels() -> set[str]:
    return set(importlib.metadata.packages_distributions()) | set(sys.stdlib_module_names)


def _normalize(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _version(dist: str) -> str:
    try:
        return importlib.metadata.version(dist)
    except importlib.metadata.PackageNotFoundError:
        return "?"
