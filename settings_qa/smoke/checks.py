"""What the import server does with one request, and the messages it writes.

1. plans: hashes every module, reads the cache (cache.py) and each file's facts (graph.py),
   and answers at once for the modules unchanged since their last green verdict (one
   `{"kind": "cached"}`); the plan itself (`{"kind": "plan"}`: the keys, the new facts, or
   nothing when nothing is new) is what pytest's process writes back to the cache at the end;
2. for the other modules: pre-imports the modules outside the tree that their imports run
   (standard library and installed distributions) - never a module of the tree;
3. imports each of them in isolation (forks.py), and meanwhile resolves their imports and
   module attributes statically (resolution.py): `{"kind": "import"}` and `{"kind": "static"}`
   per module, then `{"kind": "done"}`.

Stdlib only: loaded by path (server.py) into the import server's interpreter.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
from pathlib import Path

from . import cache, graph
from .analyzer import SourceTree

# A warm run answers from the cache alone: what checks (resolution, forks and what they
# import) is imported only when something is to be checked.


class Emitter:
    def __init__(self) -> None:
        self.fd = os.dup(1)  # messages go here; the tree's own prints go to stderr
        os.dup2(2, 1)

    def __call__(self, message: dict) -> None:
        os.write(self.fd, (json.dumps(message) + "\n").encode())


def serve(request: dict) -> None:
    emit = Emitter()
    root = Path(request["root"]).resolve()
    sys.path.insert(0, str(root))
    tree = SourceTree(root)
    modules = request["modules"]
    plan = Plan(tree, modules, request)
    pending = [m for m in modules if m not in plan.cached]
    shares = _shares(request, plan, pending)
    # About the order the verdicts will come in (the shares run side by side): pytest's
    # process runs the tests in that order, so that it works while the server does.
    position = {m: n / len(share) for share in shares for n, m in enumerate(share)}
    order = sorted(pending, key=lambda m: position.get(m, -1))
    if pending or plan.new_facts:
        emit({"kind": "plan", "context": plan.context, "hashes": plan.hashes, "facts": plan.new_facts,
              "keys": plan.keys, "order": order})
    else:
        emit({"kind": "plan", "order": order})  # nothing new to keep
    emit({"kind": "cached", "modules": plan.cached})
    if pending and not _check(request, tree, plan, order, shares, emit):
        return
    emit({"kind": "done"})


class Plan:
    """Which modules need checking: the keys of this run against the cached green verdicts."""

    def __init__(self, tree: SourceTree, modules: list[str], request: dict) -> None:
        self.tree, self._resolver = tree, None
        tree.know_files(request["package"])
        self.hashes = {m: cache.content_hash(tree.source(m)) for m in modules}
        settings = {k: request[k] for k in ("package", "root", "isolation", "warnings", "timeout")}
        self.context = cache.context(settings)
        table = cache.load(Path(request["cache"]) if request.get("cache") else None, self.context)
        self.facts, self.new_facts = {}, {}
        for module in modules:
            facts = table["facts"].get(self.hashes[module])
            if facts is None:
                facts = self.new_facts[self.hashes[module]] = graph.facts_of(self.resolver, module)
            self.facts[module] = facts
        self.graph = graph.build(modules, self.facts, tree)
        nodes = {name: self.hashes.get(name) or _node_hash(tree, name) for name in self.graph.nodes}
        self.sets = sorted((m, *map(tuple, pair)) for m in modules for pair in self.facts[m]["sets"])
        sets_digest = hashlib.sha1(repr(self.sets).encode()).hexdigest()
        self.keys = cache.keys(self.graph, nodes, self.context, sets_digest)
        self.cached = {m: entry[1] for m, entry in table["green"].items()
                       if m in self.keys and entry[0] == self.keys[m]}

    @property
    def resolver(self):
        if self._resolver is None:
            from .resolution import Resolver  # here, not at the top: see the imports

            self._resolver = Resolver(self.tree)
        return self._resolver


def _node_hash(tree: SourceTree, name: str) -> str:
    path = tree.path_of(name)
    return "absent" if path is None else "folder" if path.is_dir() else cache.content_hash(tree.source(name))


def _shares(request: dict, plan: Plan, pending: list[str]) -> list[list[str]]:
    """The modules to import (dependencies first), one share per zygote."""
    checked = set(pending)
    runtime = [m for m in plan.graph.order if m in checked and m.rpartition(".")[2] != "__main__"]
    jobs = max(1, min(request["jobs"], len(runtime)))
    if request["isolation"] == "shared":  # neighbours in the order run the same modules
        return graph.split(plan.graph, runtime, jobs)
    return [runtime[k::jobs] for k in range(jobs)]


def _check(request: dict, tree: SourceTree, plan: Plan, pending: list[str], shares: list[list[str]], emit) -> bool:
    from . import forks  # here, not at the top: see the imports

    resolver = plan.resolver
    resolver.package_sets = plan.sets
    running = 0
    for module in (m for share in shares for m in share):
        running |= plan.graph.runs[module]
    for module in sorted(set().union(*(graph.external_modules(plan.facts[m], tree)
                                       for m in {*pending, *graph.members(running, plan.graph.nodes)}))):
        resolver.load_external(module)
    package = request["package"]
    leaked = sorted(m for m in sys.modules if m == package or m.startswith(package + "."))
    if leaked:
        emit({"kind": "fatal", "message": f"pre-importing third-party modules imported {', '.join(leaked)} "
                                          "of the tree itself: isolation is void; use isolation=subprocess"})
        return False

    def view(module: str) -> set[str]:  # what may stay loaded while `module` is imported (shared)
        return set(graph.members(plan.graph.runs[module] & ~plan.graph.cycles[module], plan.graph.nodes))

    def check_statically() -> None:
        for module in pending:
            problems, notes = resolver.problems(module)
            emit({"kind": "static", "module": module, "problems": problems, "notes": notes})

    forks.run({**request, "server": str(Path(__file__).with_name("server.py"))}, tree, shares, view, emit,
              check_statically)
    return True


def child_main(module: str, result_path: str, warnings_mode: str) -> None:
    """`--smoke-isolation=subprocess`: import one module in this new interpreter."""
    from .importing import try_import  # here, not at the top: see the imports

    root = Path.cwd().resolve()
    sys.path.insert(0, str(root))
    verdict = try_import(module, SourceTree(root), warnings_mode == "error")
    Path(result_path).write_text(json.dumps(verdict))
