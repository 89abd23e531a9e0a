"""The four breaks the smoke layer exists for, made in a copy of the reference backend.

One smoke run over a copy holding all four (one subprocess, not four); each test checks
that its own break fails the run and reads as a diagnosis: module, line, what is missing,
what exists instead.
"""

import shutil

import pytest

from smoke_runs import BACKEND, failure, line_of, run_smoke

STALE = "from ai_receptionist.core.database import SessionLocal"


@pytest.fixture(scope="module")
def broken(tmp_path_factory):
    root = tmp_path_factory.mktemp("broken") / "backend"
    shutil.copytree(BACKEND, root, ignore=shutil.ignore_patterns("__pycache__", "*.db", "tests"))
    package = root / "ai_receptionist"
    # 1. The incident: database.py has get_session_local(), auditor.py still imports SessionLocal.
    auditor = package / "services/voice/auditor.py"
    fixed = "from ai_receptionist.core.database import get_session_local\n"
    assert fixed in auditor.read_text(), "the reference auditor changed: update this break"
    auditor.write_text(auditor.read_text().replace(fixed, STALE + "\n"))
    # 2. A broken import that runs only when the function is called.
    with (package / "services/business_settings.py").open("a") as module:
        module.write("\n\ndef _settings_now():\n"
                     "    from ai_receptionist.core.config import get_setting\n"
                     "    return get_setting()\n")
    # 3. A module that imports only if another one was imported before it.
    (package / "services/voice/status.py").write_text(
        '"""Whether the database answers."""\n\nimport ai_receptionist.services\n\n'
        "ENGINE_FACTORY = ai_receptionist.core.database.get_engine\n")
    # 4. A third-party dependency that is declared but not installed.
    (package / "services/billing.py").write_text('"""Invoices."""\n\nimport acme_billing_sdk\n')
    pyproject = root / "pyproject.toml"
    pyproject.write_text(pyproject.read_text().replace(
        "dependencies = [\n", 'dependencies = [\n    "acme-billing-sdk>=1.2",\n', 1))
    result = run_smoke(env={"QA_SMOKE_PATH": str(root)})
    return root, result, result.stdout + result.stderr


def test_breaks_fail_the_run(broken):
    _, result, output = broken
    assert result.returncode == 1, output


def static_and_imported(output: str, module: str) -> tuple[str, str]:
    """The module's failure, split: what the static check says, what the isolated import says."""
    static, marker, imported = failure(output, f"test_imports[{module}]").partition(" does not import on its own")
    return static, marker + imported


def test_stale_sessionlocal_import_names_module_line_and_replacement(broken):
    root, _, output = broken
    line = line_of(root / "ai_receptionist/services/voice/auditor.py", STALE)
    where = f"ai_receptionist/services/voice/auditor.py:{line}: {STALE}"
    static, imported = static_and_imported(output, "ai_receptionist.services.voice.auditor")
    for report in (static, imported):  # both checks see it
        assert where in report, output
        assert "did you mean 'get_session_local'?" in report
    assert "1 import cannot succeed (checked without running the code)" in static
    assert "ImportError: cannot import name 'SessionLocal'" in imported


def test_broken_import_in_function_body_fails_statically_only(broken):
    root, _, output = broken
    module = "ai_receptionist.services.business_settings"
    line = line_of(root / "ai_receptionist/services/business_settings.py", "import get_setting")
    report = failure(output, f"test_imports[{module}]")
    assert f"business_settings.py:{line}: from ai_receptionist.core.config import get_setting" in report, output
    assert "in a function body" in report
    assert "did you mean 'get_settings'?" in report
    # Importing the module runs no function body: a runtime walk alone would miss this.
    assert f"({module} imports on its own: only the static check sees this)" in report
    assert "does not import on its own" not in report


def test_module_that_needs_another_imported_first_fails_in_isolation(broken):
    _, _, output = broken
    static, imported = static_and_imported(output, "ai_receptionist.services.voice.status")
    assert "status.py:5: ENGINE_FACTORY = ai_receptionist.core.database.get_engine" in imported, output
    assert "AttributeError: module 'ai_receptionist' has no attribute 'core'" in imported
    assert "add `import ai_receptionist.core.database`" in imported
    # Every statement and attribute resolves: only the isolated import sees the order dependency.
    assert "cannot succeed" not in static


def test_missing_third_party_dependency_names_the_distribution(broken):
    _, _, output = broken
    for report in static_and_imported(output, "ai_receptionist.services.billing"):
        assert "billing.py:3: import acme_billing_sdk" in report, output
        assert ("missing third-party dependency: module 'acme_billing_sdk' is declared in "
                "pyproject.toml as 'acme-billing-sdk>=1.2' but not installed") in report


def test_intact_modules_still_pass(broken):
    _, _, output = broken
    assert "test_imports[ai_receptionist.core.database] PASSED" in output
    assert "test_imports[ai_receptionist.api.main] PASSED" in output


def test_a_syntax_error_fails_its_module_and_not_the_whole_run(tmp_path):
    root = tmp_path / "backend"
    shutil.copytree(BACKEND, root, ignore=shutil.ignore_patterns("__pycache__", "*.db", "tests"))
    with (root / "ai_receptionist/services/knowledge_base.py").open("a") as module:
        module.write("\n\ndef broken(:\n    pass\n")
    result = run_smoke(env={"QA_SMOKE_PATH": str(root)})
    output = result.stdout + result.stderr
    assert result.returncode == 1, output
    report = failure(output, "test_imports[ai_receptionist.services.knowledge_base]")
    assert "knowledge_base.py:" in report and "syntax error: invalid syntax" in report
    assert "FAILED smoke/test_imports.py::test_imports[ai_receptionist.core.database]" not in output
    assert " passed" in output  # the other modules were still checked
