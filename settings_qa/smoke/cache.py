"""Verdicts kept between runs: a module unchanged since its last green verdict is not checked again.

One JSON file per package and source root, in pytest's cache folder
(`.pytest_cache/d/smoke/`, emptied by `--cache-clear`). It holds:

- `context`: a hash of what every verdict depends on beyond the tree: the interpreter
  (executable, version, flags, `sys.path`), the installed distributions (name and version of
  every `*.dist-info` / `*.egg-info` on `sys.path`), the smoke's settings (package, source
  root, isolation, warnings, timeout) and the smoke's own code. Another context: the file is
  ignored, and replaced at the end of the run;
- `facts`: each file's import facts (graph.py) by content hash, so a warm run parses nothing;
- `green`: module -> [key, notes] for modules whose last verdict was green. The key hashes the
  module's own content and the content (or absence) of every first-party name its verdict
  depends on (graph.py's `depends`). Red verdicts are never kept: a failing module is checked
  again on every run, whatever changed.

Deliberately not in the key: the environment variables of the run, files that are not
modules of the tree (configuration, data, `.env`), the contents of installed distributions
beyond their versions (an editable install's sources), time, network and the database:
a module whose import reads those may stay green from an earlier run. `--smoke-cache=off`
(or `QA_SMOKE_CACHE=off`) checks everything.

The server reads the file; pytest's process writes it at the end of the session, merged
under a lock with what another process (an xdist worker) wrote meanwhile.

Stdlib only: this module is loaded by path into the import server's interpreter too.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import sys
import tempfile
from pathlib import Path

VERSION = 1
_FACTS = {"imports", "names", "sets", "dynamic"}  # graph.facts_of's keys
_SMOKE_CODE = Path(__file__).parent


def file_name(package: str, source_root: Path) -> str:
    digest = hashlib.sha256(f"{package}\0{source_root}".encode()).hexdigest()[:16]
    return f"{package}-{digest}.json"


def context(settings: dict) -> str:
    """A hash of the interpreter, the installed distributions, the settings and the smoke's code."""
    digest = hashlib.sha256()
    for part in (VERSION, sys.executable, sys.version, sys.implementation.cache_tag, tuple(sys.flags),
                 sys.warnoptions, sys.path, sorted(settings.items())):
        digest.update(repr(part).encode() + b"\0")
    for entry in sys.path:
        try:
            listed = sorted(n for n in os.listdir(entry or ".") if n.endswith((".dist-info", ".egg-info")))
        except OSError:
            continue
        digest.update(repr(listed).encode())
    for path in sorted(_SMOKE_CODE.glob("*.py")):
        digest.update(path.read_bytes())
    return digest.hexdigest()


def content_hash(source: bytes | None) -> str:
    return hashlib.sha1(source).hexdigest() if source is not None else "absent"


def keys(graph, hashes: dict[str, str], context_hash: str, sets_digest: str) -> dict[str, str]:
    """One key per module of the package: its content and that of every first-party name it
    depends on (graph.py's `depends`), as a hash tree over the graph's components: a
    component's hash covers its members' contents and the hashes of the components it reaches."""
    component_hash: list[str] = []
    for members, reached in graph.components:
        digest = hashlib.sha1()
        for name in sorted(graph.nodes[v] for v in members):
            digest.update(f"{name}\0{hashes.get(name, 'absent')}\n".encode())
        for hashed in sorted(component_hash[c] for c in reached):
            digest.update(hashed.encode())
        component_hash.append(digest.hexdigest())
    everything = hashlib.sha1(repr(sorted(hashes.items())).encode()).hexdigest() if graph.dynamic else ""
    found = {}
    for module, component in graph.component_of.items():
        whole = everything if component in graph.dynamic else ""  # imports by computed name: any module
        found[module] = hashlib.sha1(
            f"{context_hash}\0{module}\0{component_hash[component]}\0{sets_digest}\0{whole}".encode()).hexdigest()
    return found


def load(path: Path | None, context_hash: str) -> dict:
    """The cached table for this context, or an empty one (no file, another context, unreadable)."""
    empty = {"facts": {}, "green": {}}
    if path is None:
        return empty
    try:
        table = json.loads(path.read_bytes())
    except (OSError, ValueError):
        return empty
    if not isinstance(table, dict) or table.get("context") != context_hash:
        return empty
    facts, green = table.get("facts"), table.get("green")
    if not isinstance(facts, dict) or not isinstance(green, dict):
        return empty
    # Entries of another shape (a file edited by hand) are dropped: those modules are checked again.
    return {"facts": {h: f for h, f in facts.items() if isinstance(f, dict) and _FACTS <= f.keys()},
            "green": {m: e for m, e in green.items()
                      if isinstance(e, list) and len(e) == 2 and isinstance(e[0], str) and isinstance(e[1], list)}}


def store(path: Path, context_hash: str, hashes: dict[str, str], new_facts: dict[str, dict],
          green: dict[str, list], red: set[str]) -> None:
    """Merge this run's verdicts into the file, under a lock, and replace it in one step.

    `hashes`: module -> content hash of this run's tree (facts of other hashes are dropped);
    `green`: module -> [key, notes] for the green verdicts of this run; `red`: modules found red
    (a green entry another process wrote for them is dropped)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path.with_suffix(".lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        previous = load(path, context_hash)
        wanted = set(hashes.values())
        facts = {h: f for h, f in previous["facts"].items() if h in wanted}
        facts.update(new_facts)
        kept = {m: entry for m, entry in previous["green"].items() if m in hashes and m not in red}
        kept.update(green)
        table = {"version": VERSION, "context": context_hash, "facts": facts, "green": kept}
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=path.name, suffix=".tmp")
        with os.fdopen(handle, "w") as out:
            json.dump(table, out, separators=(",", ":"))
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(temporary, 0o666 & ~umask)  # as pytest's own cache files, not mkstemp's 0600
        os.replace(temporary, path)
