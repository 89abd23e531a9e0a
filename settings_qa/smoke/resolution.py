"""Static resolution: do the names a module imports exist?

`import a.b` / `from a.b import name`: first-party targets against the tree's files and
bindings (analyzer.py), other modules by importing them here, at most once each.

Runs in the import server (stdlib only, loaded by path); nothing of the tree is imported here.
"""

from __future__ import annotations

import importlib
import importlib.util
import warnings

from . import diagnosis


class Resolver:
    """Resolves import statements; modules outside the tree are imported here, at most once."""

    def __init__(self, tree) -> None:
        self.tree = tree
        self._external: dict[str, object] = {}  # module name -> module or the exception

    def load_external(self, module: str):
        if module not in self._external:
            try:
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    self._external[module] = importlib.import_module(module)
            except BaseException as exc:
                self._external[module] = exc
        return self._external[module]

    def external_names(self, module: str) -> set[str] | None:
        loaded = self.load_external(module)
        if isinstance(loaded, BaseException):
            return None
        exported = getattr(loaded, "__all__", None)
        return set(exported) if exported is not None else {n for n in dir(loaded) if not n.startswith("_")}

    def problems(self, module: str) -> list[dict]:
        found = []
        for ref in self.tree.imports(module):
            problem = self.check(ref)
            if problem and not ref.optional:
                found.append({"file": str(self.tree.path_of(module)), "line": ref.line,
                              "statement": ref.statement, "nested": ref.nested, **problem})
        return found

    def check(self, ref) -> dict | None:
        if ref.error:
            return {"message": ref.error, "hint": ""}
        if self.tree.is_first_party(ref.top):
            gap = self.tree.resolve(ref, self.external_names)
            if gap is None:
                return None
            hint = diagnosis.did_you_mean(gap.missing.rpartition(".")[2], gap.candidates)
            if gap.kind == "module":
                return {"message": f"no module {gap.missing!r} (looked in {gap.where})", "hint": hint}
            return {"message": f"cannot import name {gap.missing!r}: {ref.module} ({gap.where}) "
                               f"does not define it", "hint": hint}
        loaded = self.load_external(ref.module)
        if isinstance(loaded, ModuleNotFoundError):
            missing = loaded.name or ref.module
            return {"message": f"no module {missing!r}", "hint": diagnosis.missing_module_hint(missing, self.tree.root)}
        if isinstance(loaded, BaseException):
            return {"message": f"importing {ref.module} fails: {type(loaded).__name__}: {loaded}", "hint": ""}
        if ref.name is None or hasattr(loaded, ref.name) or module_exists(f"{ref.module}.{ref.name}", self.tree):
            return None
        return {"message": f"cannot import name {ref.name!r}: {ref.module} ({getattr(loaded, '__file__', 'built-in')}) "
                           f"does not define it", "hint": diagnosis.did_you_mean(ref.name, dir(loaded))}


def module_exists(module: str, tree) -> bool:
    if tree.is_first_party(module.partition(".")[0]):
        return tree.path_of(module) is not None
    try:
        return importlib.util.find_spec(module) is not None
    except (ImportError, ValueError):
        return False
