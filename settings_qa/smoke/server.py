"""The import server's entry point: a separate interpreter that checks one source tree.

Run by client.py as `python -P server.py` with a JSON request on stdin; writes one JSON line
per message on stdout (checks.py says which). `python -P server.py --child MODULE RESULT
WARNINGS` imports one module in a new interpreter (`--smoke-isolation=subprocess`).

-P keeps this folder off `sys.path`: the smoke's modules are loaded as a private package
(`_qa_smoke`), so nothing of the QA suite is importable by the code under test (the tree's
folder is the only path added). They are stdlib only.
"""

import importlib.util
import json
import sys
from pathlib import Path


def _load_package():
    folder = Path(__file__).resolve().parent
    spec = importlib.util.spec_from_file_location(
        "_qa_smoke", folder / "__init__.py", submodule_search_locations=[str(folder)])
    package = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = package
    spec.loader.exec_module(package)
    return package


if __name__ == "__main__":
    _load_package()
    from _qa_smoke import checks

    if sys.argv[1:2] == ["--child"]:
        checks.child_main(*sys.argv[2:5])
    else:
        checks.serve(json.load(sys.stdin))
