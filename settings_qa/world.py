"""The state of one scenario, shared by its steps: who acts, what was sent, what came back.

Every response is judged by the contract as it arrives (contracts.validate): a violation
fails the step; properties the contract does not name are recorded as findings and left
out of what the steps see (`view`, `business()`), so every comparison is between the
contract's fields. The first write to an account snapshots its settings; `restore()` (run
by the fixture's teardown, also when the scenario fails) writes them back and verifies
them, so a run against a deployment leaves it as it found it. Before the first write to a
deployment account in the run, its settings as found also go to the restore journal
(settings_qa/journal.py), under the deployment's write lock.

A save whose outcome the network left unknown (a gateway error page or a dropped connection
instead of the application's answer) is never judged: the account is put back to the state
before it, and the save is sent again (`OutcomeUnknown`, settings_qa/net/policy.py). Its
answer is judged only when it comes from the application, against a known state before it.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from typing import Any, Callable

import httpx
import pytest
from faker import Faker

from contracts import validate
from settings_qa.accounts import Account, missing_reason
from settings_qa.client import ApiClient, json_or_none, restore_settings
from settings_qa import signals
from settings_qa.findings import note_unnamed
from settings_qa.net.events import NetworkEvent, record
from settings_qa.net.policy import NetworkFailure, OutcomeUnknown
from settings_qa.targets import Target

SAVE_REPEATS = 2  # a save the network left unknown is sent again at most this often


class ContractViolation(AssertionError):
    pass


@dataclass(repr=False)
class World:
    target: Target
    api: ApiClient
    fake: Faker
    tokens: dict[str, str]  # shared per session: logging in once per role is enough
    actor: str = "primary"
    response: httpx.Response | None = None
    view: Any = None  # the last recorded response's body, as the contract names it
    _last_view: Any = field(default=None, repr=False)  # the last response's, recorded or not
    remembered: dict[str, Any] = field(default_factory=dict)
    before_last_write: dict[str, Any] | None = None
    last_body: Any = None
    originals: dict[str, dict[str, Any]] = field(default_factory=dict)
    hold_write_lock: Callable[[], None] = field(default=lambda: None, repr=False)

    def __repr__(self) -> str:
        return f"World(target={self.target.mode}, actor={self.actor})"

    # --- accounts and tokens -------------------------------------------------
    def account(self, role: str | None = None) -> Account:
        role = role or self.actor
        account = self.target.accounts.get(role)
        if account is None:
            pytest.skip(missing_reason(role))
        return account

    def token(self, role: str | None = None) -> str:
        role = role or self.actor
        if role not in self.tokens:
            account = self.account(role)
            response = self.login(account.email, account.password)
            if response.status_code != 200:
                pytest.fail(f"cannot log in as the {role} account: HTTP {response.status_code} "
                            f"{_detail(response)}", pytrace=False)
            self.tokens[role] = self.view["access_token"]
        return self.tokens[role]

    # --- operations, each checked against the contract ------------------------
    def login(self, email: str, password: str, **extra: Any) -> httpx.Response:
        return self._checked("login", self.api.login(email, password, **extra))

    def fetch(self, role: str | None = None, *, token: Any = "own", headers: dict | None = None,
              record: bool = True) -> httpx.Response:
        token = self.token(role) if token == "own" else token
        return self._checked("get", self.api.get_business(token, headers=headers), record=record)

    def save(self, body: Any = None, role: str | None = None, *, content: bytes | str | None = None,
             token: Any = "own", headers: dict | None = None) -> httpx.Response:
        role = role or self.actor
        self._before_writing(role)
        self.before_last_write = self.business(role, missing_ok=True)
        if self.before_last_write is not None:  # an account without a business has nothing to restore
            self._journal(role, self.before_last_write)
            self.originals.setdefault(role, self.before_last_write)
        self.last_body = body if content is None else _json_object(content)
        token = self.token(role) if token == "own" else token
        for attempt in range(SAVE_REPEATS + 1):
            try:
                if content is not None:
                    response = self.api.put_business(token, content=content, headers=headers)
                else:
                    response = self.api.put_business(token, body, headers=headers)
                break
            except OutcomeUnknown as unknown:
                if attempt == SAVE_REPEATS:
                    raise NetworkFailure(f"{unknown} (sent {attempt + 1} times, the state re-established each "
                                         "time); the backend's contract was not reached") from None
                self._reestablish(role, unknown)
        return self._checked("put", response)

    def _before_writing(self, role: str) -> None:
        signals.refuse_new_writes(f"a save as the {role} account")
        if not self.target.provisions_accounts:
            self.hold_write_lock()

    def _journal(self, role: str, found: dict[str, Any]) -> None:
        journal = getattr(self.target, "journal", None)
        if journal is not None:
            journal.ensure(self.target.base_url, self.account(role).email, found)

    def _reestablish(self, role: str, unknown: OutcomeUnknown) -> None:
        """After a save the network left unknown: back to the state before it, verified, so
        that the save can be sent again and its answer judged against a known state."""
        request = unknown.request
        before = self.before_last_write
        note = "state before the save re-established; the save is sent again"
        if before is not None:
            problems = restore_settings(self.api, self.token(role), before)
            if problems:
                raise NetworkFailure(f"{unknown}; putting the state before it back failed too: "
                                     f"{'; '.join(problems)}") from None
            self.settled(role)
        record(NetworkEvent(request.method, request.url.path, "repeated", note=note))

    def business(self, role: str | None = None, *, missing_ok: bool = False) -> dict[str, Any] | None:
        """The role's business as a GET returns it now (must succeed, or be a 404 when
        `missing_ok`); `response` keeps the last action's."""
        response = self.fetch(role, record=False)
        if missing_ok and response.status_code == 404:
            return None
        if response.status_code != 200:
            pytest.fail(f"reading the {role or self.actor} account's settings failed: "
                        f"HTTP {response.status_code} {_detail(response)}", pytrace=False)
        return self._last_view

    def _checked(self, operation: str, response: httpx.Response, record: bool = True) -> httpx.Response:
        """Fail on any contract violation; `record` makes it the response later steps look at."""
        verdict = validate.judge(operation, response.status_code, response.headers, response.content)
        self._last_view = verdict.view
        if record:
            self.response, self.view = response, verdict.view
        where = f"{response.request.method} {response.request.url.path}"
        note_unnamed(verdict.unnamed, where)
        if verdict.problems:
            raise ContractViolation(
                f"{where} answered HTTP {response.status_code}, which breaks the contract:\n  - "
                + "\n  - ".join(verdict.problems)
            )
        return response

    def snapshot(self, role: str | None = None) -> dict[str, Any]:
        """The role's business now; the first one taken is what the scenario's teardown restores."""
        role = role or self.actor
        self._before_writing(role)
        current = self.business(role)
        self._journal(role, current)
        self.originals.setdefault(role, current)
        return current

    def settled(self, role: str | None = None, seconds: float = 10.0) -> dict[str, Any]:
        """The role's business once no audit is pending (or after `seconds`, as it is then)."""
        deadline = time.monotonic() + seconds
        current = self.business(role)
        while current.get("audit_status") == "pending" and time.monotonic() < deadline:
            time.sleep(0.05)
            current = self.business(role)
        return current

    @staticmethod
    def contract_body(operation: str, response: httpx.Response) -> Any:
        """A response's body as the contract names it (for responses kept aside, like refusals)."""
        return validate.judge(operation, response.status_code, response.headers, response.content).view

    # --- restoring ------------------------------------------------------------
    def restore(self) -> list[str]:
        """Write back every account's original settings; return what could not be restored."""
        return [f"{role}: {problem}" for role, original in self.originals.items()
                for problem in restore_settings(self.api, self.token(role), original)]


def _json_object(content: bytes | str) -> dict | None:
    """A raw body's decoded JSON object (so later steps can compare with it), else None."""
    try:
        decoded = json.loads(content)
    except ValueError:
        return None
    return decoded if isinstance(decoded, dict) else None


def _detail(response: httpx.Response) -> str:
    body = json_or_none(response)
    detail = body.get("detail") if isinstance(body, dict) else None
    return f"({detail})" if isinstance(detail, str) else ""
