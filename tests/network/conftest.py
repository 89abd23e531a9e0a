"""Backends behind the test gateway: the reference backend (correct, and with two real faults
from the mutation catalogue) and the foreign backend of tests/foreign/, each served on loopback."""

from __future__ import annotations

import os

import pytest
from network_runs import REPO, Upstream

from mutations.catalogue import by_id
from mutations.model import faulty_copy
from settings_qa.targets import ServedTarget

NAMES = {"primary": "Gateway Primary Co", "secondary": "Gateway Secondary Co"}


def _served(tmp_path_factory, label: str, backend):
    environ = {**os.environ, "BCRYPT_ROUNDS": "4"}
    return ServedTarget(backend, tmp_path_factory.mktemp(label), label, NAMES, environ=environ)


@pytest.fixture(scope="module")
def reference(tmp_path_factory):
    with _served(tmp_path_factory, "reference", REPO / "backend") as served:
        yield Upstream.of(served)


@pytest.fixture(scope="module")
def foreign(tmp_path_factory):
    from foreign_server import ForeignServer

    with ForeignServer((), workdir=tmp_path_factory.mktemp("foreign")) as server:
        yield Upstream.of(server)


@pytest.fixture(scope="module", params=["incident-stale-sessionlocal-import", "field-not-stored"])
def faulty(request, tmp_path_factory):
    """The reference backend with a real fault: the incident's stale import (a description save
    answers 500), or a field a save silently drops (business_hours)."""
    copy = faulty_copy(REPO / "backend", tmp_path_factory.mktemp("faulty") / "backend", by_id(request.param))
    with _served(tmp_path_factory, request.param, copy) as served:
        yield request.param, Upstream.of(served)
