"""Runs for the report tests: the reference backend served with accounts whose passwords
the test knows, the suite run against it in deployment mode (as a post-deploy run would
be) into an Allure results folder per leg, and the HTML report generated from them.

Two legs: `deployment` (a healthy backend: scenarios, contract and smoke tests pass) and
`incident` (the incident's ImportError in the auditor: the save fails with a 500), so the
report has a failure to put in the save phase's category.
"""

from __future__ import annotations

import os
import secrets
import shutil
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[2]
BACKEND = ROOT / "backend"
ALLURE = ROOT / "node_modules" / ".bin" / "allure"
CHROMIUM = Path(os.environ.get("CHROMIUM", "/usr/bin/chromium"))
# Imported by the served backend's interpreter: the auditor cannot be imported, as in the incident.
INCIDENT_SITECUSTOMIZE = '''
import importlib.abc, sys

class _BrokenAuditor(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name == "ai_receptionist.services.voice.auditor":
            raise ImportError("cannot import name 'SessionLocal' from 'ai_receptionist.core.database'")
        return None

sys.meta_path.insert(0, _BrokenAuditor())
'''


@dataclass
class ServedBackend:
    workdir: Path
    incident: bool = False
    jwt_secret: str = field(default_factory=lambda: secrets.token_urlsafe(32))
    passwords: dict[str, str] = field(default_factory=dict)
    process: subprocess.Popen | None = None

    def __post_init__(self) -> None:
        self.workdir.mkdir(parents=True, exist_ok=True)
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            self.port = sock.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self.env = {k: v for k, v in os.environ.items() if not k.startswith(("QA_", "PYTEST_"))}
        self.env.update(PYTHONPATH=str(BACKEND), DATABASE_URL=f"sqlite:///{self.workdir / 'backend.db'}",
                        JWT_SECRET=self.jwt_secret, BCRYPT_ROUNDS="4")

    def _cli(self, *args: str, password: str | None = None) -> None:
        env = dict(self.env, **({"AI_RECEPTIONIST_PASSWORD": password} if password else {}))
        subprocess.run([sys.executable, "-m", "ai_receptionist", *args], env=env, check=True,
                       capture_output=True, timeout=60)

    def start(self, accounts: dict[str, tuple[str, str | None]]) -> None:
        """accounts: QA variable suffix -> (email, business name or None)."""
        self._cli("init-db")
        for suffix, (email, business) in accounts.items():
            self.passwords[suffix] = password = "pw-" + secrets.token_urlsafe(15)
            extra = ["--business-name", business] if business else ["--no-business"]
            self._cli("create-account", "--email", email, *extra, password=password)
        self.accounts = accounts
        serve_env = dict(self.env)
        if self.incident:
            (self.workdir / "sitecustomize.py").write_text(INCIDENT_SITECUSTOMIZE)
            serve_env["PYTHONPATH"] = f"{self.workdir}{os.pathsep}{BACKEND}"
        log = (self.workdir / "server.log").open("wb")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "ai_receptionist", "serve", "--host", "127.0.0.1", "--port",
             str(self.port), "--log-level", "warning"], env=serve_env, stdout=log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"the backend exited: {(self.workdir / 'server.log').read_text()[-1500:]}")
            try:
                httpx.get(self.url + "/openapi.json", timeout=1)
                return
            except httpx.TransportError:
                time.sleep(0.1)
        raise RuntimeError("the backend did not answer within 30 s")

    def qa_environment(self) -> dict[str, str]:
        env = {}
        for suffix, (email, _) in self.accounts.items():
            env[f"QA_EMAIL{suffix}"], env[f"QA_PASSWORD{suffix}"] = email, self.passwords[suffix]
        return env

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


ACCOUNTS = {"": ("owner@example.test", "Known Secrets Ltd"), "_2": ("other@example.test", "Other Tenant"),
            "_NO_BUSINESS": ("nobody@example.test", None)}


@dataclass
class ReportRun:
    results: Path
    junit: Path
    report: Path
    secrets: list[str]
    outputs: dict[str, str]


def run_legs(workdir: Path) -> ReportRun:
    """Both legs, then `allure generate` over both folders, as ci/report.sh does."""
    results, junit = workdir / "allure-results", workdir / "junit"
    junit.mkdir(parents=True, exist_ok=True)
    known, outputs = [], {}
    legs = {
        "deployment": (False, ["features", "contracts", "smoke", "-m",
                               "incident or authentication or fetch or contract or smoke",
                               "--contract-examples", "3"]),
        "incident": (True, ["features", "-m", "incident"]),
    }
    for leg, (incident, selection) in legs.items():
        backend = ServedBackend(workdir / f"backend-{leg}", incident=incident)
        try:
            backend.start(ACCOUNTS)
            known += [*backend.passwords.values(), backend.jwt_secret]
            env = {**backend.env, "PYTHONPATH": "", **backend.qa_environment(), "QA_REPORT_LEG": leg}
            done = subprocess.run(
                [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", *selection,
                 "--base-url", backend.url, "--alluredir", str(results / leg),
                 "--junitxml", str(junit / f"{leg}.xml"), "-q", "-rA"],
                cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)
            outputs[leg] = done.stdout + done.stderr
        finally:
            backend.stop()
    report = workdir / "allure-report"
    subprocess.run([str(ALLURE), "generate", "--config", "allurerc.mjs", "--output", str(report),
                    str(results / "deployment"), str(results / "incident")],
                   cwd=ROOT, env={**os.environ, "QA_ALLURE_RESULTS": str(results)},
                   check=True, capture_output=True, timeout=300)
    return ReportRun(results, junit, report, known, outputs)


def copy_screenshot(source: Path, name: str) -> Path:
    """Keep a screenshot under reports/screenshots/ for people to look at."""
    folder = ROOT / "reports" / "screenshots"
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(source, folder / name)
    return folder / name
