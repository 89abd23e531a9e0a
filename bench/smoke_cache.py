"""`pytest -m smoke` on the generated 1,000-module package, cold, warm and after a change,
before and after side by side in one run (the table of BENCHMARKS.md's smoke section).

    .venv/bin/python bench/smoke_cache.py [--before REV] [--runs 3] [--size 1000]

Per round, on each checkout, in turn: cold (an empty cache folder), warm (nothing changed),
leaf (one module no other module imports, changed), hub (one module that about half the
package imports, directly or not, changed). A change appends a comment line: the content
changes, as an edit would. The rounds alternate the checkouts; each figure is the median of
the rounds. The reference backend's smoke is timed the same way, cold and warm. "before" is
REV (default: the commit this branch started from) exported with `git archive` into a
temporary folder and run with this checkout's venv; its smoke keeps no verdicts, so each of
its runs is cold. Process start to exit, wall time; nothing asserts a time.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(HERE / "bench"))

from gen_package import PACKAGE, generate  # noqa: E402

MEASURES = ("cold", "warm", "leaf", "hub")


def importers(root: Path) -> dict[str, set[str]]:
    """For each generated module, the modules that import it, directly or not."""
    imports: dict[str, set[str]] = {}
    for path in (root / PACKAGE).rglob("m*.py"):
        name = ".".join(path.relative_to(root).with_suffix("").parts)
        imports[name] = set(re.findall(r"^\s*(?:from|import) (genservice\.\S+)", path.read_text(), re.MULTILINE))
    found = {name: set() for name in imports}
    for start in imports:
        stack = [start]
        while stack:
            for dep in imports.get(stack.pop(), ()):
                if start not in found[dep]:
                    found[dep].add(start)
                    stack.append(dep)
    return found


def pick(root: Path) -> tuple[str, str, int]:
    """A leaf (imported by nothing) and a hub (imported by the number closest to half)."""
    found = importers(root)
    leaf = max(name for name, users in found.items() if not users)
    hub = min(found, key=lambda name: (abs(len(found[name]) - len(found) / 2), name))
    return leaf, hub, len(found[hub])


def run_smoke(checkout: Path, env: dict[str, str], cache: Path) -> tuple[float, str]:
    command = [str(HERE / ".venv" / "bin" / "python"), "-m", "pytest", "-m", "smoke", "-q", "-o", f"cache_dir={cache}"]
    started = time.perf_counter()
    done = subprocess.run(command, cwd=checkout, env=env, capture_output=True, text=True)
    wall = time.perf_counter() - started
    last = (done.stdout.strip().splitlines() or ["(no output)"])[-1]
    if done.returncode != 0:
        last = f"exit {done.returncode}: {last}"
    return wall, last


def touch(path: Path, mark: str) -> None:
    path.write_text(path.read_text() + f"# {mark}\n")


def round_of(checkout: Path, label: str, package_root: Path, leaf: str, hub: str, n: int, work: Path) -> dict:
    env = {**os.environ, "QA_SMOKE_PATH": str(package_root), "QA_SMOKE_PACKAGE": PACKAGE}
    cache = work / f"cache-{label}-{n}"
    figures = {}
    for measure in MEASURES:
        if measure in ("leaf", "hub"):
            touch(package_root.joinpath(*(leaf if measure == "leaf" else hub).split(".")).with_suffix(".py"),
                  f"{label} round {n}")
        figures[measure] = run_smoke(checkout, env, cache)
    backend = {**{k: v for k, v in os.environ.items() if not k.startswith("QA_SMOKE_")}}
    backend_cache = work / f"backend-cache-{label}-{n}"
    figures["backend cold"] = run_smoke(checkout, backend, backend_cache)
    figures["backend warm"] = run_smoke(checkout, backend, backend_cache)
    return figures


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--before", default="7cda732", help="the revision to compare with ('none': this checkout only)")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--size", type=int, default=1000)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="bench-smoke-"))
    try:
        checkouts = {"after": HERE}
        if args.before != "none":
            before = work / "before"
            before.mkdir()
            archive = subprocess.run(["git", "archive", args.before], cwd=HERE, capture_output=True, check=True).stdout
            subprocess.run(["tar", "-x", "-C", str(before)], input=archive, check=True)
            checkouts = {"before": before, **checkouts}
        source = work / "package"
        generate(args.size, source)
        leaf, hub, users = pick(source)
        load = Path("/proc/loadavg").read_text().split()[:3]
        print(f"machine: {os.cpu_count()} cores, {sys.version.split()[0]}, "
              f"PYTHONDONTWRITEBYTECODE={os.environ.get('PYTHONDONTWRITEBYTECODE', 'unset')}, "
              f"load at start {' '.join(load)}")
        print(f"package: {args.size} generated modules (bench/gen_package.py, layered); leaf {leaf}; "
              f"hub {hub} (imported by {users}, directly or not); {args.runs} rounds, checkouts alternating")
        results: dict[str, dict[str, list[tuple[float, str]]]] = {label: {} for label in checkouts}
        for n in range(args.runs):
            for label, checkout in checkouts.items():
                package_root = work / f"package-{label}"
                shutil.rmtree(package_root, ignore_errors=True)
                shutil.copytree(source, package_root)
                for measure, figure in round_of(checkout, label, package_root, leaf, hub, n, work).items():
                    results[label].setdefault(measure, []).append(figure)
        print(f"load at end {' '.join(Path('/proc/loadavg').read_text().split()[:3])}")
        print()
        print("| measure | " + " | ".join(f"{label} (median of {args.runs}; runs)" for label in checkouts) + " |")
        print("|---|" + "---|" * len(checkouts))
        for measure in results["after"]:
            cells = []
            for label in checkouts:
                walls = [wall for wall, _ in results[label][measure]]
                cells.append(f"{statistics.median(walls):.2f} s ({', '.join(f'{w:.2f}' for w in walls)}); "
                             f"{results[label][measure][-1][1]}")
            print(f"| {measure} | " + " | ".join(cells) + " |")
        return 0
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
