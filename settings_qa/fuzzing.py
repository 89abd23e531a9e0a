"""What the contract fuzzer adds to schemathesis: reaching the suite's target, reading the
account around every write, and the checks no built-in does (persistence, atomicity,
the PUT answer against the next read, no 5xx on the reads either).

schemathesis sends each generated case with its own transports (in-process ASGI for the
embedded target, HTTP otherwise); the reads around a write go through the suite's own
client, so they are recorded and redacted like every other request of the suite.
"""

from __future__ import annotations

from typing import Any, Callable

from schemathesis import Case, CheckContext, Response

from contracts import validate
from contracts.models import WRITABLE_FIELDS, read_back
from settings_qa.client import BUSINESS_PATH, ApiClient, json_or_none, restore_settings
from settings_qa.redaction import register_secret
from settings_qa.targets import Target

AUDITED_FIELDS = ("description", "faqs")
# The background audit may move audit_status on its own, but only out of "pending".
_AUDIT_MOVES = {("pending", "passed"), ("pending", "failed")}
_SHOWN = 80  # characters of a value shown in a message


class AnswersLikeAServer:
    """The in-process app as a server presents it: an exception becomes a 500 answer.

    schemathesis' ASGI client re-raises what the app raises (Starlette re-raises after
    sending its 500), which would end the case before any check, ours included, sees the
    500. uvicorn logs the exception and the client gets the 500; so does the fuzzer here,
    like the suite's own in-process transport (`raise_app_exceptions=False`).
    """

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: dict, receive: Callable, send: Callable) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def tracking_send(message: dict) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, receive, tracking_send)
        except Exception:
            if not started:
                await send({"type": "http.response.start", "status": 500,
                            "headers": [(b"content-type", b"text/plain; charset=utf-8")]})
                await send({"type": "http.response.body", "body": b"Internal Server Error"})


class AccountReader:
    """The primary account of the target: its token and its business as a GET returns it."""

    def __init__(self, target: Target, api: ApiClient) -> None:
        self.target, self.api = target, api
        self._token: str | None = None
        self.app = AnswersLikeAServer(target.app) if target.app is not None else None

    @property
    def token(self) -> str:
        if self._token is None:
            account = self.target.accounts.get("primary")
            if account is None:
                raise AssertionError("no primary account: set QA_EMAIL and QA_PASSWORD")
            response = self.api.login(account.email, account.password)
            if response.status_code != 200:
                raise AssertionError(f"cannot log in as the primary account: HTTP {response.status_code}")
            self._token = response.json()["access_token"]
            register_secret(self._token)
        return self._token

    def call_kwargs(self, case: Case) -> dict[str, Any]:
        """How schemathesis sends `case`: to the ASGI app in-process, else to the base URL; with the
        suite's token on the business operations.

        The token goes in as an explicit header at call time, not through `@schemathesis.auth()`:
        schemathesis builds its coverage-phase cases (and applies auth providers to them) while
        collecting, before the target exists. schemathesis treats the header as explicit auth, so
        `ignored_auth` still probes the operation without it and with a wrong one.
        """
        if self.app is not None:
            # Also on the schema: checks that re-send a case (ignored_auth's probes) use the
            # schema's transport, which is in-process only when the schema knows the app.
            case.operation.schema.app = self.app
            kwargs: dict[str, Any] = {"app": self.app}
        else:
            kwargs = {"base_url": self.target.base_url}
        if case.operation.path == BUSINESS_PATH:
            kwargs["headers"] = {"Authorization": f"Bearer {self.token}"}
        return kwargs

    def read(self, why: str) -> dict[str, Any]:
        """GET the business; any status but 200, or a body off the contract, is a finding."""
        response = self.api.get_business(self.token)
        found = validate.problems("get", response.status_code, response.headers, response.content)
        if response.status_code != 200 or found:
            raise AssertionError(
                f"the GET {why} answered HTTP {response.status_code}"
                + ("".join(f"\n  - {p}" for p in found) if found else "")
            )
        return response.json()

    def write(self, fields: dict[str, Any]) -> int:
        return self.api.put_business(self.token, fields).status_code


def _show(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= _SHOWN else f"{text[:_SHOWN]}... ({len(text)} chars)"


def _differences(expected: dict[str, Any], actual: dict[str, Any], fields: tuple[str, ...],
                 *, labels: tuple[str, str] = ("expected", "read")) -> list[str]:
    return [f"{f}: {labels[0]} {_show(expected.get(f))}, {labels[1]} {_show(actual.get(f))}"
            for f in fields if expected.get(f) != actual.get(f)]


def _audit_moved_legally(before: str | None, after: str | None) -> bool:
    return before == after or (before, after) in _AUDIT_MOVES


class WriteObserver:
    """Snapshot before one PUT, read after it, and the checks that compare them.

    Use one observer per case: `checks()` go to `case.call_and_validate(additional_checks=...)`.
    """

    def __init__(self, reader: AccountReader) -> None:
        self.reader = reader
        self.before = reader.read("before the PUT")
        self._after: dict[str, Any] | None = None

    def after(self) -> dict[str, Any]:
        if self._after is None:
            self._after = self.reader.read("after the PUT")
        return self._after

    def checks(self) -> list[Callable[[CheckContext, Response, Case], bool | None]]:
        return [self.read_after_write, self.persistence, self.put_answer_equals_next_get, self.atomicity]

    # -- checks (names appear in failure reports) ----------------------------------------------
    def read_after_write(self, ctx: CheckContext, response: Response, case: Case) -> bool | None:
        """No 5xx anywhere: the GET after any PUT answers 200 with a contract body."""
        self.after()
        return True

    def persistence(self, ctx: CheckContext, response: Response, case: Case) -> bool | None:
        """After a 200 PUT, GET returns exactly the written fields and the others unchanged."""
        if response.status_code != 200 or not isinstance(case.body, dict):
            return None
        sent = {k: v for k, v in case.body.items() if k in WRITABLE_FIELDS}
        expected = {**self.before, **sent}
        if "faqs" in sent and sent["faqs"] is None:
            expected["faqs"] = []  # faqs: null clears them
        problems = _differences(expected, self.after(), ("id", *WRITABLE_FIELDS))
        if problems:
            written = ", ".join(sorted(sent)) or "nothing"
            raise AssertionError("PUT answered 200 (wrote " + written + ") but the next GET differs:\n  - "
                                 + "\n  - ".join(problems))
        return True

    def put_answer_equals_next_get(self, ctx: CheckContext, response: Response, case: Case) -> bool | None:
        """The 200 answer's `business` is what the next GET returns; `status` says whether an audit started."""
        if response.status_code != 200:
            return None
        answer = json_or_none(response)
        if not isinstance(answer, dict) or not isinstance(answer.get("business"), dict):
            return None  # response_schema_conformance reports the shape
        business, after = answer["business"], self.after()
        fields = tuple(k for k in after if k != "audit_status")
        problems = _differences(business, after, fields, labels=("answered", "read"))
        pending = answer.get("status") == "audit_pending"
        if pending and business.get("audit_status") != "pending":
            problems.append(f"status is audit_pending but business.audit_status is {business.get('audit_status')!r}")
        answered, read = business.get("audit_status"), after.get("audit_status")
        if not _audit_moved_legally(answered, read):
            problems.append(f"audit_status: answered {answered!r}, read {read!r}")
        body = case.body if isinstance(case.body, dict) else {}
        changed = [f for f in AUDITED_FIELDS if f in body and read_back(f, body[f]) != self.before.get(f)]
        if pending != bool(changed):
            problems.append(f"status is {answer.get('status')!r} but the audited fields that changed are "
                            f"{changed or 'none'} (audit_pending exactly when description or faqs changed)")
        if problems:
            raise AssertionError("the PUT answer does not match the next GET:\n  - " + "\n  - ".join(problems))
        return True

    def atomicity(self, ctx: CheckContext, response: Response, case: Case) -> bool | None:
        """After a PUT answered with anything but 200, GET equals the state before it."""
        if response.status_code == 200:
            return None
        after = self.after()
        problems = _differences(self.before, after, tuple(k for k in self.before if k != "audit_status"),
                                labels=("was", "now"))
        if not _audit_moved_legally(self.before.get("audit_status"), after.get("audit_status")):
            problems.append(f"audit_status: was {self.before.get('audit_status')!r}, "
                            f"now {after.get('audit_status')!r}")
        if problems:
            raise AssertionError(f"PUT answered HTTP {response.status_code}, yet the next GET shows a change "
                                 "(a failed request must change nothing):\n  - " + "\n  - ".join(problems))
        return True


def restore(reader: AccountReader, snapshot: dict[str, Any]) -> list[str]:
    """Write the snapshot's writable fields back and verify them; return what is still wrong."""
    return restore_settings(reader.api, reader.token, snapshot)


__all__ = ["AccountReader", "WriteObserver", "restore"]
