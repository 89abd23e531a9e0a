"""`--rate-limit RATE`: the whole run's requests spaced evenly, across xdist workers too.

Each request reserves the next free slot (one every `1/rate` seconds) in a small state file
of the run's folder, under an exclusive lock, then sleeps until its slot: first come, first
served, whichever process asks. With the cap set just under a gateway's limit, no window of
one second holds more requests than the gateway allows, so the run meets no 429.

Why not pyrate-limiter's SQLite bucket (pinned, through schemathesis): measured here with two
processes at 20/s for 3 s, the rate held (60 requests) but one process got 58 slots and the
other 2; a worker starved that way stalls its tests. A reservation is fair by construction.

Requests are spaced, never bunched: a burst of concurrent saves (the @concurrency scenarios)
goes out one slot apart under a cap, so those scenarios still judge every save but overlap less.
"""

from __future__ import annotations

import threading
import time
from pathlib import Path
from typing import Callable

from settings_qa.net.events import _locked
from settings_qa.net.policy import Rate

PACING_FILE = "pacing.json"


class Pacer:
    def __init__(self, rate: Rate | None, run_dir: Path | None = None,
                 sleep: Callable[[float], None] = time.sleep) -> None:
        self.rate, self.run_dir, self.sleep = rate, run_dir, sleep
        self._lock = threading.Lock()
        self._next = 0.0  # this process's next free slot, when there is no run folder

    def wait(self) -> float:
        """Sleep until this request's slot; return the seconds slept."""
        if self.rate is None:
            return 0.0
        interval = self.rate.interval
        if self.run_dir is None:
            with self._lock:
                now = time.time()
                slot = max(now, self._next)
                self._next = slot + interval
        else:
            with _locked(self.run_dir / PACING_FILE) as state:
                now = time.time()
                slot = max(now, float(state.get("next", 0.0)))
                state["next"] = slot + interval
        delay = slot - now
        if delay > 0:
            self.sleep(delay)
        return max(delay, 0.0)
