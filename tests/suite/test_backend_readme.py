"""backend/README.md's Run block works as written: from the repository root, in a shell where
nothing is activated yet (the block activates the venv itself)."""

from __future__ import annotations

import os
import socket
import subprocess
import time

import httpx

from suite.helpers import ROOT

README = ROOT / "backend" / "README.md"


def run_block() -> list[str]:
    """The commands of the Run section's shell block, comments dropped."""
    section = README.read_text(encoding="utf-8").split("## Run\n", 1)[1]
    block = section.split("```sh\n", 1)[1].split("```", 1)[0]
    return [line.split("  #", 1)[0].strip() for line in block.splitlines() if line.strip()]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _fresh_shell_environment(tmp_path) -> dict[str, str]:
    """No virtualenv on PATH, no backend settings: what a new terminal has."""
    venv = str(ROOT / ".venv" / "bin")
    env = {k: v for k, v in os.environ.items()
           if k not in ("VIRTUAL_ENV", "PYTHONPATH", "JWT_SECRET", "AI_RECEPTIONIST_PASSWORD")
           and not k.startswith(("QA_", "PYTEST_"))}
    env["PATH"] = os.pathsep.join(p for p in env.get("PATH", "").split(os.pathsep) if p != venv)
    env["DATABASE_URL"] = f"sqlite:///{tmp_path / 'readme.db'}"  # not ./ai_receptionist.db in the checkout
    return env


def test_the_run_block_serves_a_backend_the_new_account_logs_in_to(tmp_path):
    commands = run_block()
    assert commands[0] == "bash ci/setup.sh"  # done already by whoever runs these tests
    assert any(c.startswith("export JWT_SECRET=$(") for c in commands), "a one-liner for JWT_SECRET"
    port = _free_port()
    *prepare, serve = commands[1:]
    assert serve.startswith("python -m ai_receptionist serve") and "--port 8000" in serve
    script = "set -e\n" + "\n".join(prepare) + "\nexec " + serve.replace("--port 8000", f"--port {port}") + "\n"
    server = subprocess.Popen(["bash", "-c", script], cwd=ROOT, env=_fresh_shell_environment(tmp_path),
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        server.stdin.write("readme-password-1\n")  # create-account reads it from stdin
        server.stdin.close()
        answer = None
        for _ in range(150):  # the server starts within seconds; give up after about 30
            if server.poll() is not None:
                break
            try:
                answer = httpx.post(f"http://127.0.0.1:{port}/api/auth/login", timeout=2,
                                    json={"email": "owner@example.com", "password": "readme-password-1"})
                break
            except httpx.TransportError:
                time.sleep(0.2)
    finally:
        server.terminate()
        server.wait(timeout=30)
        output = server.stdout.read()
    assert answer is not None and answer.status_code == 200, output[-3000:]
    assert "ModuleNotFoundError" not in output
