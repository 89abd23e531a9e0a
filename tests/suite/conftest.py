"""A served reference backend with accounts the tests know, shared by the suite's self-tests."""

import pytest

from settings_qa.targets import ServedTarget
from suite.helpers import ROOT


@pytest.fixture(scope="package")
def served(tmp_path_factory):
    with ServedTarget(ROOT / "backend", tmp_path_factory.mktemp("served"), "selftest",
                      {"primary": "Deployment Co", "secondary": "Neighbour Co"}) as target:
        yield target
