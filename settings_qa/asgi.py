"""A synchronous httpx transport over `httpx.ASGITransport`.

httpx's ASGI transport is async-only; the suite's steps are synchronous. This
runs the app on an event loop in a background thread (an anyio blocking portal),
including its lifespan, so the in-process backend behaves like a served one:
an unhandled exception becomes a 500 response instead of a client-side raise.
"""

from __future__ import annotations

import contextlib
from typing import Any

import httpx
from anyio.from_thread import start_blocking_portal


class SyncASGITransport(httpx.BaseTransport):
    def __init__(self, app: Any) -> None:
        self._stack = contextlib.ExitStack()
        self._portal = self._stack.enter_context(start_blocking_portal())
        self._inner = httpx.ASGITransport(app=app, raise_app_exceptions=False)
        lifespan = getattr(getattr(app, "router", None), "lifespan_context", None)
        if lifespan is not None:
            self._stack.enter_context(self._portal.wrap_async_context_manager(lifespan(app)))

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        body = request.read()

        async def call() -> tuple[int, list, bytes]:
            inner_request = httpx.Request(request.method, request.url, headers=request.headers, content=body)
            response = await self._inner.handle_async_request(inner_request)
            return response.status_code, response.headers.raw, await response.aread()

        status, headers, content = self._portal.call(call)
        return httpx.Response(status, headers=headers, content=content, request=request)

    def close(self) -> None:
        """Clients come and go (one per scenario); the app and its loop stay until shutdown()."""

    def shutdown(self) -> None:
        self._stack.close()
