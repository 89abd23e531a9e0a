"""schemathesis fuzzing of the canonical contract against the configured target.

Every case runs all of schemathesis' checks (settings_qa/fuzzing.py classes each as a
clause of the contract or as HTTP hygiene): hygiene findings are reported, contract
failures fail the test, and one never stops the other. Every PUT also runs the suite's
persistence and atomicity checks around it. Responses are read tolerantly
(contracts/document.py): properties the contract does not name are listed as findings.
"""

from __future__ import annotations

import pytest
import schemathesis

from contracts.document import tolerant
from settings_qa.fuzz_plugin import settings
from settings_qa.fuzzing import AccountReader, WriteObserver, run_case

pytestmark = pytest.mark.contract

_settings = settings()
schema = schemathesis.openapi.from_dict(
    tolerant(),
    config=schemathesis.Config.from_dict({
        "seed": _settings.seed,
        # No example database: the printed seed alone reproduces a run.
        "generation": {"max-examples": _settings.examples, "database": "none"},
    }),
)


@schema.exclude(method="PUT").parametrize()
def test_reads_and_login_conform(case: schemathesis.Case, account_reader: AccountReader) -> None:
    run_case(case, account_reader.call_kwargs(case))


@pytest.mark.writes  # on a deployment the write_fuzzing fixture holds the target's write lock
@schema.include(method="PUT").parametrize()
def test_writes_conform_persist_and_are_atomic(case: schemathesis.Case, write_fuzzing: AccountReader) -> None:
    observer = WriteObserver(write_fuzzing)
    run_case(case, write_fuzzing.call_kwargs(case), additional_checks=observer.checks())
