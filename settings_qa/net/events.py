"""Network events: every wait, retry and gateway error the transport met, kept for the reports.

One `NetworkEvent` per request the network touched (a request that went through at once
leaves none): what came back on each failed attempt (`causes`), how long the transport
waited, and how it ended:

| outcome | meaning |
|---|---|
| recovered | answered by the application after waiting or retrying |
| failed | still failing after its retries or past its waiting budget: the test fails as a network failure |
| outcome-unknown | a write got no answer from the application; its caller re-established a known state |
| repeated | a write sent again after its state was re-established |
| inconclusive | a check that could not be judged for network reasons (never a contract failure) |

Within one process the events are kept in memory; a run with several processes (xdist
workers) also appends them to one JSON Lines file in the run's folder (`QA_RUN_DIR`), where
the controller reads them all at the end. The run's total waiting time lives beside it, so
that the per-run waiting budget holds across workers.
"""

from __future__ import annotations

import fcntl
import json
import os
import threading
import time
from collections import Counter
from dataclasses import asdict, dataclass, field
from pathlib import Path

from settings_qa.redaction import redact

CAUSES = {
    "rate-limited": "rate limited (429)",
    "unavailable": "unavailable, asked to wait (503 with Retry-After)",
    "gateway": "gateway error page (502/503/504, not the application's)",
    "dropped": "connection closed or reset before the answer",
    "refused": "connection refused or not established",
}
OUTCOMES = ("recovered", "failed", "outcome-unknown", "repeated", "inconclusive")
EVENTS_FILE = "network-events.jsonl"
TOTALS_FILE = "network-totals.json"


@dataclass
class NetworkEvent:
    method: str
    path: str
    outcome: str
    causes: list[str] = field(default_factory=list)
    details: list[str] = field(default_factory=list)
    waited: float = 0.0
    test: str = ""
    note: str = ""
    at: float = field(default_factory=time.time)

    def __post_init__(self) -> None:
        self.details = [redact(d) for d in self.details]
        self.note = redact(self.note)

    @property
    def request(self) -> str:
        return f"{self.method} {self.path}"

    def line(self) -> str:
        counts = Counter(self.causes)
        what = ", ".join(f"{CAUSES.get(c, c).split(' (')[0]} x{n}" for c, n in counts.items()) or self.note
        waited = f", waited {self.waited:.1f} s" if self.waited else ""
        return f"{self.request}: {self.outcome} ({what}{waited})"


def current_test() -> str:
    """The running test's node id, when pytest runs one."""
    return os.environ.get("PYTEST_CURRENT_TEST", "").rsplit(" (", 1)[0]


class Ledger:
    """This process's events and, when a run folder is set, the run's shared file of them."""

    def __init__(self, run_dir: Path | None = None) -> None:
        self.run_dir = run_dir
        self.events: list[NetworkEvent] = []
        self._lock = threading.Lock()
        self._waited = 0.0  # this process's, when there is no run folder

    def record(self, event: NetworkEvent) -> None:
        if not event.test:
            event.test = current_test()
        with self._lock:
            self.events.append(event)
        if self.run_dir is not None:
            line = (json.dumps(asdict(event), ensure_ascii=False) + "\n").encode("utf-8")
            fd = os.open(self.run_dir / EVENTS_FILE, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
            try:
                os.write(fd, line)  # one write per line: appends from several processes do not interleave
            finally:
                os.close(fd)

    def all_events(self) -> list[NetworkEvent]:
        """Every event of the run: the shared file when there is one, else this process's."""
        if self.run_dir is None:
            with self._lock:
                return list(self.events)
        path = self.run_dir / EVENTS_FILE
        if not path.exists():
            return []
        found = []
        for line in path.read_text(encoding="utf-8").splitlines():
            try:
                found.append(NetworkEvent(**json.loads(line)))
            except (ValueError, TypeError):
                continue  # a line cut short by a killed process
        return found

    # -- the run's waiting total (the per-run budget) -------------------------------------
    def add_wait(self, seconds: float, kind: str = "waited") -> float:
        """Add `seconds` to the run's total of `kind` (waited, paced); return the new total."""
        if self.run_dir is None:
            with self._lock:
                if kind == "waited":
                    self._waited += seconds
                    return self._waited
                return seconds
        with _locked(self.run_dir / TOTALS_FILE) as totals:
            totals[kind] = totals.get(kind, 0.0) + seconds
            return totals[kind]

    def reserve_wait(self, seconds: float, budget: float) -> float | None:
        """Add `seconds` to the run's waiting total if it stays within `budget`, in one step (two
        workers cannot both take the budget's last seconds); the new total, or None if refused."""
        if self.run_dir is None:
            with self._lock:
                if self._waited + seconds > budget:
                    return None
                self._waited += seconds
                return self._waited
        with _locked(self.run_dir / TOTALS_FILE) as totals:
            waited = float(totals.get("waited", 0.0))
            if waited + seconds > budget:
                return None
            totals["waited"] = waited + seconds
            return totals["waited"]

    def total(self, kind: str = "waited") -> float:
        if self.run_dir is None:
            return self._waited if kind == "waited" else 0.0
        try:
            return float(_read_json(self.run_dir / TOTALS_FILE).get(kind, 0.0))
        except (TypeError, ValueError):
            return 0.0


class _locked:
    """A small JSON object in a file, changed under an exclusive lock (on a `.lock` file beside
    it) and replaced whole (a temporary file renamed over it), so a reader without the lock sees
    the old content or the new one, never an empty file, and a process killed while writing
    leaves the old content."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def __enter__(self) -> dict:
        self.fd = os.open(self.path.with_name(self.path.name + ".lock"), os.O_RDWR | os.O_CREAT, 0o600)
        fcntl.flock(self.fd, fcntl.LOCK_EX)
        self.data = _read_json(self.path)
        return self.data

    def __exit__(self, *exc: object) -> None:
        try:
            partial = self.path.with_name(f"{self.path.name}.{os.getpid()}.{threading.get_ident()}.tmp")
            descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            try:
                os.write(descriptor, json.dumps(self.data).encode())
            finally:
                os.close(descriptor)
            os.replace(partial, self.path)
        finally:
            fcntl.flock(self.fd, fcntl.LOCK_UN)
            os.close(self.fd)


def _read_json(path: Path) -> dict:
    try:
        data = json.loads(path.read_bytes() or b"{}")
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


_ledger = Ledger()


def ledger() -> Ledger:
    return _ledger


def use(run_dir: Path | None) -> Ledger:
    """Start a fresh ledger for this process (shared with other processes through `run_dir`)."""
    global _ledger
    _ledger = Ledger(run_dir)
    return _ledger


def record(event: NetworkEvent) -> None:
    _ledger.record(event)


@dataclass
class Summary:
    """The run's events, counted for the reports."""

    events: list[NetworkEvent]
    paced: float = 0.0

    @property
    def by_cause(self) -> Counter:
        return Counter(cause for event in self.events for cause in event.causes)

    @property
    def by_outcome(self) -> Counter:
        return Counter(event.outcome for event in self.events)

    @property
    def waited(self) -> float:
        return sum(event.waited for event in self.events)

    @property
    def requests(self) -> Counter:
        return Counter(event.request for event in self.events)

    @property
    def failed(self) -> list[NetworkEvent]:
        return [event for event in self.events if event.outcome in ("failed", "inconclusive")]

    def headline(self) -> str:
        causes = ", ".join(f"{CAUSES[c].split(' (')[0]}: {n}" for c, n in sorted(self.by_cause.items()))
        outcomes = ", ".join(f"{o}: {n}" for o, n in sorted(self.by_outcome.items()))
        return (f"{len(self.events)} request(s) met the network ({causes or 'no failed attempt'}); "
                f"{outcomes}; waited {self.waited:.1f} s in all")
