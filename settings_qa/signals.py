"""SIGTERM and SIGINT: stop writing, put back what was changed, then exit.

A CI job that times out, `kill`, or Ctrl-C: the first signal raises `KeyboardInterrupt` in the
main thread (SIGTERM too, which would otherwise end Python without any clean-up), so pytest
runs its teardowns (the scenarios' restores) and the session's end (the journal's restore),
and `settings-e2e` its restore phase. From then on no new write starts (`refuse_new_writes`),
in this process or, through a stop file in the run's folder, in the run's xdist workers.

While the restore runs, a second SIGTERM is ignored (a supervisor that repeats itself); a
second Ctrl-C is the user insisting: it interrupts the restore, and the journal stays on disk
for `settings-qa restore`. A first signal that arrives while the end-of-run restore is already
running (`settling()`) interrupts nothing: it is noted, no new write starts, and the restore
goes on; a Ctrl-C after it interrupts the restore.
"""

from __future__ import annotations

import contextlib
import os
import signal
import threading
from pathlib import Path

STOP_FILE = "stop"
_stopping = threading.Event()
_settling = threading.Event()
_run_dir: Path | None = None


class WritingStopped(KeyboardInterrupt):
    """Raised instead of starting a write once the run is stopping."""


def install(run_dir: Path | None = None) -> None:
    """Handle SIGTERM and SIGINT this way (main thread only; elsewhere Python cannot)."""
    global _run_dir
    _run_dir = run_dir
    if threading.current_thread() is not threading.main_thread():
        return
    signal.signal(signal.SIGTERM, _on_signal)
    signal.signal(signal.SIGINT, _on_signal)


def _on_signal(signum: int, frame: object) -> None:
    first = not stopping()
    _stopping.set()
    if _run_dir is not None:
        try:
            (_run_dir / STOP_FILE).write_text(signal.Signals(signum).name)
        except OSError:
            pass
    if _settling.is_set():
        if first or signum != signal.SIGINT:
            return  # the restore in progress is what the signal would have asked for
        raise KeyboardInterrupt(f"stopped by {signal.Signals(signum).name}")
    if first or signum == signal.SIGINT:
        raise KeyboardInterrupt(f"stopped by {signal.Signals(signum).name}")


@contextlib.contextmanager
def settling():
    """Around a restore of what the run changed: a first SIGTERM or SIGINT does not interrupt it."""
    _settling.set()
    try:
        yield
    finally:
        _settling.clear()


def stopping() -> bool:
    """Whether this run was told to stop (here, or in the process that leads the run)."""
    if _stopping.is_set():
        return True
    if _run_dir is not None and os.path.exists(_run_dir / STOP_FILE):
        _stopping.set()
        return True
    return False


def refuse_new_writes(what: str) -> None:
    if stopping():
        raise WritingStopped(f"the run is stopping: {what} was not sent")


def reset() -> None:
    """For tests: forget an earlier stop."""
    _stopping.clear()
