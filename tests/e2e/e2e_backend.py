"""The reference backend (backend/ai_receptionist) as a real server: `python -m ai_receptionist
serve` in a subprocess on a free loopback port, with its own SQLite file and accounts made by
its own `create-account` command. Used only to run it; nothing here asks it what is right."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
import time
from pathlib import Path

import httpx

from conftest import REPO, free_port

BACKEND = REPO / "backend"
# A sitecustomize that makes the auditor unimportable: the incident's ImportError, for real.
INCIDENT_SITECUSTOMIZE = '''
import importlib.abc, sys

class _BrokenAuditor(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name == "ai_receptionist.services.voice.auditor":
            raise ImportError("cannot import name 'SessionLocal' from 'ai_receptionist.core.database'")
        return None

sys.meta_path.insert(0, _BrokenAuditor())
'''


def backend_available() -> bool:
    return (BACKEND / "ai_receptionist" / "__main__.py").is_file()


class BackendServer:
    def __init__(self, workdir: Path, *, incident: bool = False) -> None:
        self.workdir = workdir
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = workdir / "server.log"
        self.env = {
            **{k: v for k, v in os.environ.items() if not k.startswith("QA_")},
            "PYTHONPATH": str(BACKEND),
            "DATABASE_URL": f"sqlite:///{workdir / 'backend.db'}",
            "JWT_SECRET": secrets.token_urlsafe(32),
            "BCRYPT_ROUNDS": "4",
        }
        self.serve_env = dict(self.env)
        if incident:
            (workdir / "sitecustomize.py").write_text(INCIDENT_SITECUSTOMIZE)
            self.serve_env["PYTHONPATH"] = f"{workdir}{os.pathsep}{BACKEND}"
        self.process: subprocess.Popen | None = None

    @property
    def database(self) -> Path:
        return self.workdir / "backend.db"

    def create_accounts(self, accounts: list[tuple[str, str, str]]) -> None:
        """(email, password, business name) each, by the backend's own command, in parallel."""
        subprocess.run([sys.executable, "-m", "ai_receptionist", "init-db"], env=self.env, check=True,
                       capture_output=True, timeout=30)
        running = [
            subprocess.Popen(
                [sys.executable, "-m", "ai_receptionist", "create-account", "--email", email,
                 "--business-name", business],
                env={**self.env, "AI_RECEPTIONIST_PASSWORD": password},
                stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
            )
            for email, password, business in accounts
        ]
        for process in running:
            output, _ = process.communicate(timeout=30)
            if process.returncode != 0:
                raise RuntimeError(f"create-account failed: {output.decode(errors='replace')[-500:]}")

    def start(self) -> None:
        with self.log.open("wb") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "ai_receptionist", "serve", "--host", "127.0.0.1",
                 "--port", str(self.port), "--log-level", "warning"],
                env=self.serve_env, stdout=log, stderr=subprocess.STDOUT,
            )

    def wait_ready(self, seconds: float = 20) -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if self.process is None or self.process.poll() is not None:
                raise RuntimeError(f"the reference backend exited: {self.log.read_text()[-2000:]}")
            try:
                httpx.get(f"{self.url}/openapi.json", timeout=1)
                return
            except httpx.TransportError:
                time.sleep(0.1)
        raise RuntimeError(f"the reference backend did not answer within {seconds} s")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
