"""A synchronous httpx transport that serves an ASGI app in-process the way a server does.

The suite's steps are synchronous; the app runs on an event loop in a background thread
(an anyio blocking portal), lifespan included. Like uvicorn, and unlike
`httpx.ASGITransport`, a request is answered as soon as the app has sent its response:
whatever the app does afterwards (a background audit) goes on while the client already has
its answer, so a save made right after another can land while that work is still running.
An unhandled exception before the response becomes a 500; one after it is logged.
Requests from several threads at once overlap on the server, as over a network.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import Any

import httpx
from anyio.from_thread import start_blocking_portal

logger = logging.getLogger(__name__)
_DRAIN_SECONDS = 10.0  # how long shutdown waits for work the app still does after its answers


class SyncASGITransport(httpx.BaseTransport):
    def __init__(self, app: Any) -> None:
        self.app = app
        self._stack = contextlib.ExitStack()
        self._portal = self._stack.enter_context(start_blocking_portal())
        self._running: set[asyncio.Task] = set()  # app calls that answered and still run
        lifespan = getattr(getattr(app, "router", None), "lifespan_context", None)
        if lifespan is not None:
            self._stack.enter_context(self._portal.wrap_async_context_manager(lifespan(app)))

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        body = request.read()
        status, headers, content = self._portal.call(self._serve, request, body)
        return httpx.Response(status, headers=headers, content=content, request=request)

    async def _serve(self, request: httpx.Request, body: bytes) -> tuple[int, list, bytes]:
        scope = {
            "type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": request.method,
            "headers": [(k.lower(), v) for k, v in request.headers.raw], "scheme": request.url.scheme,
            "path": request.url.path, "raw_path": request.url.raw_path.split(b"?")[0],
            "query_string": request.url.query, "server": (request.url.host, request.url.port),
            "client": ("127.0.0.1", 123), "root_path": "",
        }
        answered = asyncio.Event()
        response: dict[str, Any] = {"status": None, "headers": [], "body": []}
        body_sent = False

        async def receive() -> dict[str, Any]:
            nonlocal body_sent
            if not body_sent:
                body_sent = True
                return {"type": "http.request", "body": body, "more_body": False}
            await answered.wait()
            return {"type": "http.disconnect"}

        async def send(message: dict[str, Any]) -> None:
            if message["type"] == "http.response.start":
                response["status"], response["headers"] = message["status"], message.get("headers", [])
            elif message["type"] == "http.response.body":
                if request.method != "HEAD":
                    response["body"].append(message.get("body", b""))
                if not message.get("more_body", False):
                    answered.set()

        async def run() -> None:
            try:
                await self.app(scope, receive, send)
            except Exception:
                if answered.is_set():
                    logger.exception("the app raised after answering %s %s", request.method, request.url.path)
                elif response["status"] is None:
                    response.update(status=500, headers=[(b"content-type", b"text/plain; charset=utf-8")],
                                    body=[b"Internal Server Error"])
            finally:
                answered.set()

        task = asyncio.get_running_loop().create_task(run())
        self._running.add(task)
        task.add_done_callback(self._running.discard)
        await answered.wait()
        return response["status"] or 500, response["headers"], b"".join(response["body"])

    async def _drain(self) -> None:
        if self._running:
            await asyncio.wait(set(self._running), timeout=_DRAIN_SECONDS)

    def close(self) -> None:
        """Clients come and go (one per scenario); the app and its loop stay until shutdown()."""

    def shutdown(self) -> None:
        """Let what the app still does after its answers finish (bounded), then stop the loop."""
        self._portal.call(self._drain)
        self._stack.close()
