"""The served path: accounts made by the CLI, `serve` on a real port, the audit resolves."""

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

BACKEND = Path(__file__).resolve().parents[1]
PASSWORD = "served-pass-phrase"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _module(*args: str, env: dict, **kwargs) -> subprocess.CompletedProcess:
    command = [sys.executable, "-m", "ai_receptionist", *args]
    return subprocess.run(command, env=env, capture_output=True, text=True, timeout=60, **kwargs)


@pytest.fixture
def served(tmp_path):
    env = {**os.environ, "PYTHONPATH": str(BACKEND), "DATABASE_URL": f"sqlite:///{tmp_path / 's.db'}",
           "BCRYPT_ROUNDS": "4"}
    env.pop("JWT_SECRET", None)  # the generated development secret
    created = _module("create-account", "--email", "s@example.com", "--business-name", "Served",
                      env=env, input=PASSWORD + "\n")
    assert created.returncode == 0, created.stderr
    port = _free_port()
    server = subprocess.Popen([sys.executable, "-m", "ai_receptionist", "serve", "--port", str(port)],
                              env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    base_url = f"http://127.0.0.1:{port}"
    try:
        _wait_until_up(base_url=base_url, server=server)
        yield base_url
    finally:
        server.terminate()
        output, _ = server.communicate(timeout=10)
        assert PASSWORD not in output


def _wait_until_up(*, base_url: str, server: subprocess.Popen) -> None:
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        assert server.poll() is None, "server exited"
        try:
            httpx.get(f"{base_url}/openapi.json", timeout=1)
            return
        except httpx.TransportError:
            time.sleep(0.1)
    raise AssertionError("server did not start in 20 s")


@pytest.mark.served
def test_served_put_description_audit_resolves_within_ten_seconds(served):
    with httpx.Client(base_url=served, timeout=10) as http:
        token = http.post("/api/auth/login", json={"email": "s@example.com", "password": PASSWORD}).json()
        http.headers["Authorization"] = f"Bearer {token['access_token']}"
        response = http.put("/api/business/me", json={"description": "Served 🌍 "})
        assert response.status_code == 200
        assert response.json()["status"] == "audit_pending"

        deadline = time.monotonic() + 10
        while (business := http.get("/api/business/me").json())["audit_status"] == "pending":
            assert time.monotonic() < deadline, "audit still pending after 10 s"
            time.sleep(0.05)
        assert business["audit_status"] == "passed"
        assert business["description"] == "Served 🌍 "
