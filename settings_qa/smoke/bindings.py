"""What a module binds at module scope (its exports), read from its `ast`: the names the
static check accepts in `from m import name` and `m.name`.

Stdlib only: this module is loaded by path into the import server's interpreter.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field

PEP_562 = "it defines a module-level __getattr__ (PEP 562), which may answer any name"


@dataclass
class Exports:
    """What a module of the tree has once imported: the names it binds at module scope."""

    names: set[str]  # bound in any branch, by any statement (imports included), or by `global`
    stars: list[str]  # modules whose public names a `from m import *` adds
    open_ended: str = ""  # why any name may exist: a module-level __getattr__ (PEP 562), globals()
    values: set[str] = field(default_factory=set)  # the names bound by something else than an import
    listed: set[str] | None = None  # a literal `__all__`


def absolute_module(importer: str, is_package: bool, level: int, module: str | None) -> str | None:
    """`from ..x import y` in `importer` -> absolute name of `..x`; None if above the top."""
    if level == 0:
        return module or ""
    parts = importer.split(".") if is_package else importer.split(".")[:-1]
    if level - 1 > len(parts) - 1:
        return None
    base = parts[: len(parts) - (level - 1)]
    return ".".join(base + ([module] if module else []))



def catches(handler: ast.ExceptHandler, names: set[str]) -> bool:
    """Whether `except ...:` names one of `names` (a bare `except:` does not count)."""
    types = handler.type.elts if isinstance(handler.type, ast.Tuple) else [handler.type]
    return any(
        (isinstance(t, ast.Name) and t.id in names) or (isinstance(t, ast.Attribute) and t.attr in names)
        for t in types
    )


def is_type_checking(test: ast.expr) -> bool:
    """`if TYPE_CHECKING:` or `if typing.TYPE_CHECKING:`."""
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


def bind_block(body: list[ast.stmt], out: Exports, module: str, is_package: bool) -> None:
    """Names a block binds at module scope, through if/try/with/for/while/match bodies."""
    for stmt in body:
        if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            out.names.add(stmt.name)
            out.values.add(stmt.name)
            if stmt.name == "__getattr__" and not isinstance(stmt, ast.ClassDef):
                out.open_ended = PEP_562
            continue
        if isinstance(stmt, ast.Import):
            out.names.update(a.asname or a.name.partition(".")[0] for a in stmt.names)
            continue
        if isinstance(stmt, ast.ImportFrom):
            for alias in stmt.names:
                if alias.name != "*":
                    out.names.add(alias.asname or alias.name)
                elif source := absolute_module(module, is_package, stmt.level, stmt.module):
                    out.stars.append(source)
            continue
        values: set[str] = set()
        if isinstance(stmt, ast.Assign):
            for target in stmt.targets:
                _bind_target(target, values)
        elif isinstance(stmt, (ast.AugAssign, ast.AnnAssign)):
            # A bare annotation (`x: int`) binds nothing at run time.
            if not isinstance(stmt, ast.AnnAssign) or stmt.value is not None:
                _bind_target(stmt.target, values)
        elif isinstance(stmt, (ast.For, ast.AsyncFor)):
            _bind_target(stmt.target, values)
        elif isinstance(stmt, (ast.With, ast.AsyncWith)):
            for item in stmt.items:
                if item.optional_vars is not None:
                    _bind_target(item.optional_vars, values)
        elif isinstance(stmt, ast.Match):
            for case in stmt.cases:
                values.update(n.name for n in ast.walk(case.pattern) if isinstance(getattr(n, "name", None), str))
                bind_block(case.body, out, module, is_package)
        values |= _walrus_targets(stmt)
        out.names |= values
        out.values |= values
        for block in (getattr(stmt, "body", []), getattr(stmt, "orelse", []), getattr(stmt, "finalbody", [])):
            bind_block(block, out, module, is_package)
        for handler in getattr(stmt, "handlers", []):
            bind_block(handler.body, out, module, is_package)


@dataclass
class Scan:
    """What one walk over a module's whole tree finds (every scope)."""

    imported: set[str] = field(default_factory=set)  # names some import binds
    declared_global: set[str] = field(default_factory=set)  # `global x` in a function: x is bound when it runs
    binds_dynamically: str = ""  # why its names cannot be listed from its text


def scan(tree: ast.Module) -> Scan:
    found = Scan()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.imported.update(a.asname or a.name.partition(".")[0] for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            found.imported.update(a.asname or a.name for a in node.names if a.name != "*")
        elif isinstance(node, ast.Global):
            found.declared_global.update(node.names)
        elif found.binds_dynamically:
            continue
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "exec":
            found.binds_dynamically = "it runs exec(), which may bind any name"
        elif isinstance(node, ast.Call) and any(_is_namespace(a) for a in (*node.args, *(k.value for k in node.keywords))):
            found.binds_dynamically = "it hands its globals() to a function, which may bind any name"
        elif (isinstance(node, ast.Subscript) and isinstance(node.ctx, ast.Store)
              or isinstance(node, ast.Attribute) and node.attr in ("update", "setdefault", "__setitem__")):
            if _is_namespace(node.value):
                found.binds_dynamically = f"it binds names through {node.value.func.id}()"
    return found


def _is_namespace(node: ast.expr) -> bool:
    """`globals()` or `vars()` (the module's own namespace, at module level)."""
    return (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
            and node.func.id in ("globals", "vars") and not node.args)


def list_of_all(tree: ast.Module) -> set[str] | None:
    """A literal `__all__` list or tuple, if the module has one."""
    for stmt in tree.body:
        if isinstance(stmt, ast.Assign) and any(isinstance(t, ast.Name) and t.id == "__all__" for t in stmt.targets):
            try:
                return set(ast.literal_eval(stmt.value))
            except ValueError:
                return None
    return None


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
