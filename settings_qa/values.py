"""Values in feature-file tables and step arguments.

A cell is literal text, except a cell wrapped in double braces, which is an
expression (the catalogue lists them):

    {{null}}  {{""}}  {{42}}  {{["a"]}}    a JSON literal (null, empty string, wrong types)
    {{"  padded  "}}  {{"a\\u0000b"}}      a JSON string, with escapes
    {{"ab" * 100}}                         a JSON string repeated N times
    {{max}}  {{max+1}}                     a string of the field's maximum length (or one more),
                                           mixing ASCII, accents and emoji, counted in code points
    {{faker:company}}                      a value from the seeded faker provider
    {{faqs:3}}                             three generated FAQs
"""

from __future__ import annotations

import json
import re
from typing import Any

from faker import Faker

from contracts.models import LIMITS

_EXPR = re.compile(r"^\{\{(.*)\}\}$", re.S)
_REPEAT = re.compile(r'^(".*")\s*\*\s*(\d+)$', re.S)
_MAX = re.compile(r"^max([+-]\d+)?$")
# Code points of different UTF-8/UTF-16 widths, so a backend counting bytes or UTF-16 units fails.
_PATTERN = "Ab1 é€ 😀 ש"


class CellError(ValueError):
    """A table cell that is not a valid value expression."""


def text_of_length(length: int, pattern: str = _PATTERN) -> str:
    return (pattern * (length // len(pattern) + 1))[:length]


def make_faqs(count: int, fake: Faker) -> list[dict[str, str]]:
    return [
        {"question": f"Q{i + 1}: {fake.sentence(nb_words=6)}", "answer": f"A{i + 1}: {fake.paragraph(nb_sentences=2)}"}
        for i in range(count)
    ]


def parse(cell: str, *, field: str | None = None, fake: Faker | None = None) -> Any:
    """Turn one table cell into the value to send."""
    match = _EXPR.match(cell.strip())
    if not match:
        return cell
    expr = match.group(1).strip()
    if expr.startswith("faker:"):
        provider = expr.removeprefix("faker:")
        if fake is None or not hasattr(fake, provider):
            raise CellError(f"unknown faker provider {provider!r} in {cell!r}")
        return str(getattr(fake, provider)())
    if expr.startswith("faqs:"):
        count = expr.removeprefix("faqs:")
        if not count.isdigit():
            raise CellError(f"{cell!r}: faqs:N needs a number of FAQs")
        return make_faqs(int(count), fake or Faker())
    if m := _MAX.match(expr):
        if field not in LIMITS:
            raise CellError(f"{cell!r} needs a field with a length limit, not {field!r}")
        return text_of_length(LIMITS[field] + int(m.group(1) or 0))
    if m := _REPEAT.match(expr):
        return json.loads(m.group(1)) * int(m.group(2))
    try:
        return json.loads(expr)
    except json.JSONDecodeError:
        raise CellError(f"{cell!r} is not a value expression (see the step catalogue)") from None


def table_to_body(datatable: list[list[str]], fake: Faker | None = None) -> dict[str, Any]:
    """A `| field | value |` table (header row first) as a request body."""
    header, *rows = datatable
    if [h.strip().lower() for h in header[:2]] != ["field", "value"]:
        raise CellError(f"the table's header must be '| field | value |', got {header}")
    return {row[0].strip(): parse(row[1], field=row[0].strip(), fake=fake) for row in rows}


def show(value: Any, limit: int = 60) -> str:
    """A short, readable rendering of a value for failure messages."""
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= limit else f"{text[:limit]}… ({len(value) if hasattr(value, '__len__') else '?'} long)"
