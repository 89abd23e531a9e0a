"""Fixtures of the contract tests: the account the fuzzer acts as, kept as it was found."""

from __future__ import annotations

import pytest

from settings_qa import signals
from settings_qa.client import ApiClient
from settings_qa.fuzz_plugin import write_fuzzing_refusal
from settings_qa.fuzzing import AccountReader, restore
from settings_qa.targets import Target


@pytest.fixture(scope="session")
def account_reader(target: Target) -> AccountReader:
    """The primary account over the suite's client (in-process or HTTP, as configured)."""
    with target.http_client() as http:
        yield AccountReader(target, ApiClient(http))


@pytest.fixture(scope="module")
def write_fuzzing(target: Target, account_reader: AccountReader) -> AccountReader:
    """Allow PUT fuzzing only where it is safe; snapshot the account and restore it afterwards, always."""
    refusal = write_fuzzing_refusal(target.is_loopback)
    if refusal:
        pytest.skip(refusal)
    with target.write_lock():  # on a deployment, never beside a writing scenario of another worker
        signals.refuse_new_writes("write fuzzing")
        snapshot = account_reader.read("before write fuzzing (snapshot)")
        if target.journal is not None:  # a deployment: the settings as found, on disk before the first write
            target.journal.ensure(target.base_url, target.accounts["primary"].email, snapshot)
        yield account_reader
        failures = restore(account_reader, snapshot)
    if failures:
        pytest.fail("RESTORE FAILED, the account was left changed: " + "; ".join(failures), pytrace=False)
