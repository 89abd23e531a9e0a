"""How a run reports the network: recovered events listed (terminal, JUnit, Allure), never a
failure unless asked for; a request that still fails after its retries is a network failure,
never a contract failure."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET

import pytest
from gateway import Gateway, Misbehaviour
from network_runs import run_suite

pytestmark = pytest.mark.slow
FETCH = ("features", "-m", "fetch")


def _junit(path) -> dict[str, ET.Element]:
    """JUnit testcases by classname (a network item's is `network.<kind>`)."""
    return {case.get("classname"): case for case in ET.parse(path).iter("testcase")}


def test_a_request_failing_after_its_retries_fails_its_test_as_a_network_failure(reference, tmp_path):
    junit = tmp_path / "junit.xml"
    with Gateway(reference.base_url, Misbehaviour(pages=1.0)) as gateway:
        run = run_suite(gateway.url, reference, *FETCH, "-k", "reads_its_own", "--no-preflight", "--retries", "1",
                        "--junitxml", str(junit))
    assert run.code == 1, run.output[-3000:]
    assert ("NETWORK FAILURE (not a contract failure): the gateway answered HTTP 50" in run.stdout
            and "to POST /api/auth/login (2 attempts over" in run.stdout), run.stdout[-3000:]
    assert "breaks the contract" not in run.stdout
    cases = _junit(junit)
    assert {"network.failed", "network.gateway"} <= set(cases), list(cases)


def test_recovered_events_are_listed_and_fail_the_run_only_when_asked(reference, tmp_path):
    misbehaviour = Misbehaviour(unavailable=0.3, seed=3)
    results = tmp_path / "allure"
    with Gateway(reference.base_url, misbehaviour) as gateway:
        default = run_suite(gateway.url, reference, *FETCH, "--junitxml", str(tmp_path / "default.xml"),
                            "--alluredir", str(results))
        strict = run_suite(gateway.url, reference, *FETCH, "--strict")
        failing = run_suite(gateway.url, reference, *FETCH, "--fail-on-network-events",
                            "--junitxml", str(tmp_path / "failing.xml"))
    assert default.code == 0 and "network events" in default.last_line, default.stdout[-3000:]
    assert "unavailable, asked to wait (503 with Retry-After)" in default.network_section
    assert strict.code == 0, strict.stdout[-3000:]  # --strict judges answers, not the road to them
    assert failing.code == 1 and "FAIL the run (--fail-on-network-events)" in failing.stdout, failing.stdout[-3000:]

    listed = _junit(tmp_path / "default.xml")["network.unavailable"]
    assert listed.find("failure") is None
    failed = _junit(tmp_path / "failing.xml")["network.unavailable"]
    assert failed.find("failure") is not None
    allure = [json.loads(p.read_text()) for p in results.glob("*-result.json")]
    [item] = [r for r in allure if any(label == {"name": "layer", "value": "network"} for label in r["labels"])]
    assert item["status"] == "unknown" and "unavailable" in item["statusDetails"]["message"]
