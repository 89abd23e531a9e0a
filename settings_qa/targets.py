"""Targets: the backend a run talks to, chosen by configuration, invisible to steps.

- embedded: the reference backend in-process (httpx.ASGITransport) on a fresh
  temporary SQLite database, accounts provisioned by the suite;
- served: the reference backend under uvicorn on a free loopback port, started
  and stopped by the suite, so requests cross a real HTTP stack;
- deployment: any backend at `--base-url`, accounts from the environment.

The reference backend is imported or started here only to *run* it; nothing in
the suite asks it what is right.
"""

from __future__ import annotations

import ipaddress
import os
import secrets
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx

from settings_qa import accounts as accounts_mod
from settings_qa.accounts import Account

BACKEND_PACKAGE = "ai_receptionist"


class TargetError(RuntimeError):
    """The target could not be set up; the message says why in one line."""


@dataclass
class Target:
    mode: str
    base_url: str
    accounts: dict[str, Account] = field(default_factory=dict)
    timeout: float = 30.0
    app: Any = None  # the ASGI app, when in-process
    jwt_secret: str | None = field(default=None, repr=False)  # known only for backends the suite starts

    @property
    def is_loopback(self) -> bool:
        if self.app is not None:
            return True
        host = urlsplit(self.base_url).hostname or ""
        if host == "localhost":
            return True
        try:
            return ipaddress.ip_address(host).is_loopback
        except ValueError:
            return False

    @property
    def provisions_accounts(self) -> bool:
        return self.mode != "deployment"

    def http_client(self) -> httpx.Client:
        return httpx.Client(base_url=self.base_url, timeout=self.timeout, follow_redirects=False)

    def describe(self) -> str:
        return f"{self.mode} ({self.base_url})"

    def start(self) -> None:  # pragma: no cover - overridden where there is work
        pass

    def stop(self) -> None:
        pass


class DeploymentTarget(Target):
    def __init__(self, base_url: str, timeout: float) -> None:
        parts = urlsplit(base_url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise TargetError(f"--base-url must be an http(s) URL with a host, got {base_url!r}")
        super().__init__("deployment", base_url.rstrip("/"), accounts_mod.from_environment(), timeout)


class EmbeddedTarget(Target):
    """The reference backend in this process, on a fresh SQLite file."""

    def __init__(self, backend_path: Path, workdir: Path, worker: str, business_names: dict[str, str]):
        super().__init__("embedded", "http://embedded.test", accounts_mod.generated(worker))
        self.backend_path, self.workdir, self.business_names = backend_path, workdir, business_names
        self._transport = None

    def start(self) -> None:
        _check_backend_path(self.backend_path)
        sys.path.insert(0, str(self.backend_path))
        self.database = ScratchDatabase(self.workdir, "embedded")
        os.environ["DATABASE_URL"] = self.database.create()
        self.jwt_secret = secrets.token_urlsafe(32)
        os.environ["JWT_SECRET"] = self.jwt_secret
        try:
            from ai_receptionist.accounts import create_account
            from ai_receptionist.core.database import init_db, reset_engine
            from ai_receptionist.main import create_app
        except ImportError as exc:
            raise TargetError(f"cannot import the reference backend from {self.backend_path}: {exc}") from exc
        reset_engine()
        init_db()
        for role, account in self.accounts.items():
            create_account(email=account.email, password=account.password,
                           business_name=self.business_names.get(role))
        self.app = create_app()
        from settings_qa.asgi import SyncASGITransport

        self._transport = SyncASGITransport(self.app)

    def http_client(self) -> httpx.Client:
        return httpx.Client(transport=self._transport, base_url=self.base_url, timeout=self.timeout)

    def stop(self) -> None:
        if self._transport is not None:
            self._transport.shutdown()
            from ai_receptionist.core.database import reset_engine

            reset_engine()
            self.database.drop()


class ServedTarget(Target):
    """The reference backend under uvicorn, on a free loopback port, in a child process."""

    def __init__(self, backend_path: Path, workdir: Path, worker: str, business_names: dict[str, str]):
        super().__init__("served", "", accounts_mod.generated(worker))
        self.backend_path, self.workdir, self.business_names = backend_path, workdir, business_names
        self.process: subprocess.Popen | None = None
        self.log_path = workdir / "served-backend.log"

    def _env(self) -> dict[str, str]:
        env = dict(os.environ)
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(self.backend_path), env.get("PYTHONPATH")]))
        env["DATABASE_URL"] = self.database.url
        env["JWT_SECRET"] = self.jwt_secret
        return env

    def _cli(self, *args: str, password: str | None = None) -> None:
        env = self._env()
        if password is not None:
            env["AI_RECEPTIONIST_PASSWORD"] = password
        done = subprocess.run([sys.executable, "-m", BACKEND_PACKAGE, *args], env=env,
                              capture_output=True, text=True, timeout=60)
        if done.returncode != 0:
            last = (done.stderr.strip() or done.stdout.strip()).splitlines()[-1:] or ["no output"]
            raise TargetError(f"`python -m {BACKEND_PACKAGE} {args[0]}` failed: {last[0]}")

    def start(self) -> None:
        _check_backend_path(self.backend_path)
        self.jwt_secret = secrets.token_urlsafe(32)
        self.database = ScratchDatabase(self.workdir, "served")
        self.database.create()
        self._cli("init-db")
        for role, account in self.accounts.items():
            name = self.business_names.get(role)
            extra = ["--business-name", name] if name else ["--no-business"]
            self._cli("create-account", "--email", account.email, *extra, password=account.password)
        port = free_port()
        self.base_url = f"http://127.0.0.1:{port}"
        log = self.log_path.open("wb")
        self.process = subprocess.Popen(
            [sys.executable, "-m", BACKEND_PACKAGE, "serve", "--host", "127.0.0.1", "--port", str(port)],
            env=self._env(), stdout=log, stderr=subprocess.STDOUT,
        )
        self._wait_ready()

    def _wait_ready(self, limit: float = 30.0) -> None:
        deadline = time.monotonic() + limit
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                tail = self.log_path.read_text(errors="replace").strip().splitlines()[-1:] or ["no output"]
                raise TargetError(f"the served backend exited with {self.process.returncode}: {tail[0]}")
            try:
                httpx.get(self.base_url + "/openapi.json", timeout=1.0)
                return
            except httpx.TransportError:
                time.sleep(0.1)
        self.stop()
        raise TargetError(f"the served backend did not answer on {self.base_url} within {limit:.0f} s")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        if self.process is not None:
            self.database.drop()


class ScratchDatabase:
    """A fresh database for a backend the suite starts: a SQLite file by default, or a new
    PostgreSQL database on the server named by QA_BACKEND_DATABASE_URL, dropped afterwards."""

    def __init__(self, workdir: Path, label: str) -> None:
        self.server = os.environ.get("QA_BACKEND_DATABASE_URL", "")
        self.name = f"settings_qa_{label}_{secrets.token_hex(4)}".replace("-", "_")
        if not self.server:
            self.url = f"sqlite:///{workdir / (label + '.db')}"
        elif self.server.startswith("postgresql"):
            parts = urlsplit(self.server)
            self.url = parts._replace(path="/" + self.name).geturl()
        else:
            raise TargetError(f"QA_BACKEND_DATABASE_URL must be a postgresql+psycopg:// URL, got {self.server!r}")

    def _admin(self, statement: str) -> None:
        import psycopg

        conninfo = self.server.replace("postgresql+psycopg://", "postgresql://", 1)
        try:
            with psycopg.connect(conninfo, autocommit=True, connect_timeout=5) as conn:
                conn.execute(statement)
        except psycopg.Error as exc:
            raise TargetError(f"PostgreSQL at {urlsplit(self.server).hostname}: {str(exc).strip()}") from None

    def create(self) -> str:
        if self.server:
            self._admin(f'CREATE DATABASE "{self.name}"')
        return self.url

    def drop(self) -> None:
        if self.server:
            self._admin(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _check_backend_path(path: Path) -> None:
    if not (path / BACKEND_PACKAGE / "__init__.py").is_file():
        raise TargetError(f"no {BACKEND_PACKAGE} package under {path} (set --backend-path or QA_BACKEND_PATH)")
