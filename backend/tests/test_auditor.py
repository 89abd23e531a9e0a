"""The background audit job against a real database."""

from sqlalchemy import select

from ai_receptionist.core.config import clear_settings
from ai_receptionist.core.database import get_session_local
from ai_receptionist.models import Business
from ai_receptionist.services.business_settings import apply_changes, lock_business, mark_audit_pending
from ai_receptionist.services.voice import auditor
from tests.helpers import create_owner


def _change(*, owner_id: int, **changes) -> tuple[int, int]:
    """Apply changes as the PUT route does; return (business id, audit revision)."""
    with get_session_local()() as session:
        business = lock_business(session, owner_id=owner_id)
        apply_changes(business, changes)
        revision = mark_audit_pending(business)
        session.commit()
        return business.id, revision


def _stored(business_id: int) -> Business:
    with get_session_local()() as session:
        return session.scalars(select(Business).where(Business.id == business_id)).one()


def test_audit_business_clean_content_passes(database_url):
    owner = create_owner(email="a@example.com", business_name="Acme")
    business_id, revision = _change(owner_id=owner.account_id, description="Family bakery.")

    assert auditor.audit_business(business_id=business_id, revision=revision) == "passed"
    assert (_stored(business_id).audit_status, _stored(business_id).audit_findings) == ("passed", [])


def test_audit_business_configured_phrase_fails(database_url, monkeypatch):
    monkeypatch.setenv("AUDIT_BLOCKED_PHRASES", "cheapest in town, best ever")
    clear_settings()
    owner = create_owner(email="a@example.com", business_name="Acme")
    business_id, revision = _change(owner_id=owner.account_id, faqs=[{"question": "Why?", "answer": "Best ever."}])

    assert auditor.audit_business(business_id=business_id, revision=revision) == "failed"
    assert _stored(business_id).audit_findings == ["faq 1 answer: contains blocked phrase 'best ever'"]


def test_audit_business_stale_revision_writes_nothing(database_url):
    owner = create_owner(email="a@example.com", business_name="Acme")
    business_id, old = _change(owner_id=owner.account_id, description="We are open 24/7", business_hours="Mon")
    _change(owner_id=owner.account_id, description="Fine now")

    assert auditor.audit_business(business_id=business_id, revision=old) is None
    assert _stored(business_id).audit_status == "pending"


def test_audit_business_crashing_rule_marks_failed(database_url, monkeypatch):
    owner = create_owner(email="a@example.com", business_name="Acme")
    business_id, revision = _change(owner_id=owner.account_id, description="x")
    monkeypatch.setattr(auditor, "run_rules", lambda *a, **k: 1 / 0)

    assert auditor.audit_business(business_id=business_id, revision=revision) == "failed"
    assert _stored(business_id).audit_findings == ["audit could not run"]


def test_audit_business_unknown_business_is_ignored(database_url):
    create_owner(email="a@example.com", business_name="Acme")

    assert auditor.audit_business(business_id=424242, revision=1) is None
