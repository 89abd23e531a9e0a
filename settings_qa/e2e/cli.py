"""`settings-e2e --url URL`: the incident report's post-deploy check, from the command line.

Credentials come from QA_EMAIL and QA_PASSWORD only, never from argv (argv is visible
to every user of the machine and lands in shell history and CI logs).

Its requests go through the suite's one transport (settings_qa/net) with the same options as
the suite (`--rate-limit`, `--retries`, `--max-wait`, `--ca-bundle`, `--restore-journal`).
Before its first save the settings as found go to the restore journal; the entry is removed
once the account reads back as found. SIGTERM, like Ctrl-C, stops the check and restores.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from functools import partial
from typing import NoReturn, Sequence

import httpx

from settings_qa import __version__, signals
from settings_qa.console import keep_going, stdout_gone
from settings_qa.client import ApiClient, Exchange
from settings_qa.e2e import render
from settings_qa.e2e.check import SettingsCheck
from settings_qa.e2e.outcome import ExitCode, RunResult, internal_error
from settings_qa.e2e.values import REPORT_VALUES, new_seed, random_values
from settings_qa.journal import Journal, JournalPending
from settings_qa.monitor import history_cli, watch
from settings_qa.monitor import options as watch_options
from settings_qa.monitor.store import HistoryError
from settings_qa.net import events
from settings_qa.net import options as net_options
from settings_qa.net.transport import build_client, configure
from settings_qa.redaction import redact, register_secret
from settings_qa.settle import settle

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
        "64 usage, 69 unreachable (also: a gateway that keeps failing), 70 internal error, "
        "75 a restore journal of an unfinished run is pending (settings-qa restore), 130 interrupted.",
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
    network = parser.add_argument_group("network (the same as the suite's; README: running against production)")
    for name, (env, text) in net_options.HELP.items():
        network.add_argument("--" + name.replace("_", "-"), default=None, help=f"{text}. Env: {env}")
    watch_options.add_arguments(parser)
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
    try:
        return net_options.flag("QA_STRICT", environ.get("QA_STRICT"))
    except ValueError as exc:
        raise UsageError(str(exc)) from None


def network_options(args: argparse.Namespace, environ: dict[str, str] | os._Environ) -> net_options.NetworkOptions:
    try:
        return net_options.resolve({name: getattr(args, name) for name in net_options.HELP}, environ)
    except ValueError as exc:
        raise UsageError(str(exc)) from None


def _safe_argv_summary(argv: Sequence[str]) -> str:
    """Option names only: a value typed by mistake (a password, say) is never echoed."""
    return " ".join(arg.split("=", 1)[0] if arg.startswith("-") else "<value>" for arg in argv)


def run(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["history"]:  # `settings-e2e history PATH`: read the history, check nothing
        return history_cli.run(argv[1:])
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
        network = network_options(args, os.environ)
        watching = watch_options.resolve({name: getattr(args, name) for name in watch_options.HELP}, os.environ, url)
        history = watch.open_history(watching)
    except (UsageError, ValueError, HistoryError) as exc:
        return _usage(str(exc), as_json=args.json)
    configure(network.policy, None, network.ca_bundle)
    signals.install()
    journal = Journal(network.journal, tool=PROG)
    started_at = time.time()
    try:
        journal.check(url, [email])
    except JournalPending as pending:
        print(f"{PROG}: exit {int(ExitCode.RESTORE_PENDING)} ({ExitCode.RESTORE_PENDING.meaning}): "
              f"{redact(pending)}", file=sys.stderr)
        if history is not None:
            watch.after_run(RunResult(url=redact(url), values_source="report", code=ExitCode.RESTORE_PENDING,
                                      reason=str(pending)), started_at, watching, history)
        return int(ExitCode.RESTORE_PENDING)

    seed = args.seed if args.seed is not None else (new_seed() if args.random else None)
    target = REPORT_VALUES if seed is None else random_values(seed)
    result = RunResult(url=redact(url), values_source="report" if seed is None else "random", seed=seed,
                       strict=strict)
    if not args.json:
        print(redact(render.header(result)), flush=True)

    on_exchange = _log_exchange if args.verbose else None
    try:
        with build_client(url, timeout=args.timeout, headers={"User-Agent": f"{PROG}/{__version__}"}) as http:
            client = ApiClient(http, on_exchange=on_exchange)
            on_phase = None if args.json else keep_going(partial(render.print_phase, out=sys.stdout,
                                                                 verbose=args.verbose))
            SettingsCheck(
                client, email=email, password=password, target=dict(target), result=result,
                timeout=args.timeout, on_phase=on_phase,
                before_first_write=lambda original: journal.ensure(url, email, original.model_dump()),
            ).run()
            _settle_journal(journal, client, password, result)
    except Exception as exc:  # noqa: BLE001 - a bug of ours is still a run: recorded, alerted, exit 70
        result.code, result.reason = ExitCode.INTERNAL, internal_error(exc)
    result.network = events.ledger().all_events()

    if args.json:
        keep_going(print)(render.as_json(result))
    else:
        keep_going(render.print_summary)(result, sys.stdout, verbose=args.verbose)
    line = render.failure_line(result)
    if line:
        print(line, file=sys.stderr)
    if history is not None:
        watch.after_run(result, started_at, watching, history)
    return int(result.code)


def _settle_journal(journal: Journal, client: ApiClient, password: str, result: RunResult) -> None:
    """After the restore phase: the account as a whole against what was found; the entry goes
    once it reads back as found, else it stays for `settings-qa restore`."""
    try:
        entries = journal.mine()
    except JournalPending as exc:
        result.journal = str(exc)
        return
    for entry in entries:
        try:
            with signals.settling():
                settled = settle(entry, client, password, interrupted=result.code == ExitCode.INTERRUPTED)
        except KeyboardInterrupt:
            result.journal = f"interrupted while settling; the restore journal {journal.path} keeps the settings as found"
            break
        if settled.verified:
            journal.remove(entry)
            result.journal = f"restore journal: {settled.line()}; entry removed"
        else:
            result.journal = (f"restore journal: {settled.line()}; the journal {journal.path} keeps the settings as "
                              "found: run `settings-qa restore`")
            if result.code == ExitCode.SUCCESS:
                result.code, result.reason = ExitCode.PERSISTENCE_FAILED, f"restore not verified: {settled.error}"


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
    except BrokenPipeError:  # `settings-e2e history | head`: the reader has what it wanted
        return stdout_gone()
    except Exception as exc:  # noqa: BLE001 - the last guard: one line instead of a traceback
        print(f"{PROG}: {redact(internal_error(exc))}", file=sys.stderr)
        return int(ExitCode.INTERNAL)
