"""Every step in every feature file has a definition, and no scenario hides another.

pytest-bdd fails the one scenario at run time; this says it up front, for all files.
"""

from pathlib import Path

from settings_qa.cli import duplicate_scenarios, load_step_definitions, unmatched_steps

FEATURES = Path(__file__).parent


def test_every_feature_step_has_a_definition() -> None:
    problems = unmatched_steps(load_step_definitions(FEATURES.parent), [FEATURES])
    assert not problems, "undefined steps (see `settings-qa steps`):\n" + "\n".join(problems)


def test_scenario_names_are_unique_within_each_feature_file() -> None:
    problems = duplicate_scenarios([FEATURES])
    assert not problems, "\n".join(problems)
