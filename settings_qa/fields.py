"""`settings-qa fields`: every field of the contract, as QA needs it to write a table.

Generated from the committed OpenAPI document (contracts/openapi.json): the Business fields,
which of them a save may carry (BusinessUpdate), which accept null, their limits in the unit
the contract counts (code points, items), and value expressions (settings_qa/values.py) that
give a valid, a boundary and an invalid value. features/README.md carries the same table
(tests/suite/test_fields.py keeps them equal and checks every expression against the contract).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from contracts import document
from contracts.models import read_back

NO_NUL = "^[^\\x00]*$"


@dataclass(frozen=True)
class Field:
    name: str  # as a table names it: `name`, `faqs`, `faqs[N].question`
    type: str
    saved: str  # "writable" or "read-only"
    null: str
    limits: str
    valid: tuple[str, ...]
    boundary: tuple[str, ...]
    invalid: tuple[str, ...]


def _schemas() -> dict[str, Any]:
    return document.load()["components"]["schemas"]


def _variants(schema: dict[str, Any]) -> tuple[dict[str, Any], bool]:
    """The schema without its null alternative, and whether null is allowed."""
    options = schema.get("anyOf", [schema])
    kept = [option for option in options if option.get("type") != "null"]
    return kept[0], len(kept) != len(options)


def _text_limits(schema: dict[str, Any]) -> str:
    low, high = schema.get("minLength", 0), schema.get("maxLength")
    return f"{low}..{high} code points" + (", no U+0000" if schema.get("pattern") == NO_NUL else "")


def _text(name: str, schema: dict[str, Any], nullable: bool, saved: str) -> Field:
    low = schema.get("minLength", 0)
    boundary = ("{{max}}", "{{text:1}}" if low else '{{""}}') + (("{{null}}",) if nullable else ())
    invalid = ("{{max+1}}",) + (('{{""}}',) if low else ()) + (() if nullable else ("{{null}}",)) + ("{{42}}",)
    null = "yes: clears it" if nullable else "no"
    return Field(name, "text or null" if nullable else "text", saved, null, _text_limits(schema),
                 ("{{text:10}}",), boundary, invalid)


def _faqs(schema: dict[str, Any], nullable: bool) -> Field:
    cleared = read_back("faqs", None)
    null = f"yes: clears them (reads back {cleared})" if nullable else "no"
    return Field("faqs", "list of {question, answer}", "writable", null, f"0..{schema['maxItems']} items, in order",
                 ("{{faqs:3}}",), ("{{max}}", "{{[]}}"), ("{{max+1}}", '{{"a list"}}'))


def _read_only(name: str, schema: dict[str, Any]) -> Field:
    if "enum" in schema:
        kind = "one of " + ", ".join(schema["enum"])
    elif schema.get("format") == "date-time":
        kind = "RFC 3339 date-time"
    else:
        kind = {"integer": "integer", "string": "text"}.get(schema.get("type"), schema.get("type", "?"))
    example = {"integer": "{{1}}", "RFC 3339 date-time": "2026-01-26T10:00:00Z"}.get(kind, (schema.get("enum") or ["x"])[-1])
    return Field(name, kind, "read-only", "no", "", (), (), (example,))


def fields() -> list[Field]:
    schemas = _schemas()
    writable = schemas["BusinessUpdate"]["properties"]
    found = []
    for name, read in schemas["Business"]["properties"].items():
        if name not in writable:
            found.append(_read_only(name, read))
            continue
        schema, nullable = _variants(writable[name])
        if schema.get("type") == "array":
            found.append(_faqs(schema, nullable))
            item = schemas[schema["items"]["$ref"].rsplit("/", 1)[1]]
            found += [_text(f"faqs[N].{part}", item["properties"][part], False, "writable")
                      for part in item["properties"]]
        else:
            found.append(_text(name, schema, nullable, "writable"))
    return found


HEADER = ("field", "type", "in a save", "null", "limits", "valid", "boundary", "invalid")


def _cells(field: Field) -> tuple[str, ...]:
    def codes(expressions: tuple[str, ...]) -> str:
        return ", ".join(f"`{e}`" for e in expressions) or "-"
    return (f"`{field.name}`", field.type, field.saved, field.null, field.limits or "-",
            codes(field.valid), codes(field.boundary), codes(field.invalid))


def reference() -> str:
    """The field table in Markdown, columns padded so it also reads in a terminal."""
    rows = [HEADER, *(_cells(f) for f in fields())]
    widths = [max(len(row[i]) for row in rows) for i in range(len(HEADER))]

    def line(row: tuple[str, ...]) -> str:
        return "| " + " | ".join(cell.ljust(width) for cell, width in zip(row, widths)) + " |"
    note = ("In a `| field | value |` table a FAQ part is `faqs[N].question` (N from 1); in a "
            "`| question | answer |` table it is the column. Read-only fields are rejected in a save (422).")
    return "\n".join([line(rows[0]), "|" + "|".join("-" * (w + 2) for w in widths) + "|",
                      *(line(row) for row in rows[1:]), "", note])
