"""Reading and changing a business's settings inside the caller's transaction."""

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from ai_receptionist.models import Business, utc_now

AUDITED_FIELDS = frozenset({"description", "faqs"})


def get_business(session: Session, *, owner_id: int) -> Business | None:
    return session.scalars(select(Business).where(Business.owner_id == owner_id)).one_or_none()


def lock_business(session: Session, *, owner_id: int) -> Business | None:
    """Load the business and hold it until the transaction ends.

    Concurrent updates then queue up, and the values `apply_changes` compares with are the
    current ones. PostgreSQL locks the row (SELECT ... FOR UPDATE); SQLite has no row
    locks, so a no-op UPDATE takes its database write lock before the row is read.
    """
    if session.get_bind().dialect.name == "sqlite":
        table = Business.__table__
        session.execute(
            update(table).where(table.c.owner_id == owner_id).values(id=table.c.id)
        )
    stmt = select(Business).where(Business.owner_id == owner_id).with_for_update()
    return session.scalars(stmt).one_or_none()


def apply_changes(business: Business, changes: dict) -> set[str]:
    """Set the fields whose value differs from the stored one; return their names.

    Only those attributes are marked modified, so the UPDATE writes only them and a
    concurrent request changing other fields keeps its values.
    """
    changed = {name for name, value in changes.items() if getattr(business, name) != value}
    for name in changed:
        setattr(business, name, changes[name])
    if changed:
        business.updated_at = utc_now()
    return changed


def needs_audit(changed: set[str]) -> bool:
    return bool(changed & AUDITED_FIELDS)


def mark_audit_pending(business: Business) -> int:
    """Flag the business for a new audit; return the revision the audit must check."""
    business.audit_status = "pending"
    business.audit_revision = (business.audit_revision or 0) + 1
    return business.audit_revision
