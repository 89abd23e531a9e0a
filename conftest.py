"""Root conftest: loads the suite's plugin and the step definitions.

Step modules must be loaded as plugins for pytest-bdd to find their steps, so
every module under steps/ is listed here. A smoke-only run (`pytest -m smoke`) needs none
of them and loads none (settings_qa/smoke/startup.py).
"""

from settings_qa.smoke.startup import plugins_unless_smoke_only

pytest_plugins = plugins_unless_smoke_only([
    "settings_qa.findings",
    "settings_qa.plugin",
    "settings_qa.feature_paths",
    "settings_qa.scenario_failures",
    "settings_qa.fuzz_plugin",
    "steps.common_steps",
    "steps.auth_steps",
    "steps.settings_steps",
    "steps.race_steps",
])
