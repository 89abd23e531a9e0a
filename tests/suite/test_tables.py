"""Data tables: field names checked against the contract, `every field`, FAQ parts, FAQ tables.
The largest settings are judged by the contract's own models (contracts/), not by the backend."""

import pytest
from pydantic import ValidationError

from contracts.models import LIMITS, WRITABLE_FIELDS, BusinessUpdate
from settings_qa.tables import CellError, faq_table_to_list, field_cell, largest_settings, table_to_body


def body(*rows):
    return table_to_body([["field", "value"], *map(list, rows)])


def test_every_field_is_the_largest_body_the_contract_accepts():
    largest = body(("every field", "{{max}}"))
    assert set(largest) == set(WRITABLE_FIELDS) and largest == largest_settings()
    BusinessUpdate.model_validate(largest)  # the contract accepts it
    texts = [v for v in largest.values() if isinstance(v, str)] + [
        t for faq in largest["faqs"] for t in faq.values()]
    assert sum(map(len, texts)) == 200 + 200 + 500 + 200 + 5000 + 50 * (500 + 2000)  # code points


@pytest.mark.parametrize("rows", [
    [("faqs", "{{faqs:51:max}}")],
    [("faqs[50].answer", "{{max+1}}")],
    [("faqs[50].question", "{{max+1}}")],
    *([(name, "{{max+1}}")] for name in WRITABLE_FIELDS if name != "faqs"),
])
def test_one_over_anywhere_in_the_largest_body_breaks_the_contract(rows):
    over = body(("every field", "{{max}}"), *rows)
    with pytest.raises(ValidationError):
        BusinessUpdate.model_validate(over)


def test_a_faq_part_changes_only_that_part_of_that_faq():
    changed = body(("faqs", "{{faqs:2:max}}"), ("faqs[2].answer", "Yes."))
    assert changed["faqs"][1] == {"question": changed["faqs"][1]["question"], "answer": "Yes."}
    assert len(changed["faqs"][0]["answer"]) == LIMITS["answer"]
    with pytest.raises(CellError, match=r"faqs\[3\] needs at least 3 FAQs in a row above \(there are 2\)"):
        body(("faqs", "{{faqs:2}}"), ("faqs[3].question", "Q?"))


@pytest.mark.parametrize(("cell", "message"), [
    ("industy", "unknown field 'industy'; did you mean 'industry'?"),
    ("owner_email", "a field the contract does not name, on purpose: {{unknown:owner_email}}"),
    ("faqs[0].answer", "N from 1"),
    ("faqs[1].answr", "faqs[N].question or faqs[N].answer"),
])
def test_a_field_the_contract_does_not_name_is_refused_unless_said_on_purpose(cell, message):
    with pytest.raises(CellError) as error:
        field_cell(cell)
    assert message in str(error.value)
    assert body(("{{unknown:owner_email}}", "x")) == {"owner_email": "x"}
    assert body(("id", "{{1}}")) == {"id": 1}  # read-only, but a field of the contract


def test_every_field_takes_max_only_and_faq_tables_take_question_and_answer():
    with pytest.raises(CellError, match="takes {{max}}"):
        body(("every field", "{{null}}"))
    assert faq_table_to_list([["question", "answer"], ["{{max}}", "Yes."]])[0]["answer"] == "Yes."
    with pytest.raises(CellError, match="did you mean 'answer'"):
        faq_table_to_list([["question", "anwser"], ["Q?", "A."]])
