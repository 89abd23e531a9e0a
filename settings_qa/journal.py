"""The restore journal: a deployment account's settings as found, on disk before the first write.

Per-scenario restores put back what each scenario wrote. The journal covers what they cannot:
a run killed between a write and its restore (a CI timeout, SIGKILL, a lost runner). Before
the first write to a deployment account in a run (pytest or `settings-e2e`), the account's
writable settings, as the contract names them, go into one JSON file (mode 0600; no token, no
password). At the end of the run each entry is checked against the account and put back if
it differs; an entry is removed only once its account reads back as found.

An entry left behind means a run did not finish. The next run against that deployment and
account writes nothing: it stops with one line naming the journal and the two ways out,
`settings-qa restore` (shows what differs, puts it back, verifies) or
`settings-qa restore --discard`.

Several processes share the file (xdist workers, other runs): every change happens under an
exclusive lock on `<journal>.lock` and replaces the file atomically.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import socket
import tempfile
import time
import uuid
from dataclasses import asdict, dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Iterator
from urllib.parse import urlsplit

from contracts.models import writable
from settings_qa.net.options import default_journal

VERSION = 1
PENDING_EXIT = 75  # EX_TEMPFAIL: settle the journal, then run again


class JournalPending(Exception):
    """An entry of another run stands for this deployment account; the message is one line."""


def deployment_key(base_url: str) -> str:
    """The deployment a base URL names, spelt one way, so that the suite and settings-e2e, given
    `https://API.example.com:443/` and `https://api.example.com`, know they mean the same one:
    scheme and host in lower case, no default port, no trailing slash (the path kept as is)."""
    parts = urlsplit(base_url.strip())
    scheme, host = parts.scheme.lower(), (parts.hostname or "").lower()
    try:
        port = parts.port
    except ValueError:
        port = None
    netloc = f"[{host}]" if ":" in host else host
    if port is not None and port != {"http": 80, "https": 443}.get(scheme):
        netloc += f":{port}"
    return f"{scheme}://{netloc}{parts.path.rstrip('/')}"


@dataclass
class Entry:
    base_url: str
    email: str
    settings: dict[str, Any]  # the writable fields as found, as the contract names them
    run: str
    tool: str  # pytest, settings-e2e
    pid: int
    host: str
    taken_at: str

    @property
    def key(self) -> tuple[str, str]:
        return deployment_key(self.base_url), self.email.lower()

    def owner_alive(self) -> bool:
        """Whether the run that wrote it may still be running (same host, its process alive)."""
        if self.host != socket.gethostname():
            return True  # cannot tell: assume it is
        try:
            os.kill(self.pid, 0)
        except ProcessLookupError:
            return False
        except PermissionError:
            return True
        return True

    def describe_owner(self) -> str:
        return f"{self.tool}, pid {self.pid} on {self.host}, {self.taken_at}"


def new_run_id() -> str:
    return uuid.uuid4().hex[:12]


class Journal:
    def __init__(self, path: Path, run: str | None = None, tool: str = "pytest", owner_pid: int | None = None) -> None:
        self.path = Path(path)
        self.run = run or new_run_id()
        self.tool = tool
        self.owner_pid = owner_pid or os.getpid()

    # -- reading ----------------------------------------------------------------------------
    def entries(self) -> list[Entry]:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return []
        except (OSError, ValueError) as exc:
            raise JournalPending(f"the restore journal {self.path} cannot be read ({exc}): look at it, then "
                                 "remove it by hand once the accounts are as they should be") from None
        try:
            return [Entry(**item) for item in data.get("entries", [])]
        except (AttributeError, TypeError) as exc:  # JSON, but not a journal's shape
            raise JournalPending(f"the restore journal {self.path} is not a restore journal this version can read "
                                 f"({exc}): look at it, then remove it by hand once the accounts are as they should "
                                 "be") from None

    def mine(self) -> list[Entry]:
        return [entry for entry in self.entries() if entry.run == self.run]

    def blocking(self, base_url: str, email: str) -> Entry | None:
        """Another run's entry for this deployment account, if one stands."""
        key = (deployment_key(base_url), email.lower())
        return next((e for e in self.entries() if e.key == key and e.run != self.run), None)

    def pending_message(self, entry: Entry) -> str:
        if entry.owner_alive() and entry.host == socket.gethostname():
            return (f"another run is writing to {entry.email} at {entry.base_url} ({entry.describe_owner()}; "
                    f"restore journal {self.path}): wait for it to end, then run again")
        command = "settings-qa restore" + ("" if self.path == default_journal() else f" --journal {self.path}")
        return (f"the restore journal {self.path} holds {entry.email}'s settings at {entry.base_url} as a run that "
                f"did not finish found them ({entry.describe_owner()}); nothing is written until that is settled: "
                f"`{command}` shows what differs and puts them back, `{command} --discard` drops the entry")

    def check(self, base_url: str, emails: list[str]) -> None:
        """Raise JournalPending for the first account with another run's entry."""
        for email in emails:
            entry = self.blocking(base_url, email)
            if entry is not None:
                raise JournalPending(self.pending_message(entry))

    # -- writing ----------------------------------------------------------------------------
    def ensure(self, base_url: str, email: str, found: dict[str, Any]) -> bool:
        """Write `found` (the account's settings as found) unless this run has an entry for the
        account already; return whether it wrote. JournalPending if another run's stands."""
        with self._locked() as entries:
            key = (deployment_key(base_url), email.lower())
            for entry in entries:
                if entry.key == key:
                    if entry.run == self.run:
                        return False
                    raise JournalPending(self.pending_message(entry))
            entries.append(Entry(base_url, email, writable(found), self.run, self.tool, self.owner_pid,
                                 socket.gethostname(), datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")))
            return True

    def remove(self, entry: Entry) -> None:
        """Drop one entry (verified as found, or discarded on purpose); the file goes with the last."""
        with self._locked() as entries:
            entries[:] = [e for e in entries if not (e.key == entry.key and e.run == entry.run)]

    @contextlib.contextmanager
    def _locked(self) -> Iterator[list[Entry]]:
        self.path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        lock_fd = os.open(f"{self.path}.lock", os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(lock_fd, fcntl.LOCK_EX)
            entries = self.entries()
            before = [asdict(e) for e in entries]
            yield entries
            if [asdict(e) for e in entries] != before:
                self._write(entries)
        finally:
            fcntl.flock(lock_fd, fcntl.LOCK_UN)
            os.close(lock_fd)

    def _write(self, entries: list[Entry]) -> None:
        if not entries:
            with contextlib.suppress(FileNotFoundError):
                self.path.unlink()
            return
        text = json.dumps({"version": VERSION, "written": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
                           "entries": [asdict(e) for e in entries]}, ensure_ascii=False, indent=2)
        fd, temporary = tempfile.mkstemp(prefix=".restore-journal-", dir=self.path.parent)  # mode 0600
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                handle.write(text + "\n")
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(temporary, self.path)
        except BaseException:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(temporary)
            raise
