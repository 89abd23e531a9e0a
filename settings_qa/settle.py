"""Settling a journal entry: read the account, compare with what was found, put it back, verify.

Used at the end of every run that journaled an account (the pytest controller, after the
workers stopped; `settings-e2e` after its restore phase) and by `settings-qa restore`. Reads
and the restoring PUT are safe to repeat, so the transport retries them; the policy is the
patient one (`NetworkPolicy.patient`). What counts is the read, never a PUT's status.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

import httpx

from contracts.models import WRITABLE_FIELDS, writable
from settings_qa.client import ApiClient, json_or_none, restore_settings
from settings_qa.e2e.describe import short_value
from settings_qa.journal import Entry

SETTLE_PAUSE = 1.0  # after a restore that followed an interrupted run: a stray write may still land


@dataclass
class Settled:
    entry: Entry
    differences: list[str] = field(default_factory=list)  # "name: now 'X', as found 'Y'"
    restored: bool = False  # a restoring PUT was sent
    verified: bool = False  # the account reads back as found
    error: str = ""

    def line(self) -> str:
        who = f"{self.entry.email} at {self.entry.base_url}"
        if self.error:
            return f"{who}: NOT VERIFIED: {self.error}"
        if not self.differences:
            return f"{who}: as found"
        fields = ", ".join(d.split(":", 1)[0] for d in self.differences)
        return f"{who}: put back ({fields}) and verified" if self.verified else f"{who}: differs ({fields})"


def differences(found: dict[str, Any], now: dict[str, Any]) -> list[str]:
    return [f"{name}: now {short_value(repr(now.get(name)))}, as found {short_value(repr(found.get(name)))}"
            for name in WRITABLE_FIELDS if now.get(name) != found.get(name)]


def settle(entry: Entry, client: ApiClient, password: str, *, dry_run: bool = False,
           interrupted: bool = False) -> Settled:
    """Compare the account with its entry and, unless `dry_run`, put it back and verify."""
    result = Settled(entry)
    try:
        login = client.login(entry.email, password)
        if login.status_code != 200:
            result.error = f"the login answered HTTP {login.status_code}" + (
                f" (check the password paired with {entry.email}: QA_PASSWORD, or _2, _NO_BUSINESS)"
                if login.status_code == 401 else "")
            return result
        token = login.json()["access_token"]
        now = _read(client, token)
        result.differences = differences(entry.settings, now)
        if not result.differences or dry_run:
            result.verified = not result.differences
            return result
        for _round in range(3 if interrupted else 1):
            problems = restore_settings(client, token, entry.settings)
            result.restored = True
            if problems:
                result.error = "; ".join(problems)
                return result
            if not interrupted:
                break
            time.sleep(SETTLE_PAUSE)  # a write of the killed run may still have been on its way
            if not differences(entry.settings, _read(client, token)):
                break
        else:
            result.error = "the account changed again after it was put back"
            return result
        result.verified = True
    except (httpx.HTTPError, KeyError, TypeError, ValueError) as exc:  # TypeError: a login body of another shape
        result.error = " ".join(str(exc).split()) or type(exc).__name__
    return result


def _read(client: ApiClient, token: str) -> dict[str, Any]:
    response = client.get_business(token)
    body = json_or_none(response)
    if response.status_code != 200 or not isinstance(body, dict):
        raise ValueError(f"reading the settings answered HTTP {response.status_code}")
    return writable(body)
