from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from ai_receptionist.schemas.text import text


class LoginRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    email: text(min_length=1, max_length=320)
    password: text(min_length=1, max_length=128)


class Token(BaseModel):
    # Documented as the contract says: no other fields, both always present.
    model_config = ConfigDict(extra="forbid", json_schema_serialization_defaults_required=True)

    access_token: str = Field(min_length=1)
    token_type: Literal["bearer"] = "bearer"
