"""The network layer: one transport for every HTTP client, its policy, pacing and events.

- policy.py: which answers come from a gateway, what is retried, what never is;
- transport.py: the clients (`build_client`, `requests_session`) and the retry loop;
- pacing.py: `--rate-limit`, across the run's processes;
- events.py: every wait, retry and gateway error, for the reports;
- options.py: the options, shared by pytest and `settings-e2e`;
- report.py: the events as the run's reports show them.
"""

from settings_qa.net.policy import NetworkFailure, NetworkPolicy, OutcomeUnknown, WaitTooLong
from settings_qa.net.transport import build_client, configure, requests_session

__all__ = ["NetworkFailure", "NetworkPolicy", "OutcomeUnknown", "WaitTooLong", "build_client", "configure",
           "requests_session"]
