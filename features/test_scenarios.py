"""Binds every feature file under features/ (pytest.ini: bdd_features_base_dir).

A new .feature file written with the step catalogue (`settings-qa steps`) runs
without any change here.
"""

from pytest_bdd import scenarios

scenarios(".")
