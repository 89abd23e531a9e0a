"""Error answers: 422 bodies that can always be written as JSON, and the statuses to document."""

import math

from fastapi import FastAPI, Request
from fastapi.exception_handlers import http_exception_handler
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import compile_path

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


_HTTP_METHODS = {"get", "put", "post", "delete", "options", "head", "patch", "trace"}


def documented_methods(request: Request) -> set[str]:
    """The methods the app's OpenAPI document gives the request's path."""
    methods: set[str] = set()
    for template, operations in request.app.openapi()["paths"].items():
        if compile_path(template)[0].match(request.url.path):
            methods |= {m.upper() for m in operations if m in _HTTP_METHODS}
    return methods


async def http_error_handler(request: Request, exc: StarletteHTTPException):
    """FastAPI's handler, except that a 405's `Allow` lists every method of the path.

    Starlette answers 405 from the first route whose path matches, so GET and PUT on
    /api/business/me (two routes) would each claim to be the only method.
    """
    if exc.status_code == 405 and (methods := documented_methods(request)):
        exc.headers = {**(exc.headers or {}), "Allow": ", ".join(sorted(methods))}
    return await http_exception_handler(request, exc)


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(RequestValidationError, validation_error_handler)
    app.add_exception_handler(StarletteHTTPException, http_error_handler)
