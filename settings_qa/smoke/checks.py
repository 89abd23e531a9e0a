"""What the import server does with one request, and the messages it writes.

1. reads every module with `ast` and pre-imports the modules outside the tree that they
   import (standard library and installed distributions) - never a module of the tree;
2. imports each module of the package in isolation (forks.py), a few at a time;
3. meanwhile resolves every import statement and module attribute statically (resolution.py).
One JSON line per verdict (`{"kind": "static"}`, `{"kind": "import"}`), then `{"kind": "done"}`.

Stdlib only: loaded by path (server.py) into the import server's interpreter.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

from . import forks
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
    refs = [ref for module in request["static"] for ref in tree.imports(module)]
    for module in sorted({r.module for r in refs if r.module and not tree.is_first_party(r.top)}):
        resolver.load_external(module)
    leaked = sorted(m for m in sys.modules if tree.is_first_party(m.partition(".")[0]))
    if leaked:
        emit({"kind": "fatal", "message": f"pre-importing third-party modules imported {', '.join(leaked)} "
                                          "of the tree itself: isolation is void; use isolation=subprocess"})
        return

    def check_statically() -> None:
        resolver.package_sets = [(module, ref.binding, ref.chain) for module in request["static"]
                                 for ref in resolver.references(module).sets]
        for module in request["static"]:
            problems, notes = resolver.problems(module)
            emit({"kind": "static", "module": module, "problems": problems, "notes": notes})

    request = {**request, "server": str(Path(__file__).with_name("server.py"))}
    runner = forks.run_forked if request["isolation"] == "fork" else forks.run_subprocesses
    runner(request, tree, emit, check_statically)
    emit({"kind": "done"})


def child_main(module: str, result_path: str, warnings_mode: str) -> None:
    """`--smoke-isolation=subprocess`: import one module in this new interpreter."""
    root = Path.cwd().resolve()
    sys.path.insert(0, str(root))
    verdict = try_import(module, SourceTree(root), warnings_mode == "error")
    Path(result_path).write_text(json.dumps(verdict))
