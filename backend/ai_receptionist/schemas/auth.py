from typing import Literal

from pydantic import BaseModel, ConfigDict

from ai_receptionist.schemas.text import text


class LoginRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    email: text(min_length=1, max_length=320)
    password: text(min_length=1, max_length=128)


class Token(BaseModel):
    access_token: str
    token_type: Literal["bearer"] = "bearer"
