"""Request and response bodies of the foreign backend, written from CONTRACT.md.

`build_schemas()` makes one set of pydantic models per app, because variants change
them: extra read-only properties, FAQ ids, a leaked hash, or limits that are enforced
but left out of the OpenAPI document (`documented=False`).
"""

from dataclasses import dataclass
from functools import partial
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

# Code-point limits (min, max) from the contract's schema table.
LIMITS = {
    "email": (1, 320),
    "password": (1, 128),
    "name": (1, 200),
    "industry": (0, 200),
    "common_services": (0, 500),
    "business_hours": (0, 200),
    "description": (0, 5000),
    "question": (1, 500),
    "answer": (1, 2000),
}
MAX_FAQS = 50
NO_NUL = r"^[^\x00]*$"
WRITABLE = ("name", "industry", "common_services", "business_hours", "description", "faqs")
AUDITED = ("description", "faqs")


def _check_text(low: int, high: int, value: str) -> str:
    if "\x00" in value:
        raise ValueError("U+0000 is not allowed")
    if not low <= len(value) <= high:
        raise ValueError(f"length must be {low}..{high} characters, got {len(value)}")
    return value


def _check_count(value: list) -> list:
    if len(value) > MAX_FAQS:
        raise ValueError(f"at most {MAX_FAQS} FAQs, got {len(value)}")
    return value


def _undocumented(schema: dict[str, Any]) -> None:
    # extra="forbid" still rejects unknown keys; only the document stays silent about it.
    schema.pop("additionalProperties", None)


@dataclass(frozen=True)
class Schemas:
    login: type[BaseModel]
    token: type[BaseModel]
    faq: type[BaseModel]
    update: type[BaseModel]
    business: type[BaseModel]
    save_result: type[BaseModel]
    error: type[BaseModel]


def build_schemas(
    *, documented: bool = True, faq_ids: bool = False, extra_fields: bool = False, leak_hash: bool = False
) -> Schemas:
    """The models of one app; every limit is enforced whether or not it is documented."""

    def text(field: str) -> Any:
        low, high = LIMITS[field]
        if documented:
            return Annotated[str, Field(min_length=low, max_length=high, pattern=NO_NUL)]
        return Annotated[str, AfterValidator(partial(_check_text, low, high))]

    def faq_list(item: type) -> Any:
        if documented:
            return Annotated[list[item], Field(max_length=MAX_FAQS)]
        return Annotated[list[item], AfterValidator(_check_count)]

    strict = (
        ConfigDict(extra="forbid")
        if documented
        else ConfigDict(extra="forbid", json_schema_extra=_undocumented)
    )
    token_text = Annotated[str, Field(min_length=1)] if documented else str

    class LoginRequest(BaseModel):
        model_config = strict
        email: text("email")
        password: text("password")

    class Token(BaseModel):
        model_config = strict
        access_token: token_text
        token_type: Literal["bearer"]
        if extra_fields:
            expires_in: int

    class Faq(BaseModel):
        model_config = strict
        question: text("question")
        answer: text("answer")

    class FaqWithId(BaseModel):
        model_config = strict
        id: int
        question: text("question")
        answer: text("answer")

    class BusinessUpdate(BaseModel):
        """The writable fields, each optional; only those present change."""

        model_config = strict
        # Optional but never null: the None default is not validated, an explicit null is.
        name: text("name") = None  # type: ignore[assignment]
        industry: text("industry") | None = None
        common_services: text("common_services") | None = None
        business_hours: text("business_hours") | None = None
        description: text("description") | None = None
        faqs: faq_list(Faq) | None = None

    class Business(BaseModel):
        model_config = strict
        id: int
        name: text("name")
        industry: text("industry") | None
        common_services: text("common_services") | None
        business_hours: text("business_hours") | None
        description: text("description") | None
        faqs: faq_list(FaqWithId if faq_ids else Faq)
        audit_status: Literal["none", "pending", "passed", "failed"]
        updated_at: Annotated[str, Field(json_schema_extra={"format": "date-time"})]
        if extra_fields:
            phone: str | None
            timezone: str
        if leak_hash:
            owner_ref: str

    class SaveResult(BaseModel):
        model_config = strict
        status: Literal["success", "audit_pending"]
        business: Business
        if extra_fields:
            message: str

    class ErrorBody(BaseModel):
        detail: str

    return Schemas(LoginRequest, Token, Faq, BusinessUpdate, Business, SaveResult, ErrorBody)
