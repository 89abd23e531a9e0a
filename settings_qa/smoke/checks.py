"""What the import server does with one request, and the messages it writes.

1. reads every module with `ast` (its imports: graph.py) and pre-imports the modules outside
   the tree that they import (standard library and installed distributions) - never a
   module of the tree;
2. imports each module of the package in isolation (forks.py), a few at a time, each after
   the modules it runs;
3. meanwhile resolves every import statement and module attribute statically (resolution.py).
One JSON line per verdict (`{"kind": "static"}`, `{"kind": "import"}`), then `{"kind": "done"}`.

Stdlib only: loaded by path (server.py) into the import server's interpreter.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

from . import forks, graph
from .analyzer import SourceTree
from .importing import try_import
from .resolution import Resolver


class Emitter:
    def __init__(self) -> None:
        self.fd = os.dup(1)  # verdicts go here; the tree's own prints go to stderr
        os.dup2(2, 1)

    def __call__(self, message: dict) -> None:
        os.write(self.fd, (json.dumps(message) + "\n").encode())


def serve(request: dict) -> None:
    emit = Emitter()
    root = Path(request["root"]).resolve()
    sys.path.insert(0, str(root))
    tree = SourceTree(root)
    resolver = Resolver(tree)
    modules = request["modules"]
    facts = {m: graph.facts_of(resolver, m) for m in modules}
    imports = graph.build(modules, facts, tree)
    for module in sorted(set().union(*(graph.external_modules(facts[m], tree) for m in modules))):
        resolver.load_external(module)
    package = request["package"]
    leaked = sorted(m for m in sys.modules if m == package or m.startswith(package + "."))
    if leaked:
        emit({"kind": "fatal", "message": f"pre-importing third-party modules imported {', '.join(leaked)} "
                                          "of the tree itself: isolation is void; use isolation=subprocess"})
        return
    runtime = [m for m in imports.order if m.rpartition(".")[2] != "__main__"]

    def view(module: str) -> set[str]:  # what may stay loaded while `module` is imported (shared)
        return set(graph.members(imports.runs[module] & ~imports.cycles[module], imports.nodes))

    def check_statically() -> None:
        resolver.package_sets = [(module, ref.binding, ref.chain) for module in modules
                                 for ref in resolver.references(module).sets]
        for module in modules:
            problems, notes = resolver.problems(module)
            emit({"kind": "static", "module": module, "problems": problems, "notes": notes})

    jobs = max(1, min(request["jobs"], len(runtime)))
    if request["isolation"] == "shared":  # neighbours in the order run the same modules
        shares = graph.split(imports, runtime, jobs)
    else:
        shares = [runtime[k::jobs] for k in range(jobs)]
    forks.run({**request, "server": str(Path(__file__).with_name("server.py"))}, tree, shares, view, emit,
              check_statically)
    emit({"kind": "done"})


def child_main(module: str, result_path: str, warnings_mode: str) -> None:
    """`--smoke-isolation=subprocess`: import one module in this new interpreter."""
    root = Path.cwd().resolve()
    sys.path.insert(0, str(root))
    verdict = try_import(module, SourceTree(root), warnings_mode == "error")
    Path(result_path).write_text(json.dumps(verdict))
