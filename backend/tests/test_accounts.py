"""create_account() for fixtures, and what the database keeps."""

from datetime import timezone

import pytest
from sqlalchemy import select, text

from ai_receptionist.accounts import AccountError, create_account
from ai_receptionist.core.database import get_session_local
from ai_receptionist.models import Business


def _business(owner_id: int, *, time_zone: str | None = None) -> Business:
    with get_session_local()() as session:
        if time_zone and session.get_bind().dialect.name == "postgresql":
            session.execute(text(f"SET TIME ZONE '{time_zone}'"))
        return session.scalars(select(Business).where(Business.owner_id == owner_id)).one()


def test_create_account_stores_business_fields_verbatim(database_url):
    faqs = [{"question": " Q ", "answer": "Ä 😀"}]

    account_id = create_account(email="a@example.com", password="pw", business_name=" Acme ",
                                description="\tDesc\n", faqs=faqs)

    business = _business(account_id)
    assert (business.name, business.description, business.faqs) == (" Acme ", "\tDesc\n", faqs)
    assert business.audit_status == "none"


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"business_name": ""}, "invalid business: name:"),
        ({"business_name": "A", "faqs": [{"question": "q"}]}, "invalid business: faqs.0.answer:"),
        ({"business_name": "A", "owner": 1}, "unknown business field(s): owner"),
        ({"business_name": None, "industry": "x"}, "business fields given without a business name"),
    ],
)
def test_create_account_invalid_business_raises_account_error(database_url, kwargs, message):
    with pytest.raises(AccountError) as error:
        create_account(email="a@example.com", password="pw", **kwargs)

    assert str(error.value).startswith(message)


def test_updated_at_reads_back_in_utc_whatever_the_session_zone(database_url):
    account_id = create_account(email="a@example.com", password="pw", business_name="Acme")

    utc = _business(account_id).updated_at
    tokyo = _business(account_id, time_zone="Asia/Tokyo").updated_at

    assert utc.tzinfo == tokyo.tzinfo == timezone.utc
    assert utc == tokyo
