"""`settings-qa fields`: the reference QA writes tables from. Generated from the contract
(contracts/openapi.json), printed the same in features/README.md, and every value expression
in it does what its column says, judged by the contract's own models."""

from __future__ import annotations

import subprocess
import sys

import pytest
from pydantic import ValidationError

from contracts.models import BusinessUpdate
from settings_qa.fields import fields, reference
from settings_qa.values import parse
from suite.helpers import ROOT

START, END = "<!-- settings-qa fields: generated, keep equal (tests/suite/test_fields.py) -->", "<!-- end of fields -->"


def test_the_features_readme_carries_the_same_table():
    text = (ROOT / "features" / "README.md").read_text(encoding="utf-8")
    assert START in text and END in text, "features/README.md lost its field table"
    shown = text.split(START, 1)[1].split(END, 1)[0].strip()
    assert shown == reference(), "features/README.md differs from `settings-qa fields`: paste its output there"


def test_the_command_prints_it():
    done = subprocess.run([sys.executable, "-m", "settings_qa.cli", "fields"], cwd=ROOT, capture_output=True,
                          text=True, timeout=60)
    assert done.returncode == 0 and done.stdout.strip() == reference()


def _save(field: str, expression: str) -> None:
    """Validate a save carrying `expression` for `field` against the contract's request model."""
    if field.startswith("faqs[N]."):
        part = field.removeprefix("faqs[N].")
        other = "answer" if part == "question" else "question"
        BusinessUpdate.model_validate({"faqs": [{part: parse(expression, field=part), other: "x"}]})
    else:
        BusinessUpdate.model_validate({field: parse(expression, field=field)})


CASES = [(f.name, column, e) for f in fields() for column in ("valid", "boundary", "invalid")
         for e in getattr(f, column)]


@pytest.mark.parametrize(("field", "column", "expression"), CASES)
def test_each_expression_is_what_its_column_says(field, column, expression):
    if column == "invalid":
        with pytest.raises(ValidationError):
            _save(field, expression)
    else:
        _save(field, expression)


def test_every_contract_field_is_listed_with_its_limits():
    listed = {f.name: f for f in fields()}
    assert set(listed) == {"id", "name", "industry", "common_services", "business_hours", "description", "faqs",
                           "faqs[N].question", "faqs[N].answer", "audit_status", "updated_at"}
    assert listed["description"].limits == "0..5000 code points, no U+0000"
    assert listed["faqs"].limits == "0..50 items, in order" and listed["name"].null == "no"
    assert [f.saved for f in fields() if f.saved == "read-only"] == ["read-only"] * 3
