"""Split the suite across CI jobs by recorded durations.

    python ci/shard.py record reports/junit/*.xml            # -> ci/durations.json
    python ci/shard.py split --shards 3 --index 0 [-- pytest selection args]
                                                            # -> the test ids of shard 0, one a line

`split` collects the test ids with pytest (so every job sees the same list), then assigns
them greedily, longest first, to the shard with the least recorded time so far. A test
without a recorded duration counts as the mean of the recorded ones. Every job computes
the same plan, so the shards together run every collected test exactly once.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DURATIONS = ROOT / "ci" / "durations.json"


def junit_durations(paths: list[Path]) -> dict[str, float]:
    """JUnit key ("classname::name") -> seconds, summed over files (legs) and averaged."""
    runs: dict[str, list[float]] = {}
    for path in paths:
        for case in ET.parse(path).getroot().iter("testcase"):
            key = f"{case.get('classname')}::{case.get('name')}"
            runs.setdefault(key, []).append(float(case.get("time") or 0))
    return {key: round(statistics.fmean(times), 4) for key, times in sorted(runs.items())}


def junit_key(nodeid: str) -> str:
    """The key pytest's junitxml gives a node id: module path dotted, classes joined, then name."""
    path, *parts = nodeid.split("::")
    module = path.removesuffix(".py").replace("/", ".")
    return ".".join([module, *parts[:-1]]) + "::" + parts[-1]


def plan(test_ids: list[str], durations: dict[str, float], shards: int) -> list[list[str]]:
    if shards < 1:
        raise ValueError("shards must be at least 1")
    default = statistics.fmean(durations.values()) if durations else 1.0
    cost = {test_id: durations.get(junit_key(test_id), default) for test_id in test_ids}
    loads, assigned = [0.0] * shards, [[] for _ in range(shards)]
    for test_id in sorted(test_ids, key=lambda t: (-cost[t], t)):
        lightest = min(range(shards), key=lambda i: (loads[i], i))
        assigned[lightest].append(test_id)
        loads[lightest] += cost[test_id]
    order = {test_id: n for n, test_id in enumerate(test_ids)}  # run each shard in collection order
    return [sorted(ids, key=order.__getitem__) for ids in assigned]


def collect(pytest_args: list[str]) -> list[str]:
    done = subprocess.run([sys.executable, "-m", "pytest", "--collect-only", "-q", "-p", "no:cacheprovider",
                           *pytest_args], cwd=ROOT, capture_output=True, text=True)
    if done.returncode != 0:
        sys.exit(f"shard: collection failed:\n{done.stdout[-2000:]}{done.stderr[-2000:]}")
    ids = [line for line in done.stdout.splitlines() if "::" in line and not line.startswith(" ")]
    # One id can name several items (schemathesis gives each operation's test the same id), and
    # selecting the id runs all of them: a shard must list it once, and only one shard may.
    return list(dict.fromkeys(ids))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    record = commands.add_parser("record", help="write recorded durations from JUnit XML files")
    record.add_argument("junit", nargs="+", type=Path)
    record.add_argument("-o", "--output", type=Path, default=DURATIONS)
    split = commands.add_parser("split", help="print the test ids of one shard")
    split.add_argument("--shards", type=int, required=True)
    split.add_argument("--index", type=int, required=True)
    split.add_argument("--durations", type=Path, default=DURATIONS)
    split.add_argument("pytest_args", nargs="*", help="selection passed to pytest --collect-only")
    args = parser.parse_args(argv)
    if args.command == "record":
        durations = junit_durations(args.junit)
        args.output.write_text(json.dumps(durations, indent=1, sort_keys=True) + "\n")
        print(f"shard: {len(durations)} durations, {sum(durations.values()):.1f} s in all -> {args.output}")
        return 0
    if not 0 <= args.index < args.shards:
        parser.error("--index must be in 0..shards-1")
    durations = json.loads(args.durations.read_text()) if args.durations.exists() else {}
    shard = plan(collect(args.pytest_args), durations, args.shards)[args.index]
    print("\n".join(shard))
    return 0


if __name__ == "__main__":
    sys.exit(main())
