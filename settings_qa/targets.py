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

import contextlib
import fcntl
import hashlib
import ipaddress
import os
import secrets
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx

from settings_qa import accounts as accounts_mod
from settings_qa.accounts import Account
from settings_qa.journal import deployment_key
from settings_qa.net.transport import build_client
from settings_qa.redaction import register_secret

BACKEND_PACKAGE = "ai_receptionist"
# A password hash's cost is a property of a deployment, not of the contract: the backends the
# suite starts hash with the lowest bcrypt cost unless the user sets BCRYPT_ROUNDS (test
# runners of mature web frameworks do the same). A deployment is never touched by this.
TEST_BCRYPT_ROUNDS = "4"


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
    journal: Any = None  # the restore journal (settings_qa/journal.py), for a deployment's accounts

    @property
    def is_loopback(self) -> bool:
        return self.app is not None or is_loopback_url(self.base_url)

    def write_lock(self) -> contextlib.AbstractContextManager:
        """Held while something writes an account. Accounts the suite provisions belong to one
        xdist worker; a deployment's are shared by every worker and every run on this machine."""
        return contextlib.nullcontext() if self.provisions_accounts else _url_lock(self.base_url)

    @property
    def provisions_accounts(self) -> bool:
        return self.mode != "deployment"

    def http_client(self) -> httpx.Client:
        """A client through the one transport (settings_qa/net): pacing, waits, retries, events."""
        return build_client(self.base_url, timeout=self.timeout)

    def start(self) -> None:  # pragma: no cover - overridden where there is work
        pass

    def stop(self) -> None:
        pass


class DeploymentTarget(Target):
    """Any backend at a base URL (normalised by settings_qa.runsettings), accounts from the environment."""

    def __init__(self, base_url: str, timeout: float) -> None:
        super().__init__("deployment", base_url.rstrip("/"), accounts_mod.from_environment(), timeout)


class EmbeddedTarget(Target):
    """The reference backend in this process, on a fresh SQLite file."""

    def __init__(self, backend_path: Path, workdir: Path, worker: str, business_names: dict[str, str]):
        super().__init__("embedded", "http://embedded.test", accounts_mod.generated(worker))
        self.backend_path, self.workdir, self.business_names = backend_path, workdir, business_names
        self._transport = None
        self.database: ScratchDatabase | None = None

    def start(self) -> None:
        _check_backend_path(self.backend_path)
        _start_or_clean_up(self, self._start)

    def _start(self) -> None:
        sys.path.insert(0, str(self.backend_path))
        self.database = ScratchDatabase(self.workdir, "embedded")
        os.environ["DATABASE_URL"] = self.database.create()
        self.jwt_secret = secrets.token_urlsafe(32)
        register_secret(self.jwt_secret)
        os.environ["JWT_SECRET"] = self.jwt_secret
        os.environ.setdefault("BCRYPT_ROUNDS", TEST_BCRYPT_ROUNDS)
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
        return build_client(self.base_url, timeout=self.timeout, inner=self._transport)

    def stop(self) -> None:
        if self._transport is not None:
            self._transport.shutdown()
            self._transport = None
        database_module = sys.modules.get(f"{BACKEND_PACKAGE}.core.database")
        if database_module is not None:
            database_module.reset_engine()  # close its connections before the database is dropped
        if self.database is not None:
            self.database.drop()
            self.database = None


class ServedTarget(Target):
    """The reference backend under uvicorn, on a free loopback port, in a child process.

    Also the one way the project's own tests and the mutation catalogue serve a backend
    (any copy, any accounts): `with ServedTarget(...) as served:` then `served.base_url`,
    `served.accounts`, `served.qa_environment()`.
    """

    def __init__(self, backend_path: Path, workdir: Path, worker: str = "main",
                 business_names: dict[str, str | None] | None = None, *,
                 accounts: dict[str, Account] | None = None, environ: dict[str, str] | None = None):
        super().__init__("served", "", accounts or accounts_mod.generated(worker))
        self.backend_path, self.workdir = Path(backend_path), Path(workdir)
        self.business_names = business_names or {"primary": "Primary Test Co", "secondary": "Secondary Test Co"}
        self.environ = dict(os.environ if environ is None else environ)
        self.process: subprocess.Popen | None = None
        self.database: ScratchDatabase | None = None
        self.log_path = self.workdir / "served-backend.log"

    def __enter__(self) -> "ServedTarget":
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def _env(self, **extra: str) -> dict[str, str]:
        env = dict(self.environ)
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(self.backend_path), env.get("PYTHONPATH")]))
        env.update(DATABASE_URL=self.database.url, JWT_SECRET=self.jwt_secret, **extra)
        env.setdefault("BCRYPT_ROUNDS", TEST_BCRYPT_ROUNDS)
        return env

    def _cli(self, *args: str, password: str | None = None) -> subprocess.Popen:
        extra = {"AI_RECEPTIONIST_PASSWORD": password} if password is not None else {}
        return subprocess.Popen([sys.executable, "-m", BACKEND_PACKAGE, *args], env=self._env(**extra),
                                stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)

    @staticmethod
    def _finish(process: subprocess.Popen, command: str) -> None:
        try:
            output, _ = process.communicate(timeout=60)
        except subprocess.TimeoutExpired:
            process.kill()
            process.communicate()
            raise TargetError(f"`python -m {BACKEND_PACKAGE} {command}` did not finish within 60 s") from None
        if process.returncode != 0:
            last = output.strip().splitlines()[-1:] or ["no output"]
            raise TargetError(f"`python -m {BACKEND_PACKAGE} {command}` failed: {last[0]}")

    def _provision(self) -> None:
        """Create the schema, then every account at once (each command is mostly start-up time)."""
        self._finish(self._cli("init-db"), "init-db")
        running = []
        for role, account in self.accounts.items():
            name = self.business_names.get(role)
            extra = ["--business-name", name] if name else ["--no-business"]
            running.append(self._cli("create-account", "--email", account.email, *extra, password=account.password))
        try:
            for process in running:
                self._finish(process, "create-account")
        finally:
            for process in running:
                if process.poll() is None:
                    process.kill()
                    process.wait()

    def start(self) -> None:
        _check_backend_path(self.backend_path)
        _start_or_clean_up(self, self._start)

    def _start(self) -> None:
        self.workdir.mkdir(parents=True, exist_ok=True)
        self.jwt_secret = secrets.token_urlsafe(32)
        register_secret(self.jwt_secret)
        self.database = ScratchDatabase(self.workdir, "served", self.environ)
        self.database.create()
        self._provision()
        for _attempt in range(3):  # the free port may be taken before uvicorn binds it
            port = free_port()
            self.base_url = f"http://127.0.0.1:{port}"
            with self.log_path.open("ab") as log:
                self.process = subprocess.Popen(
                    [sys.executable, "-m", BACKEND_PACKAGE, "serve", "--host", "127.0.0.1", "--port", str(port),
                     "--log-level", "warning"], env=self._env(), stdout=log, stderr=subprocess.STDOUT)
            if self._wait_ready():
                return
            self._stop_process()
        raise TargetError(f"the served backend did not start: {self.log_tail(1)}")

    def _wait_ready(self, limit: float = 30.0) -> bool:
        deadline = time.monotonic() + limit
        while time.monotonic() < deadline and self.process.poll() is None:
            try:
                httpx.get(self.base_url + "/openapi.json", timeout=1.0)
                return True
            except httpx.TransportError:
                time.sleep(0.1)
        return False

    def log_tail(self, lines: int = 5) -> str:
        text = self.log_path.read_text(errors="replace") if self.log_path.exists() else ""
        return " | ".join(text.strip().splitlines()[-lines:]) or "(no output)"

    def qa_environment(self) -> dict[str, str]:
        """QA_EMAIL/QA_PASSWORD (and _2, _NO_BUSINESS) for running something against this server."""
        env = {}
        for role, (email_var, password_var) in accounts_mod.ENV_VARS.items():
            if role in self.accounts:
                env[email_var], env[password_var] = self.accounts[role].email, self.accounts[role].password
        return env

    def _stop_process(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def stop(self) -> None:
        self._stop_process()
        if self.database is not None:
            self.database.drop()
            self.database = None


class ScratchDatabase:
    """A fresh database for a backend the suite starts: a SQLite file by default, or a new
    PostgreSQL database on the server named by QA_BACKEND_DATABASE_URL, dropped afterwards."""

    def __init__(self, workdir: Path, label: str, environ: dict[str, str] | os._Environ = os.environ) -> None:
        self.server = environ.get("QA_BACKEND_DATABASE_URL", "")
        self.name = f"settings_qa_{label}_{secrets.token_hex(4)}".replace("-", "_")
        if not self.server:
            self.url = f"sqlite:///{workdir / (label + '.db')}"
        elif self.server.startswith("postgresql"):
            parts = urlsplit(self.server)
            self.url = parts._replace(path="/" + self.name).geturl()
        else:
            scheme = urlsplit(self.server).scheme or "no scheme"
            raise TargetError(f"QA_BACKEND_DATABASE_URL must be a postgresql+psycopg:// URL, not {scheme}://")

    def _admin(self, statement: str) -> None:
        import psycopg

        conninfo = self.server.replace("postgresql+psycopg://", "postgresql://", 1)
        try:
            with psycopg.connect(conninfo, autocommit=True, connect_timeout=5) as conn:
                conn.execute(statement)
        except psycopg.Error as exc:
            raise TargetError(f"PostgreSQL at {urlsplit(self.server).hostname}: {str(exc).strip()}") from None

    def probe(self) -> None:
        """Raise TargetError unless the database server (if one is named) answers."""
        if self.server:
            self._admin("SELECT 1")

    def create(self) -> str:
        if self.server:
            self._admin(f'CREATE DATABASE "{self.name}"')
        return self.url

    def drop(self) -> None:
        if self.server:
            self._admin(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')


def _start_or_clean_up(target: Target, start) -> None:
    """Run `start`; on any failure stop what was started (process, scratch database) and
    report it in one line as a TargetError."""
    try:
        start()
    except BaseException as exc:
        target.stop()
        if isinstance(exc, (TargetError, KeyboardInterrupt, SystemExit)):
            raise
        raise TargetError(f"the backend failed to start: {type(exc).__name__}: {exc}") from exc


def is_loopback_url(url: str) -> bool:
    host = urlsplit(url).hostname or ""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


@contextlib.contextmanager
def _url_lock(base_url: str):
    """An exclusive file lock per deployment URL (fcntl: released if the process dies)."""
    name = hashlib.sha256(deployment_key(base_url).encode()).hexdigest()[:16]
    with open(Path(tempfile.gettempdir()) / f"settings-qa-{name}.lock", "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _check_backend_path(path: Path) -> None:
    if not (path / BACKEND_PACKAGE / "__init__.py").is_file():
        raise TargetError(f"no {BACKEND_PACKAGE} package under {path} (set --backend-path or QA_BACKEND_PATH)")
