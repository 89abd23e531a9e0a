"""The foreign backend: a second implementation of CONTRACT.md, written apart from the
reference backend (FastAPI + pydantic v2, PyJWT, bcrypt, standard-library sqlite3).

It exists so the suite can prove that it judges backends by the contract alone. Named
variants change it: LEGITIMATE ones keep every clause of the contract, FAULTS each break
exactly one. `create_app(variants=...)` builds one; foreign_server.py serves it.
"""

import json
import secrets
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Annotated, Any

import jwt
from fastapi import Depends, FastAPI, HTTPException, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from foreign_models import AUDITED, WRITABLE, Schemas, build_schemas
from foreign_store import Store, hash_password, password_matches
from starlette.exceptions import HTTPException as StarletteHTTPException

VARIANTS = {
    "extra-fields": "extra read-only properties (phone, timezone, message, expires_in, error code)",
    "faq-ids": "FAQs are read back with a server-assigned integer id",
    "stock-405": "GET and PUT are two plain routes: OPTIONS answers 405 with Allow: GET only",
    "documents-less": "every limit enforced, none documented in /openapi.json",
    "no-openapi": "no /openapi.json and no /docs (404)",
    "path-prefix": "the whole API is served under /receptionist",
    "slow-audit": "the background audit takes 3 seconds",
    "utc-offset": "updated_at with microseconds and a +00:00 offset",
    "json-400": "a body that is not JSON answers 400 instead of 422",
    "extra-headers": "every response carries X-Request-ID and Server: foreign/1.0",
    "drop-field": "FAULT: a save silently ignores industry",
    "commit-then-500": "FAULT: a save that changes description commits, then answers 500",
    "leak-hash": "FAULT: Business carries owner_ref, the owner's bcrypt password hash",
    "lost-update": "FAULT: a save writes every column from a stale read, so concurrent saves are lost",
    "audit-reverts": "FAULT: the audit writes its whole stale row back, reverting saves made meanwhile",
    "locked-500": "FAULT: a save while another one is writing answers 500 (database is locked)",
    "row-limit": "FAULT: a row's text columns together must fit 64 KiB: the largest valid settings answer 500",
}
FAULTS = ("drop-field", "commit-then-500", "leak-hash", "lost-update", "audit-reverts", "locked-500", "row-limit")
LEGITIMATE = tuple(name for name in VARIANTS if name not in FAULTS)

LOGIN_PATH, BUSINESS_PATH, PREFIX = "/api/auth/login", "/api/business/me", "/receptionist"
TOKEN_SECONDS = 3600
LOGIN_FAILED = "Incorrect email or password"
ERROR_CODES = {
    400: "bad_request",
    401: "unauthorized",
    404: "not_found",
    405: "method_not_allowed",
    422: "invalid",
}


@dataclass(frozen=True)
class ForeignAccount:
    email: str
    password: str
    business_name: str | None  # None: the account owns no business

    def __repr__(self) -> str:  # the password stays out of logs and assertion messages
        return f"ForeignAccount({self.email!r}, business_name={self.business_name!r})"


def create_app(
    *,
    variants: Iterable[str] = (),
    accounts: Sequence[ForeignAccount],
    database: str,
    jwt_secret: str,
    audit_seconds: float = 0.3,
) -> FastAPI:
    """A fresh app on a fresh schema at `database`, with `accounts` and their businesses."""
    chosen = frozenset(variants)
    unknown = sorted(chosen - VARIANTS.keys())
    if unknown:
        raise ValueError(f"unknown variant(s) {', '.join(unknown)}; known: {', '.join(VARIANTS)}")
    store = Store(
        database,
        stamp=_stamp_with_offset if "utc-offset" in chosen else _stamp_zulu,
        audit_delay=3.0 if "slow-audit" in chosen else audit_seconds,
        faults=chosen & {"lost-update", "locked-500", "audit-reverts", "row-limit"},
    )
    store.create((a.email, a.password, a.business_name) for a in accounts)
    schemas = build_schemas(
        documented="documents-less" not in chosen,
        faq_ids="faq-ids" in chosen,
        extra_fields="extra-fields" in chosen,
        leak_hash="leak-hash" in chosen,
    )
    documented = "no-openapi" not in chosen
    app = FastAPI(
        title="Foreign business-settings backend",
        version="1.0.0",
        openapi_url="/openapi.json" if documented else None,
        docs_url="/docs" if documented else None,
        redoc_url=None,
    )
    _install_errors(app, chosen)
    _add_routes(app, chosen, store, schemas, jwt_secret)
    if "extra-headers" in chosen:
        _add_headers(app)
    if "path-prefix" in chosen:
        outer = FastAPI(openapi_url=None, docs_url=None, redoc_url=None)
        outer.mount(PREFIX, app)
        app = outer
    app.state.foreign_store = store
    return app


def _stamp_zulu() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _stamp_with_offset() -> str:
    return datetime.now(UTC).isoformat(timespec="microseconds")


# -- routes ---------------------------------------------------------------------------------
def _add_routes(app: FastAPI, chosen: frozenset[str], store: Store, schemas: Schemas, secret: str) -> None:
    bearer = HTTPBearer(scheme_name="bearerAuth", bearerFormat="JWT", auto_error=False)
    # Verified for unknown emails too, so both refusals cost the same time.
    dummy_hash = hash_password(secrets.token_urlsafe(16))
    error = {"model": schemas.error}
    challenge = {
        "WWW-Authenticate": {
            "description": "The bearer challenge",
            "schema": {"type": "string", "pattern": "^Bearer"},
        }
    }
    bad_body = {400: {**error, "description": "The body is not JSON"}}
    unauthorized = {
        401: {
            **error,
            "description": "Missing, malformed, unsigned, foreign-signed, expired or orphan token",
            "headers": challenge,
        }
    }
    no_business = {404: {**error, "description": "The account owns no business"}}

    def current_account(credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)]) -> int:
        if credentials is None:
            raise _unauthorized("Not authenticated")
        account_id = _account_in_token(credentials.credentials, secret)
        if account_id is None or not store.account_exists(account_id):
            raise _unauthorized("Could not validate credentials")
        return account_id

    Account = Annotated[int, Depends(current_account)]

    def present(row: dict[str, Any]) -> dict[str, Any]:
        business = {k: row[k] for k in ("id", *WRITABLE, "audit_status", "updated_at")}
        if "faq-ids" not in chosen:
            business["faqs"] = [{"question": f["question"], "answer": f["answer"]} for f in row["faqs"]]
        if "extra-fields" in chosen:
            business.update(phone=None, timezone="Europe/Berlin")
        if "leak-hash" in chosen:
            business["owner_ref"] = row["owner_hash"]
        return business

    @app.post(
        LOGIN_PATH,
        response_model=schemas.token,
        operation_id="login",
        responses={**bad_body, 401: {**error, "description": LOGIN_FAILED}},
    )
    def login(body: schemas.login) -> dict[str, Any]:
        account = store.account_by_email(body.email)
        valid = password_matches(body.password, account["password_hash"] if account else dummy_hash)
        if account is None or not valid:
            raise HTTPException(401, LOGIN_FAILED)
        expires = datetime.now(UTC) + timedelta(seconds=TOKEN_SECONDS)
        token = jwt.encode({"sub": str(account["id"]), "exp": expires}, secret, algorithm="HS256")
        answer: dict[str, Any] = {"access_token": token, "token_type": "bearer"}
        if "extra-fields" in chosen:
            answer["expires_in"] = TOKEN_SECONDS
        return answer

    @app.get(
        BUSINESS_PATH,
        response_model=schemas.business,
        operation_id="get_business",
        responses={**unauthorized, **no_business},
    )
    def get_business(account_id: Account) -> dict[str, Any]:
        row = store.business_of(account_id)
        if row is None:
            raise HTTPException(404, "This account owns no business")
        return present(row)

    @app.put(
        BUSINESS_PATH,
        response_model=schemas.save_result,
        operation_id="update_business",
        responses={**bad_body, **unauthorized, **no_business},
    )
    def update_business(body: schemas.update, account_id: Account) -> dict[str, Any]:
        sent = body.model_dump(include=body.model_fields_set)
        if "faqs" in sent and sent["faqs"] is None:
            sent["faqs"] = []  # null clears the FAQs, like []
        if "drop-field" in chosen:
            sent.pop("industry", None)
        saved = store.update(account_id, sent)
        if saved is None:
            raise HTTPException(404, "This account owns no business")
        row, changed = saved
        if "commit-then-500" in chosen and "description" in changed:
            raise RuntimeError("post-commit hook failed")  # after the commit: the save stays
        answer: dict[str, Any] = {
            "status": "audit_pending" if changed & set(AUDITED) else "success",
            "business": present(row),
        }
        if "extra-fields" in chosen:
            answer["message"] = "Settings saved"
        return answer


def _account_in_token(token: str, secret: str) -> int | None:
    """The account id a token names, or None for anything we did not sign or cannot read."""
    try:
        claims = jwt.decode(token, secret, algorithms=["HS256"], options={"require": ["sub", "exp"]})
    except Exception:  # noqa: BLE001 - any undecodable token is no credential: 401, never 500
        return None
    subject = claims.get("sub")
    # Bounded digits: a huge id would overflow SQLite's INTEGER and raise.
    if not isinstance(subject, str) or not subject.isascii() or not subject.isdigit() or len(subject) > 18:
        return None
    return int(subject)


def _unauthorized(detail: str) -> HTTPException:
    return HTTPException(401, detail, headers={"WWW-Authenticate": "Bearer"})


# -- errors and headers ---------------------------------------------------------------------
class _AsciiJSON(JSONResponse):
    """Errors may quote what the client sent, lone surrogates included; escaped, they still encode."""

    def render(self, content: Any) -> bytes:
        return json.dumps(content, ensure_ascii=True, separators=(",", ":"), default=str).encode("ascii")


def _install_errors(app: FastAPI, chosen: frozenset[str]) -> None:
    extra = "extra-fields" in chosen

    def body(status: int, detail: Any) -> dict[str, Any]:
        return {"detail": detail, "code": ERROR_CODES.get(status, "error")} if extra else {"detail": detail}

    async def on_http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        headers = dict(exc.headers or {})
        # Starlette names only the first matching route's method; the path has two.
        if exc.status_code == 405 and "stock-405" not in chosen and request.url.path.endswith(BUSINESS_PATH):
            headers["Allow"] = "GET, PUT"
        return _AsciiJSON(body(exc.status_code, exc.detail), exc.status_code, headers=headers)

    async def on_invalid(request: Request, exc: RequestValidationError) -> JSONResponse:
        errors = exc.errors()
        if "json-400" in chosen and any(e.get("type") == "json_invalid" for e in errors):
            return _AsciiJSON(body(400, "The body is not valid JSON"), 400)
        # Without `input` and `ctx`: a login body carries a password, and ctx can hold exceptions.
        shown = [{"type": e.get("type"), "loc": list(e.get("loc", ())), "msg": e.get("msg")} for e in errors]
        return _AsciiJSON(body(422, shown), 422)

    app.add_exception_handler(StarletteHTTPException, on_http_error)
    app.add_exception_handler(RequestValidationError, on_invalid)


def _add_headers(app: FastAPI) -> None:
    @app.middleware("http")
    async def request_id(request: Request, call_next: Any) -> Any:
        response = await call_next(request)
        response.headers["X-Request-ID"] = uuid.uuid4().hex
        response.headers["Server"] = "foreign/1.0"
        return response
