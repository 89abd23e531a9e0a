"""After a run of `settings-e2e`: record it, move the state, send the alerts, write the metrics.

Nothing here changes the check's exit code: the code speaks of the deployment. A webhook or
a Pushgateway that fails is one line on stderr and a note on the run in the history; an
undelivered alert stays queued and goes out with the next run. A history that cannot be
written is one line too, and then nothing else is sent (no state, no alert, no metric): the
"stopped reporting" rule of the Prometheus alerts is what notices that.
"""

from __future__ import annotations

import sqlite3
import sys
import time
from typing import Callable, TextIO

from settings_qa.e2e.outcome import RunResult
from settings_qa.monitor import alerts, metrics
from settings_qa.monitor.options import WatchOptions
from settings_qa.monitor.record import RunRecord, from_result
from settings_qa.monitor.state import State, advance
from settings_qa.monitor.store import Delivery, History, HistoryError
from settings_qa.monitor.summary import plural
from settings_qa.redaction import redact

PROG = "settings-e2e"
# Seconds one run spends sending alerts before it leaves the rest for the next run: with the last
# send's deadline it stays well under the claim a run holds on its deliveries (store.CLAIM_SECONDS),
# so no other run can take and send them again meanwhile.
SENDING_BUDGET = 60.0


def open_history(options: WatchOptions) -> History | None:
    """The history named by the options, opened (created if missing) before the check runs,
    so that a file that is not a history is a usage error and not a surprise afterwards."""
    if options.history is None:
        return None
    return History(options.history, retention_days=options.retention_days)


def after_run(result: RunResult, started_at: float, options: WatchOptions, history: History, *,
              err: TextIO | None = None, clock: Callable[[], float] = time.time) -> RunRecord | None:
    err = err or sys.stderr
    record = from_result(result, started_at, clock())
    try:
        state = record_run(record, options, history)
    except (sqlite3.Error, HistoryError, OSError) as exc:
        print(redact(f"{PROG}: history: this run was not recorded in {options.history} ({exc}); no alert or "
                     "metric was sent"), file=err)
        return None
    try:
        notes = _deliver(record, options, history, clock, err)
    except (sqlite3.Error, OSError) as exc:  # the run and its alerts are stored: the next run sends them
        notes = []
        print(redact(f"{PROG}: history: alerts not sent this time ({exc}); they go with the next run"), file=err)
    notes += _metrics(record, state, options, err)
    try:
        history.add_notes(record.id, notes)
    except (sqlite3.Error, OSError) as exc:
        print(redact(f"{PROG}: history: the notes of run #{record.id} were not kept ({exc})"), file=err)
    escalated = ", escalated" if state.escalated else ""
    failing = f" ({plural(state.consecutive_failures, 'failed run')} in a row{escalated})" \
        if state.status == "failing" else ""
    print(redact(f"{PROG}: history: run #{record.id} recorded in {options.history}; state {state.status}{failing}"),
          file=err)
    return record


def record_run(record: RunRecord, options: WatchOptions, history: History) -> State:
    """One transaction: the run, the state it leads to, the alerts of the change."""
    with history.transaction() as tx:
        before = tx.state(record.target)
        tx.add_run(record)
        after, events = advance(before, record, options.policy)
        tx.set_state(record.target, after)
        for event in events:
            hooks = alerts.routes_to(event, list(options.alerting), list(options.escalation))
            tx.add_alert(record, event.kind, alerts.payload(event, record),
                         {hook.fingerprint: hook.label for hook in hooks})
        tx.prune(record.finished_at, options.retention_days)
    return after


def _deliver(record: RunRecord, options: WatchOptions, history: History, clock: Callable[[], float],
             err: TextIO) -> list[str]:
    """Every alert of this target still waiting for one of today's webhooks, oldest first; a webhook
    that fails is not tried again in this run (its later alerts keep their order for the next)."""
    hooks = {hook.fingerprint: hook for hook in (*options.alerting, *options.escalation)}
    notes, failed, started = [], set(), clock()
    for delivery in history.claim(record.target, list(hooks), started):
        if delivery.destination in failed or clock() - started > SENDING_BUDGET:
            history.release(delivery)  # kept, in order, for the next run
            continue
        error = alerts.send(hooks[delivery.destination], delivery.payload)
        history.delivered(delivery, error, clock())
        notes.append(_note(delivery, error))
        if error:
            failed.add(delivery.destination)
            print(f"{PROG}: webhook {delivery.label}: the {delivery.kind} alert was not delivered ({error}); "
                  "it is kept and sent again with the next run", file=err)
    return notes


def _note(delivery: Delivery, error: str | None) -> str:
    done = "delivered" if error is None else f"not delivered: {error}"
    return f"alert {delivery.kind} (#{delivery.alert_id}) to {delivery.label}: {done}"


def _metrics(record: RunRecord, state: State, options: WatchOptions, err: TextIO) -> list[str]:
    if options.metrics_file is None and options.pushgateway is None:
        return []
    found, notes = metrics.registry(record, state), []
    if options.metrics_file is not None:
        error = metrics.write_file(options.metrics_file, found)
        notes.append("metrics file written" if error is None else f"metrics file not written: {error}")
        if error:
            print(f"{PROG}: metrics: {error}", file=err)
    if options.pushgateway is not None:
        error = metrics.push(options.pushgateway, options.job, options.instance, found)
        notes.append("metrics pushed" if error is None else f"metrics not pushed: {error}")
        if error:
            print(f"{PROG}: metrics: the push to {options.pushgateway} failed: {error}", file=err)
    return notes
