"""`settings-qa restore`: settle a restore journal that a run left behind.

    settings-qa restore                 # show what differs, put it back, verify, remove the entry
    settings-qa restore --dry-run       # only show what differs
    settings-qa restore --discard       # drop the entries without touching any account
    settings-qa restore --base-url URL  # only the entries of that deployment

Credentials come from the environment as for the suite (QA_EMAIL/QA_PASSWORD, QA_EMAIL_2/...,
QA_EMAIL_NO_BUSINESS/...), matched to each entry by its email. An entry whose run is still
alive on this machine is left alone unless --force. Exit: 0 every entry settled (or none;
with --dry-run: every account reads back as found, the entries stay), 1 an entry is not settled
(it stays), 64 usage (a bad option, a journal that cannot be read), 75 an entry belongs to a run
still running.
"""

from __future__ import annotations

import argparse
import os
import sys

from settings_qa import accounts as accounts_mod
from settings_qa.client import ApiClient
from settings_qa.journal import PENDING_EXIT, Journal, JournalPending, deployment_key
from settings_qa.net import options as net_options
from settings_qa.net.transport import build_client, configure
from settings_qa.redaction import redact
from settings_qa.settle import settle

EX_USAGE = 64
PROG = "settings-qa restore"


def add_parser(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser("restore", help="settle a restore journal left by a run that did not finish",
                            description=__doc__.split("\n\n")[0])
    parser.add_argument("--journal", default=None, help="the journal (default: QA_RESTORE_JOURNAL, else "
                                                        f"{net_options.default_journal()})")
    parser.add_argument("--base-url", default=None, help="only the entries of this deployment")
    what = parser.add_mutually_exclusive_group()
    what.add_argument("--dry-run", action="store_true", help="show what differs; change nothing")
    what.add_argument("--discard", action="store_true", help="drop the entries without touching the accounts")
    parser.add_argument("--force", action="store_true", help="also entries of a run that still seems alive")
    parser.add_argument("--timeout", type=float, default=30.0, help="seconds per request (default 30)")
    for name in ("rate_limit", "retries", "max_wait", "ca_bundle"):
        env, text = net_options.HELP[name]
        parser.add_argument("--" + name.replace("_", "-"), default=None, help=f"{text}. Env: {env}")


def run(args: argparse.Namespace, environ=os.environ) -> int:
    try:
        network = net_options.resolve({"rate_limit": args.rate_limit, "retries": args.retries,
                                       "max_wait": args.max_wait, "ca_bundle": args.ca_bundle,
                                       "restore_journal": args.journal}, environ)
    except ValueError as exc:
        return _usage(str(exc))
    journal = Journal(network.journal, tool=PROG)
    try:
        entries = [e for e in journal.entries() if args.base_url is None or e.key[0] == deployment_key(args.base_url)]
    except JournalPending as exc:
        return _usage(str(exc))
    if not entries:
        print(f"{PROG}: nothing to restore: no entry in {journal.path}" +
              (f" for {args.base_url}" if args.base_url else ""))
        return 0
    print(f"{PROG}: {len(entries)} entr{'y' if len(entries) == 1 else 'ies'} in {journal.path}")
    alive = [e for e in entries if e.owner_alive() and not args.force]
    for entry in alive:
        print(f"  {entry.email} at {entry.base_url}: its run may still be running ({entry.describe_owner()}); "
              "stop it first, or pass --force", file=sys.stderr)
    if alive:
        return PENDING_EXIT
    if args.discard:
        for entry in entries:
            journal.remove(entry)
            print(f"  {entry.email} at {entry.base_url} ({entry.describe_owner()}): discarded, account not checked")
        return 0
    configure(network.policy.patient(), None, network.ca_bundle)
    accounts = {a.email.lower(): a for a in accounts_mod.from_environment(environ).values()}
    unsettled = 0
    for entry in entries:
        print(f"  {entry.email} at {entry.base_url} (found by {entry.describe_owner()}):")
        account = accounts.get(entry.email.lower())
        if account is None:
            unsettled += 1
            print(f"    no credentials: set the QA_EMAIL/QA_PASSWORD pair (or _2, _NO_BUSINESS) of {entry.email}")
            continue
        with build_client(entry.base_url, timeout=args.timeout) as http:
            result = settle(entry, ApiClient(http), account.password, dry_run=args.dry_run, interrupted=True)
        for line in result.differences:
            print(f"    {redact(line)}")
        if result.error:
            unsettled += 1
            print(f"    NOT SETTLED: {redact(result.error)}; the entry stays")
        elif not result.differences:
            print("    reads back as found" + ("" if args.dry_run else "; entry removed"))
        elif args.dry_run:
            unsettled += 1
            print("    differs (--dry-run: nothing written)")
        else:
            print("    put back and verified; entry removed")
        if result.verified and not args.dry_run:
            journal.remove(entry)
    if unsettled:
        print(f"{PROG}: {unsettled} entr{'y' if unsettled == 1 else 'ies'} not settled; {journal.path} keeps "
              f"{'it' if unsettled == 1 else 'them'}", file=sys.stderr)
        return 1
    if args.dry_run:
        print(f"{PROG}: every account reads back as found (--dry-run: the entries stay, and runs against these "
              "accounts stay stopped; `settings-qa restore` removes them)")
        return 0
    print(f"{PROG}: every entry settled; {journal.path} is removed when empty")
    return 0


def _usage(message: str) -> int:
    print(f"{PROG}: {redact(message)}", file=sys.stderr)
    return EX_USAGE
