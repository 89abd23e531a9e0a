"""Isolated imports, a few at a time: the processes that import the package's modules.

Three ways (`--smoke-isolation`):

- `shared` (default): one zygote per job, forked from the warm server (which holds no
  first-party module); each forks one shared child that imports its share of the modules one
  after the other, each module after the modules it runs (graph.py's order). Before each
  import, the package's modules that this module's own imports do not run are taken out of
  `sys.modules` and off their packages (importing.Visibility), and the environment, `sys.path`
  and the current folder are put back as they were: the module sees only what its isolated
  import would have loaded. A module that fails there, or takes its child down, is imported
  again in a child of its own forked from the zygote, and that verdict is the one reported.
- `fork`: a child of its own for every module, forked from the zygote.
- `subprocess`: a new interpreter for every module, as pytest's own testing/test_meta.py does.

Stdlib only: this module is loaded by path into the import server's interpreter.
"""

from __future__ import annotations

import gc
import json
import os
import select
import selectors
import shutil
import signal
import subprocess
import sys
import tempfile
import warnings
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from .importing import CompiledTree, Visibility, try_import


def run(request: dict, tree, shares: list[list[str]], view, emit, meanwhile) -> None:
    """Import the modules of `shares`, one share per zygote (in order: each module after the
    modules it runs); `view(m)`: the modules m's own import runs, but m."""
    modules = [m for share in shares for m in share]
    if request["isolation"] == "subprocess":
        return run_subprocesses(request, tree, modules, emit, meanwhile)
    if not modules:
        return meanwhile()
    workdir = Path(tempfile.mkdtemp(prefix="qa-smoke-"))
    compiled = CompiledTree(tree, modules) if request["isolation"] == "fork" else None
    gc.collect()
    gc.freeze()  # zygotes and children inherit these objects untouched: no copy-on-write from the collector
    zygotes: dict[int, int] = {}  # read end of a zygote's verdict pipe -> its pid
    try:
        for share in shares:
            read_end, write_end = os.pipe()
            sys.stdout.flush(), sys.stderr.flush()
            pid = os.fork()
            if pid == 0:
                for fd in (read_end, *zygotes, emit.fd):
                    os.close(fd)
                _zygote(share, write_end, compiled, workdir, tree, request, view)
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


def _zygote(share: list[str], out: int, compiled, workdir: Path, tree, request: dict, view) -> None:
    """Check each module of `share`; write the verdicts. Never imports a module of the tree."""
    try:
        if compiled is not None:
            for module in share:
                _write(out, _one_child(module, compiled, workdir / module, tree, request))
            return
        pending = list(share)
        while pending:
            for verdict in _shared_child(pending, workdir / f"shared-{pending[0]}", tree, request, view):
                module = pending.pop(0)
                if not verdict["ok"]:  # the verdict that counts is the one of a child of its own
                    alone = _one_child(module, None, workdir / module, tree, request)
                    if alone["ok"]:
                        alone["note"] = f"failed when imported in a shared child ({verdict['problem']['message']})"
                    verdict = alone
                _write(out, verdict)
    finally:
        os._exit(0)


def _write(out: int, verdict: dict) -> None:
    os.write(out, (json.dumps(verdict) + "\n").encode())


def _shared_child(modules: list[str], base: Path, tree, request: dict, view):
    """Import `modules` one after the other in one child; yield each verdict. Stops early when
    the child dies or hangs: the module it was importing gets a failed verdict (checked
    again alone by the caller), and the caller starts another child for the rest."""
    modules = list(modules)  # the caller takes them off its own list as the verdicts come
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(read_end)
        _shared_imports(modules, write_end, base, tree, request, view)
    os.close(write_end)
    pending, done = b"", 0
    try:
        while done < len(modules):
            if not select.select([read_end], [], [], request["timeout"])[0]:
                yield _failed(modules[done], f"the import did not finish within {request['timeout']:g} s")
                return
            chunk = os.read(read_end, 1 << 16)
            if not chunk:
                yield _failed(modules[done], "the import ended the process")
                return
            *lines, pending = (pending + chunk).split(b"\n")
            for line in lines:
                done += 1
                yield json.loads(line)
    finally:
        os.close(read_end)
        with _suppress_child_errors():
            os.kill(pid, signal.SIGKILL)
        with _suppress_child_errors():
            os.waitpid(pid, 0)


def _failed(module: str, message: str) -> dict:
    return {"kind": "import", "module": module, "ok": False, "problem": {"message": message}}


def _shared_imports(modules: list[str], out: int, base: Path, tree, request: dict, view) -> None:
    try:
        output = os.open(f"{base}.out", os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        os.dup2(output, 1), os.dup2(output, 2)
        gc.disable()  # a child lives for a few hundred imports at most
        visibility = Visibility(request["package"])
        environment, path, meta_path, folder = dict(os.environ), list(sys.path), list(sys.meta_path), os.getcwd()
        filters = list(warnings.filters)
        for module in modules:
            if os.environ != environment:
                os.environ.clear()
                os.environ.update(environment)
            sys.path[:], sys.meta_path[:], warnings.filters[:] = path, meta_path, filters
            os.chdir(folder)
            visibility.show_only(view(module))
            verdict = try_import(module, tree, request["warnings"] == "error")
            _write(out, {"kind": "import", "module": module, **verdict})
    finally:
        os._exit(0)


def _one_child(module: str, compiled, base: Path, tree, request: dict) -> dict:
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: import, write the verdict, exit without cleanup
        os.close(read_end)
        gc.disable()  # a child lives for one import
        if compiled is not None:
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


def run_subprocesses(request: dict, tree, modules: list[str], emit, meanwhile) -> None:
    """One new interpreter per module, like pytest's own testing/test_meta.py."""
    def one(module: str) -> dict:
        with tempfile.NamedTemporaryFile(suffix=".json") as result:
            command = [sys.executable, "-P", request["server"], "--child", module, result.name, request["warnings"]]
            try:
                run = subprocess.run(command, cwd=tree.root, capture_output=True, text=True,
                                     timeout=request["timeout"])
            except subprocess.TimeoutExpired:
                return _failed(module, f"the import did not finish within {request['timeout']:g} s")
            text = Path(result.name).read_text()
        verdict = json.loads(text) if text else {
            "ok": False, "problem": {"message": f"the import ended the process (exit status {run.returncode})"}}
        if not verdict["ok"]:
            verdict["problem"]["output"] = (run.stdout + run.stderr)[-2000:]
        return {"kind": "import", "module": module, **verdict}

    with ThreadPoolExecutor(max_workers=request["jobs"]) as pool:
        futures = [pool.submit(one, m) for m in modules]
        meanwhile()
        for future in futures:
            emit(future.result())
