"""Data tables of the feature files: `| field | value |` and `| question | answer |`.

The field column names a field of the contract, `every field` (with `{{max}}`: the largest
settings the contract allows), one part of one FAQ (`faqs[50].answer`), or a field the
contract does not name, on purpose (`{{unknown:owner_email}}`). Anything else is a typo and
fails with a did-you-mean, at run time and in `settings-qa check`. The value column holds
value expressions (settings_qa/values.py).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Callable

from faker import Faker

from contracts.models import FAQ_FIELDS, WRITABLE_FIELDS, Business
from settings_qa.values import CellError, at_limit, did_you_mean, parse

FIELD_TABLE = ("field", "value")
FAQ_TABLE = FAQ_FIELDS
EVERY_FIELD = "every field"
CONTRACT_FIELDS = tuple(Business.model_fields)
_PATH = re.compile(r"^faqs\[(\d+)\]\.(\w+)$")
_UNKNOWN = re.compile(r"^\{\{\s*unknown:\s*(.+?)\s*\}\}$")
_MAX_ONLY = re.compile(r"^\{\{\s*(?:text:)?max\s*\}\}$")


class TableError(CellError):
    """A problem of the table as a whole, not of one cell (`faqs[50]` before any FAQs)."""


@dataclass(frozen=True)
class FieldCell:
    """What the field column of one row names."""

    name: str  # the key sent: a contract field, a field named on purpose, or "faqs" for a path
    every: bool = False  # `every field`
    item: int | None = None  # for `faqs[N].part`: N, counted from 1
    part: str | None = None  # "question" or "answer"

    @property
    def value_field(self) -> str:
        """The field whose limits `{{max}}` in the value cell means."""
        return self.part or self.name


def field_cell(cell: str) -> FieldCell:
    text = cell.strip()
    if text == EVERY_FIELD:
        return FieldCell(EVERY_FIELD, every=True)
    if m := _UNKNOWN.match(text):
        return FieldCell(m.group(1))
    if m := _PATH.match(text):
        if m.group(2) not in FAQ_FIELDS or int(m.group(1)) < 1:
            raise CellError(f"{text}: a FAQ part is faqs[N].question or faqs[N].answer, N from 1")
        return FieldCell("faqs", item=int(m.group(1)), part=m.group(2))
    if text in CONTRACT_FIELDS:
        return FieldCell(text)
    hint = did_you_mean(text, (*CONTRACT_FIELDS, EVERY_FIELD))
    suggestion = f"; did you mean '{hint}'?" if hint else ""
    raise CellError(f"unknown field {text!r}{suggestion} (the fields: `settings-qa fields`; a field the contract "
                    f"does not name, on purpose: {{{{unknown:{text}}}}})")


def every_field_value(cell: str) -> None:
    if not _MAX_ONLY.match(cell.strip()):
        raise CellError(f"'{EVERY_FIELD}' takes {{{{max}}}} (the largest valid settings), not {cell.strip()}")


def largest_settings() -> dict[str, Any]:
    """Every writable field at its limit at once: the largest body the contract accepts."""
    return {name: at_limit(name) for name in WRITABLE_FIELDS}


def table_to_body(datatable: list[list[str]], fake: Faker | None = None) -> dict[str, Any]:
    """A `| field | value |` table (header row first) as a request body."""
    header, *rows = datatable
    if tuple(h.strip().lower() for h in header[:2]) != FIELD_TABLE or len(header) != 2:
        raise CellError(f"the table's header must be '| field | value |', got '| {' | '.join(header)} |'")
    body: dict[str, Any] = {}
    for row in rows:
        target = field_cell(row[0])
        if target.every:
            every_field_value(row[1])
            body |= largest_settings()
        elif target.item is not None:
            faqs = body.get("faqs")
            if not isinstance(faqs, list) or target.item > len(faqs):
                have = len(faqs) if isinstance(faqs, list) else "no"
                raise TableError(f"faqs[{target.item}] needs at least {target.item} FAQs in a row above (there are {have})")
            faqs[target.item - 1] = {**faqs[target.item - 1],
                                     target.part: parse(row[1], field=target.part, fake=fake)}
        else:
            body[target.name] = parse(row[1], field=target.name, fake=fake)
    return body


def faq_table_to_list(datatable: list[list[str]], fake: Faker | None = None) -> list[dict[str, Any]]:
    """A `| question | answer |` table as FAQ items; each header is a part of a FAQ."""
    header, *rows = datatable
    parts = [h.strip() for h in header]
    for part in parts:
        if part not in FAQ_TABLE:
            hint = did_you_mean(part, FAQ_TABLE)
            raise CellError(f"a FAQ table's columns are {' and '.join(FAQ_TABLE)}, not {part!r}"
                            + (f": did you mean '{hint}'?" if hint else ""))
    return [{part: parse(cell, field=part, fake=fake) for part, cell in zip(parts, row)} for row in rows]


def takes_table(kind: tuple[str, ...]) -> Callable:
    """Mark a step function as taking a data table of `kind` (for `settings-qa check`)."""
    def mark(step_function: Callable) -> Callable:
        step_function.table_kind = kind
        return step_function
    return mark
