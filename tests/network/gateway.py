"""A small misbehaving gateway: a reverse proxy on loopback in front of any backend.

It stands for what production puts between the suite and the application, and misbehaves
on purpose, each way seeded so that a run can be repeated:

| setting | what the client sees |
|---|---|
| `rate=R` (`burst=B`, `retry_after="seconds"` or `"date"`) | above R requests a second (token bucket of B): `429` with `Retry-After` in seconds or as an HTTP date; the request never reaches the backend |
| `unavailable=p` | `503` with `Retry-After: 1` (not forwarded) |
| `pages=p` | an HTML error page: `502` or `503` (not forwarded), or `504` after forwarding (the backend applied it) |
| `drop_before=p` | the connection closed before any answer; the request never reached the backend |
| `drop_after=p` | forwarded (a write is applied), then the connection closed before any answer |
| `delay=s` | every answer `s` seconds late |

`p` is a probability per request. The gateway also accepts absolute-form request lines, so it
doubles as a forward proxy (`HTTP_PROXY=http://127.0.0.1:PORT`). `stats` counts what it did.
It only ever listens on 127.0.0.1.

    python tests/network/gateway.py --upstream http://127.0.0.1:8000 --rate 20 [--retry-after date] ...
"""

from __future__ import annotations

import argparse
import math
import random
import ssl
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

import httpx

HOP_BY_HOP = {"connection", "keep-alive", "proxy-connection", "transfer-encoding", "te", "trailer", "upgrade",
              "proxy-authorization", "proxy-authenticate", "content-length", "host"}
PAGE = "<html><head><title>{status} {reason}</title></head><body><center><h1>{status} {reason}</h1></center>" \
       "<hr><center>gateway</center></body></html>"


@dataclass
class Misbehaviour:
    rate: float | None = None
    burst: float | None = None
    retry_after: str = "seconds"  # or "date"
    unavailable: float = 0.0
    pages: float = 0.0
    drop_before: float = 0.0
    drop_after: float = 0.0
    delay: float = 0.0
    seed: int = 7

    @classmethod
    def named(cls, name: str, seed: int = 7) -> "Misbehaviour":
        """The variations the project's tests and benchmark use, by name."""
        presets = {
            "clean": cls(),
            # A small burst: the @concurrency scenarios' six saves at once always meet the limit.
            "rate-seconds": cls(rate=20, burst=3),
            "rate-date": cls(rate=20, burst=3, retry_after="date"),
            "unavailable": cls(unavailable=0.05),
            "pages": cls(pages=0.06),
            "drops": cls(drop_before=0.03, drop_after=0.03),
            "slow": cls(delay=0.08),
            "everything": cls(rate=40, burst=20, unavailable=0.02, pages=0.03, drop_before=0.01, drop_after=0.01,
                              delay=0.02),
        }
        chosen = presets[name]
        chosen.seed = seed
        return chosen


class TokenBucket:
    def __init__(self, rate: float, burst: float) -> None:
        self.rate, self.burst, self.tokens, self.last = rate, burst, burst, time.monotonic()
        self.lock = threading.Lock()

    def take(self) -> float:
        """0 if a token was taken, else the seconds until one will be there."""
        with self.lock:
            now = time.monotonic()
            self.tokens = min(self.burst, self.tokens + (now - self.last) * self.rate)
            self.last = now
            if self.tokens >= 1:
                self.tokens -= 1
                return 0.0
            return (1 - self.tokens) / self.rate


@dataclass
class Gateway:
    upstream: str
    misbehaviour: Misbehaviour = field(default_factory=Misbehaviour)
    stats: Counter = field(default_factory=Counter)
    tls: ssl.SSLContext | None = None  # serve https with this context (a test CA's certificate)
    host: str = "127.0.0.1"  # the name in the URL (a certificate names `localhost`, say)

    def __post_init__(self) -> None:
        self.random = random.Random(self.misbehaviour.seed)
        self.lock = threading.Lock()
        m = self.misbehaviour
        self.bucket = TokenBucket(m.rate, m.burst or m.rate) if m.rate else None
        self.client = httpx.Client(base_url=self.upstream.rstrip("/"), timeout=60, follow_redirects=False,
                                   trust_env=False)
        self.server: ThreadingHTTPServer | None = None

    # -- serving --------------------------------------------------------------------------
    def __enter__(self) -> "Gateway":
        handler = type("Handler", (_Handler,), {"gateway": self})
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.server.daemon_threads = True
        if self.tls is not None:
            self.server.socket = self.tls.wrap_socket(self.server.socket, server_side=True)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc: object) -> None:
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()
        self.client.close()

    @property
    def url(self) -> str:
        return f"{'https' if self.tls else 'http'}://{self.host}:{self.server.server_address[1]}"

    def roll(self, probability: float) -> bool:
        if probability <= 0:
            return False
        with self.lock:
            return self.random.random() < probability

    def choose(self, options: list) -> object:
        with self.lock:
            return self.random.choice(options)

    def count(self, what: str) -> None:
        with self.lock:
            self.stats[what] += 1


class _Handler(BaseHTTPRequestHandler):
    gateway: Gateway
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: object) -> None:  # quiet
        pass

    def _any(self) -> None:
        g, m = self.gateway, self.gateway.misbehaviour
        body = self.rfile.read(int(self.headers.get("content-length") or 0))
        g.count("requests")
        if g.bucket is not None:
            wait = g.bucket.take()
            if wait > 0:
                g.count("429")
                seconds = max(1, math.ceil(wait))
                asked = str(seconds) if m.retry_after == "seconds" else formatdate(time.time() + seconds, usegmt=True)
                return self._page(429, "Too Many Requests", {"Retry-After": asked})
        if g.roll(m.unavailable):
            g.count("503-retry-after")
            return self._page(503, "Service Unavailable", {"Retry-After": "1"})
        if g.roll(m.drop_before):
            g.count("dropped-before")
            self.close_connection = True
            return None
        page = g.roll(m.pages) and g.choose([502, 503, 504])
        if page in (502, 503):
            g.count(f"{page}-page")
            return self._page(page, "Bad Gateway" if page == 502 else "Service Unavailable")
        answer = self._forward(body)
        if m.delay:
            time.sleep(m.delay)
        if page == 504:
            g.count("504-page-after-forwarding")
            return self._page(504, "Gateway Time-out")
        if g.roll(m.drop_after):
            g.count("dropped-after-forwarding")
            self.close_connection = True
            return None
        g.count("forwarded")
        self.send_response(answer.status_code)
        for name, value in answer.headers.multi_items():
            if name.lower() not in HOP_BY_HOP and name.lower() != "content-encoding":
                self.send_header(name, value)
        self.send_header("Content-Length", str(len(answer.content)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(answer.content)
        return None

    def _forward(self, body: bytes) -> httpx.Response:
        parts = urlsplit(self.path)  # absolute-form when used as a forward proxy
        path = parts.path + (f"?{parts.query}" if parts.query else "") if parts.scheme else self.path
        headers = {k: v for k, v in self.headers.items() if k.lower() not in HOP_BY_HOP}
        return self.gateway.client.request(self.command, path, content=body, headers=headers)

    def _page(self, status: int, reason: str, headers: dict[str, str] | None = None) -> None:
        content = PAGE.format(status=status, reason=reason).encode()
        self.send_response(status, reason)
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", str(len(content)))
        self.end_headers()
        self.wfile.write(content)

    def __getattr__(self, name: str):
        if name.startswith("do_"):  # every method goes through, whatever it is (QUERY, PROPFIND, ...)
            return self._any
        raise AttributeError(name)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--upstream", required=True)
    parser.add_argument("--preset", default=None, help="a named variation (Misbehaviour.named)")
    for name, kind in (("rate", float), ("burst", float), ("unavailable", float), ("pages", float),
                       ("drop-before", float), ("drop-after", float), ("delay", float), ("seed", int)):
        parser.add_argument(f"--{name}", type=kind, default=None)
    parser.add_argument("--retry-after", choices=("seconds", "date"), default="seconds")
    args = parser.parse_args()
    misbehaviour = Misbehaviour.named(args.preset) if args.preset else Misbehaviour(retry_after=args.retry_after)
    for name in ("rate", "burst", "unavailable", "pages", "drop_before", "drop_after", "delay", "seed"):
        if getattr(args, name) is not None:
            setattr(misbehaviour, name, getattr(args, name))
    with Gateway(args.upstream, misbehaviour) as gateway:
        print(f"URL={gateway.url}", flush=True)
        try:
            while True:
                time.sleep(3600)
        except KeyboardInterrupt:
            print(dict(gateway.stats))


if __name__ == "__main__":
    main()
