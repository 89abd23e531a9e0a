"""Running the suite and `settings-e2e` behind the test gateway, and reading the backend directly.

`Upstream` is a backend the tests start (the reference backend served by uvicorn, or the
foreign backend of tests/foreign/): its own base URL, which only the tests use to read the
accounts directly, and the accounts. The suite and `settings-e2e` only ever see the gateway.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "tests" / "foreign"))
WRITABLE = ("name", "industry", "common_services", "business_hours", "description", "faqs")
# A quick but whole default run: every feature and the contract fuzzing, fewer examples and rounds.
SUITE_ARGS = ("features", "contracts", "-n", "2", "--contract-examples", "5", "--race-rounds", "2", "-rfE")


@dataclass
class Upstream:
    base_url: str
    environ: dict[str, str]  # QA_EMAIL/QA_PASSWORD and the others
    credentials: dict[str, tuple[str, str]] = field(default_factory=dict)  # role -> (email, password)

    @classmethod
    def of(cls, server: Any) -> "Upstream":
        environ = server.qa_environment()
        pairs = {"primary": ("QA_EMAIL", "QA_PASSWORD"), "secondary": ("QA_EMAIL_2", "QA_PASSWORD_2")}
        return cls(server.base_url, environ, {role: (environ[e], environ[p]) for role, (e, p) in pairs.items()
                                              if e in environ})

    def state(self) -> dict[str, dict[str, Any]]:
        """Each account's writable settings, read straight from the backend (no gateway, no suite code)."""
        found = {}
        with httpx.Client(base_url=self.base_url, timeout=30, trust_env=False) as http:
            for role, (email, password) in self.credentials.items():
                token = http.post("/api/auth/login", json={"email": email, "password": password}).json()
                business = http.get("/api/business/me",
                                    headers={"Authorization": f"Bearer {token['access_token']}"}).json()
                found[role] = {name: _plain(name, business.get(name)) for name in WRITABLE}
        return found


def _plain(name: str, value: Any) -> Any:
    if name == "faqs" and isinstance(value, list):
        return [{"question": f.get("question"), "answer": f.get("answer")} for f in value]
    return value


@dataclass
class Run:
    code: int
    stdout: str
    stderr: str
    seconds: float
    journal: Path

    @property
    def output(self) -> str:
        return self.stdout + self.stderr

    @property
    def failed(self) -> list[str]:
        return re.findall(r"^(?:FAILED|ERROR) (\S.*)$", self.stdout, re.MULTILINE)

    @property
    def network_section(self) -> str:
        marker = "settings-qa network:"
        return self.stdout[self.stdout.find(marker):] if marker in self.stdout else ""

    @property
    def last_line(self) -> str:
        lines = [line for line in self.stdout.strip().splitlines() if line.strip()]
        return lines[-1] if lines else ""


def environ(upstream: Upstream, journal: Path, **extra: str) -> dict[str, str]:
    keep = {k: v for k, v in os.environ.items() if not k.startswith(("QA_", "PYTEST_"))
            and k.lower() not in ("http_proxy", "https_proxy", "all_proxy", "no_proxy")}
    return {**keep, **upstream.environ, "QA_RESTORE_JOURNAL": str(journal), "BCRYPT_ROUNDS": "4", **extra}


def new_journal() -> Path:
    return Path(tempfile.mkdtemp(prefix="network-journal-")) / "restore-journal.json"


def run_suite(url: str, upstream: Upstream, *args: str, journal: Path | None = None, timeout: float = 600,
              **extra_env: str) -> Run:
    journal = journal or new_journal()
    command = [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-q", "--qa-seed", "7", "--base-url", url,
               *args]
    started = time.monotonic()
    done = subprocess.run(command, cwd=REPO, env=environ(upstream, journal, **extra_env), capture_output=True,
                          text=True, timeout=timeout)
    return Run(done.returncode, done.stdout, done.stderr, time.monotonic() - started, journal)


def run_e2e(url: str, upstream: Upstream, *args: str, journal: Path | None = None, timeout: float = 180,
            **extra_env: str) -> Run:
    journal = journal or new_journal()
    command = [sys.executable, "-m", "settings_qa.e2e", "--url", url, *args]
    started = time.monotonic()
    done = subprocess.run(command, cwd=REPO, env=environ(upstream, journal, **extra_env), capture_output=True,
                          text=True, timeout=timeout)
    return Run(done.returncode, done.stdout, done.stderr, time.monotonic() - started, journal)


def run_restore(upstream: Upstream, journal: Path, *args: str) -> Run:
    command = [sys.executable, "-m", "settings_qa.cli", "restore", "--journal", str(journal), *args]
    started = time.monotonic()
    done = subprocess.run(command, cwd=REPO, env=environ(upstream, journal), capture_output=True, text=True,
                          timeout=300)
    return Run(done.returncode, done.stdout, done.stderr, time.monotonic() - started, journal)
