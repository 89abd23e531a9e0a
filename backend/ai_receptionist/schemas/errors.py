from pydantic import BaseModel


class ErrorMessage(BaseModel):
    """The `{"detail": "..."}` body of 400, 401 and 404 answers."""

    detail: str
