"""A backend copy served the way an operator runs it, for the post-deploy check (the e2e layer).

`python -m ai_receptionist init-db`, `create-account` and `serve`, with the copy on PYTHONPATH,
its own SQLite file and a random JWT secret and password (neither is ever printed).
"""

from __future__ import annotations

import secrets
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

PACKAGE = "ai_receptionist"


class ServeError(RuntimeError):
    """The copy could not be set up or served; the message says why."""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class ServedBackend:
    def __init__(self, backend: Path, workdir: Path, env: dict[str, str]) -> None:
        self.workdir = workdir
        self.email = "qa-mutation@example.test"
        self.password = secrets.token_urlsafe(18)
        self.env = {**env, "PYTHONPATH": str(backend), "DATABASE_URL": f"sqlite:///{workdir / 'served.db'}",
                    "JWT_SECRET": secrets.token_urlsafe(32)}
        self.log = workdir / "served.log"
        self.url = ""
        self.process: subprocess.Popen | None = None

    def _cli(self, *args: str, extra_env: dict[str, str] | None = None) -> None:
        done = subprocess.run([sys.executable, "-m", PACKAGE, *args], env={**self.env, **(extra_env or {})},
                              capture_output=True, text=True, timeout=60)
        if done.returncode != 0:
            tail = (done.stderr or done.stdout).strip().splitlines()[-1:] or ["no output"]
            raise ServeError(f"`{PACKAGE} {args[0]}` exited with {done.returncode}: {tail[0]}")

    def __enter__(self) -> "ServedBackend":
        self._cli("init-db")
        self._cli("create-account", "--email", self.email, "--business-name", "Mutation Testing Co",
                  extra_env={"AI_RECEPTIONIST_PASSWORD": self.password})
        for _attempt in range(3):  # a port taken between free_port() and bind: try another
            port = free_port()
            self.url = f"http://127.0.0.1:{port}"
            with self.log.open("ab") as log:
                self.process = subprocess.Popen(
                    [sys.executable, "-m", PACKAGE, "serve", "--host", "127.0.0.1", "--port", str(port),
                     "--log-level", "warning"],
                    env=self.env, stdout=log, stderr=subprocess.STDOUT)
            if self._wait_ready():
                return self
        self.__exit__()
        raise ServeError(f"the copy did not start serving; log: {self.log_tail()}")

    def _wait_ready(self, seconds: float = 30) -> bool:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                return False
            try:
                httpx.get(f"{self.url}/openapi.json", timeout=1)
                return True
            except httpx.TransportError:
                time.sleep(0.1)
        return False

    def log_tail(self, lines: int = 5) -> str:
        text = self.log.read_text(errors="replace") if self.log.exists() else ""
        return " | ".join(text.strip().splitlines()[-lines:]) or "(empty)"

    def __exit__(self, *exc: object) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
