"""Helpers of the smoke layer's own tests: run `pytest -m smoke` as a user would, in a
subprocess from the repository root, against a backend copy or a fixture package.
(Not a conftest: tests/e2e has one, and both are imported as `conftest`.)"""

import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
BACKEND = REPO / "backend"


def run_smoke(*args: str, env: dict[str, str] | None = None, cache_dir: Path | None = None,
              timeout: float = 120) -> subprocess.CompletedProcess:
    """`pytest -m smoke -v` from the repository root; QA_SMOKE_* only as given in `env`;
    pytest's cache (and so the smoke's) in `cache_dir`, or none."""
    clean = {k: v for k, v in os.environ.items()
             if not k.startswith(("QA_SMOKE_", "PYTEST_", "COV_"))}
    cache = ["-o", f"cache_dir={cache_dir}"] if cache_dir else ["-p", "no:cacheprovider"]
    command = [sys.executable, "-m", "pytest", "-m", "smoke", "-v", *cache, *args]
    return subprocess.run(command, cwd=REPO, env={**clean, **(env or {})},
                          capture_output=True, text=True, timeout=timeout)


def write_package(root: Path, files: dict[str, str]) -> Path:
    """Files (path relative to `root`: text) written under `root`; returns `root`."""
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return root


def line_of(path: Path, text: str) -> int:
    """1-based number of the line holding `text` (the file's own numbering, not a guess)."""
    return next(n for n, line in enumerate(path.read_text().splitlines(), 1) if text in line)


def failure(output: str, test_id: str) -> str:
    """The failure section of one test in pytest's output ('' if that test did not fail)."""
    sections = output.split("\n_")
    return next((s for s in sections if f" {test_id} _" in s.splitlines()[0]), "")
