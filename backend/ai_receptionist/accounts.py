"""Accounts: created by an operator (CLI or `create_account`), never by sign-up."""

from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ai_receptionist.core.database import get_session_local, init_db
from ai_receptionist.core.security import hash_password, spend_password_check_time, verify_password
from ai_receptionist.models import Account, Business
from ai_receptionist.schemas.auth import LoginRequest
from ai_receptionist.schemas.business import BusinessUpdate


class AccountError(ValueError):
    """An account cannot be created as asked (duplicate email, invalid field...)."""


def _first_error(exc: ValidationError) -> str:
    """Field and rule of the first error, without the rejected value (it may be a password)."""
    first = exc.errors()[0]
    return f"{'.'.join(str(part) for part in first['loc'])}: {first['msg']}"


def _validated_business(name: str, fields: dict) -> dict:
    unknown = set(fields) - (set(BusinessUpdate.model_fields) - {"name"})
    if unknown:
        raise AccountError(f"unknown business field(s): {', '.join(sorted(unknown))}")
    try:
        update = BusinessUpdate.model_validate({"name": name, **fields})
    except ValidationError as exc:
        raise AccountError(f"invalid business: {_first_error(exc)}") from None
    return update.changes()


def create_account(
    *, email: str, password: str, business_name: str | None, **business_fields
) -> int:
    """Create an account (and its business unless `business_name` is None); return its id."""
    try:
        LoginRequest(email=email, password=password)
    except ValidationError as exc:
        raise AccountError(f"invalid account: {_first_error(exc)}") from None
    if business_name is None and business_fields:
        raise AccountError("business fields given without a business name")
    business = None if business_name is None else _validated_business(business_name, business_fields)
    init_db()
    with get_session_local()() as session:
        account = Account(email=email, password_hash=hash_password(password))
        session.add(account)
        try:
            session.flush()
            account_id = account.id
            if business is not None:
                session.add(Business(owner_id=account_id, **business))
            session.commit()
        except IntegrityError:
            session.rollback()
            raise AccountError(f"an account with email {email!r} already exists") from None
    return account_id


def authenticate(session: Session, *, email: str, password: str) -> Account | None:
    account = session.scalars(select(Account).where(Account.email == email)).one_or_none()
    if account is None:
        spend_password_check_time(password)
        return None
    return account if verify_password(password, account.password_hash) else None
