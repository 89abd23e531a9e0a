"""Static resolution: do the names a module imports, and the module attributes it reads, exist?

- `import a.b` / `from a.b import name`: first-party targets against the tree's files and
  bindings (analyzer.py), other modules by importing them here, at most once each;
- `module.attr` reads (references.py): the module, first-party or not, must have the
  attribute: bound at module scope in any branch (imports included), a submodule, listed in
  `__all__`, re-exported by `from x import *`, or set onto it by a module of the package
  (`database.SessionLocal = ...`, `setattr(database, "SessionLocal", ...)`). A module that may
  answer any name (PEP 562 `__getattr__`, names bound through globals()) and a read guarded
  on purpose (hasattr, `except AttributeError`) are not decided: they become notes.

Runs in the import server (stdlib only, loaded by path); nothing of the tree is imported here.
"""

from __future__ import annotations

import ast
import importlib
import importlib.util
import types
import warnings
from dataclasses import dataclass
from pathlib import Path

from . import diagnosis
from .analyzer import MODULE_ATTRIBUTES, SourceTree
from .bindings import scan
from .references import AttributeRef, References, find_references


@dataclass(frozen=True)
class Target:
    """A module an attribute is read from: of the tree (module None) or imported here."""

    name: str
    module: types.ModuleType | None = None


class Resolver:
    def __init__(self, tree: SourceTree, package_sets=()) -> None:
        """`package_sets`: (importer, binding, chain) of every `module.attr = ...` in the package."""
        self.tree = tree
        self._external: dict[str, object] = {}  # module name -> module or the exception
        self._references: dict[str, References] = {}
        self.package_sets = package_sets
        self._set_onto: dict[str, set[str]] | None = None
        self._run_time_binders: dict[str, str] = {}  # another library's module file -> why it may bind any name

    # -- modules outside the tree ------------------------------------------------------------
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

    def references(self, module: str) -> References:
        if module not in self._references:
            parsed = self.tree.parse(module)
            self._references[module] = (
                find_references(parsed, module, self.tree.is_package(module), self.tree.scan(module))
                if parsed is not None else References())
        return self._references[module]

    # -- one module's verdict ----------------------------------------------------------------
    def problems(self, module: str) -> tuple[list[dict], list[dict]]:
        """What cannot succeed (imports, then attributes), and what was not decided (notes)."""
        found, notes = [], []
        for ref in self.tree.imports(module):
            problem = self.check(ref)
            if problem and not ref.optional:
                found.append({"file": str(self.tree.path_of(module)), "line": ref.line,
                              "statement": ref.statement, "nested": ref.nested, "kind": "import", **problem})
        references = self.references(module)
        lines = self.tree.lines(module)
        seen = set()
        for ref in references.reads:
            outcome = self.check_attribute(ref)
            if outcome is None or (ref.line, ref.text) in seen:
                continue
            seen.add((ref.line, ref.text))
            if "why" in outcome:
                notes.append({"line": ref.line, "text": ref.text, "why": outcome["why"]})
            else:
                statement = lines[ref.line - 1].strip() if ref.line <= len(lines) else ""
                found.append({"file": str(self.tree.path_of(module)), "line": ref.line, "statement": statement,
                              "nested": ref.nested, "kind": "attribute", **outcome})
        notes += [{"line": line, "text": text, "why": why} for line, text, why in references.undecided]
        return found, notes

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

    def check_attribute(self, ref: AttributeRef) -> dict | None:
        """None if the read resolves (or does not read a module); {"why"} if it cannot be
        decided; else the problem: which module lacks which attribute, and what it has."""
        target = self.target_of(ref.binding)
        for depth, attr in enumerate(ref.chain):
            if target is None:
                return None
            has = self.has(target, attr)
            if has is True:
                target = self.next_module(target, attr)
                continue
            if has is not False:
                return {"why": f"{target.name}: {has}"}
            if ref.guard or (ref.conditional and target.module is not None):
                return {"why": ref.guard or ref.conditional}
            shown = ".".join(ref.text.split(".")[: depth + 2])
            return {"message": f"{shown!r}: {target.name} ({self.where(target)}) does not define {attr!r}",
                    "hint": diagnosis.did_you_mean(attr, self.names_of(target))}
        return None

    # -- what a module has -------------------------------------------------------------------
    def target_of(self, binding, depth: int = 0) -> Target | None:
        if binding[0] == "module":
            return self._module(binding[1])
        source = self._module(binding[1])
        return self.next_module(source, binding[2], depth) if source is not None else None

    def _module(self, name: str) -> Target | None:
        if self.tree.is_first_party(name.partition(".")[0]):
            return Target(name) if self.tree.path_of(name) is not None else None
        loaded = self.load_external(name)
        return Target(name, loaded) if isinstance(loaded, types.ModuleType) else None

    def has(self, target: Target, attr: str):
        """True, False, or why it cannot be told (a string)."""
        if target.module is not None:
            if hasattr(target.module, attr) or module_exists(f"{target.name}.{attr}", self.tree):
                return True
            return self._binds_at_run_time(target.module) or False
        exports = self.tree.exports(target.name, self.external_names)
        if (attr in exports.names or attr in MODULE_ATTRIBUTES or attr in (exports.listed or ())
                or self.tree.path_of(f"{target.name}.{attr}") is not None or attr in self.set_onto(target.name)):
            return True
        if exports.open_ended:
            return exports.open_ended
        if self.tree.parse(target.name) is None and self.tree.source(target.name) is not None:
            return "it does not parse"
        return False

    def _binds_at_run_time(self, module: types.ModuleType) -> str:
        """Why another library's module may gain names at run time ('' if its source says not):
        alembic.context, for one, hands its globals() to a function that fills them in."""
        path = getattr(module, "__file__", None) or ""
        if path not in self._run_time_binders:
            reason = ""
            if path.endswith(".py"):
                try:
                    reason = scan(ast.parse(Path(path).read_bytes())).binds_dynamically
                except (OSError, SyntaxError, ValueError):
                    reason = ""
            self._run_time_binders[path] = reason
        return self._run_time_binders[path]

    def next_module(self, target: Target, attr: str, depth: int = 0) -> Target | None:
        """The module `target.attr` names, if it names one (else None: a value)."""
        if target.module is not None:
            value = getattr(target.module, attr, None)
            if isinstance(value, types.ModuleType):
                return Target(value.__name__, value)
            return self._module(f"{target.name}.{attr}") if value is None else None
        exports = self.tree.exports(target.name, self.external_names)
        if attr not in exports.values and self.tree.path_of(f"{target.name}.{attr}") is not None:
            return Target(f"{target.name}.{attr}")
        bound = self.references(target.name).module_scope.get(attr, ())
        if len(bound) == 1 and attr not in exports.values and depth < 8:  # re-exported: `from .a import b`
            (binding,) = bound
            if binding[0] != "other" and binding != ("from", target.name, attr):
                return self.target_of(binding, depth + 1)
        return None

    def names_of(self, target: Target) -> list[str]:
        if target.module is not None:
            return dir(target.module)
        exports = self.tree.exports(target.name, self.external_names)
        return sorted(exports.names | self.set_onto(target.name) | set(self.tree.submodules(target.name)))

    def where(self, target: Target) -> str:
        if target.module is not None:
            return getattr(target.module, "__file__", None) or "built-in"
        return str(self.tree.path_of(target.name))

    def set_onto(self, module: str) -> set[str]:
        """Attributes the package's modules set onto `module` (`module.attr = ...`)."""
        if self._set_onto is None:
            self._set_onto = {}
            for _importer, binding, chain in self.package_sets:
                target = self.target_of(tuple(binding))
                for attr in chain[:-1]:
                    target = self.next_module(target, attr) if target is not None else None
                if target is not None and target.module is None:
                    self._set_onto.setdefault(target.name, set()).add(chain[-1])
        return self._set_onto.get(module, set())


def module_exists(module: str, tree: SourceTree) -> bool:
    if tree.is_first_party(module.partition(".")[0]):
        return tree.path_of(module) is not None
    try:
        return importlib.util.find_spec(module) is not None
    except (ImportError, ValueError):
        return False
