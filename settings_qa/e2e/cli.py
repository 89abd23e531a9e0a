"""`settings-e2e --url URL`: the incident report's post-deploy check, from the command line.

Credentials come from QA_EMAIL and QA_PASSWORD only, never from argv (argv is visible
to every user of the machine and lands in shell history and CI logs).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from functools import partial
from typing import NoReturn, Sequence

import httpx

from settings_qa import __version__
from settings_qa.client import ApiClient, Exchange
from settings_qa.e2e import render
from settings_qa.e2e.check import SettingsCheck
from settings_qa.e2e.outcome import ExitCode, RunResult
from settings_qa.e2e.values import REPORT_VALUES, new_seed, random_values
from settings_qa.redaction import redact, register_secret

PROG = "settings-e2e"
DEFAULT_TIMEOUT = 10.0


class UsageError(Exception):
    """Bad command line or environment: exit 64 with one line."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        raise UsageError(message)


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog=PROG,
        description="Post-deploy check of the business settings: log in, read, save, read back, restore.",
        epilog="Credentials: set QA_EMAIL and QA_PASSWORD in the environment. "
        "Exit codes: 0 ok, 1 auth, 2 fetch, 3 save failed, 4 saved but not read back, 5 invalid data, "
        "64 usage, 69 unreachable, 70 internal error, 130 interrupted.",
    )
    parser.add_argument("--url", required=True, 
        help="base URL of the deployment, e.g. https://api.example.com")
    parser.add_argument(
        "--timeout", type=_positive_seconds, default=DEFAULT_TIMEOUT,
        help=f"seconds to wait for each request (default {DEFAULT_TIMEOUT:g})",
    )
    parser.add_argument(
        "-v", "--verbose", action="store_true", help="timings, notes, and each exchange (redacted) on stderr"
    )
    parser.add_argument("--json", action="store_true", help="the result as JSON on stdout, not the report")
    parser.add_argument(
        "--random", action="store_true", help="write Faker values instead of the report's (prints the seed)"
    )
    parser.add_argument("--seed", type=int, help="seed for --random (implies --random)")
    parser.add_argument(
        "--strict", action="store_true",
        help="closed world: a response property the contract does not name is invalid data (exit 5). "
        "Env: QA_STRICT=1. Default: such properties are listed, not failed",
    )
    parser.add_argument("--version", action="version", version=f"{PROG} {__version__}")
    return parser


def _positive_seconds(raw: str) -> float:
    try:
        value = float(raw)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number of seconds: {raw!r}") from None
    if not 0 < value <= 600:
        raise argparse.ArgumentTypeError("must be more than 0 and at most 600 seconds")
    return value


def parse_url(raw: str) -> str:
    """A usable base URL, or UsageError. The raw text is echoed only when it holds no credentials."""
    try:
        url = httpx.URL(raw.strip())
    except (httpx.InvalidURL, TypeError) as exc:
        raise UsageError(f"--url is not a valid URL ({redact(exc)})") from None
    if url.userinfo:
        raise UsageError("--url must not contain credentials; set QA_EMAIL and QA_PASSWORD instead")
    if url.scheme not in ("http", "https"):
        raise UsageError(f"--url must start with http:// or https:// (got {redact(raw)!r})")
    if not url.host:
        raise UsageError(f"--url has no host (got {redact(raw)!r})")
    if url.query or url.fragment:
        raise UsageError("--url must not have a query string or fragment")
    return str(url).rstrip("/")


def read_credentials(environ: dict[str, str] | os._Environ) -> tuple[str, str]:
    email, password = environ.get("QA_EMAIL", "").strip(), environ.get("QA_PASSWORD", "")
    missing = [name for name, value in (("QA_EMAIL", email), ("QA_PASSWORD", password)) if not value]
    if missing:
        raise UsageError(
            f"{' and '.join(missing)} not set: credentials come from the environment, "
            "never from the command line"
        )
    register_secret(password)
    return email, password


def strict_from_environment(environ: dict[str, str] | os._Environ) -> bool:
    raw = environ.get("QA_STRICT", "").strip().lower()
    if raw not in ("", "0", "1", "true", "false", "yes", "no", "on", "off"):
        raise UsageError(f"QA_STRICT must be 1 or 0, got {raw!r}")
    return raw in ("1", "true", "yes", "on")


def _safe_argv_summary(argv: Sequence[str]) -> str:
    """Option names only: a value typed by mistake (a password, say) is never echoed."""
    return " ".join(arg.split("=", 1)[0] if arg.startswith("-") else "<value>" for arg in argv)


def run(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    try:
        args = build_parser().parse_args(argv)
    except UsageError as exc:
        message = str(exc)
        if "unrecognized arguments" in message:
            message = f"unrecognized arguments in: {_safe_argv_summary(argv)}"
        return _usage(message, as_json=False)
    try:
        url = parse_url(args.url)
        email, password = read_credentials(os.environ)
        strict = args.strict or strict_from_environment(os.environ)
    except UsageError as exc:
        return _usage(str(exc), as_json=args.json)

    seed = args.seed if args.seed is not None else (new_seed() if args.random else None)
    target = REPORT_VALUES if seed is None else random_values(seed)
    result = RunResult(url=redact(url), values_source="report" if seed is None else "random", seed=seed,
                       strict=strict)
    if not args.json:
        print(redact(render.header(result)), flush=True)

    on_exchange = _log_exchange if args.verbose else None
    with httpx.Client(
        base_url=url,
        timeout=args.timeout,
        follow_redirects=False,
        headers={"User-Agent": f"{PROG}/{__version__}"},
    ) as http:
        client = ApiClient(http, on_exchange=on_exchange)
        on_phase = None if args.json else partial(render.print_phase, out=sys.stdout, verbose=args.verbose)
        SettingsCheck(
            client, email=email, password=password, target=dict(target), result=result,
            timeout=args.timeout, on_phase=on_phase,
        ).run()

    if args.json:
        print(render.as_json(result))
    else:
        render.print_summary(result, sys.stdout, verbose=args.verbose)
    line = render.failure_line(result)
    if line:
        print(line, file=sys.stderr)
    return int(result.code)


def _usage(message: str, *, as_json: bool) -> int:
    print(f"{PROG}: usage error: {redact(message)} (see {PROG} --help)", file=sys.stderr)
    if as_json:
        document = {"tool": PROG, "exit_code": int(ExitCode.USAGE), "outcome": "Usage error"}
        print(json.dumps({**document, "error": redact(message)}))
    return int(ExitCode.USAGE)


def _log_exchange(exchange: Exchange) -> None:
    print(redact(exchange.render()), file=sys.stderr)
    print("-" * 60, file=sys.stderr, flush=True)


def main(argv: Sequence[str] | None = None) -> int:
    """Console-script entry point: never a traceback, always one of the documented codes."""
    for stream in (sys.stdout, sys.stderr):  # a non-UTF-8 terminal gets '?' for ✅, not a crash
        if hasattr(stream, "reconfigure"):
            stream.reconfigure(errors="replace")
    try:
        return run(argv)
    except KeyboardInterrupt:
        print(f"{PROG}: interrupted", file=sys.stderr)
        return int(ExitCode.INTERRUPTED)
    except Exception as exc:  # noqa: BLE001 - the last guard: one line instead of a traceback
        print(f"{PROG}: internal error: {type(exc).__name__}: {redact(exc)}", file=sys.stderr)
        return int(ExitCode.INTERNAL)
