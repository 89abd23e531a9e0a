"""What one run of the post-deploy check found: exit codes, phase results, field checks.

Plain data, filled in by `check` and `restore`, printed by `render`. Nothing here
talks to the network or prints.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import IntEnum
from typing import Any


class ExitCode(IntEnum):
    """The report's codes (0-5) plus two from sysexits.h and two for the unexpected."""

    SUCCESS = 0
    AUTH_FAILED = 1
    FETCH_FAILED = 2
    SAVE_FAILED = 3
    PERSISTENCE_FAILED = 4
    INVALID_DATA = 5
    USAGE = 64  # EX_USAGE: bad option, malformed --url, missing QA_EMAIL/QA_PASSWORD
    UNAVAILABLE = 69  # EX_UNAVAILABLE: the target cannot be reached, or not through its gateway
    RESTORE_PENDING = 75  # EX_TEMPFAIL: a restore journal of an unfinished run stands for this account
    INTERNAL = 70  # EX_SOFTWARE: a bug in this command (one line, no traceback)
    INTERRUPTED = 130  # Ctrl-C (after restoring what was changed)

    @property
    def meaning(self) -> str:
        return _MEANINGS[self]


_MEANINGS = {
    ExitCode.SUCCESS: "Success",
    ExitCode.AUTH_FAILED: "Auth failed",
    ExitCode.FETCH_FAILED: "Fetch failed",
    ExitCode.SAVE_FAILED: "Save failed",
    ExitCode.PERSISTENCE_FAILED: "Persistence failed",
    ExitCode.INVALID_DATA: "Invalid data",
    ExitCode.USAGE: "Usage error",
    ExitCode.UNAVAILABLE: "Target unreachable",
    ExitCode.RESTORE_PENDING: "Restore pending",
    ExitCode.INTERNAL: "Internal error",
    ExitCode.INTERRUPTED: "Interrupted",
}


class CheckFailed(Exception):
    """Stops the phases: `code` is the exit code, `reason` the one-line explanation."""

    def __init__(self, code: ExitCode, reason: str, details: list[str] | None = None) -> None:
        super().__init__(reason)
        self.code = code
        self.reason = reason
        self.details = details or []


@dataclass
class FieldCheck:
    """One field read back and compared with what was written."""

    field: str
    expected: Any
    actual: Any

    @property
    def ok(self) -> bool:
        return self.expected == self.actual


@dataclass
class PhaseResult:
    number: int | None  # None for the restore step, which is not one of the report's phases
    title: str
    passed: bool = False
    duration_ms: float = 0.0
    http_status: int | None = None
    error: str | None = None
    notes: list[str] = field(default_factory=list)
    fields: list[FieldCheck] = field(default_factory=list)
    code: ExitCode | None = None  # the exit code it failed with: 69 means it could not reach the target

    @property
    def failed_fields(self) -> list[str]:
        return [check.field for check in self.fields if not check.ok]


@dataclass
class RunResult:
    url: str
    values_source: str  # "report" or "random"
    seed: int | None = None
    phases: list[PhaseResult] = field(default_factory=list)
    restore: PhaseResult | None = None
    restore_needed: bool = False
    code: ExitCode = ExitCode.SUCCESS
    reason: str | None = None
    duration_ms: float = 0.0
    marker_fields: list[str] = field(default_factory=list)
    original_values: dict[str, Any] = field(default_factory=dict)  # of the fields written
    unnamed: list[str] = field(default_factory=list)  # response properties the contract does not name
    strict: bool = False  # --strict: unnamed properties are invalid data
    network: list[Any] = field(default_factory=list)  # NetworkEvent: waits, retries, gateway errors
    journal: str = ""  # what became of the restore journal's entry, one line


def internal_error(exc: Exception) -> str:
    """The reason of a run ended by a bug of ours (exit 70): the exception's type and first words."""
    text = " ".join(str(exc).split())
    return f"internal error: {type(exc).__name__}" + (f": {text}" if text else "")
