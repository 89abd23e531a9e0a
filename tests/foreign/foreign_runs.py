"""Running the suite (pytest or settings-e2e) against a ForeignServer, in a subprocess, and
reading what it said: which tests and findings failed, which findings were listed."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
SEED = "7"  # fixed: the fuzzer meets the same cases, so a run names the same things every time
EXAMPLES = "5"


@dataclass
class Run:
    code: int
    stdout: str
    stderr: str

    @property
    def failed(self) -> set[str]:
        """Every FAILED or ERROR id of the short summary (tests and finding items)."""
        return set(re.findall(r"^(?:FAILED|ERROR) (\S.*?)(?: - .*)?$", self.stdout, re.MULTILINE))

    @property
    def failed_findings(self) -> set[str]:
        return {test for test in self.failed if test.startswith("findings::")}

    @property
    def findings_section(self) -> str:
        marker = "settings-qa findings outside the contract"
        return self.stdout[self.stdout.find(marker):] if marker in self.stdout else ""


def _environ(server) -> dict[str, str]:
    environ = {k: v for k, v in os.environ.items() if not k.startswith(("QA_", "PYTEST_"))}
    journal = Path(tempfile.mkdtemp(prefix="foreign-journal-")) / "restore-journal.json"  # never the user's
    return {**environ, **server.qa_environment(), "QA_RESTORE_JOURNAL": str(journal)}


def run_suite(server, *args: str, timeout: float = 300) -> Run:
    """`pytest -rfE ARGS --base-url <server>` from the repository root (deployment target)."""
    command = [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-q", "-rfE", "--qa-seed", SEED,
               "--contract-examples", EXAMPLES, "--base-url", server.base_url, *args]
    done = subprocess.run(command, cwd=REPO, env=_environ(server), capture_output=True, text=True, timeout=timeout)
    return Run(done.returncode, done.stdout, done.stderr)


def run_e2e(server, *args: str, timeout: float = 60) -> Run:
    command = [sys.executable, "-m", "settings_qa.e2e", "--url", server.base_url, *args]
    done = subprocess.run(command, cwd=REPO, env=_environ(server), capture_output=True, text=True, timeout=timeout)
    return Run(done.returncode, done.stdout, done.stderr)
