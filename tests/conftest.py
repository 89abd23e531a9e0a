"""The project's own tests: no test ever touches the user's restore journal.

Every command the tests start (the suite, `settings-e2e`, `settings-qa restore`) keeps its
restore journal under XDG_STATE_HOME by default (settings_qa/net/options.py); here that is a
fresh folder per test process, inherited by every subprocess.
"""

import os
import tempfile


def pytest_configure(config) -> None:
    os.environ["XDG_STATE_HOME"] = tempfile.mkdtemp(prefix="settings-qa-tests-state-")
