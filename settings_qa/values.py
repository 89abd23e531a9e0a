"""Value expressions: what a table cell of a feature file sends.

A cell is literal text, except a cell wrapped in double braces, which is an expression:

    {{null}}  {{""}}  {{42}}  {{true}}  {{["a"]}}   a JSON literal (null, empty string, wrong types)
    {{"  padded  "}}  {{"a\\u0000b"}}              a JSON string, with escapes
    {{"ab" * 100}}                                 a JSON string repeated N times
    {{text:12}}                                    12 code points of mixed text: ASCII, accents, a
                                                   character outside the BMP (emoji), right-to-left
    {{max}}  {{max+1}}  {{max-1}}                  the field's limit (`settings-qa fields`): a text of
    {{text:max}}  {{text:max+1}}                   its maximum length in code points (or one more,
                                                   one less); for faqs the most FAQs the contract
                                                   allows (50), each question and answer at its maximum
    {{faker:company}}                              a value from the seeded faker provider
    {{faqs:3}}                                     three generated FAQs (short, each one different)
    {{faqs:50:max}}  {{faqs:51:max}}               50 (51) FAQs, each question and answer at its maximum

The field a cell is for is its row's field in a `| field | value |` table, its column's in a
`| question | answer |` table. In the field column of a `| field | value |` table:

    name, industry, ...                            a field of the contract (`settings-qa fields`)
    every field                                    every writable field at once; only with {{max}}:
                                                   the largest settings the contract allows
    faqs[50].answer                                one part of one FAQ (counted from 1) of the FAQs
                                                   given in a row above (or by `every field`)
    {{unknown:owner_email}}                        a field the contract does not name, on purpose

Later rows override earlier ones: `every field` with {{max}}, then `faqs[50].answer` with
{{max+1}}, is the largest valid settings with one character too many in the last answer.
In a Gherkin table `\\n` means a newline and `\\\\` a backslash: a JSON escape is `{{"a\\\\tb"}}`.
"""

from __future__ import annotations

import difflib
import json
import re
from typing import Any

import faker
from faker import Faker

from contracts.models import LIMITS

_EXPR = re.compile(r"^\{\{(.*)\}\}$", re.S)
_REPEAT = re.compile(r'^(".*")\s*\*\s*(\d+)$', re.S)
_MAX = re.compile(r"^(?:text:)?max\s*(?:([+-])\s*(\d+))?$")
_TEXT = re.compile(r"^text:(\d+)$")
_FAQS = re.compile(r"^faqs:(\d+)(?::max)?$")
# Code points of different UTF-8/UTF-16 widths (one outside the Basic Multilingual Plane), so a
# backend counting bytes or UTF-16 units instead of code points fails.
_PATTERN = "Ab1 é€ 😀 ש"
EXAMPLES = ("null", "true", "false", '""', "42", "max", "max+1", "max-1", "text:max", "text:max+1", "text:10",
            "faqs:3", "faqs:50:max", "faqs:51:max", "faker:company", "unknown:NAME")


class CellError(ValueError):
    """A table cell that is not a valid value expression (the message may end in a did-you-mean)."""


def did_you_mean(word: str, candidates: list[str] | tuple[str, ...], cutoff: float = 0.6) -> str | None:
    found = difflib.get_close_matches(word, list(candidates), n=1, cutoff=cutoff)
    return found[0] if found else None


def text_of_length(length: int, label: str = "") -> str:
    """`length` code points: the label, then the mixed pattern."""
    text = label + _PATTERN * (length // len(_PATTERN) + 1)
    return text[:length]


def make_faqs(count: int, fake: Faker) -> list[dict[str, str]]:
    return [
        {"question": f"Q{i + 1}: {fake.sentence(nb_words=6)}", "answer": f"A{i + 1}: {fake.paragraph(nb_sentences=2)}"}
        for i in range(count)
    ]


def faqs_at_max(count: int) -> list[dict[str, str]]:
    """`count` FAQs, each question and answer exactly at its limit, each one different."""
    return [{"question": text_of_length(LIMITS["question"], f"Q{i + 1} "),
             "answer": text_of_length(LIMITS["answer"], f"A{i + 1} ")} for i in range(count)]


def at_limit(field: str | None, offset: int = 0) -> Any:
    """The field's limit plus `offset`: text of that many code points, or that many FAQs at their maximum."""
    if field == "faqs":
        return faqs_at_max(LIMITS["faqs"] + offset)
    if field not in LIMITS:
        known = ", ".join(sorted(LIMITS))
        raise CellError(f"{{{{max}}}} needs a field with a length limit ({known}), not {field!r}")
    return text_of_length(LIMITS[field] + offset, f"{field} ")


def faker_providers(fake: Faker) -> list[str]:
    own = set(dir(faker.Generator)) | set(dir(Faker))
    return [name for name in dir(fake) if not name.startswith("_") and name not in own]


def parse(cell: str, *, field: str | None = None, fake: Faker | None = None) -> Any:
    """Turn one table cell into the value to send."""
    match = _EXPR.match(cell.strip())
    if not match:
        return cell
    expr = match.group(1).strip()
    if expr.startswith("faker:"):
        return _faker(cell, expr.removeprefix("faker:").strip(), fake or Faker())
    if m := _FAQS.match(expr):
        count = int(m.group(1))
        return faqs_at_max(count) if expr.endswith(":max") else make_faqs(count, fake or Faker())
    if m := _MAX.match(expr):
        return at_limit(field, int(m.group(2) or 0) * (-1 if m.group(1) == "-" else 1))
    if m := _TEXT.match(expr):
        return text_of_length(int(m.group(1)))
    if m := _REPEAT.match(expr):
        return json.loads(m.group(1)) * int(m.group(2))
    try:
        return json.loads(expr)
    except json.JSONDecodeError:
        hint = did_you_mean(expr, EXAMPLES)
        shown = f"; did you mean {{{{{hint}}}}}?" if hint else " (see `settings-qa values`)"
        raise CellError(f"{cell.strip()} is not a value expression{shown}") from None


def _faker(cell: str, provider: str, fake: Faker) -> str:
    providers = faker_providers(fake)
    if provider not in providers:
        hint = did_you_mean(provider, providers)
        shown = f"; did you mean {{{{faker:{hint}}}}}?" if hint else ""
        raise CellError(f"unknown faker provider {provider!r} in {cell.strip()}{shown}")
    return str(getattr(fake, provider)())


def show(value: Any, limit: int = 60) -> str:
    """A short, readable rendering of a value for failure messages."""
    text = json.dumps(value, ensure_ascii=False)
    if len(text) <= limit:
        return text
    size = f"{len(value)} code points" if isinstance(value, str) else (
        f"{len(value)} items" if isinstance(value, (list, dict)) else "long")
    return f"{text[:limit]}… ({size})"


def difference(expected: Any, actual: Any) -> str:
    """Where two values first differ, in words: `expected X, read back Y`, narrowed to the
    first differing FAQ (and its part) or text position for long values."""
    if isinstance(expected, list) and isinstance(actual, list):
        for index, (want, got) in enumerate(zip(expected, actual)):
            if want != got:
                part = next((k for k in want if isinstance(got, dict) and want.get(k) != got.get(k)), None) \
                    if isinstance(want, dict) else None
                where = f"item {index + 1} of {len(expected)}" + (f", its {part}" if part else "")
                inner = difference(want[part], got.get(part)) if part else difference(want, got)
                return f"{where}: {inner}"
        if len(expected) != len(actual):
            return f"expected {len(expected)} items, read back {len(actual)}"
    if isinstance(expected, str) and isinstance(actual, str) and len(expected) > 60:
        at = next((i for i, (a, b) in enumerate(zip(expected, actual)) if a != b), min(len(expected), len(actual)))
        return (f"expected {len(expected)} code points, read back {len(actual)}, first different at code "
                f"point {at + 1}: expected {show(expected[at:at + 20])}, read back {show(actual[at:at + 20])}")
    return f"expected {show(expected)}, read back {show(actual)}"
