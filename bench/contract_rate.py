"""Contract fuzzing rate: requests per second in-process (the suite's own path: schemathesis
over ASGI through `settings_qa.fuzzing.run_part`) vs schemathesis' CLI over HTTP (uvicorn)
against the same backend.

    .venv/bin/python bench/contract_rate.py [EXAMPLES_PER_OPERATION] [SEED]

Both sides: the reference backend with one account (bcrypt cost 4 on both sides: a hash's
cost is the deployment's, not the fuzzer's), the tolerant contract document, the three
operations, the fuzzing phase only, the same examples per operation and seed, every
schemathesis check, a bearer token from a login. Requests are counted where they arrive, in
the app (an ASGI wrapper), and timed from the first to the last request of each side, so
neither side is charged for its start-up; the CLI's wall time with start-up is printed too.
"""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "backend"), str(ROOT)]
EMAIL = "bench@example.test"
OPERATIONS = [("POST", "/api/auth/login"), ("GET", "/api/business/me"), ("PUT", "/api/business/me")]


class Counted:
    """The app, counting the HTTP requests that reach it and when."""

    def __init__(self, app) -> None:
        self.app, self.times = app, []

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] == "http":
            self.times.append(time.perf_counter())
        await self.app(scope, receive, send)

    def take(self) -> tuple[int, float]:
        times, self.times = self.times, []
        return len(times), (times[-1] - times[0]) if len(times) > 1 else 0.0


def backend(workdir: Path, password: str):
    os.environ.update(DATABASE_URL=f"sqlite:///{workdir / 'bench.db'}", JWT_SECRET=secrets.token_urlsafe(32),
                      BCRYPT_ROUNDS="4")
    from ai_receptionist.accounts import create_account
    from ai_receptionist.core.database import init_db
    from ai_receptionist.main import create_app

    init_db()
    create_account(email=EMAIL, password=password, business_name="Bench Ltd")
    return create_app()


def in_process(app: Counted, token: str, examples: int, seed: int) -> tuple[int, float]:
    from settings_qa.fuzzing import AnswersLikeAServer, Part, run_case, run_part

    served = AnswersLikeAServer(app)

    def one(case) -> None:
        case.operation.schema.app = served
        headers = {"Authorization": f"Bearer {token}"} if case.operation.path != "/api/auth/login" else None
        try:
            run_case(case, {"app": served, **({"headers": headers} if headers else {})})
        except Exception:  # noqa: BLE001 - findings do not matter here, only the rate
            pass

    for method, path in OPERATIONS:
        run_part(Part(method, path, "fuzzing"), one, seed=seed, examples=examples)
    return app.take()


def over_http(app: Counted, token: str, examples: int, seed: int, workdir: Path) -> tuple[int, float, float]:
    import uvicorn

    from contracts.document import tolerant

    document = workdir / "contract.json"
    document.write_text(json.dumps(tolerant()))
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=0, log_level="warning", lifespan="off"))
    import socket

    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    url = f"http://127.0.0.1:{sock.getsockname()[1]}"
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.01)
    try:
        started = time.perf_counter()
        subprocess.run([str(Path(sys.executable).parent / "schemathesis"), "run", str(document), "--url", url,
                        "-H", f"Authorization: Bearer {token}", "--phases", "fuzzing", "--max-examples",
                        str(examples), "--seed", str(seed), "--workers", "1", "--checks", "all"],
                       capture_output=True, env={**os.environ, "NO_COLOR": "1"}, check=False)
        wall = time.perf_counter() - started
        count, span = app.take()
        return count, span, wall
    finally:
        server.should_exit = True
        thread.join(10)
        sock.close()


def main() -> None:
    examples = int(sys.argv[1]) if len(sys.argv) > 1 else 50
    seed = int(sys.argv[2]) if len(sys.argv) > 2 else 1
    password = secrets.token_urlsafe(16)
    with tempfile.TemporaryDirectory() as tmp:
        app = Counted(backend(Path(tmp), password))
        import httpx

        from settings_qa.asgi import SyncASGITransport

        transport = SyncASGITransport(app)
        with httpx.Client(transport=transport, base_url="http://bench.test") as client:
            token = client.post("/api/auth/login", json={"email": EMAIL, "password": password}).json()["access_token"]
        app.take()
        http_count, http_span, http_wall = over_http(app, token, examples, seed, Path(tmp))
        count, span = in_process(app, token, examples, seed)
        transport.shutdown()
    print(f"contract fuzzing, {examples} examples per operation, 3 operations, seed {seed}, bcrypt cost 4:")
    print(f"  in-process (the suite's path, schemathesis over ASGI): {count} requests in {span:.2f} s "
          f"= {count / span:.0f} per s")
    print(f"  schemathesis CLI over HTTP (uvicorn): {http_count} requests in {http_span:.2f} s "
          f"= {http_count / http_span:.0f} per s ({http_wall:.2f} s wall with the CLI's start-up)")
    print(f"  in-process / CLI: {(count / span) / (http_count / http_span):.2f}x")


if __name__ == "__main__":
    main()
