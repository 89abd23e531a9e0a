"""pytest.ini's plugin loading: nothing installed in a smoke-only run, everything otherwise."""

import os
import subprocess
import sys

from smoke_runs import REPO, run_smoke


def test_smoke_only_run_loads_no_installed_plugin_and_collects_only_smoke():
    result = run_smoke("--collect-only")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "plugins:" not in result.stdout  # pytest lists loaded installed plugins here
    assert "<Dir smoke>" in result.stdout
    assert "<Dir features>" not in result.stdout and "<Dir contracts>" not in result.stdout


def test_other_runs_offer_every_installed_plugins_options():
    env = {k: v for k, v in os.environ.items() if not k.startswith(("QA_SMOKE_", "PYTEST_"))}
    result = subprocess.run([sys.executable, "-m", "pytest", "--help"], cwd=REPO, env=env,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    for option in ("-n numprocesses", "--alluredir=DIR", "--base-url=url", "--hypothesis-seed",
                   "--gherkin-terminal-reporter", "--smoke-package"):
        assert option in result.stdout, option
