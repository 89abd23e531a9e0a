"""Request and response bodies of /api/business/me, with the contract's limits."""

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from ai_receptionist.schemas.text import drop_null_default, text

MAX_FAQS = 50
Name = text(min_length=1, max_length=200)
Industry = text(max_length=200)
CommonServices = text(max_length=500)
BusinessHours = text(max_length=200)
Description = text(max_length=5000)
Question = text(min_length=1, max_length=500)
Answer = text(min_length=1, max_length=2000)
AuditStatus = Literal["none", "pending", "passed", "failed"]
WRITABLE_FIELDS = ("name", "industry", "common_services", "business_hours", "description", "faqs")


class Faq(BaseModel):
    model_config = ConfigDict(extra="forbid")

    question: Question
    answer: Answer


class BusinessUpdate(BaseModel):
    """Every field optional; only the fields present in the body change."""

    model_config = ConfigDict(
        extra="forbid", json_schema_extra=lambda s: drop_null_default(s, "name")
    )

    # `name` may be left out but never be null: no `| None`, the default is not validated.
    name: Name = None  # type: ignore[assignment]
    industry: Industry | None = None
    common_services: CommonServices | None = None
    business_hours: BusinessHours | None = None
    description: Description | None = None
    faqs: list[Faq] | None = Field(default=None, max_length=MAX_FAQS)

    def changes(self) -> dict:
        """The fields the client sent, as plain values (`faqs: null` means no FAQs)."""
        values = self.model_dump(include=self.model_fields_set)
        if "faqs" in values and values["faqs"] is None:
            values["faqs"] = []
        return values


class Business(BaseModel):
    model_config = ConfigDict(from_attributes=True, extra="forbid")  # documents: no other fields

    id: int
    name: Name
    industry: Industry | None
    common_services: CommonServices | None
    business_hours: BusinessHours | None
    description: Description | None
    faqs: list[Faq] = Field(max_length=MAX_FAQS)
    audit_status: AuditStatus
    updated_at: datetime


class BusinessUpdateResult(BaseModel):
    model_config = ConfigDict(extra="forbid")

    status: Literal["success", "audit_pending"]
    business: Business
