"""The history: one SQLite file that keeps every run, the state between runs and the alert queue.

Two runs writing at once lose nothing: each run's writes are one transaction taken with
`BEGIN IMMEDIATE` (SQLite's write lock; the other run waits up to `BUSY_SECONDS`), and the
state machine reads and writes the state inside that same transaction. An alert is queued
in the transaction that decides it, with one delivery row per webhook (named by a
fingerprint: a webhook's URL is a secret and is never stored); a run claims the deliveries
it sends for a while, so two runs never send the same one. Retention: runs and alerts older
than `retention_days` go at each write. The file is created readable by its owner only.
"""

from __future__ import annotations

import json
import os
import sqlite3
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator

from settings_qa.monitor.record import RunRecord
from settings_qa.monitor.state import State

APPLICATION_ID = 0x53514532  # "SQE2": marks the file as a settings-e2e history
SCHEMA_VERSION = 1
BUSY_SECONDS = 30.0
CLAIM_SECONDS = 120.0  # a run that dies while sending leaves its claims; another run may send them after this
MAX_SENDS = 50  # deliveries one run attempts at most
SCHEMA = """
CREATE TABLE IF NOT EXISTS runs (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    target TEXT NOT NULL,
    started_at REAL NOT NULL,
    finished_at REAL NOT NULL,
    exit_code INTEGER NOT NULL,
    category TEXT NOT NULL,
    failed_phase TEXT,
    reason TEXT,
    duration_ms REAL NOT NULL,
    phases TEXT NOT NULL,
    network TEXT NOT NULL,
    notes TEXT NOT NULL DEFAULT '[]'
);
CREATE INDEX IF NOT EXISTS runs_by_target ON runs (target, finished_at);
CREATE TABLE IF NOT EXISTS state (target TEXT PRIMARY KEY, data TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS alerts (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    target TEXT NOT NULL,
    run_id INTEGER NOT NULL,
    kind TEXT NOT NULL,
    created_at REAL NOT NULL,
    payload TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS deliveries (
    alert_id INTEGER NOT NULL REFERENCES alerts (id) ON DELETE CASCADE,
    destination TEXT NOT NULL,
    label TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    last_error TEXT,
    delivered_at REAL,
    claimed_until REAL,
    PRIMARY KEY (alert_id, destination)
);
"""


class HistoryError(Exception):
    """The history file cannot be used: one line for the user."""


@dataclass
class Delivery:
    alert_id: int
    kind: str
    destination: str  # the webhook's fingerprint
    label: str  # scheme://host of the webhook, for messages
    payload: dict[str, Any]
    attempts: int


class History:
    def __init__(self, path: Path, *, create: bool = True, retention_days: float = 90.0) -> None:
        self.path = Path(path)
        self.retention_days = retention_days
        if not self.path.exists():
            if not create:
                raise HistoryError(f"no history at {self.path}")
            if not self.path.parent.is_dir():
                raise HistoryError(f"the folder of {self.path} does not exist")
            os.close(os.open(self.path, os.O_WRONLY | os.O_CREAT, 0o600))
        try:
            self.db = sqlite3.connect(self.path, timeout=BUSY_SECONDS, isolation_level=None)
            self.db.execute("PRAGMA foreign_keys = ON")
            self._check_or_create(create)
        except sqlite3.DatabaseError as exc:
            raise HistoryError(f"{self.path} is not a settings-e2e history ({exc})") from None

    def _check_or_create(self, create: bool) -> None:
        with self.transaction() as db:
            application_id = db.execute("PRAGMA application_id").fetchone()[0]
            version = db.execute("PRAGMA user_version").fetchone()[0]
            if application_id == 0 and version == 0:
                if db.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]:
                    raise HistoryError(f"{self.path} is an SQLite file of something else, not a settings-e2e history")
                if not create:  # reading never changes the file
                    raise HistoryError(f"no history in {self.path} yet (an empty file: no run has been recorded)")
                for statement in filter(str.strip, SCHEMA.split(";")):
                    db.execute(statement)
                db.execute(f"PRAGMA application_id = {APPLICATION_ID}")
                db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
            elif application_id != APPLICATION_ID:
                raise HistoryError(f"{self.path} is an SQLite file of something else, not a settings-e2e history")
            elif version > SCHEMA_VERSION:
                raise HistoryError(f"{self.path} was written by a newer settings-e2e (history format {version})")

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> "History":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def transaction(self) -> Iterator["_Tx"]:
        """One write transaction: the state read here is the state written here."""
        self.db.execute("BEGIN IMMEDIATE")
        try:
            yield _Tx(self.db)
        except BaseException:
            self.db.execute("ROLLBACK")
            raise
        self.db.execute("COMMIT")

    # -- reading ------------------------------------------------------------------------
    def targets(self) -> list[str]:
        return [row[0] for row in self.db.execute("SELECT DISTINCT target FROM runs ORDER BY target")]

    def runs(self, target: str) -> list[RunRecord]:
        """Every kept run of `target`, oldest first."""
        rows = self.db.execute(
            "SELECT id, target, started_at, finished_at, exit_code, failed_phase, reason, duration_ms, phases,"
            " network FROM runs WHERE target = ? ORDER BY finished_at, id", (target,))
        return [RunRecord(id=r[0], target=r[1], started_at=r[2], finished_at=r[3], exit_code=r[4], failed_phase=r[5],
                          reason=r[6], duration_ms=r[7], phases=json.loads(r[8]), network=json.loads(r[9]))
                for r in rows]

    def notes(self, run_id: int) -> list[str]:
        row = self.db.execute("SELECT notes FROM runs WHERE id = ?", (run_id,)).fetchone()
        return json.loads(row[0]) if row else []

    def state(self, target: str) -> State:
        return _Tx(self.db).state(target)

    def pending(self, target: str) -> list[tuple[str, str, int, str | None]]:
        """Undelivered alerts of `target`: (kind, webhook label, attempts, last error)."""
        return list(self.db.execute(
            "SELECT a.kind, d.label, d.attempts, d.last_error FROM deliveries d JOIN alerts a ON a.id = d.alert_id"
            " WHERE a.target = ? AND d.delivered_at IS NULL ORDER BY a.id", (target,)))

    # -- delivering ---------------------------------------------------------------------
    def claim(self, target: str, destinations: list[str], now: float) -> list[Delivery]:
        """The undelivered alerts of `target` for these webhooks, oldest first, claimed by this run."""
        if not destinations:
            return []
        marks = ",".join("?" * len(destinations))
        with self.transaction() as db:
            rows = db.execute(
                "SELECT d.alert_id, a.kind, d.destination, d.label, a.payload, d.attempts FROM deliveries d"
                " JOIN alerts a ON a.id = d.alert_id WHERE a.target = ? AND d.delivered_at IS NULL"
                f" AND d.destination IN ({marks}) AND (d.claimed_until IS NULL OR d.claimed_until < ?)"
                " ORDER BY a.id LIMIT ?", (target, *destinations, now, MAX_SENDS)).fetchall()
            for row in rows:
                db.execute("UPDATE deliveries SET claimed_until = ? WHERE alert_id = ? AND destination = ?",
                           (now + CLAIM_SECONDS, row[0], row[2]))
        return [Delivery(r[0], r[1], r[2], r[3], json.loads(r[4]), r[5]) for r in rows]

    def delivered(self, delivery: Delivery, error: str | None, now: float) -> None:
        with self.transaction() as db:
            db.execute(
                "UPDATE deliveries SET attempts = attempts + 1, claimed_until = NULL, last_error = ?,"
                " delivered_at = ? WHERE alert_id = ? AND destination = ?",
                (error, None if error else now, delivery.alert_id, delivery.destination))

    def release(self, delivery: Delivery) -> None:
        """Give a claimed delivery back without trying it."""
        with self.transaction() as db:
            db.execute("UPDATE deliveries SET claimed_until = NULL WHERE alert_id = ? AND destination = ?",
                       (delivery.alert_id, delivery.destination))

    def add_notes(self, run_id: int, notes: list[str]) -> None:
        if notes:
            with self.transaction() as db:
                kept = json.loads(db.execute("SELECT notes FROM runs WHERE id = ?", (run_id,)).fetchone()[0])
                db.execute("UPDATE runs SET notes = ? WHERE id = ?", (json.dumps(kept + notes), run_id))


class _Tx:
    """The writes of one transaction (see History.transaction)."""

    def __init__(self, db: sqlite3.Connection) -> None:
        self.db = db

    def execute(self, sql: str, parameters: tuple = ()) -> sqlite3.Cursor:
        return self.db.execute(sql, parameters)

    def state(self, target: str) -> State:
        row = self.db.execute("SELECT data FROM state WHERE target = ?", (target,)).fetchone()
        return State(**json.loads(row[0])) if row else State()

    def set_state(self, target: str, state: State) -> None:
        self.db.execute("INSERT INTO state (target, data) VALUES (?, ?) ON CONFLICT (target) DO UPDATE SET"
                        " data = excluded.data", (target, json.dumps(state.as_dict())))

    def add_run(self, record: RunRecord) -> int:
        cursor = self.db.execute(
            "INSERT INTO runs (target, started_at, finished_at, exit_code, category, failed_phase, reason,"
            " duration_ms, phases, network) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (record.target, record.started_at, record.finished_at, record.exit_code, record.category,
             record.failed_phase, record.reason, record.duration_ms, json.dumps(record.phases),
             json.dumps(record.network)))
        record.id = cursor.lastrowid
        return record.id

    def add_alert(self, record: RunRecord, kind: str, payload: dict[str, Any],
                  destinations: dict[str, str]) -> int:
        """Queue an alert for these webhooks (fingerprint -> label)."""
        cursor = self.db.execute(
            "INSERT INTO alerts (target, run_id, kind, created_at, payload) VALUES (?, ?, ?, ?, ?)",
            (record.target, record.id, kind, record.finished_at, json.dumps(payload, ensure_ascii=False)))
        for destination, label in destinations.items():
            self.db.execute("INSERT INTO deliveries (alert_id, destination, label) VALUES (?, ?, ?)",
                            (cursor.lastrowid, destination, label))
        return cursor.lastrowid

    def prune(self, now: float, retention_days: float) -> None:
        cutoff = now - retention_days * 86400
        self.db.execute("DELETE FROM runs WHERE finished_at < ?", (cutoff,))
        self.db.execute("DELETE FROM alerts WHERE created_at < ?", (cutoff,))

