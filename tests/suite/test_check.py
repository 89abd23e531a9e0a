"""`settings-qa check` reads everything QA writes: steps, table headers and field names, cells
and Examples, tags; every problem with file:line:column and, where something is close, a
did-you-mean."""

from __future__ import annotations

from pathlib import Path

import pytest

from settings_qa.check import check, registered_markers
from settings_qa.cli import load_step_definitions
from suite.helpers import ROOT

TYPOS = """\
@update @writez
Feature: Typos
  Scenario: A table with typos
    Given I am logged in as the primary account
    When I save my settings with:
      | field          | value             |
      | industy        | Bakery            |
      | name           | {{nul}}           |
      | faqs           | {{faqs:3}}        |
      | faqs[4].answer | x                 |
      | description    | {{faker:compnay}} |
    Then my setings read back exactly as saved
    Given I fetch my settings

  Scenario Outline: An outline: <case>
    Given I am logged in as the primary account
    When I save my settings with:
      | field   | value   |
      | <feild> | <value> |
    Then the request is rejected as invalid

    Examples:
      | case | field | value    |
      | one  | name  | {{max+}} |

  Scenario Outline: Examples cells are checked where they are written: <case>
    Given I am logged in as the primary account
    When I save my settings with:
      | field   | value   |
      | <field> | <value> |
    Then the request succeeds

    Examples:
      | case | field | value    |
      | two  | nme   | x        |
      | three | name | {{max+}} |

  Scenario: FAQs
    Given I am logged in as the primary account
    When I save my settings with the FAQs:
      | question | anwser |
      | {{max}}  | x      |
    Then the request succeeds
      | a | b |
"""
EXPECTED = [
    "1:9: unknown tag '@writez'; did you mean '@writes'?",
    "7:9: unknown field 'industy'; did you mean 'industry'?",
    "8:26: {{nul}} is not a value expression; did you mean {{null}}?",
    "10:9: faqs[4] needs at least 4 FAQs in a row above (there are 3)",
    "11:26: unknown faker provider 'compnay' in {{faker:compnay}}; did you mean {{faker:company}}?",
    "12:5: no step definition for 'Then my setings read back exactly as saved'; "
    "did you mean 'Then my settings read back exactly as saved'?",
    "13:5: 'Given I fetch my settings' is a When step, not a Given step",
    "19:9: <feild> is not a column of the Examples (case, field, value); did you mean <field>?",
    "35:16: unknown field 'nme'; did you mean 'name'?",
    "36:24: {{max+}} is not a value expression; did you mean {{max+1}}?",
    "41:20: a FAQ table's columns are question and answer, not 'anwser'; did you mean 'answer'?",
    "44:7: 'Then the request succeeds' takes no table",
]


@pytest.fixture(scope="module")
def contexts():
    return load_step_definitions(ROOT)


def test_every_kind_of_typo_is_reported_at_its_line_and_column(tmp_path: Path, contexts):
    (tmp_path / "typos.feature").write_text(TYPOS)
    found = [str(p) for p in check([tmp_path], contexts, registered_markers(ROOT / "pytest.ini"), tmp_path)]
    for expected in EXPECTED:
        assert any(line.startswith(f"typos.feature:{expected}") for line in found), (expected, found)
    assert len(found) == len(EXPECTED), "\n".join(found)


def test_the_shipped_features_are_clean_and_a_fix_clears_its_problem(tmp_path: Path, contexts):
    markers = registered_markers(ROOT / "pytest.ini")
    assert check([ROOT / "features"], contexts, markers, ROOT) == []
    (tmp_path / "fixed.feature").write_text(TYPOS.replace("industy", "industry"))
    found = [str(p) for p in check([tmp_path], contexts, markers, tmp_path)]
    assert not any("industy" in line for line in found) and len(found) == len(EXPECTED) - 1
