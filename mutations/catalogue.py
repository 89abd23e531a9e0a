"""The catalogue: realistic faults in the reference backend, each with the layers that must kill it.

Layers: smoke (`pytest -m smoke`), features (`pytest features`), contracts (`pytest contracts`),
e2e (`python -m settings_qa.e2e` against the copy, served). Adding a fault: see README.md.
"""

from __future__ import annotations

from mutations.model import Fault, fault, replace

AUDITOR = "ai_receptionist/services/voice/auditor.py"
BUSINESS_ROUTE = "ai_receptionist/api/routes/business.py"
AUTH_ROUTE = "ai_receptionist/api/routes/auth.py"
DEPS = "ai_receptionist/api/deps.py"
SETTINGS = "ai_receptionist/services/business_settings.py"
SCHEMAS = "ai_receptionist/schemas/business.py"
SECURITY = "ai_receptionist/core/security.py"
ACCOUNTS = "ai_receptionist/accounts.py"
MODELS = "ai_receptionist/models.py"
DATABASE = "ai_receptionist/core/database.py"
MAIN = "ai_receptionist/main.py"

STALE_IMPORT = replace(
    AUDITOR,
    "from ai_receptionist.core.database import get_session_local\n",
    "from ai_receptionist.core.database import SessionLocal\n",
)
CHANGES_DUMP = "        values = self.model_dump(include=self.model_fields_set)\n"

CATALOGUE: tuple[Fault, ...] = (
    # --- the incident ------------------------------------------------------------------------
    fault("incident-stale-sessionlocal-import",
          "the report's bug: auditor.py imports SessionLocal, which database.py no longer has",
          "smoke features e2e", STALE_IMPORT, e2e_exit=3),
    fault("incident-stale-sessionlocal-attribute",
          "the report's bug written another way: auditor.py imports the database module in the audit "
          "function and calls database.SessionLocal(), which the module no longer has",
          "smoke",
          replace(AUDITOR, "from ai_receptionist.core.database import get_session_local\n", ""),
          replace(AUDITOR,
                  "    SessionLocal = get_session_local()\n    with SessionLocal() as db:\n",
                  "    from ai_receptionist.core import database\n\n    with database.SessionLocal() as db:\n")),
    fault("incident-import-after-commit",
          "the report's bug with the auditor imported after commit: the save commits, then answers 500",
          "contracts e2e",
          STALE_IMPORT,
          replace(BUSINESS_ROUTE,
                  "        # Imported here, before commit: only an update that changes description or FAQs\n"
                  "        # needs the auditor, and if it cannot be imported nothing is committed.\n"
                  "        from ai_receptionist.services.voice import auditor\n\n",
                  ""),
          replace(BUSINESS_ROUTE,
                  "    session.commit()\n    if audit:\n",
                  "    session.commit()\n    if audit:\n"
                  "        from ai_receptionist.services.voice import auditor\n\n"),
          e2e_exit=3),
    # --- saves that fail or half-succeed ---------------------------------------------------------
    fault("commit-then-500",
          "the answer is built after commit with a mistyped status: plain saves commit, then answer 500",
          "features contracts",
          replace(BUSINESS_ROUTE,
                  "    result = BusinessUpdateResult(\n"
                  "        status=\"audit_pending\" if audit else \"success\",\n"
                  "        business=Business.model_validate(business),\n"
                  "    )\n"
                  "    session.commit()\n",
                  "    session.commit()\n"
                  "    result = BusinessUpdateResult(\n"
                  "        status=\"audit_pending\" if audit else \"succeeded\",\n"
                  "        business=Business.model_validate(business),\n"
                  "    )\n")),
    fault("500-keeps-nothing",
          "a typo in mark_audit_pending: every description/FAQ change answers 500 and is rolled back",
          "features e2e",
          replace(SETTINGS,
                  "(business.audit_revision or 0) + 1",
                  "(business.audit_revison or 0) + 1"),
          e2e_exit=3),
    fault("commit-only-when-audited",
          "session.commit() moved under `if audit:`: other saves answer 200 and are never stored",
          "features contracts",
          replace(BUSINESS_ROUTE,
                  "    session.commit()\n    if audit:\n",
                  "    if audit:\n        session.commit()\n")),
    fault("field-not-stored",
          "business_hours is missing from the stored fields: silently dropped from every save",
          "features e2e",
          replace(SCHEMAS,
                  'WRITABLE_FIELDS = ("name", "industry", "common_services", "business_hours", "description", "faqs")\n',
                  'WRITABLE_FIELDS = ("name", "industry", "common_services", "business_hours", "description", "faqs")\n'
                  'STORED_FIELDS = {"name", "industry", "common_services", "description", "faqs"}\n'),
          replace(SCHEMAS, CHANGES_DUMP,
                  "        values = self.model_dump(include=self.model_fields_set & STORED_FIELDS)\n"),
          e2e_exit=4),
    # --- text, FAQs, partial updates ----------------------------------------------------------
    fault("text-trimmed",
          "str_strip_whitespace on BusinessUpdate: leading and trailing spaces are lost",
          "features",
          replace(SCHEMAS,
                  'extra="forbid", json_schema_extra=lambda s: drop_null_default(s, "name")',
                  'extra="forbid", str_strip_whitespace=True,\n'
                  '        json_schema_extra=lambda s: drop_null_default(s, "name"),')),
    fault("text-truncated",
          "every string is cut to 200 characters 'to fit the columns' (services allow 500, description 5000)",
          "features",
          replace(SCHEMAS, CHANGES_DUMP,
                  "        values = {name: value[:200] if isinstance(value, str) else value\n"
                  "                  for name, value in self.model_dump(include=self.model_fields_set).items()}\n")),
    fault("faq-order-lost",
          "FAQs are stored sorted by question instead of in the order sent",
          "features",
          replace(SCHEMAS,
                  '        if "faqs" in values and values["faqs"] is None:\n'
                  '            values["faqs"] = []\n',
                  '        if "faqs" in values:\n'
                  '            values["faqs"] = sorted(values["faqs"] or [], key=lambda faq: faq["question"].casefold())\n')),
    fault("partial-update-clears-fields",
          "PUT replaces the whole object: fields left out of the body are cleared",
          "features contracts",
          replace(SCHEMAS, CHANGES_DUMP,
                  '        values = self.model_dump(exclude=set() if "name" in self.model_fields_set else {"name"})\n')),
    # --- audit ---------------------------------------------------------------------------------
    fault("audit-pending-on-any-change",
          "status is audit_pending for any change, not only description or FAQs",
          "features contracts",
          replace(BUSINESS_ROUTE, "    audit = needs_audit(changed)\n", "    audit = bool(changed)\n")),
    fault("audit-never-finishes",
          "the auditor's stale-revision check is inverted: audit_status stays pending forever",
          "features",
          replace(AUDITOR,
                  "business.audit_revision != revision:",
                  "business.audit_revision == revision:")),
    # --- schema breaks --------------------------------------------------------------------------
    fault("schema-id-as-string",
          "Business.id is serialised as a string ('for JavaScript clients'): wrong type",
          "contracts e2e",
          replace(SCHEMAS, "from typing import Literal\n", "from typing import Annotated, Literal\n"),
          replace(SCHEMAS, "from pydantic import BaseModel, ConfigDict, Field\n",
                  "from pydantic import BaseModel, ConfigDict, Field, PlainSerializer\n"),
          replace(SCHEMAS, "    id: int\n", "    id: Annotated[int, PlainSerializer(str)]\n"),
          e2e_exit=5),
    fault("schema-missing-updated-at",
          "updated_at is dropped from the Business response: a required field is missing",
          "contracts e2e",
          replace(SCHEMAS, "    audit_status: AuditStatus\n    updated_at: datetime\n", "    audit_status: AuditStatus\n"),
          e2e_exit=5),
    fault("null-name-accepted",
          "name becomes nullable in BusinessUpdate: name null answers 500 (NOT NULL) instead of 422",
          "features contracts",
          replace(SCHEMAS, "    name: Name = None  # type: ignore[assignment]\n", "    name: Name | None = None\n")),
    fault("unknown-field-accepted",
          "BusinessUpdate ignores unknown fields instead of rejecting them",
          "features contracts",
          replace(SCHEMAS,
                  'extra="forbid", json_schema_extra=lambda s: drop_null_default(s, "name")',
                  'extra="ignore", json_schema_extra=lambda s: drop_null_default(s, "name")')),
    fault("500-on-valid-input",
          "mark_audit_pending counts the description's words: any audited save of a business without one answers 500",
          "features contracts",
          replace(SETTINGS,
                  '    business.audit_status = "pending"\n',
                  '    business.audit_status = "pending"\n'
                  '    business.audit_findings = [f"queued: {len(business.description.split())} words"]\n')),
    # --- authentication ---------------------------------------------------------------------------
    fault("auth-wrong-password-accepted",
          "authenticate() tests `verify_password(...) is not None`: any password logs in",
          "features",
          replace(ACCOUNTS,
                  "return account if verify_password(password, account.password_hash) else None",
                  "return account if verify_password(password, account.password_hash) is not None else None")),
    fault("auth-no-token-accepted",
          "a request without Authorization acts as account 1 (a 'development' fallback)",
          "features contracts",
          replace(DEPS,
                  '    if credentials is None:\n'
                  '        raise unauthorized("Not authenticated")\n'
                  '    account_id = account_id_from_token(credentials.credentials)\n',
                  '    account_id = account_id_from_token(credentials.credentials) if credentials else 1\n')),
    fault("auth-unsigned-token-accepted",
          "jwt.decode without signature verification: unsigned and foreign tokens are accepted",
          "features",
          replace(SECURITY,
                  'options={"require": ["sub", "exp"]},',
                  'options={"require": ["sub", "exp"], "verify_signature": False},')),
    fault("auth-403-instead-of-401",
          "a missing or bad token answers 403 instead of 401",
          "features contracts",
          replace(DEPS, "status_code=status.HTTP_401_UNAUTHORIZED,", "status_code=status.HTTP_403_FORBIDDEN,")),
    fault("auth-no-www-authenticate",
          "401 answers from the business routes lack the WWW-Authenticate: Bearer header",
          "features",
          replace(DEPS,
                  '        detail=detail,\n        headers={"WWW-Authenticate": "Bearer"},\n',
                  "        detail=detail,\n")),
    fault("auth-account-enumeration",
          "login says whether the email exists: unknown email and wrong password answer differently",
          "features",
          replace(AUTH_ROUTE, "from fastapi import APIRouter, HTTPException, status\n",
                  "from fastapi import APIRouter, HTTPException, status\n"
                  "from sqlalchemy import select\n\n"
                  "from ai_receptionist.models import Account\n"),
          replace(AUTH_ROUTE,
                  "        raise HTTPException(status_code=status.HTTP_401_UNAUTHORIZED, detail=LOGIN_FAILED)\n",
                  "        known = session.scalars(select(Account.id).where(Account.email == body.email)).first()\n"
                  "        detail = \"Incorrect password\" if known else \"No account with this email\"\n"
                  "        raise HTTPException(status_code=status.HTTP_401_UNAUTHORIZED, detail=detail)\n")),
    # --- tenants and caching ------------------------------------------------------------------------
    fault("tenant-read-hardcoded-owner",
          "GET /api/business/me reads the business of account 1 (a hard-coded id), whoever asks",
          "features",
          replace(BUSINESS_ROUTE,
                  "    business = get_business(session, owner_id=current_user.id)\n",
                  "    business = get_business(session, owner_id=1)  # TODO: resolve from the token\n")),
    fault("tenant-write-id-confusion",
          "PUT locks the business whose id equals the account id, not the one the account owns",
          "features",
          replace(SETTINGS,
                  "    stmt = select(Business).where(Business.owner_id == owner_id).with_for_update()\n",
                  "    stmt = select(Business).where(Business.id == owner_id).with_for_update()\n")),
    fault("stale-read-after-write",
          "GET answers from a per-account cache that a save never invalidates",
          "features e2e",
          replace(BUSINESS_ROUTE,
                  "    business = get_business(session, owner_id=current_user.id)\n"
                  "    if business is None:\n"
                  "        raise _not_found()\n"
                  "    return Business.model_validate(business)\n",
                  "    if current_user.id in _recent_reads:\n"
                  "        return _recent_reads[current_user.id]\n"
                  "    business = get_business(session, owner_id=current_user.id)\n"
                  "    if business is None:\n"
                  "        raise _not_found()\n"
                  "    _recent_reads[current_user.id] = Business.model_validate(business)\n"
                  "    return _recent_reads[current_user.id]\n"),
          replace(BUSINESS_ROUTE,
                  'router = APIRouter(prefix="/business", tags=["business"])\n',
                  'router = APIRouter(prefix="/business", tags=["business"])\n'
                  "_recent_reads: dict[int, Business] = {}  # account id -> last answer: spares the database\n"),
          e2e_exit=4),
    fault("expired-token-accepted",
          "jwt.decode skips the expiry check: an expired token still reads and writes",
          "features",
          replace(SECURITY,
                  'options={"require": ["sub", "exp"]},',
                  'options={"require": ["sub", "exp"], "verify_exp": False},')),
    # --- races (killed by the @concurrency scenarios, on SQLite and PostgreSQL) --------------------
    fault("lost-update",
          "a save reads the business without a lock and flags every field modified 'so the FAQ JSON is "
          "always written': the UPDATE writes the whole stale row, and concurrent saves undo each other",
          "races",
          replace(SETTINGS,
                  "from sqlalchemy.orm import Session\n",
                  "from sqlalchemy.orm import Session\nfrom sqlalchemy.orm.attributes import flag_modified\n"),
          replace(SETTINGS,
                  "    if session.get_bind().dialect.name == \"sqlite\":\n",
                  "    if False:  # locking made saves slow under load\n"),
          replace(SETTINGS, "    stmt = select(Business).where(Business.owner_id == owner_id).with_for_update()\n",
                  "    stmt = select(Business).where(Business.owner_id == owner_id)\n"),
          replace(SETTINGS,
                  "    if changed:\n        business.updated_at = utc_now()\n",
                  "    if changed:\n        business.updated_at = utc_now()\n"
                  "        for name in (\"name\", \"industry\", \"common_services\", \"business_hours\", \"description\", \"faqs\"):\n"
                  "            flag_modified(business, name)\n"),
          databases=("sqlite", "postgres")),
    fault("audit-reverts",
          "the audit writes the business it loaded back in full with its verdict: a save made while it ran "
          "is reverted",
          "races",
          replace(AUDITOR,
                  "            .values(audit_status=status, audit_findings=findings)\n",
                  "            .values(name=business.name, industry=business.industry,\n"
                  "                    common_services=business.common_services, business_hours=business.business_hours,\n"
                  "                    description=business.description, faqs=business.faqs,\n"
                  "                    audit_status=status, audit_findings=findings)\n"),
          databases=("sqlite", "postgres")),
    fault("locked-500",
          "the database 'fails fast' on contention (SQLite busy timeout 0; PostgreSQL SERIALIZABLE, no retry): "
          "the second of two simultaneous saves answers 500",
          "races",
          replace(DATABASE, 'connect_args={"check_same_thread": False, "timeout": 30}',
                  'connect_args={"check_same_thread": False, "timeout": 0}'),
          replace(DATABASE, "    return create_engine(url, pool_pre_ping=True)\n",
                  "    return create_engine(url, pool_pre_ping=True, isolation_level=\"SERIALIZABLE\")\n"),
          databases=("sqlite", "postgres")),
    # --- limits that combine (killed by the largest-valid-settings scenarios alone) ------------------
    fault("body-size-cap",
          "a 64 KiB request-body cap 'against abuse' (a settings form is a few KB): every field passes its own "
          "limit, but the largest valid settings (about 220 KB) answer 413",
          "features",
          replace(MAIN, "from fastapi import FastAPI\n",
                  "from fastapi import FastAPI, Request\nfrom fastapi.responses import JSONResponse\n"),
          replace(MAIN, "    install_error_handlers(app)\n",
                  "    install_error_handlers(app)\n\n"
                  "    @app.middleware(\"http\")\n"
                  "    async def cap_body(request: Request, call_next):\n"
                  "        if int(request.headers.get(\"content-length\") or 0) > 64 * 1024:\n"
                  "            return JSONResponse({\"detail\": \"Request body too large\"}, status_code=413)\n"
                  "        return await call_next(request)\n\n")),
    # --- leaks ------------------------------------------------------------------------------------
    fault("business-leaks-password-hash",
          "the business answer embeds its owner 'for the dashboard', ORM row and all: the bcrypt hash goes out",
          "features contracts e2e",
          replace(MODELS, "from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column\n",
                  "from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship\n"),
          replace(MODELS,
                  "    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utc_now)\n",
                  "    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utc_now)\n"
                  "    owner: Mapped[Account] = relationship(lazy=\"joined\")\n"),
          replace(SCHEMAS, "class Business(BaseModel):\n",
                  "class Owner(BaseModel):\n"
                  "    model_config = ConfigDict(from_attributes=True)\n\n"
                  "    id: int\n    email: str\n    password_hash: str\n\n\n"
                  "class Business(BaseModel):\n"),
          replace(SCHEMAS, "    audit_status: AuditStatus\n    updated_at: datetime\n",
                  "    audit_status: AuditStatus\n    updated_at: datetime\n    owner: Owner\n"),
          e2e_exit=5),
)


def by_id(fault_id: str) -> Fault:
    for entry in CATALOGUE:
        if entry.id == fault_id:
            return entry
    raise KeyError(f"no fault {fault_id!r} in the catalogue")
