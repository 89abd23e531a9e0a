"""`python -m mutations`: the catalogue outside pytest.

    python -m mutations list                      # ids, layers, descriptions
    python -m mutations apply FAULT DIR           # a faulty copy of backend/ in DIR, to explore by hand
    python -m mutations run [FAULT ...]           # run faults (all by default) and the baseline, 2 at a time
    python -m mutations rate FAULT ... --runs 20  # how often a layer catches a race: one seed per run

The project's tests (tests/mutation/) run the same catalogue under pytest.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from mutations.catalogue import CATALOGUE, by_id
from mutations.layers import REPO, RunSettings
from mutations.model import DATABASES, CatalogueError, faulty_copy
from mutations.rate import rate as rate_of
from mutations.rate import render as render_rates
from mutations.runner import run_baseline, run_fault
from mutations.table import render


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m mutations", description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("list")
    apply = commands.add_parser("apply")
    apply.add_argument("fault")
    apply.add_argument("directory", type=Path)
    run = commands.add_parser("run")
    run.add_argument("faults", nargs="*")
    run.add_argument("--jobs", type=int, default=2)
    run.add_argument("--no-baseline", action="store_true")
    run.add_argument("--contract-examples", type=int, default=RunSettings.contract_examples)
    rate = commands.add_parser("rate")
    rate.add_argument("faults", nargs="+")
    rate.add_argument("--runs", type=int, default=20)
    rate.add_argument("--layer", default="races")
    rate.add_argument("--database", choices=DATABASES, default="sqlite")
    rate.add_argument("--jobs", type=int, default=2)
    rate.add_argument("-k", dest="select", help="only the scenarios this pytest -k expression selects")
    args = parser.parse_args(argv)

    if args.command == "list":
        for fault in CATALOGUE:
            print(f"{fault.id:40} {' '.join(fault.ordered_layers()):28} {fault.description}")
        return 0
    if args.command == "rate":
        return _rate(args)
    try:
        if args.command == "apply":
            faulty_copy(REPO / "backend", args.directory, by_id(args.fault))
            print(f"{args.directory}: backend/ with {args.fault}")
            return 0
        faults = [by_id(f) for f in args.faults] if args.faults else list(CATALOGUE)
    except (KeyError, CatalogueError, FileExistsError) as error:
        message = error.args[0] if isinstance(error, KeyError) else str(error)
        print(f"mutations: {message} (see `python -m mutations list`)", file=sys.stderr)
        return 64
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="mutations-") as tmp:
        root = Path(tmp)
        settings = RunSettings(contract_examples=args.contract_examples, pycache=root / "pycache")
        jobs = [lambda f=f: run_fault(f, root / f.id, settings) for f in faults]
        if not args.no_baseline:
            jobs.insert(0, lambda: run_baseline(root / "baseline", settings))
        with ThreadPoolExecutor(max_workers=args.jobs) as pool:
            outcomes = [o.to_dict() for o in pool.map(lambda job: job(), jobs)]
    print(render(outcomes, wall_seconds=time.perf_counter() - started))
    for outcome in outcomes:
        for problem in outcome["problems"]:
            print(f"{outcome['fault']}: {problem}", file=sys.stderr)
    return 1 if any(o["problems"] for o in outcomes) else 0


def _rate(args: argparse.Namespace) -> int:
    try:
        faults = [by_id(f) for f in args.faults]
    except KeyError as error:
        print(f"mutations: {error.args[0]} (see `python -m mutations list`)", file=sys.stderr)
        return 64
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="mutations-rate-") as tmp:
        root = Path(tmp)
        settings = RunSettings(pycache=root / "pycache", database=args.database, select=args.select)
        jobs = [None, *faults]  # None: the unmodified backend
        with ThreadPoolExecutor(max_workers=args.jobs) as pool:
            rates = list(pool.map(lambda f: rate_of(f, root / (f.id if f else "baseline"), settings,
                                                    layer=args.layer, runs=args.runs), jobs))
    print(render_rates(rates, layer=args.layer))
    print(f"{args.runs} runs each, seeds 1-{args.runs}, {time.perf_counter() - started:.0f} s")
    baseline, caught = rates[0], rates[1:]
    return 0 if baseline.caught == baseline.no_verdict == 0 and all(r.no_verdict == 0 for r in caught) else 1


if __name__ == "__main__":
    sys.exit(main())
