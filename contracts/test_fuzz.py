"""schemathesis fuzzing of the canonical contract against the configured target.

Every case runs all of schemathesis' checks (settings_qa/fuzzing.py classes each as a
clause of the contract or as HTTP hygiene): hygiene findings are reported, contract
failures fail the test, and one never stops the other. Every PUT also runs the suite's
persistence and atomicity checks around it. Responses are read tolerantly
(contracts/document.py): properties the contract does not name are listed as findings.

Each item is one part of the fuzzing (`settings_qa.fuzzing.plan`): an operation's coverage
phase, or a chunk of its fuzzing phase, so that xdist can keep every worker busy.
"""

from __future__ import annotations

import pytest
import schemathesis

from settings_qa.client import BUSINESS_PATH, LOGIN_PATH
from settings_qa.fuzz_plugin import settings
from settings_qa.fuzzing import AccountReader, Fuzzer, Part, WriteObserver, plan, run_case, run_part

pytestmark = pytest.mark.contract
_settings = settings()
READS = plan([("POST", LOGIN_PATH), ("GET", BUSINESS_PATH)], _settings.examples)
WRITES = plan([("PUT", BUSINESS_PATH)], _settings.examples)


@pytest.mark.parametrize("part", READS, ids=str)
def test_reads_and_login_conform(part: Part, account_reader: AccountReader) -> None:
    fuzzer = Fuzzer()

    def one(case: schemathesis.Case) -> None:
        fuzzer.guard(case, lambda: run_case(case, account_reader.call_kwargs(case)))

    run_part(part, one, seed=_settings.seed, examples=_settings.examples)
    fuzzer.finish()


@pytest.mark.writes  # on a deployment the write_fuzzing fixture holds the target's write lock
@pytest.mark.parametrize("part", WRITES, ids=str)
def test_writes_conform_persist_and_are_atomic(part: Part, write_fuzzing: AccountReader) -> None:
    fuzzer = Fuzzer()

    def one(case: schemathesis.Case) -> None:
        observers: list[WriteObserver] = []

        def send() -> None:
            observers.append(WriteObserver(write_fuzzing))
            run_case(case, write_fuzzing.call_kwargs(case), additional_checks=observers[0].checks())

        fuzzer.guard(case, send, reestablish=lambda: observers[0].reestablish())

    run_part(part, one, seed=_settings.seed, examples=_settings.examples)
    fuzzer.finish()
