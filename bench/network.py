"""The transport's figures for BENCHMARKS.md ("Behind a rate limit", "Clean network").

    .venv/bin/python bench/network.py                    # both parts; the before of part 2 is BASELINE
    .venv/bin/python bench/network.py --rate 20 --runs 3 --baseline <rev>|none --after <rev>

1. Behind a rate limit: the reference backend (served, BCRYPT_ROUNDS=4) behind
   tests/network/gateway.py limiting to R requests a second (a token bucket of R: one second's
   burst), and the suite in deployment mode through it (`features contracts -n 2
   --contract-examples 5`), once without `--rate-limit` and once with it just under R (R - 1).
   For each: requests the gateway saw, 429s it answered, the suite's own count of waits and
   time waited, the time spent pacing, the wall time, and wall / (requests / R).
2. One request, plain httpx against the one transport: the same GET to the served backend
   (`--requests` times, alternating rounds), wall and CPU time per request, in this process.
3. Clean network, before and after the transport: the same suite straight against the
   backend (no gateway), and the default embedded run (`pytest -n 2`), on this checkout and on
   BASELINE (checked out in a temporary git worktree, run with the same venv), alternating,
   the median of `--runs`.

Not part of CI; nothing asserts a time. Run it on an idle machine.
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(REPO), str(REPO / "tests" / "network")]
from gateway import Gateway, Misbehaviour  # noqa: E402

from settings_qa.targets import ServedTarget  # noqa: E402

BASELINE = "7cda732"  # the last commit before the one transport (issue 19)
SUITE = ("features", "contracts", "-n", "2", "--contract-examples", "5", "--qa-seed", "1", "-p", "no:cacheprovider",
         "-q")


def suite(checkout: Path, url: str | None, env: dict[str, str], *extra: str) -> tuple[float, str, int]:
    command = [sys.executable, "-m", "pytest", *(SUITE if url else ("-n", "2", "--qa-seed", "1", "-p",
                                                                    "no:cacheprovider", "-q"))]
    command += ["--base-url", url] if url else []
    started = time.monotonic()
    done = subprocess.run([*command, *extra], cwd=checkout, env=env, capture_output=True, text=True, timeout=3600)
    return time.monotonic() - started, done.stdout + done.stderr, done.returncode


def environ(served: ServedTarget) -> dict[str, str]:
    keep = {k: v for k, v in os.environ.items() if not k.startswith(("QA_", "PYTEST_"))}
    journal = Path(tempfile.mkdtemp(prefix="bench-journal-")) / "journal.json"
    return {**keep, **served.qa_environment(), "BCRYPT_ROUNDS": "4", "QA_RESTORE_JOURNAL": str(journal)}


def waited(output: str) -> tuple[int, float, float]:
    """The run's own count of requests that waited, seconds waited, seconds paced."""
    head = re.search(r"(\d+) request\(s\) met the network .*?waited ([\d.]+) s in all", output)
    paced = re.search(r"paced by --rate-limit \S+: ([\d.]+) s", output)
    return (int(head.group(1)) if head else 0, float(head.group(2)) if head else 0.0,
            float(paced.group(1)) if paced else 0.0)


def rate_limited(served: ServedTarget, rate: float) -> None:
    print(f"## Behind a rate limit: gateway at {rate:g} requests/s (token bucket, burst {rate:g}), "
          f"suite in deployment mode: {' '.join(SUITE)}")
    print("| --rate-limit | requests | 429 answered | requests that waited | waited (s) | paced (s) | wall (s) "
          "| requests / R (s) | wall / (requests / R) | verdict |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---|")
    for cap in (None, f"{rate - 1:g}/s"):
        with Gateway(served.base_url, Misbehaviour(rate=rate, burst=rate)) as gateway:
            wall, output, code = suite(REPO, gateway.url, environ(served), *(["--rate-limit", cap] if cap else []))
            stats = dict(gateway.stats)
        met, seconds_waited, paced = waited(output)
        ideal = stats.get("requests", 0) / rate
        verdict = "passed" if code == 0 else f"exit {code}: {output.strip().splitlines()[-1]}"
        print(f"| {cap or 'none'} | {stats.get('requests', 0)} | {stats.get('429', 0)} | {met} | {seconds_waited:.1f} "
              f"| {paced:.1f} | {wall:.1f} | {ideal:.1f} | {wall / ideal:.2f} | {verdict} |")
    print()


def per_request(served: ServedTarget, requests: int, rounds: int = 5) -> None:
    import httpx

    from settings_qa.client import ApiClient
    from settings_qa.net.transport import build_client

    account = served.accounts["primary"]
    clients = {"plain httpx.Client": lambda: httpx.Client(base_url=served.base_url, timeout=30),
               "the one transport (build_client)": lambda: build_client(served.base_url, timeout=30)}
    samples: dict[str, list[tuple[float, float]]] = {label: [] for label in clients}
    for _ in range(rounds):
        for label, make in clients.items():
            with make() as http:
                api = ApiClient(http)
                token = api.login(account.email, account.password).json()["access_token"]
                wall, cpu = time.perf_counter(), time.process_time()
                for _ in range(requests):
                    api.get_business(token)
                samples[label].append(((time.perf_counter() - wall) / requests * 1000,
                                       (time.process_time() - cpu) / requests * 1000))
    print(f"## One request on a clean network: GET /api/business/me to the served backend, {requests} requests "
          f"a round, median of {rounds} alternating rounds")
    print("| client | wall per request (ms) | CPU per request, this process (ms) |")
    print("|---|---:|---:|")
    for label, values in samples.items():
        print(f"| {label} | {statistics.median(v[0] for v in values):.2f} | {statistics.median(v[1] for v in values):.3f} |")
    print()


def clean_network(served: ServedTarget, baseline: str, after: str | None, runs: int) -> None:
    """`after` None: this checkout; a revision: that commit (so that both sides run the same tests)."""
    worktrees: list[Path] = []

    def checkout(revision: str) -> Path:
        worktrees.append(Path(tempfile.mkdtemp()) / revision)
        subprocess.run(["git", "worktree", "add", "--quiet", "--detach", str(worktrees[-1]), revision], cwd=REPO,
                       check=True)
        return worktrees[-1]

    checkouts = {"after": checkout(after) if after else REPO}
    if baseline != "none":
        checkouts = {"before": checkout(baseline), **checkouts}
    try:
        print(f"## Clean network, before ({baseline}) and after ({after or 'this checkout'}): median of {runs} "
              "alternating runs")
        print("| run | " + " | ".join(f"{label} (s)" for label in checkouts) + " | after / before |")
        print("|---|" + "---:|" * (len(checkouts) + 1))
        for name, url in (("deployment, served backend, no gateway", served.base_url),
                          ("embedded (the default run, pytest -n 2)", None)):
            walls: dict[str, list[float]] = {label: [] for label in checkouts}
            for _ in range(runs):
                for label, checkout in checkouts.items():
                    wall, output, code = suite(checkout, url, environ(served))
                    if code != 0:
                        print(f"({label}: exit {code}: {output.strip().splitlines()[-1]})")
                    walls[label].append(wall)
            medians = {label: statistics.median(values) for label, values in walls.items()}
            ratio = f"{medians['after'] / medians['before']:.2f}" if "before" in medians else "-"
            print(f"| {name} | " + " | ".join(f"{medians[label]:.1f} ({', '.join(f'{w:.1f}' for w in walls[label])})"
                                              for label in checkouts) + f" | {ratio} |")
        print()
    finally:
        for worktree in worktrees:
            subprocess.run(["git", "worktree", "remove", "--force", str(worktree)], cwd=REPO, check=False)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rate", type=float, default=20.0)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--baseline", default=BASELINE)
    parser.add_argument("--after", default=None, help="a revision to measure as 'after' (default: this checkout)")
    parser.add_argument("--parts", default="rate,request,clean")
    parser.add_argument("--requests", type=int, default=500)
    args = parser.parse_args()
    load = " ".join(Path("/proc/loadavg").read_text().split()[:3])
    print(f"machine: {os.cpu_count()} cores, {platform.system()} {platform.release()}, Python "
          f"{platform.python_version()}, PYTHONDONTWRITEBYTECODE={os.environ.get('PYTHONDONTWRITEBYTECODE', 'unset')}, "
          f"load {load}, {time.strftime('%Y-%m-%dT%H:%MZ', time.gmtime())}; after: "
          f"{subprocess.run(['git', 'rev-parse', '--short', 'HEAD'], cwd=REPO, capture_output=True, text=True).stdout.strip()}")
    print()
    workdir = Path(tempfile.mkdtemp(prefix="bench-network-"))
    names = {"primary": "Bench Primary Co", "secondary": "Bench Secondary Co"}
    with ServedTarget(REPO / "backend", workdir, "bench", names, environ={**os.environ, "BCRYPT_ROUNDS": "4"}) as served:
        if "rate" in args.parts:
            rate_limited(served, args.rate)
        if "request" in args.parts:
            per_request(served, args.requests)
        if "clean" in args.parts:
            clean_network(served, args.baseline, args.after, args.runs)


if __name__ == "__main__":
    main()
