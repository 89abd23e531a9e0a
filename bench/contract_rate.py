"""Contract fuzzing rate: examples per second in-process (schemathesis over ASGI, no network)
vs schemathesis' CLI over HTTP against the same backend served by uvicorn.

    .venv/bin/python bench/contract_rate.py [EXAMPLES_PER_OPERATION]

Both sides: the three operations of contracts/openapi.json, the fuzzing phase only, the
same number of examples per operation, schemathesis' default checks, a bearer token
from a login. Prints requests made, wall time and requests per second for each.
"""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
BACKEND = ROOT / "backend"
CONTRACT = ROOT / "contracts" / "openapi.json"
EMAIL = "bench@example.test"


def prepare(workdir: Path, password: str) -> dict[str, str]:
    env = {**os.environ, "PYTHONPATH": str(BACKEND), "DATABASE_URL": f"sqlite:///{workdir / 'bench.db'}",
           "JWT_SECRET": secrets.token_urlsafe(32)}
    for args in (["init-db"], ["create-account", "--email", EMAIL, "--business-name", "Bench Ltd"]):
        subprocess.run([sys.executable, "-m", "ai_receptionist", *args], env={**env, "AI_RECEPTIONIST_PASSWORD": password},
                       check=True, capture_output=True)
    return env


def in_process(env: dict[str, str], password: str, examples: int) -> tuple[int, float]:
    os.environ.update({k: env[k] for k in ("DATABASE_URL", "JWT_SECRET")})
    sys.path.insert(0, str(BACKEND))
    import schemathesis
    from hypothesis import HealthCheck, Phase, given, settings

    from ai_receptionist.main import create_app

    app = create_app()
    from starlette.testclient import TestClient

    with TestClient(app) as client:
        token = client.post("/api/auth/login", json={"email": EMAIL, "password": password}).json()["access_token"]
    schema = schemathesis.openapi.from_asgi("/openapi.json", app)
    calls = 0
    started = time.perf_counter()
    for operation in schema.get_all_operations():
        op = operation.ok()

        @settings(max_examples=examples, deadline=None, database=None, phases=[Phase.generate],
                  suppress_health_check=list(HealthCheck))
        @given(case=op.as_strategy())
        def fuzz(case):
            nonlocal calls
            calls += 1
            try:
                case.call_and_validate(headers={"Authorization": f"Bearer {token}"})
            except Exception:  # noqa: BLE001 - findings do not matter here, only the rate
                pass

        fuzz()
    return calls, time.perf_counter() - started


def over_http(env: dict[str, str], password: str, examples: int, workdir: Path) -> tuple[int, float]:
    with socketless_port() as port:
        pass
    server = subprocess.Popen([sys.executable, "-m", "ai_receptionist", "serve", "--host", "127.0.0.1", "--port",
                               str(port), "--log-level", "warning"], env=env, stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                httpx.get(url + "/openapi.json", timeout=1)
                break
            except httpx.TransportError:
                time.sleep(0.1)
        token = httpx.post(url + "/api/auth/login", json={"email": EMAIL, "password": password}).json()["access_token"]
        report = workdir / "cli-report"
        started = time.perf_counter()
        subprocess.run([str(Path(sys.executable).parent / "schemathesis"), "run", str(CONTRACT), "--url", url,
                        "-H", f"Authorization: Bearer {token}", "--phases", "fuzzing", "--max-examples",
                        str(examples), "--workers", "1", "--report", "har", "--report-dir", str(report)],
                       capture_output=True, env={**os.environ, "NO_COLOR": "1"})
        wall = time.perf_counter() - started
        entries = sum(len(json.loads(p.read_text())["log"]["entries"]) for p in report.glob("har-*.json"))
        return entries, wall
    finally:
        server.terminate()
        server.wait(10)


class socketless_port:
    def __enter__(self) -> int:
        import socket

        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        return self.sock.getsockname()[1]

    def __exit__(self, *exc) -> None:
        self.sock.close()


def main() -> None:
    examples = int(sys.argv[1]) if len(sys.argv) > 1 else 100
    password = secrets.token_urlsafe(16)
    with tempfile.TemporaryDirectory() as one, tempfile.TemporaryDirectory() as two:
        http_calls, http_wall = over_http(prepare(Path(one), password), password, examples, Path(one))
        calls, wall = in_process(prepare(Path(two), password), password, examples)
    print(f"contract fuzzing, {examples} examples per operation, 3 operations:")
    print(f"  in-process (schemathesis over ASGI): {calls} requests in {wall:.2f} s = {calls / wall:.0f} per s")
    print(f"  schemathesis CLI over HTTP (uvicorn): {http_calls} requests in {http_wall:.2f} s "
          f"= {http_calls / http_wall:.0f} per s (wall time includes the CLI's start-up)")


if __name__ == "__main__":
    main()
