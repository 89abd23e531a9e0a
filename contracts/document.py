"""The committed OpenAPI document (`openapi.json`) and its tolerant reading.

The document describes the closed world: every body `additionalProperties: false`. That
is what the suite sends (requests stay strict) and what `--strict` judges responses by.
`tolerant()` is the same document with responses opened up, for the fuzzer's schema
checks: a provider may add properties the contract does not name (they are listed and
looked at by the suite's own check, not failed by the schema).
"""

from __future__ import annotations

import copy
import json
from functools import cache
from pathlib import Path
from typing import Any

DOCUMENT = Path(__file__).with_name("openapi.json")
_PREFIX = "#/components/schemas/"


@cache
def _committed() -> str:
    return DOCUMENT.read_text(encoding="utf-8")


def load() -> dict[str, Any]:
    """A fresh copy of the committed document."""
    return json.loads(_committed())


def tolerant(document: dict[str, Any] | None = None) -> dict[str, Any]:
    """The document with every schema a response uses open to unnamed properties."""
    document = copy.deepcopy(document) if document is not None else load()
    schemas = document.get("components", {}).get("schemas", {})
    responses = _schemas_under(_bodies(document, "responses"), schemas)
    requests = _schemas_under(_bodies(document, "requestBody"), schemas)
    shared = responses & requests
    if shared:  # opening one would let the fuzzer send unknown fields, which the contract rejects
        raise ValueError(f"schemas used by requests and responses alike: {sorted(shared)}")
    for name in responses:
        _open(schemas[name])
    return document


def _bodies(document: dict[str, Any], where: str) -> list[Any]:
    found = []
    for item in document.get("paths", {}).values():
        for operation in item.values():
            if not isinstance(operation, dict):
                continue
            holders = operation.get("responses", {}).values() if where == "responses" else [
                operation.get("requestBody") or {}]
            found += [media.get("schema") for holder in holders
                      for media in (holder.get("content") or {}).values()]
    return found


def _schemas_under(nodes: list[Any], schemas: dict[str, Any]) -> set[str]:
    """The names of the component schemas `nodes` reference, directly or through others."""
    seen: set[str] = set()
    stack = list(nodes)
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            ref = node.get("$ref", "")
            if ref.startswith(_PREFIX) and ref[len(_PREFIX):] not in seen:
                seen.add(ref[len(_PREFIX):])
                stack.append(schemas.get(ref[len(_PREFIX):]))
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)
    return seen


def _open(node: Any) -> None:
    if isinstance(node, dict):
        if node.get("additionalProperties") is False:
            del node["additionalProperties"]
        for value in node.values():
            _open(value)
    elif isinstance(node, list):
        for value in node:
            _open(value)
