"""Compare a target's own OpenAPI document with the canonical contract, fact by fact, and
grade each difference.

Both documents are flattened into facts such as
`PUT /api/business/me request body: name.maxLength -> 200`; the differences read

    PUT /api/business/me request body: name.maxLength 200 in the contract, missing in the target

and fall into three grades (`graded()`):
- contradicts: the document says something the contract does not allow: a path, operation,
  status, media type or property the contract has is missing; a type (nullability
  included), a required flag, a limit, an enum or a format says otherwise; a request body
  accepts a property or a value the contract rejects;
- documents less: it leaves out what the contract says (limits, patterns, formats,
  `additionalProperties: false`, a header, the security scheme), which the behaviour may
  still honour: the fuzzer judges the behaviour;
- documents more: it adds what the contract does not name (a status, an operation, a
  response property or header): the provider's business.

Compared: the contract's paths and their methods, statuses, response headers (presence and type), security,
and the request and 200 bodies keyword by keyword (type and nullability, required,
enum/const, format, pattern, length and item limits, additionalProperties). Error bodies
are `{"detail": ...}` "as FastAPI writes it": the contract leaves their inner shape open,
so only their status and headers are compared. Titles, descriptions, examples, defaults
and schema names are ignored; paths the contract does not mention are not compared.
"""

from __future__ import annotations

from typing import Any

Facts = dict[tuple[str, str], Any]
GRADES = ("contradicts", "documents less", "documents more")
_HTTP_METHODS = ("get", "put", "post", "delete", "patch", "options", "head", "trace")
_KEYWORDS = ("format", "pattern", "minLength", "maxLength", "minItems", "maxItems", "minimum", "maximum")


def differences(contract: dict[str, Any], target: dict[str, Any]) -> list[str]:
    """One readable line per difference, whatever its grade (empty when the target documents the contract)."""
    return sorted(line for lines in graded(contract, target).values() for _, line in lines)


def graded(contract: dict[str, Any], target: dict[str, Any]) -> dict[str, list[tuple[str, str]]]:
    """Every difference as (where, line), by grade."""
    paths = list(contract.get("paths", {}))
    ours, theirs = facts(contract, paths), facts(target, paths)
    out: dict[str, list[tuple[str, str]]] = {grade: [] for grade in GRADES}
    for key in sorted(ours.keys() | theirs.keys()):
        where, what = key
        if key not in theirs:
            line = f"{where}: {what} {_show(ours[key])} in the contract, missing in the target"
            grade = _missing_in_target(what)
        elif key not in ours:
            if what == "path":  # facts() marks a path the document lacks
                line, grade = f"{where}: the path is missing in the target", "contradicts"
            else:
                line = f"{where}: {what} {_show(theirs[key])} in the target, missing in the contract"
                typed = what == "type" or what.endswith(".type")
                grade = "contradicts" if "request body" in where and not typed else "documents more"
        elif ours[key] == theirs[key] or (what.endswith("pattern") and _same_pattern(ours[key], theirs[key])):
            continue
        else:
            line = f"{where}: {what} {_show(ours[key])} in the contract, {_show(theirs[key])} in the target"
            grade = "documents less" if what == "security" and theirs[key] == "none" else "contradicts"
        out[grade].append((where, line))
    return out


def _missing_in_target(what: str) -> str:
    """The grade of a fact the contract states and the target's document leaves out."""
    if what in ("operation", "status", "required") or what.endswith("(property)") or what.startswith("media type"):
        return "contradicts"
    return "documents less"  # type, limits, pattern, format, enum, additionalProperties, header, security


def _same_pattern(ours: str, theirs: str) -> bool:
    """`^[^\\x00]*$` and `^[^\\u0000]*$` say the same."""
    def norm(pattern: str) -> str:
        return pattern.replace("\\u0000", "\\x00").replace("\\0", "\\x00")
    return norm(str(ours)) == norm(str(theirs))


def _show(value: Any) -> str:
    if value is True:
        return "yes"
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(str(v) for v in value) + "]"
    return str(value)


def facts(document: dict[str, Any], paths: list[str]) -> Facts:
    out: Facts = {}
    for path in paths:
        item = document.get("paths", {}).get(path)
        if item is None:
            out[(path, "path")] = True
            continue
        for method in _HTTP_METHODS:
            if method in item:
                _operation(document, f"{method.upper()} {path}", item[method], out)
    return out


def _operation(document: dict[str, Any], label: str, operation: dict[str, Any], out: Facts) -> None:
    out[(label, "operation")] = True
    out[(label, "security")] = _security(document, operation)
    body = operation.get("requestBody")
    if body is not None:
        body = _resolve(document, body)
        out[(f"{label} request body", "required")] = bool(body.get("required"))
        _content(document, f"{label} request body", body, out, compare_schema=True)
    for status, response in operation.get("responses", {}).items():
        where = f"{label} response {status}"
        response = _resolve(document, response)
        out[(where, "status")] = True
        for name, header in (response.get("headers") or {}).items():
            header = _resolve(document, header)
            # Presence and type only: the value itself ("Bearer ...") is checked on every 401 by the fuzzer.
            types, _ = _types(document, _resolve(document, header.get("schema", {})))
            out[(where, f"header {name}")] = " or ".join(sorted(types)) or "any"
        _content(document, f"{where} body", response, out, compare_schema=str(status).startswith("2"))


def _security(document: dict[str, Any], operation: dict[str, Any]) -> str:
    """The schemes an operation accepts, by kind (`http bearer`), not by their names."""
    requirements = operation.get("security", document.get("security", []))
    schemes = document.get("components", {}).get("securitySchemes", {})
    kinds = set()
    for requirement in requirements:
        for name in requirement:
            scheme = schemes.get(name, {})
            kinds.add(" ".join(filter(None, [scheme.get("type"), str(scheme.get("scheme", "")).lower()])))
    return " or ".join(sorted(kinds)) or "none"


def _content(document: dict[str, Any], where: str, holder: dict[str, Any], out: Facts, *, compare_schema: bool) -> None:
    for media_type, media in (holder.get("content") or {}).items():
        out[(where, f"media type {media_type}")] = True
        if compare_schema and "schema" in media:
            _schema(document, media["schema"], where, "", out)


def _schema(document: dict[str, Any], schema: dict[str, Any], where: str, at: str, out: Facts, depth: int = 0) -> None:
    """Record the facts of `schema` at property path `at` (`name`, `faqs[].question`)."""
    if depth > 20:
        return
    schema = _resolve(document, schema)
    types, schema = _types(document, schema)
    prefix = f"{at}." if at else ""
    if types:
        out[(where, f"{prefix}type")] = " or ".join(sorted(types))
    for keyword in _KEYWORDS:
        value = schema.get(keyword)
        if value is not None and not (keyword in ("minLength", "minItems") and value == 0):
            out[(where, f"{prefix}{keyword}")] = value
    if "const" in schema or "enum" in schema:
        out[(where, f"{prefix}enum")] = sorted(map(str, schema["enum"] if "enum" in schema else [schema["const"]]))
    if schema.get("additionalProperties") is False:
        out[(where, f"{prefix}additionalProperties")] = False
    required = set(schema.get("required", []))
    for name, sub in (schema.get("properties") or {}).items():
        child = f"{prefix}{name}"
        out[(where, f"{child} (property)")] = "required" if name in required else "optional"
        _schema(document, sub, where, child, out, depth + 1)
    if isinstance(schema.get("items"), dict):
        _schema(document, schema["items"], where, f"{at}[]", out, depth + 1)


def _types(document: dict[str, Any], schema: dict[str, Any]) -> tuple[set[str], dict[str, Any]]:
    """The JSON types a schema allows (null included), and the one non-null branch to descend into."""
    declared = schema.get("type")
    types = set(declared if isinstance(declared, list) else [declared] if declared else [])
    if schema.get("nullable") is True:  # OpenAPI 3.0 spelling
        types.add("null")
    branches = [_resolve(document, b) for b in schema.get("anyOf") or schema.get("oneOf") or []]
    if not branches:
        return types, schema
    concrete = []
    for branch in branches:
        branch_types, branch = _types(document, branch)
        types |= branch_types
        if branch_types != {"null"}:
            concrete.append(branch)
    merged = {**{k: v for k, v in schema.items() if k not in ("anyOf", "oneOf")},
              **(concrete[0] if len(concrete) == 1 else {})}
    return types, merged


def _resolve(document: dict[str, Any], node: dict[str, Any]) -> dict[str, Any]:
    seen = 0
    while isinstance(node, dict) and "$ref" in node and seen < 20:
        ref = node["$ref"]
        if not ref.startswith("#/"):
            return {}
        target: Any = document
        for part in ref[2:].split("/"):
            target = target.get(part.replace("~1", "/").replace("~0", "~"), {}) if isinstance(target, dict) else {}
        node, seen = target, seen + 1
    return node if isinstance(node, dict) else {}
