"""Before the first test, one check: the target answers and every configured account logs in.
Otherwise one line on stderr and an exit code, nothing else (settings_qa/preflight.py)."""

from __future__ import annotations

import http.server
import threading
from contextlib import contextmanager

from suite.helpers import run_suite


@contextmanager
def answering(status: int, body: bytes, content_type: str = "text/html"):
    """A loopback server that answers every request with `status` (a gateway, a wrong path)."""
    class Handler(http.server.BaseHTTPRequestHandler):
        def _answer(self) -> None:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        do_GET = do_POST = do_PUT = _answer

        def log_message(self, *args) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def assert_one_line(run, code: int, text: str) -> None:
    assert run.returncode == code, run.stdout[-2000:] + run.stderr
    assert run.stdout.strip() == "", "nothing but the one line: no test ran"
    assert run.stderr.count("\n") == 1 and text in run.stderr, run.stderr
    assert "Traceback" not in run.stderr


def test_a_wrong_password_is_one_line_naming_the_variables_never_the_secret(served):
    env = {**served.qa_environment(), "QA_PASSWORD_2": "not-the-password-1234"}
    run = run_suite("features", "contracts", "-n", "2", "--base-url", served.base_url, env=env)
    assert_one_line(run, 77, f"the secondary account cannot log in at {served.base_url} (HTTP 401): "
                             "check QA_EMAIL_2 and QA_PASSWORD_2")
    assert "not-the-password-1234" not in run.stderr and served.accounts["primary"].password not in run.stderr


def test_a_url_that_does_not_answer_is_one_line(served):
    with answering(200, b"") as url:
        pass  # started and stopped: its port now refuses connections
    run = run_suite("features", "--base-url", url, env={**served.qa_environment(), "QA_RETRIES": "1"})
    assert_one_line(run, 69, f"settings-qa: preflight failed: {url} is unreachable: no connection twice "
                             "(connection refused) to GET /api/business/me")


def test_a_gateway_without_its_backend_is_one_line(served):
    page = b"<html><head><title>502 Bad Gateway</title></head></html>"
    with answering(502, page) as url:
        run = run_suite("features", "--base-url", url, env={**served.qa_environment(), "QA_RETRIES": "1"})
    assert_one_line(run, 69, "answers through a gateway that cannot reach the backend: the gateway answered HTTP 502 "
                             "(text/html: 502 Bad Gateway) twice to GET /api/business/me")


def test_a_base_url_without_the_apis_prefix_is_one_line(served):
    with answering(404, b'{"detail": "Not Found"}', "application/json") as url:
        run = run_suite("features", "--base-url", url, env=served.qa_environment())
    assert_one_line(run, 69, f"{url}/api/auth/login is not the login: HTTP 404: Not Found; is --base-url the "
                             "API's base (with its path prefix, if any)?")


def test_a_deployment_without_credentials_is_a_usage_error(served):
    run = run_suite("features", "--base-url", served.base_url, env={"QA_EMAIL": "", "QA_PASSWORD": ""})
    assert run.returncode == 4
    assert run.stderr.strip() == ("ERROR: the deployment target needs the primary account: "
                                  "set QA_EMAIL and QA_PASSWORD")
