"""Root conftest: loads the suite's plugin and the step definitions.

Step modules must be loaded as plugins for pytest-bdd to find their steps, so
every module under steps/ is listed here.
"""

pytest_plugins = [
    "settings_qa.plugin",
    "contracts.plugin",
    "steps.common_steps",
    "steps.auth_steps",
    "steps.settings_steps",
]
