"""CI's shards (pytest-split, as ci/suite.sh runs it): every collected item in exactly one
shard, balanced by the durations in ci/durations.json, which name items that exist."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DURATIONS = ROOT / "ci" / "durations.json"


def _collect(*args: str) -> list[str]:
    done = subprocess.run([sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "--collect-only", "-q",
                           "--no-preflight", *args], cwd=ROOT, check=True, capture_output=True, text=True)
    return [line for line in done.stdout.splitlines() if "::" in line]


def _shard(group: int) -> tuple[list[str], float]:
    done = subprocess.run([sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "--collect-only", "-q",
                           "--splits", "2", "--group", str(group), "--splitting-algorithm", "least_duration",
                           "--durations-path", str(DURATIONS)], cwd=ROOT, check=True, capture_output=True, text=True)
    estimate = float(re.search(r"estimated duration: ([\d.]+)s", done.stdout).group(1))
    return [line for line in done.stdout.splitlines() if "::" in line], estimate


def test_the_two_shards_run_every_item_once_and_take_about_as_long():
    (first, one), (second, two) = _shard(1), _shard(2)
    assert first and second and not set(first) & set(second)
    assert sorted(first + second) == sorted(_collect())
    assert abs(one - two) <= 0.25 * max(one, two), f"unbalanced: {one:.1f} s vs {two:.1f} s"


def test_recorded_durations_name_collected_items():
    recorded = json.loads(DURATIONS.read_text())
    collected = set(_collect())
    known = [nodeid for nodeid in recorded if nodeid in collected]
    assert len(known) >= 0.9 * len(collected), "ci/durations.json is stale: refresh it (reports/README.md)"
