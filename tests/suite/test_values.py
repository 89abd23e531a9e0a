"""Value expressions in feature-file tables."""

import pytest
from faker import Faker

from settings_qa import values


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("Lex Makes It", "Lex Makes It"),
        ("{{null}}", None),
        ('{{""}}', ""),
        ("{{42}}", 42),
        ('{{["a"]}}', ["a"]),
        ('{{"  padded  "}}', "  padded  "),
        ('{{"a\\u0000b"}}', "a\x00b"),
        ('{{"ab" * 3}}', "ababab"),
    ],
)
def test_parse_turns_cells_into_values(cell, expected):
    assert values.parse(cell) == expected


def test_parse_max_counts_code_points_for_the_field():
    name = values.parse("{{max}}", field="name")
    assert len(name) == 200 and any(ord(c) > 0xFFFF for c in name)
    assert len(values.parse("{{max+1}}", field="description")) == 5001


def test_parse_faker_is_reproducible_with_the_same_seed():
    first, second = Faker(), Faker()
    first.seed_instance(7)
    second.seed_instance(7)
    assert values.parse("{{faker:company}}", fake=first) == values.parse("{{faker:company}}", fake=second)


@pytest.mark.parametrize("cell", ["{{max}}", "{{faker:no_such_provider}}", "{{not json}}", "{{faqs:x}}"])
def test_parse_rejects_bad_expressions_with_a_clear_error(cell):
    with pytest.raises(values.CellError, match="catalogue|faker|field|number"):
        values.parse(cell, field="id", fake=Faker())


def test_table_to_body_requires_the_field_value_header():
    assert values.table_to_body([["field", "value"], ["name", "X"]]) == {"name": "X"}
    with pytest.raises(values.CellError, match="header"):
        values.table_to_body([["name", "X"]])
