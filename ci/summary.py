"""The run's summary in Markdown: what a person reads first, before opening the report.

    python ci/summary.py                       # to stdout; appended to $GITHUB_STEP_SUMMARY in CI
    python ci/summary.py --output reports/summary.md
    python ci/summary.py --sections mutation   # one part only (CI's mutation job writes its table)

Sections, from what the run left behind (nothing is invented; a missing input is said so):
- legs: per leg (the `leg` label), passed / failed / skipped / findings outside the contract,
  from the Allure results (reports/allure-results/<leg>[-shard<k>]/);
- failures: failed and broken tests grouped as the report's categories group them (allurerc.mjs):
  the `finding` kind (hygiene, drift, extension), the network's events, else the `phase` label
  (authentication, fetch, save, persistence, contract, import, network, other);
- network: the network's events per leg and kind (settings_qa/net/report.py): how often, how
  many requests, how long the run waited; listed, or failing the run under --fail-on-network-events;
- history: Allure's own verdicts across runs, read from the generated report (the runs in
  history.jsonl, and each test's `transition` and `flaky` embedded in index.html);
- mutation: reports/mutation-table.md, written by the mutation catalogue's tests;
- report: where the report is (a URL in CI, the local path otherwise).

Standard library only (and settings_qa.redaction, itself stdlib): CI's report job runs it
without the venv. Messages are passed through the suite's redaction once more.
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import re
import sys
from collections import Counter, defaultdict
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from settings_qa.redaction import redact, register_secret  # noqa: E402

SECTIONS = ("legs", "failures", "network", "history", "mutation", "report")
FAILED = ("failed", "broken")
# The category names of allurerc.mjs, in its order (tests/ci/test_summary.py keeps them equal).
FINDINGS = {
    "hygiene": "Outside the contract: HTTP hygiene",
    "drift-contradicts": "Outside the contract: drift that contradicts the contract",
    "drift-less": "Outside the contract: drift, documents less",
    "drift-more": "Outside the contract: drift, documents more",
    "extension": "Outside the contract: properties the contract does not name",
}
PHASES = {
    "authentication": "Phase 1: authentication failed",
    "fetch": "Phase 2: fetch failed",
    "save": "Phase 3: save failed",
    "persistence": "Phase 4: persistence failed",
    "contract": "Contract violations",
    "import": "Import failures (smoke)",
    "network": "Network failures: the deployment's gateway kept requests from the backend",
    "other": "Other failures",
}
NETWORK = "Network: waits, retries and gateway errors (not the contract)"
UNCLASSIFIED = "Unclassified failures"
LISTED = 8  # names shown per group; the rest are counted
_EMBEDDED_RESULT = re.compile(r'd\("data/test-results/[^"]+","([A-Za-z0-9+/=]*)"\)')


class InputError(Exception):
    """Bad input to this script: reported as one line, exit status 2."""


def _label(result: dict, name: str) -> str | None:
    return next((label.get("value") for label in result.get("labels") or [] if label.get("name") == name), None)


def _first_line(text: str | None, width: int = 140) -> str:
    line = (text or "").strip().splitlines()[0] if (text or "").strip() else ""
    line = redact(line).replace("|", "\\|").replace("`", "'")
    return line if len(line) <= width else line[: width - 1] + "…"


# ---------------------------------------------------------------- inputs

def read_results(folder: Path) -> tuple[list[dict], list[str]]:
    """Every *-result.json under `folder` (one per test execution), and the unreadable ones."""
    results, unreadable = [], []
    for path in sorted(folder.rglob("*-result.json")) if folder.is_dir() else []:
        try:
            result = json.loads(path.read_text(encoding="utf-8"))
            if not isinstance(result, dict):
                raise ValueError
        except (ValueError, UnicodeDecodeError):
            unreadable.append(str(path))
            continue
        results.append(result)
    return results, unreadable


def read_report(folder: Path) -> tuple[list[dict], int | None]:
    """Allure's processed test results embedded in the single-file report, and the number of runs
    in its history.jsonl (None when the report was built without history)."""
    index = folder / "index.html"
    if not index.is_file():
        return [], None
    tests = []
    for payload in _EMBEDDED_RESULT.findall(index.read_text(encoding="utf-8", errors="replace")):
        try:
            tests.append(json.loads(base64.b64decode(payload)))
        except ValueError:
            continue
    history = folder / "history.jsonl"
    runs = sum(1 for line in history.read_text(encoding="utf-8").splitlines() if line.strip()) \
        if history.is_file() else None
    return [t for t in tests if not t.get("isRetry")], runs


# ---------------------------------------------------------------- sections

def legs_section(results: list[dict], unreadable: list[str], results_dir: Path) -> list[str]:
    if not results:
        return [f"No Allure results under `{results_dir}`: the suite did not run, or its results were not found."]
    counts: dict[str, Counter] = defaultdict(Counter)
    for result in results:
        leg = _label(result, "leg") or "(no leg)"
        status = result.get("status") or "unknown"
        kind = "findings" if _label(result, "finding") and status == "unknown" else (
            "network" if _label(result, "layer") == "network" and status == "unknown" else
            "failed" if status in FAILED else status if status in ("passed", "skipped") else "other")
        counts[leg][kind] += 1
    lines = ["| leg | passed | failed | skipped | outside the contract (listed) | network events (listed) |",
             "|---|---:|---:|---:|---:|---:|"]
    for leg in sorted(counts):
        c = counts[leg]
        lines.append(f"| {leg} | {c['passed']} | {c['failed']} | {c['skipped']} | {c['findings']} | {c['network']} |")
    if any(c["other"] for c in counts.values()):
        lines.append("")
        lines.append(f"{sum(c['other'] for c in counts.values())} result(s) with no verdict (status unknown).")
    if unreadable:
        lines += ["", f"{len(unreadable)} result file(s) could not be read: " + ", ".join(f"`{p}`" for p in unreadable[:3])]
    return lines


def group_of(result: dict) -> str:
    kind, phase = _label(result, "finding"), _label(result, "phase")
    if kind:
        return FINDINGS.get(kind, f"Outside the contract: {kind}")
    if _label(result, "layer") == "network":
        return NETWORK
    return PHASES.get(phase or "", UNCLASSIFIED)


def failures_section(results: list[dict]) -> list[str]:
    failed = [r for r in results if r.get("status") in FAILED]
    if not results:
        return []
    if not failed:
        return ["No failures."]
    order = [*FINDINGS.values(), NETWORK, *PHASES.values(), UNCLASSIFIED]
    groups: dict[str, list[dict]] = defaultdict(list)
    for result in failed:
        groups[group_of(result)].append(result)
    lines = []
    for name in sorted(groups, key=lambda g: order.index(g) if g in order else len(order)):
        members = sorted(groups[name], key=lambda r: (r.get("name") or "", _label(r, "leg") or ""))
        lines.append(f"- **{name}**: {len(members)}")
        for result in members[:LISTED]:
            message = _first_line((result.get("statusDetails") or {}).get("message"))
            lines.append(f"  - {_first_line(result.get('name'), 100)} ({_label(result, 'leg') or 'no leg'})"
                         + (f": {message}" if message else ""))
        if len(members) > LISTED:
            lines.append(f"  - and {len(members) - LISTED} more")
    return lines


def network_section(results: list[dict]) -> list[str]:
    """The network's events per leg and kind: how often, how many requests, how long waited."""
    events = [r for r in results if _label(r, "layer") == "network"]
    if not events:
        return ["No network events: every request was answered by the application at the first attempt."]
    lines = ["| leg | kind | what happened | verdict |", "|---|---|---|---|"]
    for result in sorted(events, key=lambda r: (_label(r, "leg") or "", _label(r, "network") or "")):
        message = _first_line((result.get("statusDetails") or {}).get("message"), 200)
        verdict = "failed the run" if result.get("status") in FAILED else "listed"
        lines.append(f"| {_label(result, 'leg') or 'no leg'} | {_label(result, 'network')} | {message} | {verdict} |")
    return lines


def history_section(tests: list[dict], runs: int | None, report_dir: Path) -> list[str]:
    if not (report_dir / "index.html").is_file():
        return [f"No report at `{report_dir}`: nothing to compare across runs."]
    if runs is None:
        return ["No history: this report stands alone (set QA_ALLURE_HISTORY for trends, flaky and new marks; "
                "reports/README.md)."]

    def where(test: dict) -> str:
        env = test.get("environment")
        return f"{_first_line(test.get('name'), 100)}" + (f" ({env})" if env and env != "default" else "")

    def listed(title: str, members: list[dict]) -> list[str]:
        names = sorted(where(t) for t in members)
        shown = "; ".join(names[:LISTED]) + (f"; and {len(names) - LISTED} more" if len(names) > LISTED else "")
        return [f"- **{title}**: {len(names)}" + (f": {shown}" if names else "")]

    newly_failing = [t for t in tests if t.get("status") in FAILED
                     and t.get("transition") in ("new", "regressed", "malfunctioned")]
    lines = [f"Trend over {runs} run(s), this one included (history.jsonl beside the report)."]
    lines += listed("Newly failing (passed, or absent, in the previous run)", newly_failing)
    lines += listed("Fixed (failed in the previous run, passes now)", [t for t in tests if t.get("transition") == "fixed"])
    lines += listed("Flaky (failed now, and passed after a failure in the last 5 runs)", [t for t in tests if t.get("flaky")])
    lines.append(f"- **New tests** (not in the history): {sum(1 for t in tests if t.get('transition') == 'new')}")
    return lines


def mutation_section(table: Path, results: list[dict]) -> list[str]:
    if not table.is_file():
        return [f"No mutation table yet: `{table}` is written by the mutation catalogue's tests "
                "(`bash ci/mutation.sh`, or `bash ci/selftest.sh`)."]
    text = table.read_text(encoding="utf-8").strip()
    written = datetime.fromtimestamp(table.stat().st_mtime, timezone.utc)
    newest = max((r.get("stop") or 0 for r in results), default=0) / 1000
    age = " (from an earlier run than these results)" if newest and table.stat().st_mtime < newest else ""
    totals = [line for line in text.splitlines() if line and not line.startswith("|")]
    rows = [line for line in text.splitlines() if line.startswith("|")]
    return [(totals[-1] if totals else "The mutation catalogue's table:") + f" Written {written:%Y-%m-%d %H:%M} UTC{age}.",
            "", "<details><summary>Mutation table</summary>", "", *rows, "", "</details>"]


def report_section(report_dir: Path, url: str | None) -> list[str]:
    if url:
        return [f"**[Open the Allure report]({url})** (one HTML file: trends, categories, every step)."]
    index = report_dir / "index.html"
    if os.environ.get("GITHUB_ACTIONS"):
        return ["The report was not published by this run (see the report job's log)." if index.is_file()
                else "No Allure report was built (`bash ci/report.sh` failed: see the report job's log)."]
    if index.is_file():
        return [f"Allure report: `{index}` (open it in a browser; `file://{index.resolve()}`)."]
    return [f"No Allure report at `{index}` (`bash ci/report.sh` writes it)."]


# ---------------------------------------------------------------- assembly

def render(args: argparse.Namespace) -> str:
    wanted = args.sections
    results, unreadable = read_results(args.results) if {"legs", "failures", "network", "mutation"} & set(wanted) \
        else ([], [])
    tests, runs = read_report(args.report) if "history" in wanted else ([], None)
    failed = sum(1 for r in results if r.get("status") in FAILED)
    parts = []
    if "legs" in wanted or "failures" in wanted:
        verdict = ("no results" if not results else f"{failed} failed" if failed else "all passed")
        parts += [f"## {args.title}: {verdict}", ""]
    sections = {
        "legs": lambda: ("Per leg", legs_section(results, unreadable, args.results)),
        "failures": lambda: ("Failures, by the report's categories", failures_section(results)),
        "network": lambda: ("Network (waits, retries, gateway errors: not the contract)",
                            network_section(results) if results else []),
        "history": lambda: ("Across runs", history_section(tests, runs, args.report)),
        "mutation": lambda: ("Mutation catalogue", mutation_section(args.mutation_table, results)),
        "report": lambda: ("Report", report_section(args.report, args.report_url)),
    }
    for name in wanted:
        title, lines = sections[name]()
        if lines:
            parts += [f"### {title}", "", *lines]
        parts.append("")
    return "\n".join(parts).rstrip() + "\n"


def _sections(value: str) -> list[str]:
    names = [v.strip() for v in value.split(",") if v.strip()]
    unknown = [n for n in names if n not in SECTIONS]
    if unknown or not names:
        raise argparse.ArgumentTypeError(f"unknown section {', '.join(unknown) or '(none)'}; choose from {', '.join(SECTIONS)}")
    return names


class _Parser(argparse.ArgumentParser):
    def error(self, message: str):  # one line, not argparse's usage block
        print(f"summary: {message} (python ci/summary.py --help)", file=sys.stderr)
        raise SystemExit(2)


def main(argv: list[str] | None = None) -> int:
    parser = _Parser(prog="ci/summary.py", description=__doc__.splitlines()[0])
    parser.add_argument("--results", type=Path, default=Path("reports/allure-results"))
    parser.add_argument("--report", type=Path, default=Path("reports/allure-report"))
    parser.add_argument("--mutation-table", type=Path, default=Path("reports/mutation-table.md"))
    parser.add_argument("--report-url", help="where the published report opens (CI: the artifact's URL)")
    parser.add_argument("--sections", type=_sections, default=list(SECTIONS),
                        help=f"comma-separated, in order: {','.join(SECTIONS)} (default: all)")
    parser.add_argument("--title", default="Settings QA")
    parser.add_argument("--output", type=Path, help="write here (default: $GITHUB_STEP_SUMMARY, appended, else stdout)")
    args = parser.parse_args(argv)
    for name in ("QA_PASSWORD", "QA_PASSWORD_2", "QA_PASSWORD_NO_BUSINESS"):
        register_secret(os.environ.get(name))
    try:
        for given in (args.results, args.report):
            if given.exists() and not given.is_dir():
                raise InputError(f"{given} is a file; a folder is expected")
        text = render(args)
        target = args.output or (Path(os.environ["GITHUB_STEP_SUMMARY"]) if os.environ.get("GITHUB_STEP_SUMMARY") else None)
        if target is None:
            sys.stdout.write(text)
        else:
            with open(target, "w" if args.output else "a", encoding="utf-8") as out:
                out.write(text)
            print(f"summary: written to {target}", file=sys.stderr)
    except (InputError, OSError) as error:
        print(f"summary: {error}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
