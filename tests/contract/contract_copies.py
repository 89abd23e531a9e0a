"""Broken copies of the reference backend, and the contract tests run against them in a subprocess."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SEED = "7"
EXAMPLES = "10"  # the coverage phase adds its boundary cases on top


def backend_copy(tmp_path: Path, file: str, old: str, new: str) -> Path:
    """backend/ copied to tmp_path with one text replacement, which must match exactly once."""
    copy = tmp_path / "backend"
    shutil.copytree(ROOT / "backend", copy, ignore=shutil.ignore_patterns("tests", "__pycache__", "*.db"))
    source = copy / "ai_receptionist" / file
    text = source.read_text(encoding="utf-8")
    assert text.count(old) == 1, f"the patch no longer applies to backend/ai_receptionist/{file}: {old!r}"
    source.write_text(text.replace(old, new), encoding="utf-8")
    return copy


def run_contracts(*args: str, backend: Path | None = None, env: dict[str, str] | None = None,
                  timeout: float = 120) -> subprocess.CompletedProcess:
    """`pytest <args> -p no:cacheprovider [--backend-path COPY]` from the repository root."""
    command = [sys.executable, "-m", "pytest", *args, "-p", "no:cacheprovider", "-q",
               "--qa-seed", SEED, "--contract-examples", EXAMPLES]
    if backend is not None:
        command += ["--backend-path", str(backend)]
    environ = {k: v for k, v in os.environ.items() if not k.startswith(("QA_", "PYTEST_XDIST"))}
    environ.update(env or {})
    return subprocess.run(command, cwd=ROOT, env=environ, capture_output=True, text=True, timeout=timeout)
