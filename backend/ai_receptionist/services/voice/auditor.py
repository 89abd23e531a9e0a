"""Background audit of a business's description and FAQs.

Scheduled by PUT /api/business/me after the update has committed. It opens its own
session (the request's session is closed by then), runs the rules of `audit_rules` over
the knowledge base and moves `audit_status` from "pending" to "passed" or "failed". The
verdict is written only if the business still has the revision that was audited, so a
slow audit never overwrites the status of a newer change.
"""

import logging

from sqlalchemy import update

from ai_receptionist.core.config import get_settings
from ai_receptionist.core.database import get_session_local
from ai_receptionist.models import Business
from ai_receptionist.services.knowledge_base import KnowledgeBase, build_knowledge_base
from ai_receptionist.services.voice.audit_rules import run_rules

logger = logging.getLogger(__name__)


def knowledge_base_of(business: Business) -> KnowledgeBase:
    return build_knowledge_base(
        business_name=business.name,
        business_hours=business.business_hours,
        description=business.description,
        faqs=business.faqs,
    )


def verdict(findings: list[str]) -> str:
    return "failed" if findings else "passed"


def audit_business(*, business_id: int, revision: int) -> str | None:
    """Audit one business; return the status written, or None if the audit is stale."""
    SessionLocal = get_session_local()
    with SessionLocal() as db:
        business = db.get(Business, business_id)
        if business is None or business.audit_revision != revision:
            return None
        try:
            findings = run_rules(
                knowledge_base_of(business), blocked=get_settings().audit_blocked_phrases
            )
        except Exception:  # a broken rule must not leave the status pending forever
            logger.exception("audit of business %s crashed", business_id)
            findings = ["audit could not run"]
        status = verdict(findings)
        table = Business.__table__
        result = db.execute(
            update(table)
            .where(table.c.id == business_id, table.c.audit_revision == revision)
            .values(audit_status=status, audit_findings=findings)
        )
        db.commit()
    if result.rowcount == 0:
        return None
    logger.info("audit of business %s: %s (%d findings)", business_id, status, len(findings))
    return status
