"""The package's import graph, from each file's facts: what a verdict depends on, and in which
order the shared import runs the modules.

A file's facts (`facts_of`) depend on its text alone, so the cache keeps them by content hash
and a warm run reads no file twice and parses none. Two graphs over the package:

- `depends`: every first-party name the module's verdict can depend on: its imports in any
  scope (function bodies and `if TYPE_CHECKING:` included), the submodules `from a import b`
  and `a.b.c` may name (existing or not: a file that appears changes the verdict too), the
  parent packages, transitively; the whole package for a module that imports by computed
  name (importlib, `__import__`, `sys.modules`);
- `runs`: the modules importing it runs (module-level imports outside `if TYPE_CHECKING:`,
  with their parents), transitively: what may stay loaded when it is imported in a shared
  process (forks.py).

Stdlib only: this module is loaded by path into the import server's interpreter.
"""

from __future__ import annotations

from dataclasses import dataclass


def facts_of(resolver, module: str) -> dict:
    """What the module's text says about its dependencies, as JSON-able data."""
    tree = resolver.tree
    imports, names = [], set()
    for ref in tree.imports(module):
        if not ref.module:
            continue
        runtime = not ref.nested and not ref.type_only
        imports.append([ref.module, ref.name, runtime])
        if ref.name is not None:
            names.add(f"{ref.module}.{ref.name}")
    references = resolver.references(module)
    for ref in (*references.reads, *references.sets):
        start = ref.binding[1] if ref.binding[0] == "module" else f"{ref.binding[1]}.{ref.binding[2]}"
        parts = start.split(".") + list(ref.chain)
        names.update(".".join(parts[:n]) for n in range(1, len(parts) + 1))
    return {
        "imports": imports,
        "names": sorted(n for n in names if tree.is_first_party(n.partition(".")[0])),
        "sets": [[list(ref.binding), list(ref.chain)] for ref in references.sets],
        "dynamic": references.dynamic,
    }


def external_modules(facts: dict, tree) -> set[str]:
    """The modules outside the tree that a module imports (any scope)."""
    return {target for target, _name, _runtime in facts["imports"] if not tree.is_first_party(target.partition(".")[0])}


@dataclass
class Graph:
    nodes: list[str]  # the package's modules, then the other first-party names referred to
    components: list[tuple[list[int], set[int]]]  # `depends`, condensed: (members, components it reaches
    # directly), each after the components it reaches
    component_of: dict[str, int]  # module -> its component in `components`
    dynamic: set[int]  # components that reach a module importing by computed name
    runs: dict[str, int]  # module -> the modules its import runs (bit set over nodes, itself included)
    cycles: dict[str, int]  # module -> its import cycle in `runs` (bit set; the module alone if none)
    order: list[str]  # the package's modules, each after the modules it runs


def build(modules: list[str], facts: dict[str, dict], tree) -> Graph:
    nodes = list(modules)
    index = {name: n for n, name in enumerate(nodes)}

    def node(name: str) -> int:
        if name not in index:
            index[name] = len(nodes)
            nodes.append(name)
        return index[name]

    every, runtime = {}, {}
    for module in modules:
        own = facts[module]
        targets = {t for t, _, _ in own["imports"] if tree.is_first_party(t.partition(".")[0])}
        every[index[module]] = {node(d) for d in _with_parents(targets | set(own["names"]) | {module})}
        ran = {t for t, _, run in own["imports"] if run and tree.is_first_party(t.partition(".")[0])}
        ran |= {f"{t}.{n}" for t, n, run in own["imports"] if run and n and f"{t}.{n}" in facts}
        runtime[index[module]] = {index[m] for m in _with_parents(ran | {module}) if m in facts}
    starts = range(len(modules))
    components, component_of = _components(starts, lambda v: every.get(v, ()))
    condensed = [(members, {component_of[w] for v in members for w in every.get(v, ())} - {c})
                 for c, members in enumerate(components)]
    dynamic: set[int] = set()
    for c, (members, reached) in enumerate(condensed):
        if reached & dynamic or any(v < len(modules) and facts[nodes[v]]["dynamic"] for v in members):
            dynamic.add(c)
    ran_components, ran_of = _components(starts, lambda v: runtime.get(v, ()))
    closure: dict[int, int] = {}
    for c, members in enumerate(ran_components):
        bits = sum(1 << v for v in members)
        for v in members:
            for w in runtime[v]:
                if ran_of[w] != c:
                    bits |= closure[ran_of[w]]
        closure[c] = bits
    return Graph(nodes, condensed, {m: component_of[index[m]] for m in modules}, dynamic,
                 runs={m: closure[ran_of[index[m]]] for m in modules},
                 cycles={m: sum(1 << v for v in ran_components[ran_of[index[m]]]) for m in modules},
                 order=[nodes[v] for members in ran_components for v in sorted(members)])


def _with_parents(names: set[str]) -> set[str]:
    found = set()
    for name in names:
        found.update(_PARENTS.get(name) or _parents(name))
    return found


_PARENTS: dict[str, tuple[str, ...]] = {}


def _parents(name: str) -> tuple[str, ...]:
    """`a.b.c` -> (`a`, `a.b`, `a.b.c`), remembered."""
    parts = name.split(".")
    _PARENTS[name] = found = tuple(".".join(parts[:n]) for n in range(1, len(parts) + 1))
    return found


def _components(starts, successors) -> tuple[list[list[int]], dict[int, int]]:
    """Strongly connected components (Tarjan's, without recursion), each listed after every
    component it reaches; and each node's component."""
    number: dict[int, int] = {}
    low: dict[int, int] = {}
    stack: list[int] = []
    on_stack: set[int] = set()
    components: list[list[int]] = []
    component_of: dict[int, int] = {}
    for start in starts:
        if start in number:
            continue
        number[start] = low[start] = len(number)
        stack.append(start)
        on_stack.add(start)
        work = [(start, iter(successors(start)))]
        while work:
            v, children = work[-1]
            for w in children:
                if w not in number:
                    number[w] = low[w] = len(number)
                    stack.append(w)
                    on_stack.add(w)
                    work.append((w, iter(successors(w))))
                    break
                if w in on_stack:
                    low[v] = min(low[v], number[w])
            else:
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[v])
                if low[v] == number[v]:
                    members = []
                    while not members or members[-1] != v:
                        members.append(stack.pop())
                        on_stack.discard(members[-1])
                        component_of[members[-1]] = len(components)
                    components.append(members)
    return components, component_of


def split(graph: Graph, modules: list[str], parts: int) -> list[list[str]]:
    """`modules` (in order) cut into at most `parts` runs of neighbours of about the same cost
    when imported one after the other in one process: the modules it checks plus the modules
    their imports run. The largest is as small as the cut allows (a binary search over it)."""

    def cut(most: int) -> list[list[str]] | None:
        found, current, ran = [], [], 0
        for module in modules:
            both = ran | graph.runs[module]
            if current and both.bit_count() + len(current) + 1 > most:
                found.append(current)
                current, both = [], graph.runs[module]
            current.append(module)
            ran = both
        found.append(current)
        return found if len(found) <= parts else None

    if parts <= 1 or len(modules) <= 1:
        return [list(modules)]
    low, high = max(graph.runs[m].bit_count() + 1 for m in modules), len(graph.nodes) + len(modules)
    while low < high:
        middle = (low + high) // 2
        if cut(middle) is None:
            low = middle + 1
        else:
            high = middle
    return cut(low)


def members(bits: int, nodes: list[str]) -> list[str]:
    found = []
    while bits:
        low = bits & -bits
        found.append(nodes[low.bit_length() - 1])
        bits ^= low
    return found
