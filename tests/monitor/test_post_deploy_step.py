"""ci/post-deploy.sh, the incident report's post-deploy step: "rollback recommended" exactly when
a layer is broken (exit 1-5), never for a deployment that could not be reached (69); the exit code
is the check's; on GitHub Actions an annotation and a line of the job summary."""

from __future__ import annotations

import subprocess
import sys

import pytest

from conftest import EMAIL, REPO, Deployment, clean_environment

pytestmark = pytest.mark.slow


def post_deploy(deployment: Deployment, tmp_path, **extra: str) -> subprocess.CompletedProcess:
    environ = clean_environment(API_URL=deployment.url, QA_EMAIL=EMAIL, QA_PASSWORD=deployment.password,
                                QA_RESTORE_JOURNAL=str(deployment.journal), QA_RETRIES="0",
                                SETTINGS_E2E=f"{sys.executable} -m settings_qa.e2e", GITHUB_ACTIONS="true",
                                GITHUB_STEP_SUMMARY=str(tmp_path / "summary.md"), **extra)
    return subprocess.run(["bash", str(REPO / "ci" / "post-deploy.sh")], env=environ, capture_output=True,
                          text=True, timeout=180)


def test_a_broken_layer_recommends_a_rollback(fresh: Deployment, tmp_path):
    fresh.break_save()
    done = post_deploy(fresh, tmp_path)

    assert done.returncode == 3, done.stdout + done.stderr
    verdict = "Settings test failed (exit 3: the save layer is broken) - rollback recommended"
    assert done.stdout.splitlines()[-2:] == [verdict, f"::error title=post-deploy settings check::{verdict}"]
    assert (tmp_path / "summary.md").read_text() == f"### Post-deploy settings check\n\n{verdict}\n"


def test_a_deployment_out_of_reach_is_no_rollback_verdict(fresh: Deployment, tmp_path):
    fresh.cut_off()
    done = post_deploy(fresh, tmp_path)

    assert done.returncode == 69
    assert "rollback" not in done.stdout
    assert done.stdout.splitlines()[-2].startswith("Settings check could not reach the deployment (exit 69)")
    assert done.stdout.splitlines()[-1].startswith("::warning ")


def test_a_passing_check_keeps_the_deployment(fresh: Deployment, tmp_path):
    done = post_deploy(fresh, tmp_path)
    assert done.returncode == 0
    assert "Settings check passed (exit 0): keep the deployment" in done.stdout and "rollback" not in done.stdout


def test_without_api_url_it_says_so(tmp_path):
    done = subprocess.run(["bash", str(REPO / "ci" / "post-deploy.sh")], env=clean_environment(),
                          capture_output=True, text=True, timeout=30)
    assert done.returncode == 64 and done.stderr == "post-deploy: set API_URL to the deployment's base URL\n"
