"""Pydantic models of the business-settings API contract (CONTRACT.md, v1).

Written from the contract text, never imported from a backend. What the contract names is
validated strictly (no type coercion: `"id": "7"` breaks it). Request models are closed:
the suite never sends a field the contract does not name, and the contract says a backend
rejects one. Response models are closed too, which is how the committed OpenAPI document
describes them (the closed world `--strict` judges by); responses are *read* tolerantly
by `contracts.reading`, which sets properties the contract does not name aside before
these models see the body. Request and response FAQ items are separate models for that
reason: a server may add an `id` to the FAQs it returns, never to the ones it accepts.
Lengths are counted in Unicode code points, which is what `len(str)` counts.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints

NO_NUL = r"^[^\x00]*$"

# RFC 3339 date-time: full date, "T" (or "t"/" " per RFC 3339 section 5.6 note), time, offset.
_RFC3339 = re.compile(
    r"^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$"
)


def _rfc3339(value: str) -> str:
    if not _RFC3339.match(value):
        raise ValueError("not an RFC 3339 date-time with a time-zone offset")
    datetime.fromisoformat(value.replace("z", "Z").replace("t", "T"))  # real calendar date
    return value


def Text(min_length: int, max_length: int) -> type[str]:  # noqa: N802 - reads as a type
    return Annotated[
        str,
        StringConstraints(min_length=min_length, max_length=max_length, pattern=NO_NUL),
    ]


Name = Text(1, 200)
Industry = Text(0, 200)
Services = Text(0, 500)
Hours = Text(0, 200)
Description = Text(0, 5000)
Question = Text(1, 500)
Answer = Text(1, 2000)
Rfc3339 = Annotated[str, AfterValidator(_rfc3339), Field(json_schema_extra={"format": "date-time"})]

AuditStatus = Literal["none", "pending", "passed", "failed"]
SaveStatus = Literal["success", "audit_pending"]

LIMITS = {
    "name": 200,
    "industry": 200,
    "common_services": 500,
    "business_hours": 200,
    "description": 5000,
    "question": 500,
    "answer": 2000,
    "faqs": 50,
}


def read_back(field: str, written: object) -> object:
    """What a later read returns for a value written to `field`: verbatim, except that
    `faqs: null` clears the FAQs, which read back as `[]`."""
    return [] if field == "faqs" and written is None else written


WRITABLE_FIELDS = ("name", "industry", "common_services", "business_hours", "description", "faqs")
FAQ_FIELDS = ("question", "answer")


def writable(business: dict) -> dict:
    """The writable fields of a business read back, in the shape a request may carry them.

    What the suite writes back (a restore, a remembered state) is built here, never from a
    raw read: a FAQ item the server returned with its own `id` would be an unknown field.
    """
    out = {field: business.get(field) for field in WRITABLE_FIELDS}
    if isinstance(out["faqs"], list):
        out["faqs"] = [{k: item.get(k) for k in FAQ_FIELDS} if isinstance(item, dict) else item
                       for item in out["faqs"]]
    return out


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)


class LoginRequest(_Strict):
    email: Text(1, 320)
    password: Text(1, 128)


class Token(_Strict):
    access_token: Annotated[str, StringConstraints(min_length=1)]
    token_type: Literal["bearer"]


class Faq(_Strict):
    """A FAQ item as a response carries it."""

    question: Question
    answer: Answer


class FaqInput(_Strict):
    """A FAQ item as a request carries it (same fields and limits)."""

    question: Question
    answer: Answer


class Business(_Strict):
    id: int
    name: Name
    industry: Industry | None
    common_services: Services | None
    business_hours: Hours | None
    description: Description | None
    faqs: Annotated[list[Faq], Field(max_length=50)]
    audit_status: AuditStatus
    updated_at: Rfc3339


def _absent_is_not_null(schema: dict) -> None:
    """Drop the `"default": null` pydantic writes for each optional field.

    Leaving a field out means "keep the stored value", not "null": a default would
    tell generators and readers otherwise, and for `name` (optional, never null) it
    would even contradict the field's own type.
    """
    for prop in schema.get("properties", {}).values():
        prop.pop("default", None)


class BusinessUpdate(_Strict):
    """The writable fields, each optional; only those present change."""

    model_config = ConfigDict(json_schema_extra=_absent_is_not_null)

    name: Name = None  # type: ignore[assignment]  # present-but-null is rejected below
    industry: Industry | None = None
    common_services: Services | None = None
    business_hours: Hours | None = None
    description: Description | None = None
    faqs: Annotated[list[FaqInput], Field(max_length=50)] | None = None


class SaveResult(_Strict):
    status: SaveStatus
    business: Business


class ErrorBody(BaseModel):
    """FastAPI's error shape: `detail` is a string or a list of error objects."""

    model_config = ConfigDict(extra="allow")
    detail: str | list | dict
