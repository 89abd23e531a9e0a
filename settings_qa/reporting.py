"""Allure integration: Gherkin steps as Allure steps, HTTP exchanges as attachments,
run environment, and a last redaction pass over every result Allure writes.

All of it is inert when Allure is not active (no --alluredir).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from settings_qa import __version__
from settings_qa.client import Exchange
from settings_qa.redaction import redact

try:
    import allure
    import allure_commons
except ImportError:  # pragma: no cover - allure-pytest is pinned, but the suite runs without it
    allure = allure_commons = None

_STEP_KEY = pytest.StashKey[list]()


def _active(config: pytest.Config) -> bool:
    return allure is not None and bool(getattr(config.option, "allure_report_dir", None))


class _RedactingAllurePlugin:
    """Runs before Allure's file writer: masks secrets in messages, traces and parameters."""

    if allure_commons is not None:
        @allure_commons.hookimpl(tryfirst=True)
        def report_result(self, result: Any) -> None:
            _scrub(result)

        @allure_commons.hookimpl(tryfirst=True)
        def report_container(self, container: Any) -> None:
            _scrub(container)


def _scrub(node: Any) -> None:
    details = getattr(node, "statusDetails", None)
    if details is not None:
        details.message = redact(details.message) if details.message else details.message
        details.trace = redact(details.trace) if details.trace else details.trace
    for parameter in getattr(node, "parameters", None) or []:
        parameter.value = redact(parameter.value)
    for child in (getattr(node, "steps", None) or []) + (getattr(node, "befores", None) or []) + (
        getattr(node, "afters", None) or []
    ):
        _scrub(child)


_PLUGIN = _RedactingAllurePlugin()


def configure(config: pytest.Config) -> None:
    if _active(config) and not allure_commons.plugin_manager.is_registered(_PLUGIN):
        allure_commons.plugin_manager.register(_PLUGIN)


def environment(config: pytest.Config, target: Any) -> None:
    """Write Allure's environment.properties: target, backend, seed (no secrets)."""
    if not _active(config):
        return
    folder = Path(config.option.allure_report_dir)
    folder.mkdir(parents=True, exist_ok=True)
    lines = {
        "target": target.mode,
        "base_url": target.base_url,
        "seed": config.qa_seed,
        "suite_version": __version__,
        "backend_version": getattr(target, "backend_version", None) or "unknown",
    }
    (folder / "environment.properties").write_text(
        "".join(f"{k} = {redact(v)}\n" for k, v in lines.items()), encoding="utf-8"
    )


def attach_exchange(exchange: Exchange) -> None:
    if allure is None:
        return
    status = exchange.status if exchange.status is not None else exchange.error
    path = exchange.url.split("//", 1)[-1].split("/", 1)[-1]
    allure.attach(redact(exchange.render()), name=f"{exchange.method} /{path} -> {status}",
                  attachment_type=allure.attachment_type.TEXT)


def step_started(request: pytest.FixtureRequest, step: Any) -> None:
    if not _active(request.config):
        return
    context = allure.step(f"{step.keyword} {step.name}")
    context.__enter__()
    request.node.stash.setdefault(_STEP_KEY, []).append(context)


def step_finished(request: pytest.FixtureRequest, exception: BaseException | None) -> None:
    stack = request.node.stash.get(_STEP_KEY, [])
    if stack:
        context = stack.pop()
        context.__exit__(type(exception) if exception else None, exception,
                         exception.__traceback__ if exception else None)
