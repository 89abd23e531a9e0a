"""Isolated imports, a few at a time: the processes that import the package's modules.

- `run_forked` (`--smoke-isolation=fork`, the default): one zygote per job, forked from the
  warm server (which holds no first-party module); each imports every job-th module in a
  child of its own, forked from it, with the tree compiled once (importing.CompiledTree);
- `run_subprocesses`: a new interpreter for every module, as pytest's own
  testing/test_meta.py does.

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
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from .importing import CompiledTree, try_import


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
            command = [sys.executable, "-P", request["server"], "--child", module, result.name, request["warnings"]]
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
