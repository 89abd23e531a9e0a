"""Fixtures for the post-deploy check's tests: ASGI apps served by uvicorn in a thread on
a free loopback port, and `settings-e2e` run as a subprocess (`python -m settings_qa.e2e`)."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterator

import pytest
import uvicorn

from e2e_fakes import EMAIL, PASSWORD, FakeBackend

REPO = Path(__file__).resolve().parents[2]
# The incident report's values, written out here as the tests' own oracle (not imported from the command).
REPORT = {
    "name": "Lex Makes It",
    "industry": "Software Development, Website Development",
    "common_services": "Software Development, Website Development",
    "business_hours": "Monday-Friday, 12:00 PM - 10:00 PM",
    "description": "We provide software development and website development services. "
    "For more information, visit lexmakesit.com.",
}


@dataclass
class Run:
    code: int
    stdout: str
    stderr: str
    seconds: float

    @property
    def output(self) -> str:
        return self.stdout + self.stderr

    def json(self) -> dict[str, Any]:
        return json.loads(self.stdout)


def run_e2e(*args: str, env: dict[str, str | None] | None = None, timeout: float = 30) -> Run:
    """`python -m settings_qa.e2e ARGS` with the fake backend's credentials unless `env` overrides
    them (a None value removes the variable)."""
    environ = {k: v for k, v in os.environ.items() if not k.startswith("QA_")}
    # Each run its own restore journal: never the user's, and no test sees another's entries.
    journal = Path(tempfile.mkdtemp(prefix="e2e-journal-")) / "restore-journal.json"
    environ.update(QA_EMAIL=EMAIL, QA_PASSWORD=PASSWORD, PYTHONPATH=str(REPO), QA_RESTORE_JOURNAL=str(journal))
    for key, value in (env or {}).items():
        if value is None:
            environ.pop(key, None)
        else:
            environ[key] = value
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "settings_qa.e2e", *args],
        cwd=REPO, env=environ, capture_output=True, text=True, timeout=timeout,
    )
    return Run(done.returncode, done.stdout, done.stderr, time.perf_counter() - started)


@pytest.fixture
def run_in_process(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> Callable[..., Run]:
    """`main(argv)` in this process: for the many small usage cases, where the subprocess
    form (tested once per exit code elsewhere) would only add interpreter start-ups."""
    from settings_qa.e2e.cli import main

    def run(*args: str, env: dict[str, str | None] | None = None) -> Run:
        monkeypatch.setenv("QA_RESTORE_JOURNAL", str(Path(tempfile.mkdtemp(prefix="e2e-journal-")) / "journal.json"))
        monkeypatch.setenv("QA_EMAIL", EMAIL)
        monkeypatch.setenv("QA_PASSWORD", PASSWORD)
        for key, value in (env or {}).items():
            if value is None:
                monkeypatch.delenv(key, raising=False)
            else:
                monkeypatch.setenv(key, value)
        started = time.perf_counter()
        code = main(list(args))
        captured = capsys.readouterr()
        return Run(code, captured.out, captured.err, time.perf_counter() - started)

    return run


class ServedApp:
    """An ASGI app under uvicorn in a daemon thread, on a socket bound before it starts."""

    def __init__(self, app: Any) -> None:
        self.sock = socket.socket()
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{self.sock.getsockname()[1]}"
        config = uvicorn.Config(app, log_level="critical", lifespan="off", timeout_graceful_shutdown=0.2)
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, kwargs={"sockets": [self.sock]}, daemon=True)

    def __enter__(self) -> "ServedApp":
        self.thread.start()
        deadline = time.monotonic() + 10
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError("uvicorn did not start")
            time.sleep(0.01)
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(5)
        self.sock.close()


@pytest.fixture
def serve() -> Iterator[Callable[[Any], str]]:
    """`serve(app)` -> base URL; every app is stopped at the end of the test."""
    started: list[ServedApp] = []

    def start(app: Any) -> str:
        served = ServedApp(app).__enter__()
        started.append(served)
        return served.url

    yield start
    for served in started:
        served.__exit__()


@dataclass
class Fake:
    backend: FakeBackend
    url: str


@pytest.fixture
def fake(serve: Callable[[Any], str]) -> Fake:
    """A contract-keeping backend; tests break it through its hooks."""
    backend = FakeBackend()
    return Fake(backend, serve(backend.app()))
