"""Against deliberately broken copies of the backend the scenarios fail, naming scenario and field."""

from suite.helpers import broken_backend, run_suite

SERVICE = "ai_receptionist/services/business_settings.py"


def test_scenarios_name_the_field_a_save_drops(tmp_path):
    copy = broken_backend(
        tmp_path, file=SERVICE,
        old="    changed = {name for name, value in changes.items()",
        new="    changes = {k: v for k, v in changes.items() if k != 'industry'}\n"
            "    changed = {name for name, value in changes.items()",
    )
    run = run_suite("features", "-q", "--backend-path", str(copy))
    assert run.returncode == 1, run.stdout[-2000:]
    assert "test_each_writable_field_can_be_saved_on_its_own[industry" in run.stdout
    assert "field 'industry': expected" in run.stdout
    assert "test_each_writable_field_can_be_saved_on_its_own[name" not in run.stdout


def test_scenarios_catch_another_tenants_business(tmp_path):
    copy = broken_backend(
        tmp_path, file=SERVICE,
        old="return session.scalars(select(Business).where(Business.owner_id == owner_id)).one_or_none()",
        new="return session.scalars(select(Business).order_by(Business.id).limit(1)).one_or_none()",
    )
    run = run_suite("features", "-q", "-m", "isolation", "--backend-path", str(copy))
    assert run.returncode == 1, run.stdout[-2000:]
    assert "FAILED features/test_scenarios.py::test_two_accounts_see_two_different_businesses" in run.stdout
    assert "tenants are not isolated" in run.stdout


def test_unchanged_backend_passes_every_scenario():
    run = run_suite("features", "-q")
    assert run.returncode == 0, run.stdout[-3000:]
    assert " passed" in run.stdout and "failed" not in run.stdout
