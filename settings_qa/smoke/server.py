"""The import server: a separate interpreter that checks one source tree and streams verdicts.

Run by client.py as `python -P server.py` with a JSON request on stdin; writes one JSON line
per verdict on stdout:

1. reads every module with `ast` and pre-imports the modules outside the tree that they
   import (standard library and installed distributions) - never a module of the tree;
2. imports each module of the package in isolation: in a child forked from this warmed
   interpreter (`fork`, the default) or in a new interpreter (`subprocess`, as pytest's
   testing/test_meta.py does), a few at a time. Forked children get the tree's modules
   compiled once, here (compiled, never run): a child imports a module's whole closure,
   and without a bytecode cache (PYTHONDONTWRITEBYTECODE=1) each would compile every file
   of it again, which made the time grow with modules x closure;
3. meanwhile resolves every import statement statically (analyzer.py for first-party
   targets, the pre-imported modules for the others).

Stdlib only, and loaded by path, so nothing of the QA suite is importable by the code under
test (the tree's folder is the only path added).
"""

from __future__ import annotations

import gc
import importlib
import importlib.abc
import importlib.machinery
import importlib.util
import json
import os
import re
import select
import selectors
import shutil
import signal
import subprocess
import sys
import tempfile
import traceback
import warnings
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path


def _load_sibling(name: str):
    spec = importlib.util.spec_from_file_location(f"_qa_smoke_{name}", Path(__file__).with_name(f"{name}.py"))
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


analyzer = _load_sibling("analyzer")
diagnosis = _load_sibling("diagnosis")


# -- the tree compiled once, for the forked children --------------------------------------
class CompiledTree(importlib.abc.MetaPathFinder):
    """Finds the tree's modules as the path finder does, but loads their code compiled here.

    Only the compile step is shared: each child still creates and runs every module it imports,
    in a process where none of the tree has run. A file that does not compile is left to the
    normal loader, so its SyntaxError reads as before.
    """

    def __init__(self, tree, modules: list[str]) -> None:
        self.entries: dict[str, tuple[str, object, bool]] = {}  # module -> (file, code, is a package)
        for module in modules:
            path = tree.path_of(module)
            if path is None or not path.is_file():
                continue
            try:
                code = compile(path.read_bytes(), str(path), "exec", dont_inherit=True)
            except (SyntaxError, ValueError):
                continue
            self.entries[module] = (str(path), code, path.name == "__init__.py")

    def find_spec(self, name, path=None, target=None):
        entry = self.entries.get(name)
        if entry is None:
            return None  # not ours, or not compiled: the path finder's
        file, code, package = entry
        return importlib.util.spec_from_file_location(
            name, file, loader=_CompiledLoader(name, file, code),
            submodule_search_locations=[os.path.dirname(file)] if package else None)


class _CompiledLoader(importlib.machinery.SourceFileLoader):
    def __init__(self, fullname: str, path: str, code) -> None:
        super().__init__(fullname, path)
        self._code = code

    def get_code(self, fullname):
        return self._code


# -- one module, imported in isolation (runs in the child) ------------------------------
def try_import(module: str, tree, warnings_as_errors: bool) -> dict:
    if warnings_as_errors:
        warnings.simplefilter("error")
    try:
        importlib.import_module(module)
    except BaseException as exc:  # SystemExit and KeyboardInterrupt at import time count too
        return {"ok": False, "problem": describe_failure(exc, tree)}
    return {"ok": True}


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
        if _module_exists(f"{owner}.{exc.name}", tree):
            # `a.b.c.f` in the statement: import the longest module of that path, a.b.c
            used = re.search(re.escape(f"{owner}.{exc.name}") + r"[\w.]*", statement)
            parts = (used.group(0) if used else f"{owner}.{exc.name}").split(".")
            module = next(m for m in (".".join(parts[:n]) for n in range(len(parts), 0, -1))
                          if _module_exists(m, tree))
            return (f"'{owner}.{exc.name}' is a module this module never imports: the attribute "
                    f"exists only once some other module has imported it; add `import {module}`")
        return diagnosis.did_you_mean(exc.name, dir(exc.obj))
    return ""


def _module_exists(module: str, tree) -> bool:
    if tree.is_first_party(module.partition(".")[0]):
        return tree.path_of(module) is not None
    try:
        return importlib.util.find_spec(module) is not None
    except (ImportError, ValueError):
        return False


# -- static resolution ------------------------------------------------------------------
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
        if ref.name is None or hasattr(loaded, ref.name) or _module_exists(f"{ref.module}.{ref.name}", self.tree):
            return None
        return {"message": f"cannot import name {ref.name!r}: {ref.module} ({getattr(loaded, '__file__', 'built-in')}) "
                           f"does not define it", "hint": diagnosis.did_you_mean(ref.name, dir(loaded))}


# -- isolated imports, a few at a time --------------------------------------------------
def run_forked(request: dict, tree, emit, meanwhile) -> None:
    """One child per module, forked from this interpreter (which holds no first-party module).

    The work is shared by `jobs` zygotes, forked once from this warm interpreter: each takes
    every `jobs`-th module and imports it in a child of its own, one at a time, so the forks
    themselves run in parallel too. This process does the static checks meanwhile and relays
    the zygotes' verdicts.
    """
    workdir = Path(tempfile.mkdtemp(prefix="qa-smoke-"))
    compiled = CompiledTree(tree, request["static"])
    gc.collect()
    gc.freeze()  # zygotes and children inherit these objects untouched: no copy-on-write from the collector
    modules = request["runtime"]
    jobs = max(1, min(request["jobs"], len(modules)))
    zygotes: dict[int, int] = {}  # read end of a zygote's verdict pipe -> its pid
    try:
        for share in (modules[k::jobs] for k in range(jobs)):
            read_end, write_end = os.pipe()
            sys.stdout.flush(), sys.stderr.flush()
            pid = os.fork()
            if pid == 0:
                for fd in (read_end, *zygotes, emit.fd):
                    os.close(fd)
                _zygote(share, write_end, compiled, workdir, tree, request)
            os.close(write_end)
            zygotes[read_end] = pid
        meanwhile()
        _relay(zygotes, emit)
    finally:
        for pid in zygotes.values():
            with _suppress_child_errors():
                os.kill(pid, signal.SIGKILL)
                os.waitpid(pid, 0)
        shutil.rmtree(workdir, ignore_errors=True)


def _relay(zygotes: dict[int, int], emit) -> None:
    """Pass on each complete verdict line of every zygote until all have finished."""
    selector = selectors.DefaultSelector()
    pending = {fd: b"" for fd in zygotes}
    for fd in zygotes:
        selector.register(fd, selectors.EVENT_READ)
    while pending:
        for key, _ in selector.select():
            chunk = os.read(key.fd, 1 << 16)
            if not chunk:
                selector.unregister(key.fd)
                os.close(key.fd)
                del pending[key.fd]
                continue
            *lines, pending[key.fd] = (pending[key.fd] + chunk).split(b"\n")
            for line in lines:
                emit(json.loads(line))


def _zygote(share: list[str], out: int, compiled, workdir: Path, tree, request: dict) -> None:
    """Import each module of `share` in a child of its own, one after the other; write the verdicts."""
    try:
        for module in share:
            verdict = _one_child(module, compiled, workdir / module, tree, request)
            os.write(out, (json.dumps(verdict) + "\n").encode())
    finally:
        os._exit(0)


def _one_child(module: str, compiled, base: Path, tree, request: dict) -> dict:
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: import, write the verdict, exit without cleanup
        os.close(read_end)
        gc.disable()  # a child lives for one import
        sys.meta_path.insert(0, compiled)
        _child(module, write_end, base, tree, request["warnings"] == "error")
    os.close(write_end)
    ready, _, _ = select.select([read_end], [], [], request["timeout"])
    data = b""
    if ready:
        while chunk := os.read(read_end, 1 << 16):
            data += chunk
    os.close(read_end)
    if not ready:
        os.kill(pid, signal.SIGKILL)
    return _collect(pid, module, base, data, timed_out=not ready, timeout=request["timeout"])


def _child(module: str, verdict_fd: int, base: Path, tree, warnings_as_errors: bool) -> None:
    try:
        output = os.open(f"{base}.out", os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        os.dup2(output, 1), os.dup2(output, 2)
        verdict = try_import(module, tree, warnings_as_errors)
        os.write(verdict_fd, json.dumps(verdict).encode())
    finally:
        os._exit(0)


def _collect(pid: int, module: str, base: Path, data: bytes, *, timed_out: bool, timeout: float) -> dict:
    _, status = os.waitpid(pid, 0)
    if timed_out:
        verdict = {"ok": False, "problem": {"message": f"the import did not finish within {timeout:g} s"}}
    elif data:
        verdict = json.loads(data)
    else:
        verdict = {"ok": False, "problem": {"message": f"the import ended the process ({_exit_text(status)})"}}
    output = Path(f"{base}.out")
    if not verdict["ok"] and output.exists():
        verdict["problem"]["output"] = output.read_text(errors="replace")[-2000:]
    return {"kind": "import", "module": module, **verdict}


class _suppress_child_errors:
    def __enter__(self) -> None:
        return None

    def __exit__(self, kind, value, traceback) -> bool:
        return kind is not None and issubclass(kind, (ProcessLookupError, ChildProcessError))


def _exit_text(status: int) -> str:
    if os.WIFSIGNALED(status):
        return f"killed by signal {os.WTERMSIG(status)}"
    return f"exit status {os.waitstatus_to_exitcode(status)}"


def run_subprocesses(request: dict, tree, emit, meanwhile) -> None:
    """One new interpreter per module, like pytest's own testing/test_meta.py."""
    def one(module: str) -> dict:
        with tempfile.NamedTemporaryFile(suffix=".json") as result:
            command = [sys.executable, "-P", __file__, "--child", module, result.name, request["warnings"]]
            try:
                run = subprocess.run(command, cwd=tree.root, capture_output=True, text=True,
                                     timeout=request["timeout"])
            except subprocess.TimeoutExpired:
                return {"kind": "import", "module": module, "ok": False,
                        "problem": {"message": f"the import did not finish within {request['timeout']:g} s"}}
            text = Path(result.name).read_text()
        verdict = json.loads(text) if text else {
            "ok": False, "problem": {"message": f"the import ended the process (exit status {run.returncode})"}}
        if not verdict["ok"]:
            verdict["problem"]["output"] = (run.stdout + run.stderr)[-2000:]
        return {"kind": "import", "module": module, **verdict}

    with ThreadPoolExecutor(max_workers=request["jobs"]) as pool:
        futures = [pool.submit(one, m) for m in request["runtime"]]
        meanwhile()
        for future in futures:
            emit(future.result())


# -- entry points -----------------------------------------------------------------------
class Emitter:
    def __init__(self) -> None:
        self.fd = os.dup(1)  # verdicts go here; the tree's own prints go to stderr
        os.dup2(2, 1)

    def __call__(self, message: dict) -> None:
        os.write(self.fd, (json.dumps(message) + "\n").encode())


def serve(request: dict) -> None:
    emit = Emitter()
    root = Path(request["root"]).resolve()
    sys.path.insert(0, str(root))
    tree = analyzer.SourceTree(root)
    resolver = Resolver(tree)
    refs = [ref for module in request["static"] for ref in tree.imports(module)]
    for module in sorted({r.module for r in refs if r.module and not tree.is_first_party(r.top)}):
        resolver.load_external(module)
    leaked = sorted(m for m in sys.modules if tree.is_first_party(m.partition(".")[0]))
    if leaked:
        emit({"kind": "fatal", "message": f"pre-importing third-party modules imported {', '.join(leaked)} "
                                          "of the tree itself: isolation is void; use isolation=subprocess"})
        return

    def check_statically() -> None:
        for module in request["static"]:
            emit({"kind": "static", "module": module, "problems": resolver.problems(module)})

    runner = run_forked if request["isolation"] == "fork" else run_subprocesses
    runner(request, tree, emit, check_statically)
    emit({"kind": "done"})


def child_main(module: str, result_path: str, warnings_mode: str) -> None:
    root = Path.cwd().resolve()
    sys.path.insert(0, str(root))
    verdict = try_import(module, analyzer.SourceTree(root), warnings_mode == "error")
    Path(result_path).write_text(json.dumps(verdict))


if __name__ == "__main__":
    if sys.argv[1:2] == ["--child"]:
        child_main(*sys.argv[2:5])
    else:
        serve(json.load(sys.stdin))
