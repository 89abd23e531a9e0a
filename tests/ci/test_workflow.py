"""The GitHub Actions workflow parses, has the jobs the project relies on, and calls the same
scripts as .ci/run. (ci/lint.sh also validates it against GitHub's workflow schema.)"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
WORKFLOW = ROOT / ".github" / "workflows" / "ci.yml"


def _workflow():
    return yaml.safe_load(WORKFLOW.read_text())


def _runs(job):
    return "\n".join(step.get("run", "") for step in job["steps"])


def test_jobs_and_their_order():
    jobs = _workflow()["jobs"]
    assert set(jobs) == {"lint", "smoke", "suite", "selftest", "mutation", "report", "post-deploy"}
    assert jobs["report"]["needs"] == "suite" and jobs["report"]["if"] == "always()"
    assert set(jobs["post-deploy"]["needs"]) == {"suite", "selftest", "mutation"}


def test_suite_is_a_sharded_matrix_on_sqlite_and_a_postgres_service():
    suite = _workflow()["jobs"]["suite"]
    assert suite["strategy"]["matrix"] == {"database": ["sqlite", "postgres"], "shard": [0, 1]}
    assert suite["services"]["postgres"]["image"].startswith("postgres:")
    assert suite["env"]["QA_SHARDS"] == str(len(suite["strategy"]["matrix"]["shard"]))
    assert "bash ci/suite.sh" in _runs(suite)
    assert _workflow()["env"]["QA_WORKERS"] == "auto"


def test_the_reference_backend_is_judged_strictly_in_ci():
    assert _workflow()["jobs"]["suite"]["env"]["QA_STRICT"] == "1"
    ci_run = (ROOT / ".ci" / "run").read_text()
    assert ci_run.count("QA_STRICT=1 QA_REPORT_LEG=") == 2  # both legs of the suite


def test_post_deploy_reads_url_and_credentials_from_secrets_only():
    job = _workflow()["jobs"]["post-deploy"]
    step = next(s for s in job["steps"] if "ci/post-deploy.sh" in s.get("run", ""))
    assert step["env"] == {"API_URL": "${{ secrets.API_URL }}", "QA_EMAIL": "${{ secrets.QA_EMAIL }}",
                           "QA_PASSWORD": "${{ secrets.QA_PASSWORD }}"}
    assert "PASSWORD" not in step["run"] and "${{" not in step["run"]
    assert "rollback recommended" in (ROOT / "ci" / "post-deploy.sh").read_text()  # tests/monitor runs it


def test_post_deploy_keeps_the_restore_journal_when_the_check_does_not_finish():
    job = _workflow()["jobs"]["post-deploy"]
    journal = job["env"]["QA_RESTORE_JOURNAL"]
    keep = next(s for s in job["steps"] if s.get("uses", "").startswith("actions/upload-artifact"))
    assert keep["if"] == "failure() || cancelled()" and keep["with"]["path"] == journal
    steps = [s.get("run", "") or s.get("uses", "") for s in job["steps"]]
    assert steps.index(keep["uses"]) > next(i for i, s in enumerate(steps) if "ci/post-deploy.sh" in s)


def test_every_script_the_workflow_calls_exists_and_ci_run_uses_the_same():
    called = set(re.findall(r"\bci/[\w.-]+\.(?:sh|py)", WORKFLOW.read_text()))
    assert called and all((ROOT / path).is_file() for path in called)
    ci_run = (ROOT / ".ci" / "run").read_text()
    for script in ("ci/lint.sh", "ci/suite.sh", "ci/selftest.sh", "ci/report.sh", "ci/setup-browser.sh"):
        assert script in called and script in ci_run


def test_scripts_are_valid_bash():
    bash = shutil.which("bash")
    for script in [*sorted((ROOT / "ci").glob("*.sh")), ROOT / ".ci" / "run"]:
        subprocess.run([bash, "-n", str(script)], check=True)


def test_feature_files_are_checked_in_ci_and_before_each_commit_touching_them():
    assert ".venv/bin/settings-qa check" in (ROOT / "ci" / "lint.sh").read_text()
    hooks = yaml.safe_load((ROOT / ".pre-commit-config.yaml").read_text())["repos"][0]["hooks"]
    check = next(hook for hook in hooks if "settings-qa check" in hook["entry"])
    for path in ("features/largest_settings.feature", "steps/settings_steps.py", "settings_qa/values.py",
                 "pytest.ini"):
        assert re.search(check["files"], path), path
    assert not re.search(check["files"], "backend/ai_receptionist/main.py")
