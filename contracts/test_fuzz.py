"""schemathesis fuzzing of the canonical contract against the configured target.

Every case runs all of schemathesis' default checks; every PUT also runs the suite's
persistence and atomicity checks (contracts/fuzzing.py) around it.
"""

from __future__ import annotations

import pytest
import schemathesis

from contracts.fuzzing import AccountReader, WriteObserver
from contracts.generate import DOCUMENT
from contracts.plugin import settings

pytestmark = pytest.mark.contract

_settings = settings()
schema = schemathesis.openapi.from_path(
    DOCUMENT,
    config=schemathesis.Config.from_dict({
        "seed": _settings.seed,
        # No example database: the printed seed alone reproduces a run.
        "generation": {"max-examples": _settings.examples, "database": "none"},
    }),
)


@schema.exclude(method="PUT").parametrize()
def test_reads_and_login_conform(case: schemathesis.Case, account_reader: AccountReader) -> None:
    case.call_and_validate(**account_reader.call_kwargs(case))


@pytest.mark.writes  # on a deployment the write_fuzzing fixture holds the target's write lock
@schema.include(method="PUT").parametrize()
def test_writes_conform_persist_and_are_atomic(case: schemathesis.Case, write_fuzzing: AccountReader) -> None:
    observer = WriteObserver(write_fuzzing)
    case.call_and_validate(**write_fuzzing.call_kwargs(case), additional_checks=observer.checks())
