"""Fixtures of the mutation catalogue's tests, and its table (mutations/summary.py).

Loading the summary plugin here covers runs of tests/mutation alone; under xdist the
controller never loads this file, so the project's full run needs "mutations.summary" in
the root conftest's `pytest_plugins` to print the table (the file in reports/ is written
either way).
"""

from __future__ import annotations

import pytest

from mutations import summary
from mutations.layers import RunSettings


def pytest_configure(config: pytest.Config) -> None:
    if not config.pluginmanager.has_plugin(summary.__name__):  # the root conftest may load it already
        config.pluginmanager.register(summary, summary.__name__)


@pytest.fixture(scope="session")
def run_settings(pytestconfig: pytest.Config) -> RunSettings:
    """Lean runs: few contract examples, a fixed seed, bytecode cached outside the repo for all workers."""
    return RunSettings(pycache=summary.shared_root(pytestconfig) / "mutation-pycache")
