"""No password or token reaches the terminal, JUnit or Allure, even on failure with -vv -l."""

import re

from suite.helpers import run_suite

FAILING_FEATURE = """\
@writes
Feature: A run that fails on purpose
  Scenario: A failing comparison after real requests
    Given I am logged in as the primary account
    When I save my settings with:
      | field | value        |
      | name  | Lex Makes It |
    Then my settings include:
      | field | value              |
      | name  | Something else     |

  Scenario: A failing login check
    When I log in as the primary account with a wrong password
    Then I receive a bearer token
"""
JWT_SHAPE = re.compile(r"eyJ[A-Za-z0-9_-]+\.eyJ")




def test_failing_verbose_run_leaks_no_secret(tmp_path, served):
    (tmp_path / "fail.feature").write_text(FAILING_FEATURE)
    account = served.accounts["primary"]
    run = run_suite(
        "features/test_scenarios.py", "-vv", "-l", "--tb=long", "-o", f"bdd_features_base_dir={tmp_path}",
        "--base-url", served.base_url, "--junitxml", str(tmp_path / "junit.xml"),
        "--alluredir", str(tmp_path / "allure"), "-o", "log_level=DEBUG",
        env={"QA_EMAIL": account.email, "QA_PASSWORD": account.password},
    )
    assert run.returncode == 1, run.stdout[-2000:]
    assert "Something else" in run.stdout  # the failure itself is shown
    written = [run.stdout, run.stderr, (tmp_path / "junit.xml").read_text()]
    written += [p.read_text(errors="replace") for p in (tmp_path / "allure").iterdir()]
    assert len(written) > 5, "Allure wrote no results"
    for text in written:
        assert account.password not in text
        assert not JWT_SHAPE.search(text), "a JWT-shaped string was written"
