"""Real HTTP receivers on loopback for the watch's tests: a webhook (Slack-like: answers `ok`,
or fails on demand) and a small Pushgateway-compatible endpoint.

`WebhookReceiver.received` holds the JSON of every POST it accepted; `attempts` counts every
POST, refused or not. `Pushgateway` keeps the groups as the real one does: PUT replaces a
group (job and grouping labels from the path, `label@base64` decoded), POST replaces the
named metrics in it, DELETE removes it, GET /metrics shows every group with its grouping
labels added to each sample. Bodies are parsed with prometheus_client's own parser; a body
it cannot parse is a 400, as Pushgateway answers.
"""

from __future__ import annotations

import base64
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import unquote_plus

from prometheus_client.parser import text_string_to_metric_families

WEBHOOK_PATH = "/services/T0WATCH01/B0WATCH01/hook-token-d41d8cd98f00b204"


class _Server:
    handler: type[BaseHTTPRequestHandler]

    def __enter__(self):
        handler = type("Handler", (self.handler,), {"owner": self})
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"


class _Quiet(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: object) -> None:
        pass

    def _body(self) -> bytes:
        return self.rfile.read(int(self.headers.get("content-length") or 0))

    def _answer(self, status: int, text: str = "", content_type: str = "text/plain") -> None:
        data = text.encode()
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


class WebhookReceiver(_Server):
    def __init__(self, path: str = WEBHOOK_PATH) -> None:
        self.path = path
        self.received: list[dict[str, Any]] = []
        self.raw: list[bytes] = []  # every body that came, accepted or not
        self.fail_with: int | None = None  # answer this status instead of accepting
        self.lock = threading.Lock()
        self.handler = _WebhookHandler

    @property
    def url(self) -> str:
        return self.base_url + self.path

    @property
    def events(self) -> list[str]:
        with self.lock:
            return [body["event"] for body in self.received]

    def of(self, kind: str) -> list[dict[str, Any]]:
        with self.lock:
            return [body for body in self.received if body["event"] == kind]


class _WebhookHandler(_Quiet):
    owner: WebhookReceiver

    def do_POST(self) -> None:
        body = self._body()
        hook = self.owner
        with hook.lock:
            hook.raw.append(body)
        if self.path != hook.path:
            return self._answer(404, "no_service")
        if hook.fail_with is not None:
            return self._answer(hook.fail_with, "invalid_token" if hook.fail_with < 500 else "server error")
        try:
            document = json.loads(body)
        except ValueError:
            return self._answer(400, "invalid_payload")
        if not isinstance(document.get("text"), str) or not document["text"]:
            return self._answer(400, "no_text")  # what Slack and Teams answer to a message without text
        with hook.lock:
            hook.received.append(document)
        return self._answer(200, "ok")


class Pushgateway(_Server):
    def __init__(self) -> None:
        self.groups: dict[tuple[tuple[str, str], ...], dict[str, Any]] = {}
        self.bodies: list[bytes] = []
        self.requests: list[tuple[str, str]] = []  # (method, path)
        self.fail_with: int | None = None
        self.lock = threading.Lock()
        self.handler = _PushHandler

    def group(self, job: str, **labels: str) -> dict[str, Any]:
        """The metric families of one group, by name."""
        with self.lock:
            return self.groups[tuple(sorted({"job": job, **labels}.items()))]


def grouping_key(path: str) -> tuple[tuple[str, str], ...]:
    """/metrics/job/<job>/<label>/<value>... -> sorted labels; `name@base64` values are decoded."""
    parts = path.split("/")[2:]
    if len(parts) < 2 or len(parts) % 2 or parts[0] not in ("job", "job@base64"):
        raise ValueError(f"not a push path: {path}")
    labels = {}
    for name, value in zip(parts[::2], parts[1::2]):
        if name.endswith("@base64"):
            name, value = name[: -len("@base64")], base64.urlsafe_b64decode(value + "=" * (-len(value) % 4)).decode()
        else:
            value = unquote_plus(value)
        labels[name] = value
    return tuple(sorted(labels.items()))


class _PushHandler(_Quiet):
    owner: Pushgateway

    def _push(self, replace_group: bool) -> None:
        gateway, body = self.owner, self._body()
        with gateway.lock:
            gateway.requests.append((self.command, self.path))
            gateway.bodies.append(body)
        if gateway.fail_with is not None:
            return self._answer(gateway.fail_with, "refused")
        try:
            key = grouping_key(self.path)
            families = {family.name: family for family in text_string_to_metric_families(body.decode())}
        except (ValueError, UnicodeDecodeError) as exc:
            return self._answer(400, f"bad push: {exc}")
        with gateway.lock:
            if replace_group or key not in gateway.groups:
                gateway.groups[key] = families
            else:
                gateway.groups[key].update(families)
        return self._answer(200)

    def do_PUT(self) -> None:
        self._push(replace_group=True)

    def do_POST(self) -> None:
        self._push(replace_group=False)

    def do_DELETE(self) -> None:
        with self.owner.lock:
            self.owner.groups.pop(grouping_key(self.path), None)
        self._answer(202)

    def do_GET(self) -> None:
        if self.path != "/metrics":
            return self._answer(404)
        lines = []
        with self.owner.lock:
            for key, families in self.owner.groups.items():
                for family in families.values():
                    lines.append(f"# TYPE {family.name} {family.type}")
                    for sample in family.samples:
                        labels = {**sample.labels, **dict(key)}
                        rendered = ",".join(f'{k}="{_escape(v)}"' for k, v in sorted(labels.items()))
                        lines.append(f"{sample.name}{{{rendered}}} {sample.value!r}")
        return self._answer(200, "\n".join(lines) + "\n", "text/plain; version=0.0.4")


def _escape(value: str) -> str:
    return value.replace("\\", "\\\\").replace("\n", "\\n").replace('"', '\\"')
