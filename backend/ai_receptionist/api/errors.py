"""Error answers: 422 bodies that can always be written as JSON, and the statuses to document."""

import math

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse

from ai_receptionist.schemas.errors import ErrorMessage

# FastAPI answers 400 "There was an error parsing the body" for a body it cannot decode
# (invalid UTF-8, numbers Python refuses); malformed JSON text gets a 422 json_invalid.
BAD_BODY = {400: {"model": ErrorMessage, "description": "The body is not JSON"}}
UNAUTHORIZED = {
    401: {
        "model": ErrorMessage,
        "description": "Missing, malformed, unsigned, foreign, expired or orphan token",
        "headers": {"WWW-Authenticate": {"schema": {"type": "string"}}},
    }
}
NO_BUSINESS = {404: {"model": ErrorMessage, "description": "The account owns no business"}}

_NO_ECHO_PREFIXES = ("/api/auth/",)  # bodies there carry passwords


def json_safe(value):
    """A copy of `value` that json.dumps can always encode as UTF-8 JSON."""
    if isinstance(value, str):
        return value.encode("utf-8", "backslashreplace").decode("utf-8")  # lone surrogates
    if isinstance(value, (bytes, bytearray)):
        return bytes(value).decode("utf-8", "backslashreplace")
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)
    if value is None or isinstance(value, (bool, int, float)):
        return value
    if isinstance(value, dict):
        return {json_safe(str(k)): json_safe(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [json_safe(v) for v in value]
    return json_safe(str(value))


async def validation_error_handler(request: Request, exc: RequestValidationError) -> JSONResponse:
    echo = not request.url.path.startswith(_NO_ECHO_PREFIXES)
    errors = []
    for error in exc.errors():
        error = {k: v for k, v in error.items() if k != "url" and (echo or k != "input")}
        errors.append(json_safe(error))
    return JSONResponse(status_code=422, content={"detail": errors})


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(RequestValidationError, validation_error_handler)
