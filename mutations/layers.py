"""Running one layer of the suite against one backend copy, in a subprocess, and judging it.

A layer *failed* when it ran and reported a failure: pytest exit 1 with failing tests named
in its JUnit XML, or the post-deploy check's exit codes 1-5. Anything else (usage error,
collection crash, timeout, a copy that cannot be served) is not a verdict: the run is
reported as broken, with the tail of its output, and counts neither as a kill nor as a pass.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
import xml.etree.ElementTree as ET
from dataclasses import asdict, dataclass
from pathlib import Path

from mutations.model import E2E_EXIT_CODES
from settings_qa.targets import ServedTarget, TargetError

REPO = Path(__file__).resolve().parents[1]
SHOWN_IDS = 2


@dataclass(frozen=True)
class RunSettings:
    contract_examples: int = 5
    seed: int = 20260126  # fixed: the same faults are killed by the same tests every run
    timeout: float = 300.0
    pycache: Path | None = None  # where subprocesses may cache bytecode (outside the repo)
    strict: bool = False  # --strict: closed-world responses; hygiene findings and drift fail
    database: str = "sqlite"  # or "postgres": a scratch database on the server at `postgres_url`
    postgres_url: str = os.environ.get("TEST_POSTGRES_URL") or "postgresql+psycopg://postgres@127.0.0.1:5432/test"
    select: str | None = None  # a pytest -k expression for the races layer (one scenario's rate)

    @property
    def mode(self) -> str:
        return "strict" if self.strict else "default"

    @property
    def label(self) -> str:
        """How the layer ran, as the table shows it: `default`, `strict, postgres`."""
        return self.mode + ("" if self.database == "sqlite" else f", {self.database}")


@dataclass
class LayerRun:
    layer: str
    failed: bool  # the layer reported a failure (a kill for a fault, a false alarm for the baseline)
    evidence: str  # failing test ids, or the post-deploy check's exit code
    seconds: float
    broken: str = ""  # the layer gave no verdict: why
    mode: str = "default"  # how the suite judged (default or strict), and on which database if not SQLite

    def to_dict(self) -> dict:
        return asdict(self)


def layer_env(settings: RunSettings) -> dict[str, str]:
    """The environment of a layer's subprocess: this one's, minus what would steer it elsewhere."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("PYTEST_", "QA_", "COV_")) and k not in ("DATABASE_URL", "JWT_SECRET")}
    env.update(QA_SEED=str(settings.seed), BCRYPT_ROUNDS="4")  # 4 rounds: login is not what is measured
    if settings.database == "postgres":
        env["QA_BACKEND_DATABASE_URL"] = settings.postgres_url
    if settings.pycache is not None:
        # These machines set PYTHONDONTWRITEBYTECODE=1, so every pytest start re-compiles and
        # re-rewrites all plugins (~3 s). A bytecode cache outside the repo saves that per run.
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        env["PYTHONPYCACHEPREFIX"] = str(settings.pycache)
    return env


def pytest_command(layer: str, backend: Path, junit: Path,
                   settings: RunSettings) -> tuple[list[str], dict[str, str]]:
    base = [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-x", "-q", "--junitxml", str(junit),
            *(["--strict"] if settings.strict else [])]
    env = layer_env(settings)
    if layer == "smoke":
        env.update(QA_SMOKE_PATH=str(backend), QA_SMOKE_PACKAGE="ai_receptionist")
        return [*base, "-m", "smoke"], env
    if layer == "races":
        chosen = ["-k", settings.select] if settings.select else []
        return [*base, "features", "-m", "concurrency", *chosen, "--backend-path", str(backend)], env
    args = [*base, layer, "--backend-path", str(backend)]
    if layer == "contracts":
        args += ["--contract-examples", str(settings.contract_examples)]
    return args, env


def failing_tests(junit: Path) -> list[tuple[str, str]]:
    """(test id, first line of the message) of every failed or erroring test in a JUnit XML file."""
    if not junit.is_file():
        return []
    try:
        root = ET.parse(junit).getroot()
    except ET.ParseError:  # a run killed while writing it: no verdict from this file
        return []
    found = []
    for case in root.iter("testcase"):
        problem = case.find("failure")
        if problem is None:
            problem = case.find("error")
        if problem is not None:
            module = case.get("classname", "").replace(".", "/")
            message = (problem.get("message") or "").strip().splitlines()
            found.append((f"{module}.py::{case.get('name')}", message[0][:160] if message else ""))
    return found


def _slug(label: str) -> str:
    return label.replace(", ", "-")


def _tail(text: str, lines: int = 8) -> str:
    return "\n".join(text.strip().splitlines()[-lines:])


def run_pytest_layer(layer: str, backend: Path, workdir: Path, settings: RunSettings) -> LayerRun:
    junit = workdir / f"{layer}-{_slug(settings.label)}.xml"
    args, env = pytest_command(layer, backend, junit, settings)
    started = time.perf_counter()
    try:
        done = subprocess.run(args, cwd=REPO, env=env, capture_output=True, text=True,
                              timeout=settings.timeout)
    except subprocess.TimeoutExpired:
        return LayerRun(layer, False, "", time.perf_counter() - started,
                        f"timed out after {settings.timeout:.0f} s", settings.label)
    seconds = time.perf_counter() - started
    (workdir / f"{layer}-{_slug(settings.label)}.log").write_text(done.stdout + done.stderr)
    failures = failing_tests(junit)
    if done.returncode == 0:
        return LayerRun(layer, False, "passed", seconds, mode=settings.label)
    if done.returncode == 1 and failures:
        shown = [test_id for test_id, _ in failures[:SHOWN_IDS]]
        more = f" (+{len(failures) - SHOWN_IDS} more)" if len(failures) > SHOWN_IDS else ""
        return LayerRun(layer, True, ", ".join(shown) + more, seconds, mode=settings.label)
    return LayerRun(layer, False, "", seconds,
                    f"pytest exited with {done.returncode}: {_tail(done.stdout + done.stderr)}", settings.label)


def run_e2e_layer(backend: Path, workdir: Path, settings: RunSettings) -> LayerRun:
    started = time.perf_counter()
    env = layer_env(settings)
    try:
        with ServedTarget(backend, workdir / _slug(settings.label), "mutation", environ=env) as served:
            check_env = {**env, **served.qa_environment()}
            command = [sys.executable, "-m", "settings_qa.e2e", "--url", served.base_url, "--timeout", "10",
                       *(["--strict"] if settings.strict else [])]
            done = subprocess.run(command, cwd=REPO, env=check_env, capture_output=True, text=True,
                                  timeout=settings.timeout)
            log_tail = served.log_tail()
    except (TargetError, subprocess.TimeoutExpired) as error:
        return LayerRun("e2e", False, "", time.perf_counter() - started, str(error), settings.label)
    seconds = time.perf_counter() - started
    (workdir / f"e2e-{_slug(settings.label)}.log").write_text(done.stdout + done.stderr + "\n--- server log ---\n" + log_tail)
    code = done.returncode
    evidence = f"exit {code} ({E2E_EXIT_CODES.get(code, 'other')})"
    if code == 0:
        return LayerRun("e2e", False, evidence, seconds, mode=settings.label)
    if code in E2E_EXIT_CODES:
        return LayerRun("e2e", True, evidence, seconds, mode=settings.label)
    return LayerRun("e2e", False, evidence, seconds, f"settings-e2e {evidence}: {_tail(done.stderr, 3)}",
                    settings.label)


def run_layer(layer: str, backend: Path, workdir: Path, settings: RunSettings) -> LayerRun:
    workdir.mkdir(parents=True, exist_ok=True)
    if layer == "e2e":
        return run_e2e_layer(backend, workdir, settings)
    return run_pytest_layer(layer, backend, workdir, settings)
