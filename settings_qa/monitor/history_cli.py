"""`settings-e2e history [PATH]`: what the history says, per deployment, as text or JSON.

Exit 0 with the summary; 64 with one line for a bad option or a file that is not a
settings-e2e history (or none at all). Reading never changes the file.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from typing import NoReturn, Sequence

from settings_qa.monitor.store import History, HistoryError
from settings_qa.monitor.summary import render, summarize
from settings_qa.redaction import redact

PROG = "settings-e2e history"
USAGE_EXIT = 64


class _Usage(Exception):
    pass


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        raise _Usage(message)


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog=PROG, description="Pass rates, streak, last failure and phase durations from the "
                                            "history that `settings-e2e --history PATH` keeps.")
    parser.add_argument("path", nargs="?", help="the history file (default: QA_HISTORY)")
    parser.add_argument("--runs", type=int, default=None,
                        help="the N of 'the last N runs' (default 20). Env: QA_HISTORY_RUNS")
    parser.add_argument("--url", help="only this deployment (default: every deployment in the file)")
    parser.add_argument("--json", action="store_true", help="one JSON document on stdout")
    return parser


def run(argv: Sequence[str], environ: os._Environ | dict[str, str] = os.environ) -> int:
    try:
        args = build_parser().parse_args(list(argv))
        path = args.path or environ.get("QA_HISTORY", "").strip()
        if not path:
            raise _Usage("name the history file (or set QA_HISTORY)")
        last = args.runs if args.runs is not None else _runs(environ.get("QA_HISTORY_RUNS", "").strip() or "20")
        if not 1 <= last <= 100000:
            raise _Usage(f"--runs must be from 1 to 100000, got {last}")
        target = _target(args.url) if args.url else None
        history = History(path, create=False)
    except (_Usage, HistoryError) as exc:
        print(f"{PROG}: usage error: {redact(exc)} (see {PROG} --help)", file=sys.stderr)
        return USAGE_EXIT
    with history:
        targets = [target] if target else history.targets()
        now = time.time()
        summaries = [summarize(history, target, now=now, last=last) for target in targets]
    if args.json:
        print(json.dumps({"history": str(path), "last_runs": last, "deployments": summaries}, ensure_ascii=False,
                         indent=2))
        return 0
    print(f"{PROG}: {path}")
    if not summaries:
        print("  no runs recorded yet")
    for summary in summaries:
        print("\n".join(render(summary, last)))
    return 0


def _target(raw: str) -> str:
    """--url spelt as settings-e2e records it (`https://API.example.com:443/` is `https://api.example.com`)."""
    from settings_qa.e2e.cli import UsageError, parse_url  # the check's own reading of --url

    try:
        return redact(parse_url(raw))
    except UsageError as exc:
        raise _Usage(str(exc)) from None


def _runs(raw: str) -> int:
    try:
        return int(raw)
    except ValueError:
        raise _Usage(f"QA_HISTORY_RUNS must be an integer, got {raw!r}") from None
