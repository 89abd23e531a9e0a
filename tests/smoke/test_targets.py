"""`pytest -m smoke` on the reference backend, and pointed at another package by configuration."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from smoke_runs import BACKEND, REPO, failure, run_smoke

SHOPFRONT = {
    # Records which process imports the package: the pytest process and the import server
    # (pytest's direct child) never may; each module gets a process of its own.
    "__init__.py": "import os\n\nwith open(os.environ['SHOPFRONT_LOG'], 'a') as log:\n"
                   "    log.write(f'{os.getpid()} {os.getppid()}\\n')\n",
    "prices.py": "def grand_total(items):\n    return sum(items)\n",
    "cart.py": "from typing import TYPE_CHECKING\n\nfrom shopfront.prices import grand_total\n\n"
               "if TYPE_CHECKING:\n    from . import prices\n",
    "compat.py": "try:\n    import ujson as json\nexcept ImportError:\n    import json\n",
    "__main__.py": "raise SystemExit('__main__ is never imported by the smoke run')\n",
}


@pytest.fixture
def shopfront(tmp_path: Path) -> Path:
    package = tmp_path / "src" / "shopfront"
    package.mkdir(parents=True)
    for name, text in SHOPFRONT.items():
        (package / name).write_text(text)
    return tmp_path / "src"


def backend_modules() -> list[str]:
    names = []
    for path in (BACKEND / "ai_receptionist").rglob("*.py"):
        parts = path.relative_to(BACKEND).with_suffix("").parts
        names.append(".".join(parts[:-1] if parts[-1] == "__init__" else parts))
    return names


def test_reference_backend_is_green_with_one_item_per_module():
    result = run_smoke()
    assert result.returncode == 0, result.stdout + result.stderr
    for module in backend_modules():
        assert f"test_imports[{module}] PASSED" in result.stdout


@pytest.mark.parametrize("isolation", ["shared", "fork"])
def test_other_package_by_environment_is_imported_outside_pytest_and_its_server(shopfront, tmp_path, isolation):
    log = tmp_path / "imports.log"
    command = [sys.executable, "-m", "pytest", "-m", "smoke", "-v", "-p", "no:cacheprovider"]
    env = {k: v for k, v in os.environ.items() if not k.startswith(("QA_SMOKE_", "PYTEST_"))}
    env.update(QA_SMOKE_PACKAGE="shopfront", QA_SMOKE_PATH=str(shopfront), SHOPFRONT_LOG=str(log),
               QA_SMOKE_ISOLATION=isolation)
    process = subprocess.Popen(command, cwd=REPO, env=env, stdout=subprocess.PIPE, text=True)
    output = process.communicate(timeout=120)[0]
    assert process.returncode == 0, output
    for module in ("shopfront", "shopfront.cart", "shopfront.compat", "shopfront.prices", "shopfront.__main__"):
        assert f"test_imports[{module}] PASSED" in output
    assert "ai_receptionist" not in output
    importers = [tuple(map(int, line.split())) for line in log.read_text().splitlines()]
    # Never pytest, nor the server (pytest's child); the package runs once per process.
    assert all(process.pid not in (pid, parent) for pid, parent in importers)
    assert len({pid for pid, _ in importers}) == len(importers)
    if isolation == "fork":  # a process of its own for each: shopfront, .cart, .compat, .prices
        assert len(importers) == 4


def test_other_package_by_command_line_reports_its_own_broken_import(shopfront, tmp_path):
    cart = shopfront / "shopfront" / "cart.py"
    cart.write_text(cart.read_text().replace("import grand_total", "import total"))
    # `--opt=value`: pytest finds its rootdir before it knows these options (see README).
    result = run_smoke("--smoke-package=shopfront", f"--smoke-path={shopfront}",
                       "--smoke-isolation=subprocess", env={"SHOPFRONT_LOG": str(tmp_path / "log")})
    assert result.returncode == 1, result.stdout + result.stderr
    report = failure(result.stdout, "test_imports[shopfront.cart]")
    static, _, imported = report.partition("does not import on its own")
    for part in (static, imported):  # both checks find it
        assert "cart.py:3: from shopfront.prices import total" in part, result.stdout
        assert "did you mean 'grand_total'?" in part


def test_unknown_package_is_a_usage_error_naming_the_setting():
    result = run_smoke(env={"QA_SMOKE_PACKAGE": "no_such_package"})
    assert result.returncode == 4, result.stdout + result.stderr
    assert (f"smoke: no package 'no_such_package' in {REPO / 'backend'} "
            "(package from $QA_SMOKE_PACKAGE, path from default)") in result.stderr
