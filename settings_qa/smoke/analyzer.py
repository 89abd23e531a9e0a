"""Static import analysis of a source tree: `ast` only, none of the tree's code runs.

`SourceTree.imports(module)` lists every `import a.b` and `from a.b import name` of a module,
also those in function bodies and conditional branches. `SourceTree.resolve(ref)` checks the
ones that point into the tree (first-party) against the files and the target module's own
top-level bindings (`SourceTree.exports`). Imports of other modules (standard library,
installed distributions) are resolved by the import server, which may import those
(resolution.py); attribute references like `database.SessionLocal` are found by
references.py.

Stdlib only: this module is loaded by path into the import server's interpreter.
"""

from __future__ import annotations

import ast
import os
from dataclasses import dataclass
from pathlib import Path

from .bindings import Exports, Scan, absolute_module, bind_block, catches, is_type_checking, list_of_all, scan

# Handlers that mark an import as optional on purpose (`except ImportError: fallback`).
# A broad `except Exception` does not: it hides broken imports rather than choosing them.
_OPTIONAL_IMPORT_HANDLERS = {"ImportError", "ModuleNotFoundError"}
# Attributes every module has without binding them.
MODULE_ATTRIBUTES = {
    "__name__", "__doc__", "__file__", "__loader__", "__package__", "__spec__", "__path__",
    "__builtins__", "__cached__", "__dict__",
}


@dataclass(frozen=True)
class ImportRef:
    importer: str  # dotted name of the module that holds the statement
    line: int
    statement: str  # the statement's first source line, stripped
    module: str  # absolute dotted name of the imported module ("" if unresolvable)
    name: str | None  # `from module import name`; None for `import module`
    optional: bool  # inside `try: ... except ImportError:` - may fail on purpose
    nested: bool  # inside a function body: runs only when the function is called
    error: str | None = None  # e.g. a relative import beyond the top-level package
    type_only: bool = False  # inside `if TYPE_CHECKING:`: never runs

    @property
    def top(self) -> str:
        return self.module.partition(".")[0]


@dataclass(frozen=True)
class Unresolved:
    """An import that cannot succeed: `missing` is the module or name that does not exist."""

    ref: ImportRef
    kind: str  # "module" (no such module) or "name" (module exists, name does not)
    missing: str
    candidates: tuple[str, ...]  # what the target does define, for "did you mean"
    where: str  # the target module's file, or the folder searched


class SourceTree:
    """The modules under one source root (e.g. `backend/`), read as text, never imported."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self._root = str(root)
        self._trees: dict[str, ast.Module | None] = {}
        self._sources: dict[str, bytes | None] = {}
        self._syntax_errors: dict[str, tuple[int, str]] = {}
        self._bindings: dict[str, Exports] = {}
        self._imports: dict[str, list[ImportRef]] = {}
        self._paths: dict[str, Path | None] = {}
        self._tops: dict[str, bool] = {}
        self._scans: dict[str, Scan] = {}

    # -- files -------------------------------------------------------------------------
    def is_first_party(self, top: str) -> bool:
        if top not in self._tops:
            self._tops[top] = (self.root / f"{top}.py").is_file() or (self.root / top).is_dir()
        return self._tops[top]

    def know_files(self, package: str) -> None:
        """Find the package's files in one walk (path_of then asks no more of the disk for them)."""
        top = os.path.join(self._root, *package.split("."))
        if os.path.isfile(top + ".py"):
            self._paths[package] = Path(top + ".py")
            return
        for folder, subfolders, files in os.walk(top):
            subfolders[:] = [d for d in subfolders if d.isidentifier()]
            dotted = ".".join(os.path.relpath(folder, self._root).split(os.sep))
            self._paths[dotted] = Path(folder, "__init__.py") if "__init__.py" in files else Path(folder)
            for name in files:
                if name.endswith(".py") and name != "__init__.py":
                    self._paths.setdefault(f"{dotted}.{name[:-3]}", Path(folder, name))

    def path_of(self, module: str) -> Path | None:
        """The module's file, its package's __init__.py, or a namespace package's folder."""
        if module not in self._paths:
            base = os.path.join(self._root, *module.split("."))
            found = Path(base) if os.path.isdir(base) else None
            for candidate in (base + ".py", os.path.join(base, "__init__.py")):
                if os.path.isfile(candidate):
                    found = Path(candidate)
                    break
            self._paths[module] = found
        return self._paths[module]

    def source(self, module: str) -> bytes | None:
        """The module file's bytes, read once (None for a folder or no file)."""
        if module not in self._sources:
            path = self.path_of(module)
            self._sources[module] = path.read_bytes() if path is not None and path.suffix == ".py" else None
        return self._sources[module]

    def lines(self, module: str) -> list[str]:
        return (self.source(module) or b"").decode("utf-8", errors="replace").splitlines()

    def is_package(self, module: str) -> bool:
        path = self.path_of(module)
        return path is not None and (path.is_dir() or path.name == "__init__.py")

    def submodules(self, package: str) -> list[str]:
        folder = self.root.joinpath(*package.split("."))
        if not folder.is_dir():
            return []
        names = (p.stem if p.suffix == ".py" else p.name for p in folder.iterdir()
                 if p.suffix == ".py" or p.is_dir())
        return sorted(n for n in names if n.isidentifier() and not n.startswith("__"))

    def scan(self, module: str) -> Scan:
        if module not in self._scans:
            parsed = self.parse(module)
            self._scans[module] = scan(parsed) if parsed is not None else Scan()
        return self._scans[module]

    def parse(self, module: str) -> ast.Module | None:
        if module not in self._trees:
            source = self.source(module)
            tree = None
            if source is not None:
                try:
                    tree = ast.parse(source, filename=str(self.path_of(module)))
                except SyntaxError as exc:  # reported as this module's problem, not a crash of the run
                    self._syntax_errors[module] = (exc.lineno or 1, f"syntax error: {exc.msg}")
            self._trees[module] = tree
        return self._trees[module]

    # -- import statements -------------------------------------------------------------
    def imports(self, module: str) -> list[ImportRef]:
        if module not in self._imports:
            tree = self.parse(module)
            refs: list[ImportRef] = []
            if module in self._syntax_errors:
                line, message = self._syntax_errors[module]
                refs.append(ImportRef(module, line, "", "", None, optional=False, nested=False, error=message))
            if tree is not None:
                collector = _ImportCollector(module, self.is_package(module), self.lines(module))
                collector.visit(tree)
                refs = collector.refs
            self._imports[module] = refs
        return self._imports[module]

    # -- resolution of first-party imports ---------------------------------------------
    def resolve(self, ref: ImportRef, external_names=None) -> Unresolved | None:
        """Check a first-party import; `external_names(module)` lists a non-tree module's names."""
        target = self.path_of(ref.module)
        if target is None:
            parent = ref.module.rpartition(".")[0]
            folder = self.root.joinpath(*parent.split(".")) if parent else self.root
            return Unresolved(ref, "module", ref.module, tuple(self.submodules(parent)), str(folder))
        if ref.name is None:
            return None
        if self.is_package(ref.module) and self.path_of(f"{ref.module}.{ref.name}") is not None:
            return None  # `from package import submodule`
        bindings = self.exports(ref.module, external_names)
        if bindings.open_ended or ref.name in bindings.names or ref.name in MODULE_ATTRIBUTES:
            return None
        candidates = bindings.names | set(self.submodules(ref.module) if self.is_package(ref.module) else ())
        return Unresolved(ref, "name", ref.name, tuple(sorted(candidates)), str(target))

    def exports(self, module: str, external_names=None, _seen: frozenset = frozenset()) -> Exports:
        """The module's module-scope names, `from x import *` followed (through `__all__`)."""
        if module not in self._bindings:
            tree = self.parse(module)
            bindings = Exports(set(), [])
            if tree is not None:
                bind_block(tree.body, bindings, module, self.is_package(module))
                scan = self.scan(module)
                bindings.names |= scan.declared_global
                bindings.open_ended = bindings.open_ended or scan.binds_dynamically
                bindings.listed = list_of_all(tree)
            self._bindings[module] = bindings
        own = self._bindings[module]
        result = Exports(set(own.names), [], own.open_ended, own.values, own.listed)
        for source in own.stars:
            if source in _seen:
                continue
            if self.is_first_party(source.partition(".")[0]):
                star = self.exports(source, external_names, _seen | {module})
                result.names |= star.listed if star.listed is not None else {
                    n for n in star.names if not n.startswith("_")
                }
                result.open_ended = result.open_ended or star.open_ended
            else:
                names = external_names(source) if external_names else None
                if names is None:  # cannot list it: accept any name
                    result.open_ended = result.open_ended or f"`from {source} import *` cannot be listed"
                else:
                    result.names |= names
        return result


class _ImportCollector(ast.NodeVisitor):
    def __init__(self, module: str, is_package: bool, lines: list[str]) -> None:
        self.module, self.is_package, self.lines = module, is_package, lines
        self.refs: list[ImportRef] = []
        self._optional = 0
        self._functions = 0
        self._type_only = 0

    def _ref(self, node: ast.stmt, module: str, name: str | None, error: str | None = None) -> None:
        statement = self.lines[node.lineno - 1].strip() if node.lineno <= len(self.lines) else ""
        self.refs.append(ImportRef(
            self.module, node.lineno, statement, module, name,
            optional=self._optional > 0, nested=self._functions > 0, error=error, type_only=self._type_only > 0,
        ))

    def visit_FunctionDef(self, node: ast.FunctionDef | ast.AsyncFunctionDef) -> None:
        self._functions += 1
        self.generic_visit(node)
        self._functions -= 1

    visit_AsyncFunctionDef = visit_FunctionDef

    def visit_If(self, node: ast.If) -> None:
        self.visit(node.test)
        checking = is_type_checking(node.test)
        self._type_only += checking
        for stmt in node.body:
            self.visit(stmt)
        self._type_only -= checking
        for stmt in node.orelse:
            self.visit(stmt)

    def visit_Try(self, node: ast.Try) -> None:
        guarded = any(_catches_import_error(h) for h in node.handlers)
        self._optional += guarded
        for stmt in node.body:
            self.visit(stmt)
        self._optional -= guarded
        for part in (*node.handlers, *node.orelse, *node.finalbody):
            self.visit(part)

    visit_TryStar = visit_Try

    def visit_Import(self, node: ast.Import) -> None:
        for alias in node.names:
            self._ref(node, alias.name, None)

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        target = absolute_module(self.module, self.is_package, node.level, node.module)
        if target is None:
            self._ref(node, "", None, error="relative import beyond the top-level package")
            return
        for alias in node.names:
            # `from m import *` needs only the module; its names are checked where used.
            self._ref(node, target, None if alias.name == "*" else alias.name)


def _catches_import_error(handler: ast.ExceptHandler) -> bool:
    return catches(handler, _OPTIONAL_IMPORT_HANDLERS)
