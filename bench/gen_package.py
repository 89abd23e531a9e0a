"""Generate a service-shaped Python package of N modules, for timing `pytest -m smoke` as the
codebase grows.

    .venv/bin/python bench/gen_package.py 1000 /tmp/gen [layered|tangled]   # -> /tmp/gen/genservice/...

Like a real service: layers (core, models, schemas, repositories, services, api), each in
groups of 20 modules; `from a.b import name` and `import a.b` forms, some imports inside
function bodies, `if TYPE_CHECKING:` blocks, and the third-party libraries a FastAPI service
uses (pydantic, sqlalchemy, fastapi, httpx). No cycles at import time, as in a healthy package.

Two shapes of the first-party import graph:
- layered (default): a module imports two modules of the layer below, one earlier module of
  its own group and one of a few hub modules (core config and database modules every layer
  uses), as layered services are written;
- tangled: a module imports three modules anywhere before it. Long chains, so importing one
  module runs a large part of the package: the worst case for an isolated import.
Seeded: the same N and shape give the same package. `closure_sizes()` tells how many of the
package's modules importing each one runs.
"""

from __future__ import annotations

import random
import re
import sys
from pathlib import Path

PACKAGE = "genservice"
LAYERS = ("core", "models", "schemas", "repositories", "services", "api")
PER_PACKAGE = 20
HUBS = 5  # the first modules of core: config, database, logging... that every layer imports
SHAPES = ("layered", "tangled")
THIRD_PARTY = (
    "from pydantic import BaseModel, Field",
    "from sqlalchemy import Integer, String, select",
    "from sqlalchemy.orm import Mapped, mapped_column",
    "from fastapi import APIRouter, HTTPException",
    "import httpx",
    "import json",
    "from datetime import datetime, timezone",
    "from typing import TYPE_CHECKING, Any",
)


def module_names(count: int) -> list[str]:
    """`genservice.<layer>.<group>.m<k>`, spread over the layers in order."""
    names = []
    for index in range(count):
        layer = LAYERS[min(index * len(LAYERS) // count, len(LAYERS) - 1)]
        names.append(f"{PACKAGE}.{layer}.g{index // PER_PACKAGE:03d}.m{index:05d}")
    return names


def _layer(name: str) -> int:
    return LAYERS.index(name.split(".")[1])


def dependencies(name: str, earlier: list[str], rng: random.Random, shape: str) -> list[str]:
    if shape == "tangled" or not earlier:
        return rng.sample(earlier, min(len(earlier), 3))
    layer, group = _layer(name), name.rsplit(".", 1)[0]
    below = [m for m in earlier if _layer(m) == layer - 1]
    same_group = [m for m in earlier if m.rsplit(".", 1)[0] == group]
    hubs = earlier[:HUBS]
    chosen = rng.sample(below, min(len(below), 2)) + rng.sample(same_group, min(len(same_group), 1))
    chosen += [hub for hub in rng.sample(hubs, min(len(hubs), 1)) if hub not in chosen and hub != name]
    return chosen


def module_source(name: str, earlier: list[str], rng: random.Random, shape: str = "layered") -> str:
    index = int(name.rsplit(".m", 1)[1])
    lines = [f'"""Generated module {index}."""', "", "from __future__ import annotations", ""]
    lines += rng.sample(THIRD_PARTY, 3)
    deps = dependencies(name, earlier, rng, shape)
    for dep in deps[:-1] or deps:
        lines.append(f"from {dep} import function_{int(dep.rsplit('.m', 1)[1])}")
    if len(deps) > 1:
        lines.append(f"import {deps[-1]}")
    lines += ["", f"CONSTANT_{index} = {index}", "",
              f"class Model{index}:", f"    identifier = {index}", "",
              f"def function_{index}(value: int = 0) -> int:"]
    if earlier and rng.random() < 0.3:  # an import that only runs when the function does
        late = rng.choice(earlier)
        lines.append(f"    from {late} import CONSTANT_{int(late.rsplit('.m', 1)[1])}")
    lines += [f"    return value + {index}", ""]
    if earlier and rng.random() < 0.2:
        hinted = rng.choice(earlier)
        lines = lines[:4] + ["from typing import TYPE_CHECKING", "", "if TYPE_CHECKING:",
                             f"    from {hinted} import Model{int(hinted.rsplit('.m', 1)[1])}", ""] + lines[4:]
    return "\n".join(lines) + "\n"


def generate(count: int, root: Path, shape: str = "layered", seed: int = 20261129) -> Path:
    if shape not in SHAPES:
        raise ValueError(f"shape must be one of {SHAPES}, got {shape!r}")
    rng = random.Random(seed)
    names = module_names(count)
    for position, name in enumerate(names):
        path = root.joinpath(*name.split("."))
        for depth in range(1, len(name.split("."))):
            package = root.joinpath(*name.split(".")[:depth])
            package.mkdir(parents=True, exist_ok=True)
            (package / "__init__.py").touch()
        path.with_suffix(".py").write_text(module_source(name, names[:position], rng, shape), encoding="utf-8")
    return root / PACKAGE


def closure_sizes(root: Path) -> list[int]:
    """For each generated module, how many modules of the package its import runs (itself included)."""
    imports: dict[str, set[str]] = {}
    for path in (root / PACKAGE).rglob("m*.py"):
        name = ".".join(path.relative_to(root).with_suffix("").parts)
        imports[name] = set(re.findall(r"^(?:from|import) (genservice\.\S+)", path.read_text(), re.MULTILINE))
    sizes = []
    for start in imports:
        seen, stack = {start}, [start]
        while stack:
            for dep in imports.get(stack.pop(), ()):
                if dep not in seen:
                    seen.add(dep)
                    stack.append(dep)
        sizes.append(len(seen))
    return sizes


def main() -> int:
    count, root = int(sys.argv[1]), Path(sys.argv[2])
    shape = sys.argv[3] if len(sys.argv) > 3 else "layered"
    print(generate(count, root, shape))
    return 0


if __name__ == "__main__":
    sys.exit(main())
