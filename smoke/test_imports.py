"""Import smoke of the backend package: `pytest -m smoke` (see smoke/README.md).

Every module of the package is checked twice, and this process imports none of it:
- statically: each `import a.b` and `from a.b import name`, also in function bodies and
  conditional branches, names a module and a name that exist;
- at run time: the module imports in a process that has imported nothing of its package
  before, so a module that works only after another one was imported fails here.

The package, its source root and the isolation are configurable (`pytest --help`, "smoke").
"""

import pytest

from settings_qa.smoke.report import describe_import, describe_static

pytestmark = pytest.mark.smoke


def test_imports_resolve(source_module, smoke_server):
    problems = smoke_server.static(source_module)
    if problems:
        pytest.fail(describe_static(source_module, problems), pytrace=False)


def test_imports_in_isolation(importable_module, smoke_server):
    verdict = smoke_server.isolated_import(importable_module)
    if not verdict["ok"]:
        pytest.fail(describe_import(importable_module, verdict["problem"]), pytrace=False)
