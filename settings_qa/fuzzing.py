"""What the contract fuzzer adds to schemathesis: reaching the suite's target, judging each
case by the contract and reporting the rest beside it, and the checks no built-in does
(persistence, atomicity, the PUT answer against the next read, no 5xx on the reads either).

Every schemathesis check is classed (`CONTRACT_CHECKS`, `HYGIENE_CHECKS`). A case runs the
hygiene checks first and records what they find as findings (settings_qa.findings), then
the contract checks, which fail the test. So a backend with the stock 405 still has every
case judged for persistence and atomicity, and both findings are reported.

schemathesis sends each generated case with `requests`; its session here sends through the
suite's one transport (settings_qa/net), to the in-process app or over the network, so the
cases, the checks' own probes and the reads around a write meet the same policy (waits on
rate limits, retries of what is safe), pacing and network events as every other request.
A case whose write the network left unknown is not judged: the account is put back to the
state before it and the case is recorded as inconclusive (`Fuzzer`). A request that still
fails after its retries ends the part as a network failure, once, without shrinking.

The fuzzing is split into parts of similar size (`plan`, `run_part`): per operation, its
coverage phase (schemathesis' boundary and negative cases, with the examples phase), then
its fuzzing phase in chunks of `FUZZ_CHUNK` examples, each chunk with its own seed. Each
part is one pytest item, so xdist spreads them over its workers; and each part builds its
cases when it runs, in the one worker that runs it (schemathesis' own parametrization
builds every operation's coverage cases at collection, in every worker).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Callable

import requests
import schemathesis
from schemathesis import Case, CheckContext, Response
from schemathesis.checks import CHECKS, load_all_checks
from schemathesis.core.failures import FailureGroup, as_reported_failure
from schemathesis.generation.feedback import FeedbackSources
from schemathesis.pytest._test_builder import build_operation_test
from schemathesis.python._constants.orchestrator import make_constants_value_source
from schemathesis.transport.requests import REQUESTS_TRANSPORT, RequestsTransport

from contracts import validate
from contracts.document import tolerant
from contracts.models import WRITABLE_FIELDS, read_back
from settings_qa.client import BUSINESS_PATH, LOGIN_PATH, ApiClient, restore_settings
from settings_qa.findings import Finding, note_unnamed, record
from settings_qa.net import events
from settings_qa.net.policy import SAFE_METHODS, NetworkFailure, OutcomeUnknown
from settings_qa.net.transport import requests_session
from settings_qa.redaction import register_secret
from settings_qa.targets import Target

# Each built-in check and the clause of CONTRACT.md it enforces.
CONTRACT_CHECKS = {
    "not_a_server_error": "No response ever is a 5xx",
    "status_code_conformance": "each operation answers only its listed statuses",
    "content_type_conformance": "all bodies are JSON",
    "response_headers_conformance": "401 with `WWW-Authenticate: Bearer`",
    "response_schema_conformance": "Schemas (what the contract names; other properties are listed, not failed)",
    "negative_data_rejection": "422 for a body that breaks the schema, unknown fields included",
    "positive_data_acceptance": "a body within the schema is accepted",
    "missing_required_header": "401 when the Authorization header is missing",
    "ignored_auth": "401 for a missing, malformed, unsigned or foreign-signed token",
    "object_level_authorization": "the business of the account named by the token, never anyone else's",
}
# Checks that map to no clause: what they find is reported as HTTP hygiene.
HYGIENE_CHECKS = {
    "unsupported_method": "405 for a method the API does not define (the contract names only its operations)",
    "allow_header_conformance": "a 405 lists every method of the path in `Allow` (RFC 9110)",
    "use_after_free": "stateful: a deleted resource stays gone (the contract deletes nothing)",
    "ensure_resource_availability": "stateful: a created resource can be read (the contract creates nothing)",
}
AUDITED_FIELDS = ("description", "faqs")
# The background audit may move audit_status on its own, but only out of "pending".
_AUDIT_MOVES = {("pending", "passed"), ("pending", "failed")}
_SHOWN = 80  # characters of a value shown in a message
_OPERATIONS = {("POST", LOGIN_PATH): "login", ("GET", BUSINESS_PATH): "get", ("PUT", BUSINESS_PATH): "put"}


FUZZ_CHUNK = 25  # examples per fuzzing part


@dataclass(frozen=True)
class Part:
    """One pytest item's share of the fuzzing: an operation's coverage phase, or a chunk of its fuzzing."""

    method: str
    path: str
    phase: str  # "coverage" (schemathesis' examples and coverage phases) or "fuzzing"
    chunk: int = 0
    chunks: int = 1

    def __str__(self) -> str:
        share = f" {self.chunk + 1}/{self.chunks}" if self.chunks > 1 else ""
        return f"{self.method} {self.path} {self.phase}{share}"

    def examples(self, total: int) -> int:
        """This chunk's share of `total` fuzzing examples (the first chunks take the remainder)."""
        return total // self.chunks + (1 if self.chunk < total % self.chunks else 0)


def plan(operations: list[tuple[str, str]], examples: int) -> list[Part]:
    """The parts of the fuzzing of `operations` ((method, path) pairs) with `examples` per operation."""
    chunks = max(1, math.ceil(examples / FUZZ_CHUNK))
    return [part for method, path in operations for part in (
        Part(method, path, "coverage"), *(Part(method, path, "fuzzing", k, chunks) for k in range(chunks)))]


def run_part(part: Part, run_one: Callable[[Case], None], *, seed: int, examples: int) -> None:
    """Generate the part's cases now and pass each to `run_one` (which sends and judges it)."""
    __tracebackhide__ = True
    phases = ["examples", "coverage"] if part.phase == "coverage" else ["fuzzing"]
    config = schemathesis.Config.from_dict({
        "seed": seed + part.chunk,
        "phases": {"enabled": False, **{phase: {"enabled": True} for phase in phases}},
        # No example database: the printed seed alone reproduces a run.
        "generation": {"max-examples": part.examples(examples), "database": "none"},
    })
    schema = schemathesis.openapi.from_dict(tolerant(), config=config)
    test = build_operation_test(
        config=schema.config, operation=schema[part.path][part.method], test_func=run_one, given_kwargs={},
        feedback=FeedbackSources(constants_value_source=make_constants_value_source(schema)))
    try:
        test()
    except FailureGroup as group:
        raise as_reported_failure(group) from None


def unclassified_checks() -> list[str]:
    """Registered schemathesis checks that are in neither class (a new schemathesis version)."""
    load_all_checks()
    return sorted(set(CHECKS.get_all_names()) - set(CONTRACT_CHECKS) - set(HYGIENE_CHECKS))


def _hygiene_functions() -> list[Callable]:
    load_all_checks()
    return CHECKS.get_by_names([name for name in HYGIENE_CHECKS if name in CHECKS.get_all_names()])


def run_case(case: Case, kwargs: dict[str, Any], additional_checks: list[Callable] = ()) -> Response:
    """Send `case`; record what the hygiene checks find; fail on what the contract checks find.

    A check outside the contract never stops a case: the contract checks (and ours, in
    `additional_checks`) always run.
    """
    __tracebackhide__ = True
    call = dict(kwargs)
    base_url, headers = call.pop("base_url", None), call.pop("headers", None)
    response = case.call(base_url=base_url, headers=headers, **call)
    transport = {**call, **({"base_url": base_url} if base_url else {}), **({"headers": headers} if headers else {})}
    hygiene = _hygiene_functions()
    try:
        case.validate_response(response, checks=hygiene, headers=headers, transport_kwargs=transport)
    except FailureGroup as group:
        curl = case.as_curl_command(headers=dict(response.request.headers), base_url=base_url)
        for failure in group.exceptions:
            record(hygiene_finding(case, failure, curl))
    case.validate_response(response, excluded_checks=hygiene, headers=headers, transport_kwargs=transport,
                           additional_checks=[unnamed_properties, *additional_checks])
    return response


def hygiene_finding(case: Case, failure: Any, curl: str) -> Finding:
    checks = ", ".join(getattr(failure, "checks", ()) or ()) or "hygiene"
    where = f"{case.method.upper()} {case.path}"
    title = " ".join(str(failure.title).split())
    return Finding("hygiene", f"{checks} on {where}: {title}",
                   f"{title} ({getattr(failure, 'code', '?')}, {checks}) on {where}",
                   detail=str(failure.message).strip(), reproduce=curl)


def unnamed_properties(ctx: CheckContext, response: Response, case: Case) -> bool | None:
    """Properties the contract does not name: listed as findings; a leaked secret fails."""
    operation = _OPERATIONS.get((case.method.upper(), case.operation.path))
    if operation is None:
        return None
    return judge_unnamed(operation, response.status_code, response.headers, response.content,
                         where=f"{case.method.upper()} {case.path}")


def judge_unnamed(operation: str, status: int, headers: Any, body: bytes, *, where: str) -> bool | None:
    """Record the unnamed properties of one response as findings; raise on a leaked secret."""
    verdict = validate.judge(operation, status, _plain_headers(headers), body)
    note_unnamed(verdict.unnamed, where)
    if verdict.leaks:
        raise AssertionError("a response carries what looks like a secret:\n  - "
                             + "\n  - ".join(item.describe() for item in verdict.leaks))
    return True if verdict.unnamed else None


def _plain_headers(headers: Any) -> dict[str, str]:
    """schemathesis keeps header values as lists; the contract's judge reads single strings."""
    return {str(k).lower(): (", ".join(v) if isinstance(v, list) else str(v)) for k, v in dict(headers).items()}


class AccountReader:
    """The primary account of the target: its token and its business as a GET returns it."""

    def __init__(self, target: Target, api: ApiClient) -> None:
        self.target, self.api = target, api
        self._token: str | None = None
        self.session = requests_session(api.http, safe_to_repeat)
        # The last read of the business, when nothing can have been written since: the GET
        # after one PUT is the state before the next (the fuzzer holds the account alone).
        self.known: dict[str, Any] | None = None

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
        """How schemathesis sends `case`: through the suite's transport (`session`) to the target's
        base URL, with the suite's token on the business operations.

        The token goes in as an explicit header at call time, not through `@schemathesis.auth()`:
        schemathesis builds its coverage-phase cases (and applies auth providers to them) while
        collecting, before the target exists. schemathesis treats the header as explicit auth, so
        `ignored_auth` still probes the operation without it and with a wrong one.
        """
        through_the_suite(case.operation.schema, self.session)
        kwargs: dict[str, Any] = {"base_url": self.target.base_url, "session": self.session}
        if case.operation.path == BUSINESS_PATH:
            kwargs["headers"] = {"Authorization": f"Bearer {self.token}"}
        return kwargs

    def read(self, why: str) -> dict[str, Any]:
        """GET the business, as the contract names it; any status but 200, or a body off the
        contract, is a finding of the contract."""
        response = self.api.get_business(self.token)
        verdict = validate.judge("get", response.status_code, response.headers, response.content)
        if response.status_code != 200 or verdict.problems:
            what = "breaks the contract" if response.status_code == 200 else "failed"
            raise AssertionError(f"the GET {why} {what} (HTTP {response.status_code})"
                                 + "".join(f"\n  - {p}" for p in verdict.problems))
        self.known = verdict.view
        return verdict.view


class SuiteTransport(RequestsTransport):
    """schemathesis' requests transport, with the suite's session when a caller gives none.

    The checks' probes (`ignored_auth` and the like) drop the case's session on purpose, so
    that no credential of it leaks into an unauthenticated probe; ours carries none (no auth,
    no cookies), and without it a probe would bypass the transport's policy, or not reach an
    in-process target at all.
    """

    def __init__(self, session: requests.Session) -> None:
        super().__init__()
        self._copy_serializers_from(REQUESTS_TRANSPORT)
        self.session = session

    def send(self, case: Case, *, session: requests.Session | None = None, **kwargs: Any) -> Response:
        return super().send(case, session=session or self.session, **kwargs)


def through_the_suite(schema: Any, session: requests.Session) -> None:
    """Make `schema` send everything through `session`. schemathesis picks a schema's transport
    from its `app` (a read-only property); a subclass of the schema's own class overrides it."""
    if getattr(schema, "_suite_transport", None) is not None:
        return
    cls = type(schema)
    if cls not in _SUITE_SCHEMAS:
        _SUITE_SCHEMAS[cls] = type(f"Suite{cls.__name__}", (cls,), {
            "transport": property(lambda self: self._suite_transport)})
    schema._suite_transport = SuiteTransport(session)
    schema.__class__ = _SUITE_SCHEMAS[cls]


_SUITE_SCHEMAS: dict[type, type] = {}


def safe_to_repeat(method: str, path: str) -> bool:
    """The fuzzer's reads and logins may be sent again after a gateway error; its writes may not."""
    return method in SAFE_METHODS or (method == "POST" and path.endswith(LOGIN_PATH))


class Fuzzer:
    """Runs one part's cases (`run_one` per case) and keeps the network out of the verdicts.

    - a write the network left unknown (`OutcomeUnknown`): the account goes back to the state
      before the case (`reestablish`, when given), and the case is recorded as inconclusive;
    - a request that still failed after its retries (`NetworkFailure`): the part stops sending
      and, once schemathesis is done, fails as a network failure. Raised inside the test it
      would be shrunk and replayed like a finding of the contract; it is none.
    """

    def __init__(self) -> None:
        self.failure: NetworkFailure | None = None
        self.inconclusive = 0

    def guard(self, case: Case, send: Callable[[], None], reestablish: Callable[[], None] | None = None) -> None:
        if self.failure is not None:
            return
        try:
            send()
        except OutcomeUnknown as unknown:
            self.inconclusive += 1
            if reestablish is not None:
                reestablish()
            events.record(events.NetworkEvent(case.method.upper(), case.path, "inconclusive",
                                              note=f"case not judged: {unknown}"))
        except NetworkFailure as failure:
            self.failure = failure

    def finish(self) -> None:
        if self.failure is not None:
            raise self.failure


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

    Use one observer per case: `checks()` go to `run_case(..., additional_checks=...)`.
    Every comparison looks at the contract's fields only.
    """

    def __init__(self, reader: AccountReader) -> None:
        self.reader = reader
        # The previous case's read after its PUT is this case's state before (a background
        # audit may since have settled: the checks allow audit_status out of "pending").
        self.before = reader.known if reader.known is not None else reader.read("before the PUT")
        reader.known = None  # a PUT goes out: what was known holds only once read again
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
        expected = {**self.before, **{k: read_back(k, v) for k, v in sent.items()}}
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
        answer = validate.judge("put", 200, _plain_headers(response.headers), response.content).view
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


    def reestablish(self) -> None:
        """After a PUT the network left unknown: the state before it, back and verified."""
        problems = restore_settings(self.reader.api, self.reader.token, self.before)
        if problems:
            raise NetworkFailure("a fuzzed PUT's outcome was unknown and putting the state before it back failed: "
                                 + "; ".join(problems))
        self.reader.known = None


def restore(reader: AccountReader, snapshot: dict[str, Any]) -> list[str]:
    """Write the snapshot's writable fields back and verify them; return what is still wrong."""
    return restore_settings(reader.api, reader.token, snapshot)

