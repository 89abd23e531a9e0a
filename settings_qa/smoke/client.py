"""The pytest side of the import server: start server.py, hand out its verdicts per module,
and write the green ones to the cache when the session ends.

The server runs beside pytest (started as early as the run is known to be smoke-only), so
its warm-up overlaps pytest's own start-up; a test blocks only until its module's verdict
has arrived.
"""

from __future__ import annotations

import json
import os
import select
import signal
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from settings_qa.smoke import cache
from settings_qa.smoke.settings import SmokeSettings

SERVER = Path(__file__).with_name("server.py")


class ImportServerError(RuntimeError):
    pass


@dataclass
class Verdict:
    static: list[dict] = field(default_factory=list)  # what cannot succeed, checked without running it
    imported: dict | None = None  # the isolated import's verdict (None for __main__: never imported)
    notes: list[dict] = field(default_factory=list)  # what was not decided statically, and why
    cached: bool = False  # unchanged since its last green verdict: not checked again

    @property
    def ok(self) -> bool:
        return not self.static and (self.imported is None or self.imported["ok"])


class ImportServer:
    def __init__(self, settings: SmokeSettings, modules: list[str], cache_file: Path | None = None) -> None:
        """`cache_file`: the cache to read (None: check every module)."""
        self.settings = settings
        self._stderr = tempfile.TemporaryFile()
        request = {
            "root": str(settings.source_root),
            "package": settings.package,
            "modules": modules,
            "isolation": settings.isolation,
            "jobs": settings.jobs,
            "timeout": settings.timeout,
            "warnings": settings.warnings,
            "cache": str(cache_file) if cache_file is not None else None,
        }
        # -P: the server's folder is not put on sys.path; only the source root is.
        # A session of its own, so that close() can stop the server and its children together.
        self._process = subprocess.Popen(
            [sys.executable, "-P", str(SERVER)], cwd=settings.source_root, stdin=subprocess.PIPE,
            stdout=subprocess.PIPE, stderr=self._stderr, start_new_session=True,
        )
        self._process.stdin.write(json.dumps(request).encode())
        self._process.stdin.close()
        self._imported = {m for m in modules if m.rpartition(".")[2] != "__main__"}
        self._verdicts: dict[str, Verdict] = {}
        self._received: dict[str, set[str]] = {}  # module -> the kinds of message received
        self._plan: dict | None = None
        self._pending = b""
        self._ended = False

    @property
    def checked(self) -> list[str]:
        """The modules whose verdict has arrived."""
        return [m for m in self._verdicts if self._complete(m)]

    @property
    def cached(self) -> int:
        return sum(self._verdicts[m].cached for m in self.checked)

    def verdict(self, module: str) -> Verdict:
        """The module's verdict: static problems, isolated import, notes."""
        while not self._complete(module):
            self._read(f"no verdict for {module}")
        return self._verdicts[module]

    def order(self) -> list[str]:
        """The modules the server checks (the others come from the cache), in about the order
        their verdicts will come in."""
        while self._plan is None:
            self._read("no plan")
        return self._plan["order"]

    def _read(self, missing: str) -> None:
        # Quiet for longer than one import may take: the server is stuck, not slow.
        patience = self.settings.timeout + 30
        if self._ended:
            raise ImportServerError(f"the import server gave {missing}\n{self._stderr_tail()}")
        if not select.select([self._process.stdout], [], [], patience)[0]:
            raise ImportServerError(f"no answer from the import server for {patience:g} s")
        chunk = os.read(self._process.stdout.fileno(), 1 << 16)
        self._ended = not chunk
        *lines, self._pending = (self._pending + chunk).split(b"\n")
        for line in lines:
            self._receive(json.loads(line))

    def _complete(self, module: str) -> bool:
        received = self._received.get(module, ())
        return "cached" in received or ("static" in received and (
            "import" in received or module not in self._imported))

    def _receive(self, message: dict) -> None:
        kind = message["kind"]
        if kind == "fatal":
            raise ImportServerError(message["message"])
        if kind == "done":
            self._ended = True
            return
        if kind == "plan":
            self._plan = message
            return
        if kind == "cached":
            for module, notes in message["modules"].items():
                self._verdicts[module] = Verdict(notes=notes, cached=True)
                self._received[module] = {"cached"}
            return
        message = _relative_paths(message, self.settings.source_root)
        verdict = self._verdicts.setdefault(message["module"], Verdict())
        self._received.setdefault(message["module"], set()).add(kind)
        if kind == "static":
            verdict.static, verdict.notes = message["problems"], message["notes"] + verdict.notes
        else:
            verdict.imported = {k: v for k, v in message.items() if k not in ("kind", "module", "note")}
            if message.get("note"):
                verdict.notes.append({"line": 0, "text": message["module"], "why": message["note"]})

    def store(self, cache_file: Path) -> None:
        """Keep this run's green verdicts (and the files' facts) for the next run."""
        if self._plan is None or "keys" not in self._plan:
            return  # nothing new: the file already says all this
        green, red = {}, set()
        for module, verdict in self._verdicts.items():
            if not self._complete(module):
                continue
            if verdict.ok:
                green[module] = [self._plan["keys"][module], verdict.notes]
            else:
                red.add(module)
        cache.store(cache_file, self._plan["context"], self._plan["hashes"], self._plan["facts"], green, red)

    def _stderr_tail(self) -> str:
        self._stderr.seek(0)
        return self._stderr.read().decode(errors="replace")[-3000:]

    def close(self) -> None:
        if self._process.poll() is None:
            os.killpg(self._process.pid, signal.SIGKILL)
        self._process.wait()
        self._process.stdout.close()
        self._stderr.close()


def _relative_paths(value, root: Path):
    """Paths under the source root relative to the current folder, if it holds the root."""
    if isinstance(value, dict):
        return {k: _relative_paths(v, root) for k, v in value.items()}
    if isinstance(value, list):
        return [_relative_paths(v, root) for v in value]
    if isinstance(value, str) and str(root) in value and root.is_relative_to(Path.cwd()):
        shown = os.path.relpath(root)
        return value.replace(str(root) + os.sep, "" if shown == "." else shown + os.sep)
    return value
