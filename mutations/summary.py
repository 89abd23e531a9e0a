"""pytest plugin of the catalogue: collects each fault's outcome and prints the table.

Each test writes its outcome as JSON into a folder shared by all xdist workers (the parent
of the workers' basetemp, which is the controller's). Whoever ends a session (each worker,
then the controller) renders the table from that folder into reports/mutation-table.md, so
the file is complete however the run was distributed; the controller also prints it in its
terminal summary. The controller only runs hooks of plugins it has loaded: under xdist
that needs "mutations.summary" in the root conftest's `pytest_plugins` (a run of
tests/mutation alone loads it through tests/mutation/conftest.py).
"""

from __future__ import annotations

import fcntl
import json
import os
from pathlib import Path

import pytest

from mutations.runner import Outcome
from mutations.table import render

TABLE = Path("reports") / "mutation-table.md"
_RESULTS = "mutation-results"
_ran = False  # a mutation test reported in this process: only then is there a table to publish


def shared_root(config: pytest.Config) -> Path:
    """A folder of this run that every xdist worker and the controller see alike."""
    basetemp = config._tmp_path_factory.getbasetemp()  # created before the workers started
    return basetemp.parent if hasattr(config, "workerinput") else basetemp


def record(request: pytest.FixtureRequest, outcome: Outcome, started: float, ended: float) -> None:
    data = {**outcome.to_dict(), "started": started, "ended": ended}
    folder = shared_root(request.config) / _RESULTS
    folder.mkdir(exist_ok=True)
    partial = folder / f".{os.getpid()}.tmp"
    partial.write_text(json.dumps(data))
    partial.replace(folder / f"{outcome.fault.replace(' ', '_')}.json")  # atomic: readers never see half
    request.node.user_properties.append(("mutation", f"{outcome.fault}: "
                                         + ("; ".join(outcome.problems()) or "as expected")))


def _results(config: pytest.Config) -> list[dict]:
    folder = shared_root(config) / _RESULTS
    return [json.loads(p.read_text()) for p in sorted(folder.glob("*.json"))] if folder.is_dir() else []


def publish(config: pytest.Config) -> str | None:
    """Render the table of every outcome recorded so far into reports/; return it (None if none)."""
    results = _results(config)
    if not results:
        return None
    wall = max(r["ended"] for r in results) - min(r["started"] for r in results)
    table = render(results, wall_seconds=wall)
    target = config.rootpath / TABLE
    target.parent.mkdir(exist_ok=True)
    with open(shared_root(config) / "mutation-table.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # the last writer has seen every result
        partial = target.with_suffix(f".{os.getpid()}.tmp")
        partial.write_text("# Mutation catalogue results\n\n" + table)
        partial.replace(target)
    return table


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    global _ran
    _ran = _ran or any(name == "mutation" for name, _ in report.user_properties)


def pytest_sessionfinish(session: pytest.Session) -> None:
    if _ran:
        publish(session.config)


def pytest_terminal_summary(terminalreporter, config: pytest.Config) -> None:
    if hasattr(config, "workerinput") or not _ran:
        return
    table = publish(config)
    if table is None:
        return
    terminalreporter.section("mutation catalogue")
    for line in table.splitlines():
        terminalreporter.write_line(line)
    terminalreporter.write_line(f"(also in {TABLE})")
