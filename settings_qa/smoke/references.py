"""Module attribute references in a module's code, found with `ast` (nothing runs).

`find_references(tree, module, is_package, lines)` lists each `name.attr` (or `a.b.c.attr`)
whose first name is bound to a module by an import: `import a.b as db; db.X`,
`import a.b; a.b.X`, `from a import b; b.X`, at module level, in function and method bodies,
default arguments, decorators, annotations, lambdas and comprehensions. Names follow Python's
scope rules: a parameter, a local variable or a `global`/`nonlocal` declaration decides what a
name means inside a function, so a local `database` that shadows an imported module is not a
reference to it. A name bound to a module in one branch and to something else in another is
not decidable: it is listed apart (`undecided`), never checked.

Whether the module has the attribute is decided by resolution.py, which knows the tree.

Stdlib only: this module is loaded by path into the import server's interpreter.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field

from .bindings import Scan, absolute_module, catches, is_type_checking

# How a name is bound to a module: ("module", "a.b") for `import a.b as x` (or `import a`),
# ("from", "a", "b") for `from a import b` (a module if a.b is one, else a value of a).
Binding = tuple
_OTHER = ("other",)  # bound by anything else: an assignment, a parameter, a def, ...
_SCOPES = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef,
           ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)
# What an `if` test may check that makes a read of another library's module conditional.
_PLATFORM_CHECKS = {"version_info", "platform", "TYPE_CHECKING", "PY2", "PY3", "PYPY", "name"}
_DYNAMIC_IMPORTS = {"import_module", "__import__", "walk_packages", "iter_modules"}


@dataclass(frozen=True)
class AttributeRef:
    line: int
    text: str  # as written, from the first name to the attribute: "database.SessionLocal"
    binding: Binding  # how the first name is bound to a module
    chain: tuple[str, ...]  # the attribute names after the first name
    nested: bool  # in a function body (or lambda): runs only when it is called
    guard: str = ""  # why a missing attribute may be expected here ("" if it may not)
    store: bool = False  # `module.attr = value` (or setattr): sets the last attribute
    conditional: str = ""  # under a version or platform test: matters for other libraries' modules


@dataclass
class References:
    reads: list[AttributeRef] = field(default_factory=list)
    sets: list[AttributeRef] = field(default_factory=list)
    undecided: list[tuple[int, str, str]] = field(default_factory=list)  # (line, text, why)
    dynamic: bool = False  # imports modules by computed name (importlib, __import__, sys.modules)
    module_scope: dict[str, set] = field(default_factory=dict)  # name -> its bindings at module scope


class _Scope:
    __slots__ = ("kind", "parent", "bound", "globals", "nonlocals")

    def __init__(self, kind: str, parent: _Scope | None) -> None:
        self.kind, self.parent = kind, parent
        self.bound: dict[str, set] = {}
        self.globals: set[str] = set()
        self.nonlocals: set[str] = set()

    def bind(self, name: str, binding: Binding, candidates: set[str]) -> None:
        if name in candidates:
            self.bound.setdefault(name, set()).add(binding)


def find_references(tree: ast.Module, module: str, is_package: bool, scan: Scan) -> References:
    """`scan`: the module's analyzer.Scan (the names imports bind, those declared global)."""
    finder = _Finder(module, is_package, scan.imported)
    scope = finder.new_scope("module", None, tree.body)
    for name in scan.declared_global:  # `global x` in a function: x may be rebound to anything there
        scope.bind(name, _OTHER, scan.imported)
    finder.found.module_scope = scope.bound
    finder.visit_block(tree.body, scope, ())
    return finder.found


class _Finder:
    def __init__(self, module: str, is_package: bool, candidates: set[str]) -> None:
        self.module, self.is_package, self.candidates = module, is_package, candidates
        self.found = References()
        self.nested = False

    # -- what each scope binds ---------------------------------------------------------------
    def new_scope(self, kind: str, parent: _Scope | None, body, arguments: ast.arguments | None = None) -> _Scope:
        scope = _Scope(kind, parent)
        if arguments is not None:
            for arg in (*arguments.posonlyargs, *arguments.args, *arguments.kwonlyargs,
                        arguments.vararg, arguments.kwarg):
                if arg is not None:
                    scope.bind(arg.arg, _OTHER, self.candidates)
        pending = list(body) if isinstance(body, list) else [body]
        while pending:
            node = pending.pop()
            if isinstance(node, ast.Import):
                for alias in node.names:
                    if alias.asname:
                        scope.bind(alias.asname, ("module", alias.name), self.candidates)
                    else:
                        top = alias.name.partition(".")[0]
                        scope.bind(top, ("module", top), self.candidates)
            elif isinstance(node, ast.ImportFrom):
                source = absolute_module(self.module, self.is_package, node.level, node.module)
                for alias in node.names:
                    if alias.name != "*":
                        scope.bind(alias.asname or alias.name,
                                   ("from", source, alias.name) if source else _OTHER, self.candidates)
            elif isinstance(node, ast.Name):
                if not isinstance(node.ctx, ast.Load):
                    scope.bind(node.id, _OTHER, self.candidates)
            elif isinstance(node, (ast.Global, ast.Nonlocal)):
                (scope.globals if isinstance(node, ast.Global) else scope.nonlocals).update(node.names)
            elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                scope.bind(node.name, _OTHER, self.candidates)  # its body is a scope of its own
            elif isinstance(node, (ast.ExceptHandler, ast.MatchAs, ast.MatchStar)):
                if node.name:
                    scope.bind(node.name, _OTHER, self.candidates)
                pending.extend(ast.iter_child_nodes(node))
            elif isinstance(node, ast.MatchMapping):
                if node.rest:
                    scope.bind(node.rest, _OTHER, self.candidates)
                pending.extend(ast.iter_child_nodes(node))
            elif not isinstance(node, _SCOPES):
                pending.extend(ast.iter_child_nodes(node))
        return scope

    def lookup(self, scope: _Scope, name: str) -> set | None:
        """The bindings `name` has where it is used, by Python's rules (None: a builtin or unbound)."""
        current, first = scope, True
        while current is not None:
            if current.kind == "class" and not first:  # a class body is not seen from inside its methods
                current = current.parent
                continue
            if name in current.globals:
                while current.parent is not None:
                    current = current.parent
                return current.bound.get(name)
            if name in current.bound and name not in current.nonlocals:
                return current.bound[name]
            current, first = current.parent, False
        return None

    # -- the walk --------------------------------------------------------------------------
    def visit_block(self, nodes, scope: _Scope, guards: tuple) -> None:
        for node in nodes:
            self.visit(node, scope, guards)

    def visit(self, node: ast.AST, scope: _Scope, guards: tuple) -> None:
        if isinstance(node, ast.Attribute):
            self.attribute(node, scope, guards)
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
            self.function(node, scope, guards)
        elif isinstance(node, ast.ClassDef):
            self.visit_block([*node.decorator_list, *node.bases, *node.keywords], scope, guards)
            self.visit_block(node.body, self.new_scope("class", scope, node.body), guards)
        elif isinstance(node, (ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)):
            self.comprehension(node, scope, guards)
        elif isinstance(node, (ast.If, ast.IfExp, ast.While)):
            inner = guards + _guards_of(node.test)
            self.visit(node.test, scope, guards)
            body = node.body if isinstance(node.body, list) else [node.body]
            orelse = node.orelse if isinstance(node.orelse, list) else [node.orelse]
            self.visit_block([*body, *orelse], scope, inner)
        elif isinstance(node, ast.BoolOp):
            inner = guards
            for value in node.values:  # `hasattr(m, "x") and m.x`
                self.visit(value, scope, inner)
                inner = inner + _guards_of(value)
        elif isinstance(node, (ast.Try, ast.TryStar)):
            guarded = any(h.type is not None and catches(h, {"AttributeError"}) for h in node.handlers)
            self.visit_block(node.body, scope, guards + ((None, "inside try/except AttributeError"),) * guarded)
            self.visit_block([*node.handlers, *node.orelse, *node.finalbody], scope, guards)
        elif isinstance(node, ast.Call):
            self.call(node, scope, guards)
        else:
            self.visit_block(ast.iter_child_nodes(node), scope, guards)

    def function(self, node, scope: _Scope, guards: tuple) -> None:
        arguments = node.args
        outside = [*getattr(node, "decorator_list", ()), *arguments.defaults,
                   *(d for d in arguments.kw_defaults if d is not None)]
        if not isinstance(node, ast.Lambda):  # annotations are evaluated where the def is
            outside += [a.annotation for a in (*arguments.posonlyargs, *arguments.args, *arguments.kwonlyargs,
                                               arguments.vararg, arguments.kwarg) if a is not None and a.annotation]
            outside += [node.returns] if node.returns else []
        self.visit_block(outside, scope, guards)
        body = node.body if isinstance(node.body, list) else [node.body]
        inner = self.new_scope("function", scope, body, arguments)
        was, self.nested = self.nested, True
        self.visit_block(body, inner, guards)
        self.nested = was

    def comprehension(self, node, scope: _Scope, guards: tuple) -> None:
        first, *rest = node.generators
        self.visit(first.iter, scope, guards)  # evaluated in the enclosing scope
        inner = _Scope("function", scope)
        for generator in node.generators:
            for name in ast.walk(generator.target):
                if isinstance(name, ast.Name):
                    inner.bind(name.id, _OTHER, self.candidates)
        parts = [first.target, *first.ifs] + [p for g in rest for p in (g.target, g.iter, *g.ifs)]
        parts += [node.key, node.value] if isinstance(node, ast.DictComp) else [node.elt]
        self.visit_block(parts, inner, guards)

    def call(self, node: ast.Call, scope: _Scope, guards: tuple) -> None:
        func = node.func
        name = func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else ""
        if name in _DYNAMIC_IMPORTS:
            self.found.dynamic = True
        if (name == "setattr" and len(node.args) >= 2 and isinstance(node.args[0], ast.Name)
                and isinstance(node.args[1], ast.Constant) and isinstance(node.args[1].value, str)):
            binding = self.module_binding(scope, node.args[0].id, node.lineno, node.args[0].id)
            if binding:
                self.found.sets.append(AttributeRef(node.lineno, f"{node.args[0].id}.{node.args[1].value}",
                                                    binding, (node.args[1].value,), self.nested, store=True))
        self.visit_block(ast.iter_child_nodes(node), scope, guards)

    def attribute(self, node: ast.Attribute, scope: _Scope, guards: tuple) -> None:
        chain, base = [], node
        while isinstance(base, ast.Attribute):
            chain.append(base.attr)
            base = base.value
        if not isinstance(base, ast.Name):
            self.visit(base, scope, guards)
            return
        chain.reverse()
        if base.id == "sys" and chain[0] == "modules":
            self.found.dynamic = True
        text = ".".join((base.id, *chain))
        binding = self.module_binding(scope, base.id, node.lineno, text)
        if not binding:
            return
        if isinstance(node.ctx, ast.Load):
            self.found.reads.append(self.ref(node, text, binding, chain, guards, base.id))
            return
        if len(chain) > 1:  # `a.b.c = 1` reads a.b first
            self.found.reads.append(self.ref(node, text.rpartition(".")[0], binding, chain[:-1], guards, base.id))
        if isinstance(node.ctx, ast.Store):
            self.found.sets.append(self.ref(node, text, binding, chain, guards, base.id, store=True))

    def ref(self, node, text, binding, chain, guards, name, store=False) -> AttributeRef:
        why = next((why for guarded, why in guards if guarded in (None, name)), "")
        conditional = next((why for guarded, why in guards if guarded == ""), "")
        return AttributeRef(node.lineno, text, binding, tuple(chain), self.nested, why, store, conditional)

    def module_binding(self, scope: _Scope, name: str, line: int, text: str) -> Binding | None:
        if name not in self.candidates:
            return None
        bindings = self.lookup(scope, name)
        if not bindings or bindings == {_OTHER}:
            return None
        if len(bindings) > 1:
            self.found.undecided.append((line, text, f"`{name}` is bound to more than one thing here "
                                                      "(different imports, or an import and an assignment)"))
            return None
        return next(iter(bindings))


def _guards_of(test: ast.expr) -> tuple:
    """What a test makes conditional, as (name, why): hasattr(m, ...) guards reads of m; a
    version or platform test ("" for the name) reads of other libraries' modules."""
    found = []
    for node in ast.walk(test):
        if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in ("hasattr", "getattr")
                and node.args and isinstance(node.args[0], ast.Name)):
            found.append((node.args[0].id, f"guarded by {node.func.id}()"))
        elif is_type_checking(node) or (isinstance(node, ast.Attribute) and node.attr in _PLATFORM_CHECKS):
            found.append(("", "under a version, platform or TYPE_CHECKING test"))
    return tuple(found)
