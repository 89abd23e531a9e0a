"""Helpers for the suite's own tests: copy and break the backend, run the suite in a subprocess."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def broken_backend(tmp_path: Path, *, file: str, old: str, new: str) -> Path:
    """A copy of backend/ with one exact text replacement (which must match once)."""
    copy = tmp_path / "backend"
    shutil.copytree(ROOT / "backend", copy, ignore=shutil.ignore_patterns("tests", "__pycache__", "*.db"))
    target = copy / file
    source = target.read_text()
    assert source.count(old) == 1, f"the patch for {file} no longer applies: {old!r}"
    target.write_text(source.replace(old, new))
    return copy


def run_suite(*args: str, env: dict[str, str] | None = None, timeout: int = 300) -> subprocess.CompletedProcess:
    """`pytest` on the suite from the repository root, in a fresh process."""
    journal = Path(tempfile.mkdtemp(prefix="suite-journal-")) / "restore-journal.json"  # never the user's
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", *args],
        cwd=ROOT, env={**os.environ, "QA_RESTORE_JOURNAL": str(journal), **(env or {})}, capture_output=True,
        text=True, timeout=timeout,
    )
