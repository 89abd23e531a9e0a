"""`settings-qa check` finds nothing in the shipped feature files: every step has a definition,
every table cell and Examples value is a valid expression for a field of the contract, every
tag is registered, no scenario hides another.

pytest-bdd fails the one scenario at run time; this says it up front, for all files.
"""

from pathlib import Path

from settings_qa.check import check, registered_markers
from settings_qa.cli import load_step_definitions

FEATURES = Path(__file__).parent


def test_settings_qa_check_finds_no_problem_in_the_feature_files() -> None:
    root = FEATURES.parent
    problems = check([FEATURES], load_step_definitions(root), registered_markers(root / "pytest.ini"), root)
    assert not problems, "settings-qa check:\n" + "\n".join(map(str, problems))
