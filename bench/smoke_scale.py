"""`pytest -m smoke` on generated service packages of growing size: wall time and time per module.

    .venv/bin/python bench/smoke_scale.py [--repo DIR] [--shape layered|tangled] 100 1000 5000

Each size is generated once (bench/gen_package.py, seeded) under the system's temp folder and
checked with the smoke layer of the checkout at --repo (default: this one), the way a team
points it at its own service: `QA_SMOKE_PATH=<folder> QA_SMOKE_PACKAGE=genservice pytest -m
smoke`, process start to exit. Prints the closure sizes too: how many of the package's
modules one isolated import runs, the main cost of the isolated imports.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from gen_package import PACKAGE, closure_sizes, generate  # noqa: E402

HERE = Path(__file__).resolve().parents[1]


def package(count: int, shape: str) -> Path:
    root = Path(tempfile.gettempdir()) / f"settings-qa-bench-{shape}-{count}"
    if not (root / PACKAGE).is_dir():
        generate(count, root, shape)
    return root


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sizes", nargs="+", type=int)
    parser.add_argument("--repo", type=Path, default=HERE)
    parser.add_argument("--shape", choices=("layered", "tangled"), default="layered")
    args = parser.parse_args()
    pytest = HERE / ".venv" / "bin" / "pytest"
    for count in args.sizes:
        root = package(count, args.shape)
        sizes = closure_sizes(root)
        env = {**os.environ, "QA_SMOKE_PATH": str(root), "QA_SMOKE_PACKAGE": PACKAGE}
        started = time.perf_counter()
        done = subprocess.run([str(pytest), "-m", "smoke", "-q", "-p", "no:cacheprovider"], cwd=args.repo, env=env,
                              capture_output=True, text=True)
        wall = time.perf_counter() - started
        last = (done.stdout.strip().splitlines() or ["(no output)"])[-1]
        print(f"{count:>5} modules ({args.shape}, closure mean {statistics.mean(sizes):.0f}, max {max(sizes)}): "
              f"{wall:.2f} s wall, {wall / count * 1000:.1f} ms per module; {last}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
