"""SQLite storage of the foreign backend (standard library `sqlite3`) and its background audit.

One connection per call. A save runs in one `BEGIN IMMEDIATE` transaction and writes only
the columns whose value changed; the audit writes only `audit_status`, and only while its
revision is still the newest. `row-limit` adds a trigger that refuses a row whose text columns
together exceed 64 KiB of UTF-8. The race faults (`lost-update`, `locked-500`,
`audit-reverts`) replace exactly those guarantees and nothing else.
"""

from __future__ import annotations

import base64
import hashlib
import json
import random
import sqlite3
import threading
import time
from collections.abc import Callable, Iterable
from contextlib import closing
from typing import Any

import bcrypt

SCHEMA = """
CREATE TABLE IF NOT EXISTS accounts (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    email TEXT NOT NULL UNIQUE,
    password_hash TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS businesses (
    id INTEGER PRIMARY KEY,
    owner_id INTEGER NOT NULL UNIQUE REFERENCES accounts(id),
    name TEXT NOT NULL,
    industry TEXT, common_services TEXT, business_hours TEXT, description TEXT,
    faqs TEXT NOT NULL DEFAULT '[]',
    faq_serial INTEGER NOT NULL DEFAULT 0,
    audit_status TEXT NOT NULL DEFAULT 'none',
    audit_revision INTEGER NOT NULL DEFAULT 0,
    updated_at TEXT NOT NULL
);
"""
# row-limit: the row sized for a 64 KiB row limit (MySQL's); every single field fits, the largest
# valid settings (about 220 KB) do not, and the save fails with sqlite3.IntegrityError (a 500).
ROW_LIMIT = """
CREATE TRIGGER IF NOT EXISTS row_fits_64k BEFORE UPDATE ON businesses
WHEN length(CAST(NEW.name || coalesce(NEW.industry, '') || coalesce(NEW.common_services, '')
     || coalesce(NEW.business_hours, '') || coalesce(NEW.description, '') || NEW.faqs AS BLOB)) > 65535
BEGIN SELECT RAISE(ABORT, 'row too large'); END;
"""
FIRST_BUSINESS_ID = 1000  # far from account ids, so confusing the two shows
TEXT_COLUMNS = ("name", "industry", "common_services", "business_hours", "description")
ROW_COLUMNS = (*TEXT_COLUMNS, "faqs", "faq_serial", "audit_status", "audit_revision", "updated_at")


def _prehash(password: str) -> bytes:
    # bcrypt reads at most 72 bytes (bcrypt 5 refuses more); 128 code points can be 512.
    return base64.b64encode(hashlib.sha256(password.encode("utf-8")).digest())


def hash_password(password: str) -> str:
    return bcrypt.hashpw(_prehash(password), bcrypt.gensalt(rounds=4)).decode("ascii")


def password_matches(password: str, hashed: str) -> bool:
    return bcrypt.checkpw(_prehash(password), hashed.encode("ascii"))


def audit_verdict(description: str | None, faqs: list[dict[str, Any]]) -> str:
    """The audit's rule: plain-http links fail, everything else passes."""
    texts = [description or ""] + [f["question"] + f["answer"] for f in faqs]
    return "failed" if any("http://" in t for t in texts) else "passed"


def _pairs(faqs: list[dict[str, Any]]) -> list[tuple[str, str]]:
    return [(f["question"], f["answer"]) for f in faqs]


class Store:
    def __init__(
        self, path: str, *, stamp: Callable[[], str], audit_delay: float, faults: Iterable[str] = ()
    ) -> None:
        self.path, self.stamp, self.audit_delay = path, stamp, audit_delay
        self.faults = frozenset(faults)
        self._timers: set[threading.Timer] = set()
        self._lock = threading.Lock()
        self._save_gate = threading.Lock()
        self._closed = False

    def connect(self, timeout: float = 30.0) -> sqlite3.Connection:
        # isolation_level=None: we issue BEGIN ourselves, so the lock is taken where we say.
        conn = sqlite3.connect(self.path, timeout=timeout, isolation_level=None, check_same_thread=False)
        conn.row_factory = sqlite3.Row
        return conn

    # -- setup -----------------------------------------------------------------------------
    def create(self, accounts: Iterable[tuple[str, str, str | None]]) -> None:
        """Schema, then each (email, password, business_name); no name = no business."""
        conn = self.connect()
        try:
            conn.execute("PRAGMA journal_mode=WAL")  # readers never wait for a writer
            conn.executescript(SCHEMA + (ROW_LIMIT if "row-limit" in self.faults else ""))
            conn.execute("BEGIN IMMEDIATE")
            next_business = FIRST_BUSINESS_ID
            for email, password, business_name in accounts:
                owner = conn.execute(
                    "INSERT INTO accounts (email, password_hash) VALUES (?, ?)",
                    (email, hash_password(password)),
                ).lastrowid
                if business_name is not None:
                    conn.execute(
                        "INSERT INTO businesses (id, owner_id, name, updated_at) VALUES (?, ?, ?, ?)",
                        (next_business, owner, business_name, self.stamp()),
                    )
                    next_business += 1
            conn.execute("COMMIT")
        finally:
            conn.close()

    # -- reads -----------------------------------------------------------------------------
    def account_by_email(self, email: str) -> sqlite3.Row | None:
        with closing(self.connect()) as conn:
            return conn.execute("SELECT id, password_hash FROM accounts WHERE email = ?", (email,)).fetchone()

    def account_exists(self, account_id: int) -> bool:
        with closing(self.connect()) as conn:
            return conn.execute("SELECT 1 FROM accounts WHERE id = ?", (account_id,)).fetchone() is not None

    def business_of(self, owner_id: int) -> dict[str, Any] | None:
        with closing(self.connect()) as conn:
            return self._read(conn, owner_id)

    @staticmethod
    def _read(conn: sqlite3.Connection, owner_id: int) -> dict[str, Any] | None:
        row = conn.execute(
            "SELECT b.*, a.password_hash AS owner_hash FROM businesses b JOIN accounts a ON a.id = b.owner_id"
            " WHERE b.owner_id = ?",
            (owner_id,),
        ).fetchone()
        if row is None:
            return None
        business = dict(row)
        business["faqs"] = json.loads(business["faqs"])
        return business

    # -- writes ----------------------------------------------------------------------------
    def update(self, owner_id: int, sent: dict[str, Any]) -> tuple[dict[str, Any], set[str]] | None:
        """Apply the sent fields; the business after the save and the fields that changed,
        or None when the account owns no business. `faqs` arrive as question/answer dicts."""
        if "lost-update" in self.faults:
            return self._update_unlocked(owner_id, sent)
        if "locked-500" in self.faults:
            # A writer gate that refuses instead of waiting. Only saves take it (not the audit),
            # so saves made one after another never collide; two at once do.
            if not self._save_gate.acquire(blocking=False):
                raise sqlite3.OperationalError("database is locked")
            try:
                return self._update_in_transaction(owner_id, sent)
            finally:
                self._save_gate.release()
        return self._update_in_transaction(owner_id, sent)

    def _update_in_transaction(
        self, owner_id: int, sent: dict[str, Any]
    ) -> tuple[dict[str, Any], set[str]] | None:
        conn = self.connect()
        try:
            conn.execute("BEGIN IMMEDIATE")
            try:
                before = self._read(conn, owner_id)
                if before is None:
                    conn.execute("ROLLBACK")
                    return None
                changed = self._changes(before, sent)
                if changed:
                    values = self._new_values(before, changed)
                    columns = [c for c in ROW_COLUMNS if c in values]
                    conn.execute(
                        f"UPDATE businesses SET {', '.join(c + ' = ?' for c in columns)} WHERE id = ?",
                        (*[values[c] for c in columns], before["id"]),
                    )
                if "locked-500" in self.faults:
                    time.sleep(random.uniform(0.02, 0.05))  # a realistic write window
                after = self._read(conn, owner_id)
                conn.execute("COMMIT")
            except BaseException:
                if conn.in_transaction:
                    conn.execute("ROLLBACK")
                raise
        finally:
            conn.close()
        self._after_save(after, changed)
        return after, set(changed)

    def _update_unlocked(self, owner_id: int, sent: dict[str, Any]) -> tuple[dict[str, Any], set[str]] | None:
        """lost-update: read, "validate" slowly, then write every column from the stale copy."""
        with closing(self.connect()) as conn:
            before = self._read(conn, owner_id)
            if before is None:
                return None
            time.sleep(random.uniform(0.02, 0.06))
            changed = self._changes(before, sent)
            if changed:
                row = {**before, **self._new_values(before, changed)}
                conn.execute(
                    f"UPDATE businesses SET {', '.join(c + ' = ?' for c in ROW_COLUMNS)} WHERE id = ?",
                    (*[_column_value(c, row[c]) for c in ROW_COLUMNS], before["id"]),
                )
            after = self._read(conn, owner_id)
        self._after_save(after, changed)
        return after, set(changed)

    @staticmethod
    def _changes(before: dict[str, Any], sent: dict[str, Any]) -> dict[str, Any]:
        """The sent fields whose value differs from the stored one (FAQ ids do not count)."""
        changed = {}
        for field, value in sent.items():
            if field == "faqs":
                if _pairs(value) != _pairs(before["faqs"]):
                    changed[field] = value
            elif value != before[field]:
                changed[field] = value
        return changed

    def _new_values(self, before: dict[str, Any], changed: dict[str, Any]) -> dict[str, Any]:
        """Column values to write for `changed`, FAQs renumbered and the audit reset when audited."""
        values: dict[str, Any] = {c: changed[c] for c in TEXT_COLUMNS if c in changed}
        if "faqs" in changed:
            serial = before["faq_serial"]
            numbered = [
                {"id": serial + i, "question": f["question"], "answer": f["answer"]}
                for i, f in enumerate(changed["faqs"], start=1)
            ]
            values["faqs"] = json.dumps(numbered, ensure_ascii=False)
            values["faq_serial"] = serial + len(numbered)
        if "description" in changed or "faqs" in changed:
            values["audit_status"] = "pending"
            values["audit_revision"] = before["audit_revision"] + 1
        values["updated_at"] = self.stamp()
        return values

    def _after_save(self, after: dict[str, Any], changed: dict[str, Any]) -> None:
        if "description" in changed or "faqs" in changed:
            self._schedule_audit(after["id"], after["audit_revision"])

    # -- audit -----------------------------------------------------------------------------
    def _schedule_audit(self, business_id: int, revision: int) -> None:
        if "audit-reverts" in self.faults:
            timer = threading.Timer(0, self._audit_whole_row, (business_id,))
        else:
            timer = threading.Timer(self.audit_delay, self._audit, (business_id, revision))
        timer.daemon = True
        with self._lock:
            if self._closed:
                return
            self._timers = {t for t in self._timers if t.is_alive()} | {timer}
        timer.start()

    def _audit(self, business_id: int, revision: int) -> None:
        try:
            with closing(self.connect()) as conn:
                conn.execute("BEGIN IMMEDIATE")
                row = conn.execute(
                    "SELECT description, faqs FROM businesses WHERE id = ? AND audit_revision = ?",
                    (business_id, revision),
                ).fetchone()
                if row is not None:  # else a newer save started a newer audit: its verdict counts
                    verdict = audit_verdict(row["description"], json.loads(row["faqs"]))
                    conn.execute(
                        "UPDATE businesses SET audit_status = ? WHERE id = ? AND audit_revision = ?",
                        (verdict, business_id, revision),
                    )
                conn.execute("COMMIT")
        except sqlite3.Error:
            pass  # the database went away with a stopped server; nobody is left to tell

    def _audit_whole_row(self, business_id: int) -> None:
        """audit-reverts: load the row, work, write all of it back with the verdict."""
        try:
            with closing(self.connect()) as conn:
                row = dict(conn.execute("SELECT * FROM businesses WHERE id = ?", (business_id,)).fetchone())
                time.sleep(max(self.audit_delay, 1.0))
                row["audit_status"] = audit_verdict(row["description"], json.loads(row["faqs"]))
                conn.execute(
                    f"UPDATE businesses SET {', '.join(c + ' = ?' for c in ROW_COLUMNS)} WHERE id = ?",
                    (*[row[c] for c in ROW_COLUMNS], business_id),
                )
        except (sqlite3.Error, TypeError):
            pass

    def shutdown(self) -> None:
        with self._lock:
            self._closed = True
            timers, self._timers = self._timers, set()
        for timer in timers:
            timer.cancel()


def _column_value(column: str, value: Any) -> Any:
    return json.dumps(value, ensure_ascii=False) if column == "faqs" and not isinstance(value, str) else value
