"""Every module imports on its own, and every `from ai_receptionist... import name` resolves.

The incident was `from ai_receptionist.core.database import SessionLocal` inside a module
that is only imported when an update changes the description or FAQs: a plain import
walk from a running app would not have met it. The AST check also reads imports that sit
inside function bodies.
"""

import ast
import importlib
import importlib.util
import os
import subprocess
import sys
from pathlib import Path

import pytest

PACKAGE_DIR = Path(__file__).resolve().parents[1] / "ai_receptionist"


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE_DIR.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = sorted(_module_name(p) for p in PACKAGE_DIR.rglob("*.py") if p.name != "__main__.py")


# One interpreter loads the third-party libraries once, then forks a child per module: each
# child starts with no ai_receptionist module loaded, as a fresh interpreter would, but
# without paying FastAPI's and SQLAlchemy's import time again.
_FORK_EACH = """
import importlib, os, sys, warnings
import bcrypt, fastapi, jwt, pydantic, sqlalchemy, uvicorn
failed = []
for name in sys.argv[1:]:
    pid = os.fork()
    if pid == 0:
        warnings.simplefilter("error")
        try:
            importlib.import_module(name)
        except BaseException as exc:
            print(f"{name}: {type(exc).__name__}: {exc}", file=sys.stderr)
            os._exit(1)
        os._exit(0)
    if os.waitpid(pid, 0)[1] != 0:
        failed.append(name)
sys.exit(1 if failed else 0)
"""


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs os.fork")
def test_modules_each_import_without_the_others_loaded():
    result = subprocess.run([sys.executable, "-c", _FORK_EACH, *MODULES],
                            capture_output=True, text=True, cwd=PACKAGE_DIR.parent, timeout=120)

    assert result.returncode == 0, result.stderr
    assert len(MODULES) > 15


def _internal_from_imports():
    for path in sorted(PACKAGE_DIR.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("ai_receptionist"):
                for alias in node.names:
                    yield pytest.param(node.module, alias.name, id=f"{path.name}:{node.lineno}:{alias.name}")


@pytest.mark.parametrize(("module", "name"), list(_internal_from_imports()))
def test_internal_from_import_names_exist(module, name):
    imported = importlib.import_module(module)

    is_package = hasattr(imported, "__path__")
    assert hasattr(imported, name) or (is_package and importlib.util.find_spec(f"{module}.{name}"))
