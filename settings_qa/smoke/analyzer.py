"""Static import analysis of a source tree: `ast` only, none of the tree's code runs.

`SourceTree.imports(module)` lists every `import a.b` and `from a.b import name` of a module,
also those in function bodies and conditional branches. `SourceTree.resolve(ref)` checks the
ones that point into the tree (first-party) against the files and the target module's own
top-level bindings. Imports of other modules (standard library, installed distributions) are
resolved by the import server, which may import those (see server.py).

Stdlib only: this module is loaded by path into the import server's interpreter.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

# Handlers that mark an import as optional on purpose (`except ImportError: fallback`).
# A broad `except Exception` does not: it hides broken imports rather than choosing them.
_OPTIONAL_IMPORT_HANDLERS = {"ImportError", "ModuleNotFoundError"}
# Attributes every module has without binding them.
_MODULE_ATTRIBUTES = {
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


@dataclass
class _Bindings:
    names: set[str]
    stars: list[str]  # modules whose public names a `from m import *` adds
    open_ended: bool  # a module-level __getattr__ answers any name


class SourceTree:
    """The modules under one source root (e.g. `backend/`), read as text, never imported."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self._trees: dict[str, ast.Module | None] = {}
        self._syntax_errors: dict[str, tuple[int, str]] = {}
        self._bindings: dict[str, _Bindings] = {}
        self._imports: dict[str, list[ImportRef]] = {}

    # -- files -------------------------------------------------------------------------
    def is_first_party(self, top: str) -> bool:
        return (self.root / f"{top}.py").is_file() or (self.root / top).is_dir()

    def path_of(self, module: str) -> Path | None:
        """The module's file, its package's __init__.py, or a namespace package's folder."""
        base = self.root.joinpath(*module.split("."))
        for candidate in (base.with_name(base.name + ".py"), base / "__init__.py"):
            if candidate.is_file():
                return candidate
        return base if base.is_dir() else None

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

    def parse(self, module: str) -> ast.Module | None:
        if module not in self._trees:
            path = self.path_of(module)
            tree = None
            if path is not None and path.is_file():
                try:
                    tree = ast.parse(path.read_bytes(), filename=str(path))
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
                lines = self.path_of(module).read_text(encoding="utf-8", errors="replace").splitlines()
                collector = _ImportCollector(module, self.is_package(module), lines)
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
        bindings = self._names_of(ref.module, external_names)
        if bindings.open_ended or ref.name in bindings.names or ref.name in _MODULE_ATTRIBUTES:
            return None
        candidates = bindings.names | set(self.submodules(ref.module) if self.is_package(ref.module) else ())
        return Unresolved(ref, "name", ref.name, tuple(sorted(candidates)), str(target))

    def _names_of(self, module: str, external_names, _seen: frozenset = frozenset()) -> _Bindings:
        if module not in self._bindings:
            tree = self.parse(module)
            bindings = _Bindings(set(), [], False)
            if tree is not None:
                _bind_block(tree.body, bindings, module, self.is_package(module))
            self._bindings[module] = bindings
        own = self._bindings[module]
        result = _Bindings(set(own.names), [], own.open_ended)
        for source in own.stars:
            if source in _seen:
                continue
            if self.is_first_party(source.partition(".")[0]):
                star = self._names_of(source, external_names, _seen | {module})
                exported = self._all_of(source)
                result.names |= exported if exported is not None else {
                    n for n in star.names if not n.startswith("_")
                }
                result.open_ended |= star.open_ended
            else:
                names = external_names(source) if external_names else None
                if names is None:
                    result.open_ended = True  # cannot list it: accept any name
                else:
                    result.names |= names
        return result

    def _all_of(self, module: str) -> set[str] | None:
        """A literal `__all__` list or tuple, if the module has one."""
        tree = self.parse(module)
        for stmt in tree.body if tree else ():
            if isinstance(stmt, ast.Assign) and any(
                isinstance(t, ast.Name) and t.id == "__all__" for t in stmt.targets
            ):
                try:
                    return set(ast.literal_eval(stmt.value))
                except ValueError:
                    return None
        return None


def absolute_module(importer: str, is_package: bool, level: int, module: str | None) -> str | None:
    """`from ..x import y` in `importer` -> absolute name of `..x`; None if above the top."""
    if level == 0:
        return module or ""
    parts = importer.split(".") if is_package else importer.split(".")[:-1]
    if level - 1 > len(parts) - 1:
        return None
    base = parts[: len(parts) - (level - 1)]
    return ".".join(base + ([module] if module else []))


class _ImportCollector(ast.NodeVisitor):
    def __init__(self, module: str, is_package: bool, lines: list[str]) -> None:
        self.module, self.is_package, self.lines = module, is_package, lines
        self.refs: list[ImportRef] = []
        self._optional = 0
        self._functions = 0

    def _ref(self, node: ast.stmt, module: str, name: str | None, error: str | None = None) -> None:
        statement = self.lines[node.lineno - 1].strip() if node.lineno <= len(self.lines) else ""
        self.refs.append(ImportRef(
            self.module, node.lineno, statement, module, name,
            optional=self._optional > 0, nested=self._functions > 0, error=error,
        ))

    def visit_FunctionDef(self, node: ast.FunctionDef | ast.AsyncFunctionDef) -> None:
        self._functions += 1
        self.generic_visit(node)
        self._functions -= 1

    visit_AsyncFunctionDef = visit_FunctionDef

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
    types = handler.type.elts if isinstance(handler.type, ast.Tuple) else [handler.type]
    return any(
        (isinstance(t, ast.Name) and t.id in _OPTIONAL_IMPORT_HANDLERS)
        or (isinstance(t, ast.Attribute) and t.attr in _OPTIONAL_IMPORT_HANDLERS)
        for t in types
    )


def _bind_block(body: list[ast.stmt], out: _Bindings, module: str, is_package: bool) -> None:
    """Names a block binds at module scope, through if/try/with/for/while/match bodies."""
    for stmt in body:
        if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            out.names.add(stmt.name)
            out.open_ended |= stmt.name == "__getattr__"
            continue
        if isinstance(stmt, ast.Import):
            out.names.update(a.asname or a.name.partition(".")[0] for a in stmt.names)
        elif isinstance(stmt, ast.ImportFrom):
            for alias in stmt.names:
                if alias.name != "*":
                    out.names.add(alias.asname or alias.name)
                elif source := absolute_module(module, is_package, stmt.level, stmt.module):
                    out.stars.append(source)
        elif isinstance(stmt, ast.Assign):
            for target in stmt.targets:
                _bind_target(target, out.names)
        elif isinstance(stmt, (ast.AugAssign, ast.AnnAssign)):
            # A bare annotation (`x: int`) binds nothing at run time.
            if not isinstance(stmt, ast.AnnAssign) or stmt.value is not None:
                _bind_target(stmt.target, out.names)
        elif isinstance(stmt, (ast.For, ast.AsyncFor)):
            _bind_target(stmt.target, out.names)
        elif isinstance(stmt, (ast.With, ast.AsyncWith)):
            for item in stmt.items:
                if item.optional_vars is not None:
                    _bind_target(item.optional_vars, out.names)
        elif isinstance(stmt, ast.Match):
            for case in stmt.cases:
                out.names.update(
                    n.name for n in ast.walk(case.pattern) if isinstance(getattr(n, "name", None), str)
                )
                _bind_block(case.body, out, module, is_package)
        out.names.update(_walrus_targets(stmt))
        for block in (getattr(stmt, "body", []), getattr(stmt, "orelse", []), getattr(stmt, "finalbody", [])):
            _bind_block(block, out, module, is_package)
        for handler in getattr(stmt, "handlers", []):
            _bind_block(handler.body, out, module, is_package)


def _walrus_targets(stmt: ast.stmt) -> set[str]:
    """`(x := ...)` in the statement's own expressions (not in nested blocks or scopes)."""
    found: set[str] = set()
    pending = [v for f, v in ast.iter_fields(stmt) if f not in ("body", "orelse", "finalbody", "handlers", "cases")]
    while pending:
        node = pending.pop()
        if isinstance(node, list):
            pending.extend(node)
        elif isinstance(node, ast.NamedExpr) and isinstance(node.target, ast.Name):
            found.add(node.target.id)
            pending.append(node.value)
        elif isinstance(node, ast.AST) and not isinstance(node, ast.Lambda):
            pending.extend(ast.iter_child_nodes(node))
    return found


def _bind_target(target: ast.expr, names: set[str]) -> None:
    if isinstance(target, ast.Name):
        names.add(target.id)
    elif isinstance(target, (ast.Tuple, ast.List)):
        for element in target.elts:
            _bind_target(element, names)
    elif isinstance(target, ast.Starred):
        _bind_target(target.value, names)
