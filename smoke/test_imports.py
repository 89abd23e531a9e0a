"""Import smoke of the backend package: `pytest -m smoke` (see smoke/README.md).

One test per module, and this process imports none of the package. Each module is checked twice:
- statically: each `import a.b` and `from a.b import name`, and each attribute read from an
  imported module (`database.SessionLocal`), also in function bodies and conditional
  branches, names a module and a name that exist;
- at run time: the module imports in a process where none of its package's other modules
  are loaded, so a module that works only after another one was imported fails here.
A module unchanged since its last green verdict is not checked again (the cache).

The package, its source root, the isolation and the cache are configurable (`pytest --help`, "smoke").
"""

import pytest

from settings_qa.smoke.report import describe

pytestmark = pytest.mark.smoke


def test_imports(smoke_module, smoke_server):
    verdict = smoke_server.verdict(smoke_module)
    if not verdict.ok:
        pytest.fail(describe(smoke_module, verdict), pytrace=False)
