"""Serve the foreign backend with uvicorn in a daemon thread, on a loopback port.

    with ForeignServer({"faq-ids"}, workdir=tmp_path) as server:
        server.base_url, server.accounts["primary"], server.qa_environment()

By hand (prints the base URL and the `export QA_...` lines, serves until Ctrl-C):

    python tests/foreign/foreign_server.py --variants extra-fields,faq-ids [--port N]
"""

from __future__ import annotations

import argparse
import secrets
import shlex
import signal
import socket
import sys
import tempfile
import threading
import time
from collections.abc import Iterable
from pathlib import Path
from typing import Self

import uvicorn

sys.path.insert(0, str(Path(__file__).resolve().parent))  # run as a script or imported from elsewhere
from foreign_app import PREFIX, VARIANTS, ForeignAccount, create_app

BUSINESS_NAMES = {"primary": "Foreign Primary Co", "secondary": "Foreign Secondary Co", "no_business": None}
ENV_NAMES = {
    "primary": ("QA_EMAIL", "QA_PASSWORD"),
    "secondary": ("QA_EMAIL_2", "QA_PASSWORD_2"),
    "no_business": ("QA_EMAIL_NO_BUSINESS", "QA_PASSWORD_NO_BUSINESS"),
}


class ForeignServer:
    def __init__(
        self,
        variants: Iterable[str] = (),
        *,
        workdir: Path | None = None,
        audit_seconds: float = 0.3,
        port: int = 0,
    ) -> None:
        self.variants = frozenset(variants)
        self.audit_seconds, self.port = audit_seconds, port
        self._own_dir = None if workdir is not None else tempfile.TemporaryDirectory(prefix="foreign-")
        self.workdir = Path(workdir if workdir is not None else self._own_dir.name)
        run = secrets.token_hex(4)  # fresh emails per server, so two never share an account by accident
        self.accounts = {
            role: ForeignAccount(
                f"foreign-{role.replace('_', '-')}-{run}@example.test", secrets.token_urlsafe(18), name
            )
            for role, name in BUSINESS_NAMES.items()
        }
        self.base_url = ""
        self._server: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None
        self._sock: socket.socket | None = None
        self.app = None

    def __enter__(self) -> Self:
        self.workdir.mkdir(parents=True, exist_ok=True)
        database = self.workdir / f"foreign-{secrets.token_hex(4)}.sqlite"
        self.app = create_app(
            variants=self.variants,
            accounts=list(self.accounts.values()),
            database=str(database),
            jwt_secret=secrets.token_hex(32),
            audit_seconds=self.audit_seconds,
        )
        # Bound before uvicorn starts, so the port is known and nobody can take it meanwhile.
        self._sock = socket.socket()
        self._sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._sock.bind(("127.0.0.1", self.port))
        port = self._sock.getsockname()[1]
        self.base_url = f"http://127.0.0.1:{port}" + (PREFIX if "path-prefix" in self.variants else "")
        # server_header=False: with extra-headers the app sends its own Server header.
        config = uvicorn.Config(
            self.app, log_level="warning", lifespan="off", server_header=False, timeout_graceful_shutdown=1
        )
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(
            target=self._server.run, kwargs={"sockets": [self._sock]}, name="foreign-server", daemon=True
        )
        self._thread.start()
        deadline = time.monotonic() + 10
        while not self._server.started:
            if time.monotonic() > deadline or not self._thread.is_alive():
                self.__exit__()
                raise RuntimeError("the foreign backend did not start")
            time.sleep(0.01)
        return self

    def __exit__(self, *exc: object) -> None:
        if self._server is not None:
            self._server.should_exit = True
        if self._thread is not None:
            self._thread.join(10)
        if self._sock is not None:
            self._sock.close()
        if self.app is not None:
            self.app.state.foreign_store.shutdown()
        if self._own_dir is not None:
            self._own_dir.cleanup()

    def qa_environment(self) -> dict[str, str]:
        """The suite's account variables (see the suite's README)."""
        env = {}
        for role, (email_var, password_var) in ENV_NAMES.items():
            env[email_var] = self.accounts[role].email
            env[password_var] = self.accounts[role].password
        return env

    def wait(self) -> None:
        """Until the server thread ends (Ctrl-C in the main thread stops waiting)."""
        while self._thread is not None and self._thread.is_alive():
            self._thread.join(0.5)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--variants", default="", help=f"comma-separated, of: {', '.join(VARIANTS)}")
    parser.add_argument("--port", type=int, default=0, help="loopback port (default: a free one)")
    parser.add_argument("--audit-seconds", type=float, default=0.3)
    args = parser.parse_args(argv)
    variants = [v.strip() for v in args.variants.split(",") if v.strip()]
    # A shell starts background jobs with SIGINT ignored; kill -TERM should stop cleanly too.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGTERM, signal.default_int_handler)
    try:
        server = ForeignServer(variants, audit_seconds=args.audit_seconds, port=args.port)
        server.__enter__()
    except ValueError as exc:
        parser.error(str(exc))
    try:
        print(f"URL={server.base_url}")
        for name, value in server.qa_environment().items():
            print(f"export {name}={shlex.quote(value)}")
        print(f"# variants: {', '.join(sorted(variants)) or 'none'}; Ctrl-C to stop", flush=True)
        server.wait()
    except KeyboardInterrupt:
        pass
    finally:
        server.__exit__()
    return 0


if __name__ == "__main__":
    sys.exit(main())
