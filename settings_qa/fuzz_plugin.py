"""Options of the contract fuzzer in contracts/ (loaded from the root conftest's `pytest_plugins`).

    --contract-examples N     examples per operation in the fuzzing phase (env QA_CONTRACT_EXAMPLES)
    --allow-write-fuzzing     fuzz PUT against a target that is not on loopback (env QA_ALLOW_WRITE_FUZZING=1)

The fuzzing seed is `--hypothesis-seed` when given, else the run's `--qa-seed`, so one
number reproduces both the scenarios' data and the fuzzer's cases.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

import pytest

from settings_qa import runsettings
from settings_qa.targets import is_loopback_url

DEFAULT_EXAMPLES = 50
_TRUE = {"1", "true", "yes", "on"}


@dataclass(frozen=True)
class FuzzSettings:
    examples: int
    seed: int
    seed_source: str
    allow_write_fuzzing: bool


_SETTINGS: FuzzSettings | None = None


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("settings-qa-contract", "contract fuzzing (contracts/)")
    group.addoption("--contract-examples", type=int, default=None,
                    help=f"examples per operation in schemathesis' fuzzing phase (default {DEFAULT_EXAMPLES}). "
                         "Env: QA_CONTRACT_EXAMPLES")
    group.addoption("--allow-write-fuzzing", action="store_true", default=None,
                    help="fuzz PUT /api/business/me against a target that is not on loopback (the account is "
                         "snapshotted and restored). Env: QA_ALLOW_WRITE_FUZZING=1")


@pytest.hookimpl(trylast=True)
def pytest_configure(config: pytest.Config) -> None:
    global _SETTINGS
    examples = config.getoption("contract_examples") or os.environ.get("QA_CONTRACT_EXAMPLES") or DEFAULT_EXAMPLES
    try:
        examples = int(examples)
    except ValueError:
        raise pytest.UsageError(f"QA_CONTRACT_EXAMPLES must be an integer, got {examples!r}") from None
    if examples < 1:
        raise pytest.UsageError(f"--contract-examples must be at least 1, got {examples}")
    hypothesis_seed = config.getoption("hypothesis_seed", None)
    qa_seed = runsettings.of(config).seed
    if hypothesis_seed not in (None, ""):
        seed, source = int(hypothesis_seed), "--hypothesis-seed"
    else:
        seed, source = qa_seed, "--qa-seed"
    allow = config.getoption("allow_write_fuzzing") or os.environ.get("QA_ALLOW_WRITE_FUZZING", "").lower() in _TRUE
    _SETTINGS = FuzzSettings(examples, seed, source, bool(allow))


def settings() -> FuzzSettings:
    """The run's fuzz settings; outside pytest (or without this plugin), the environment's."""
    if _SETTINGS is not None:
        return _SETTINGS
    return FuzzSettings(int(os.environ.get("QA_CONTRACT_EXAMPLES") or DEFAULT_EXAMPLES),
                        int(os.environ.get("QA_SEED") or 0), "QA_SEED",
                        os.environ.get("QA_ALLOW_WRITE_FUZZING", "").lower() in _TRUE)


def write_fuzzing_refusal(is_loopback: bool) -> str | None:
    """Why PUT fuzzing must not run against this target, or None when it may."""
    if is_loopback or settings().allow_write_fuzzing:
        return None
    return ("write fuzzing (PUT) is off against a target that is not on loopback: pass "
            "--allow-write-fuzzing (or QA_ALLOW_WRITE_FUZZING=1) to fuzz the account, which is restored afterwards")


def pytest_report_header(config: pytest.Config) -> list[str]:
    current = settings()
    base_url = runsettings.of(config).base_url
    loopback = not base_url or is_loopback_url(base_url)
    writes = "on" if loopback or current.allow_write_fuzzing else "off (not loopback; --allow-write-fuzzing)"
    return [f"contract fuzzing: {current.examples} examples per operation, seed {current.seed} "
            f"(from {current.seed_source}; rerun with --hypothesis-seed {current.seed}), write fuzzing {writes}"]
