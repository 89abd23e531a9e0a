"""Small ASGI backends for the post-deploy check's own tests.

`FakeBackend` keeps to the contract in memory; each test breaks it in one place through
a hook, so that exactly one phase fails. `gateway_502` and `slow` are the deployment
accidents that are not the backend's fault.
"""

from __future__ import annotations

import asyncio
import base64
import json
import threading
import time
from copy import deepcopy
from typing import Any, Callable

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, JSONResponse, PlainTextResponse, Response
from starlette.applications import Starlette
from starlette.routing import Route

EMAIL = "qa-e2e@example.com"
PASSWORD = "Pw-e2e-7hunter2-Secret"
ORIGINAL = {
    "id": 7,
    "name": "Original Name Ltd",
    "industry": None,
    "common_services": "Plumbing",
    "business_hours": "Mon-Sat 9-5",
    "description": "The description before the check.",
    "faqs": [{"question": "Parking?", "answer": "Yes, behind the shop."}],
    "audit_status": "passed",
    "updated_at": "2026-01-26T10:00:00Z",
}
WRITABLE = ("name", "industry", "common_services", "business_hours", "description", "faqs")
Hook = Callable[[dict[str, Any]], Response | None]


def jwt_like(sub: str, secret_part: str = "c2lnbmF0dXJlLW5vdC1jaGVja2Vk") -> str:
    def part(data: dict) -> str:
        return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()

    claims = {"sub": sub, "exp": int(time.time()) + 600}
    return f"{part({'alg': 'HS256', 'typ': 'JWT'})}.{part(claims)}.{secret_part}"


class FakeBackend:
    """The contract, in memory; `login_hook`/`get_hook`/`put_hook` may answer instead."""

    def __init__(self, business: dict[str, Any] | None = None) -> None:
        self.business = deepcopy(business or ORIGINAL)
        self.token = jwt_like(EMAIL)
        self.persist = True
        self.login_hook: Hook | None = None
        self.get_hook: Hook | None = None
        self.put_hook: Hook | None = None
        self.puts: list[dict[str, Any]] = []  # every PUT body received, in order
        self.row_lock = threading.Lock()  # saves are serialised, like a locked database row

    def writable(self) -> dict[str, Any]:
        return {name: self.business[name] for name in WRITABLE}

    def apply(self, body: dict[str, Any]) -> tuple[str, dict[str, Any]]:
        """The contract's PUT: partial update; audit_pending when the description changed."""
        updated = {**self.business, **body}
        changed = any(updated[key] != self.business[key] for key in ("description", "faqs"))
        if changed:
            updated["audit_status"] = "pending"
        updated["updated_at"] = "2026-01-26T10:00:01Z"
        if self.persist:
            self.business = updated
        return ("audit_pending" if changed else "success"), updated

    def app(self) -> FastAPI:
        app = FastAPI()

        @app.post("/api/auth/login")
        async def login(request: Request) -> Response:
            body = await request.json()
            if self.login_hook and (answer := self.login_hook(body)) is not None:
                return answer
            if body.get("email") != EMAIL or body.get("password") != PASSWORD:
                return JSONResponse({"detail": "Incorrect email or password"}, status_code=401)
            return JSONResponse({"access_token": self.token, "token_type": "bearer"})

        @app.get("/api/business/me")
        async def read(request: Request) -> Response:
            if request.headers.get("authorization") != f"Bearer {self.token}":
                return JSONResponse({"detail": "Not authenticated"}, 401, {"WWW-Authenticate": "Bearer"})
            if self.get_hook and (answer := self.get_hook({})) is not None:
                return answer
            return JSONResponse(self.business)

        @app.put("/api/business/me")
        def update(request: Request, body: dict[str, Any]) -> Response:
            if request.headers.get("authorization") != f"Bearer {self.token}":
                return JSONResponse({"detail": "Not authenticated"}, 401, {"WWW-Authenticate": "Bearer"})
            with self.row_lock:
                self.puts.append(body)
                if self.put_hook and (answer := self.put_hook(body)) is not None:
                    return answer
                status, business = self.apply(body)
                return JSONResponse({"status": status, "business": business})

        return app


def incident_put(backend: FakeBackend) -> Hook:
    """The report's bug: a description change commits, then the auditor import blows up (500)."""

    def hook(body: dict[str, Any]) -> Response | None:
        if "description" in body and body["description"] != backend.business["description"]:
            backend.apply(body)  # committed before the error, as the report's step 8 fears
            raise ImportError("cannot import name 'SessionLocal' from 'ai_receptionist.core.database'")
        return None

    return hook


def json_error(status: int, detail: Any) -> Hook:
    return lambda body: JSONResponse({"detail": detail}, status_code=status)


def gateway_502() -> Starlette:
    page = "<html><head><title>502 Bad Gateway</title></head><body><h1>502 Bad Gateway</h1></body></html>"

    async def any_path(request: Any) -> Response:
        return HTMLResponse(page, status_code=502)

    return Starlette(routes=[Route("/{path:path}", any_path, methods=["GET", "POST", "PUT"])])


def slow(seconds: float, seen: list[str] | None = None) -> Starlette:
    """Answers every request `seconds` late; `seen` collects the paths it was asked for."""

    async def any_path(request: Any) -> Response:
        if seen is not None:
            seen.append(f"{request.method} {request.url.path}")
        await asyncio.sleep(seconds)
        return PlainTextResponse("too late")

    return Starlette(routes=[Route("/{path:path}", any_path, methods=["GET", "POST", "PUT"])])
