"""Watching a deployment over time: what `settings-e2e` remembers between runs and tells others.

record (one run, as kept) -> store (the SQLite history, the state between runs, the alert
queue) -> state (which change of state a run makes: failing, escalated, recovered, degraded)
-> alerts (webhook payloads and their delivery) and metrics (node_exporter textfile,
Pushgateway); summary (pass rate, streak, percentiles) and history_cli (`settings-e2e
history`) read the store back; options (the command line) and watch (after a run) glue them
to `settings-e2e`. No scheduler of our own: cron, a CI schedule or Prometheus run the check.
"""
