"""How an import that failed reads: where (file:line and the statement, in the tree), what
(the exception), what exists instead, and the chain of imports that reached it.

Stdlib only: loaded by path into the import server's interpreter, and used in its children.
"""

from __future__ import annotations

import os
import re
import sys
import traceback

from . import diagnosis
from .resolution import module_exists


def describe_failure(exc: BaseException, tree) -> dict:
    root = str(tree.root) + os.sep
    frames = [f for f in traceback.extract_tb(exc.__traceback__) if f.filename.startswith(root)]
    site = {"file": "", "line": 0, "statement": ""}
    if frames:
        site = {"file": frames[-1].filename, "line": frames[-1].lineno, "statement": (frames[-1].line or "").strip()}
    if isinstance(exc, SyntaxError) and exc.filename:
        site = {"file": exc.filename, "line": exc.lineno or 0, "statement": (exc.text or "").strip()}
    return {
        **site,
        "message": f"{type(exc).__name__}: {exc}",
        "hint": _hint(exc, tree, site["statement"]),
        "chain": [[f.filename, f.lineno, (f.line or "").strip()] for f in frames[:-1]],
    }


def _hint(exc: BaseException, tree, statement: str) -> str:
    if isinstance(exc, ModuleNotFoundError) and exc.name:
        parent = exc.name.rpartition(".")[0]
        if tree.is_first_party(exc.name.partition(".")[0]):
            return diagnosis.did_you_mean(exc.name.rpartition(".")[2], tree.submodules(parent))
        return diagnosis.missing_module_hint(exc.name, tree.root)
    if isinstance(exc, ImportError) and exc.name and str(exc).startswith("cannot import name"):
        missing = getattr(exc, "name_from", None) or str(exc).split("'")[1]
        return diagnosis.did_you_mean(missing, dir(sys.modules.get(exc.name)))
    if isinstance(exc, AttributeError) and isinstance(getattr(exc, "obj", None), type(sys)):
        owner = exc.obj.__name__
        if module_exists(f"{owner}.{exc.name}", tree):
            # `a.b.c.f` in the statement: import the longest module of that path, a.b.c
            used = re.search(re.escape(f"{owner}.{exc.name}") + r"[\w.]*", statement)
            parts = (used.group(0) if used else f"{owner}.{exc.name}").split(".")
            module = next(m for m in (".".join(parts[:n]) for n in range(len(parts), 0, -1))
                          if module_exists(m, tree))
            return (f"'{owner}.{exc.name}' is a module this module never imports: the attribute "
                    f"exists only once some other module has imported it; add `import {module}`")
        return diagnosis.did_you_mean(exc.name, dir(exc.obj))
    return ""
