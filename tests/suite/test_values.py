"""Value expressions in feature-file tables."""

import pytest
from faker import Faker

from contracts.models import LIMITS
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
    assert values.parse("{{text:max-1}}", field="industry") == values.parse("{{max - 1}}", field="industry")
    assert len(values.parse("{{text:12}}")) == 12


def test_max_of_the_faqs_is_the_most_faqs_each_at_its_maximum():
    faqs = values.parse("{{max}}", field="faqs")
    assert faqs == values.parse("{{faqs:50:max}}") and len(faqs) == LIMITS["faqs"]
    assert all(len(f["question"]) == LIMITS["question"] and len(f["answer"]) == LIMITS["answer"] for f in faqs)
    assert len({f["question"] for f in faqs}) == 50, "each FAQ different"
    assert any(ord(c) > 0xFFFF for c in faqs[0]["answer"]), "characters outside the BMP"
    assert len(values.parse("{{max+1}}", field="faqs")) == 51 and len(values.parse("{{faqs:3}}")) == 3


def test_parse_faker_is_reproducible_with_the_same_seed():
    first, second = Faker(), Faker()
    first.seed_instance(7)
    second.seed_instance(7)
    assert values.parse("{{faker:company}}", fake=first) == values.parse("{{faker:company}}", fake=second)


@pytest.mark.parametrize(("cell", "message"), [
    ("{{max}}", "needs a field with a length limit"),
    ("{{faker:no_such_provider}}", "unknown faker provider"),
    ("{{faker:seed_instance}}", "unknown faker provider"),  # a method of Faker, not a provider
    ("{{not json}}", "not a value expression"),
])
def test_parse_rejects_bad_expressions_with_a_clear_error(cell, message):
    with pytest.raises(values.CellError, match=message):
        values.parse(cell, field="id", fake=Faker())


@pytest.mark.parametrize(("cell", "suggestion"), [
    ("{{nul}}", "did you mean {{null}}?"),
    ("{{maxx}}", "did you mean {{max}}?"),
    ("{{faq:3}}", "did you mean {{faqs:3}}?"),
    ("{{faker:compnay}}", "did you mean {{faker:company}}?"),
])
def test_a_typo_in_an_expression_gets_a_did_you_mean(cell, suggestion):
    with pytest.raises(values.CellError) as error:
        values.parse(cell, field="name", fake=Faker())
    assert str(error.value).endswith(suggestion)


def test_difference_names_the_faq_and_the_code_point_that_differ():
    wanted = values.faqs_at_max(3)
    got = [dict(f) for f in wanted]
    got[2]["answer"] = got[2]["answer"][:-1]
    said = values.difference(wanted, got)
    assert said.startswith("item 3 of 3, its answer: expected 2000 code points, read back 1999")
    assert values.difference("a", "b") == 'expected "a", read back "b"'
