"""The report's four phases, run in order against one deployment.

1 authentication, 2 fetch current settings, 3 update settings, 4 verify persistence;
then whatever was written is put back (see `restore`). Each phase fails with its own
exit code, a response that breaks the contract with 5, and a first request that gets no
answer at all with 69.

Which code: a save that fails (non-200, no answer) is 3. A save acknowledged with 200 whose
values do not read back is 4, with a line per field, whatever its answer said. The answer
itself (its business must show what was sent; its status must follow the audit rule) is
judged after phase 4: when the read-back is right but the answer was not, that is 5, a
response that breaks the contract. Persistence is the question the check exists for, so a
wrong answer never hides it. Properties the contract does not name are listed; a secret
among them is 5 at once; under --strict any of them is 5 after the phases.

A save that the network left unknown (a gateway's error page or a dropped connection
instead of the application's answer) is not judged: the fields it wrote are put back to the
state before it, that state is read back, and the save is sent again, at most twice more;
after that the check stops with 69 (the backend's contract was not reached). Before the first
save, the settings as found go to the restore journal (settings_qa/journal.py).

Why a marker: a field whose stored value already equals the value to write would make
phase 3 a no-op that proves nothing (and when it is the description, the save would skip
the audit path the incident broke). Such fields first get a value unique to this run,
read back before the real values are written, so every checked field really changes.
"""

from __future__ import annotations

import time
from contextlib import contextmanager
from typing import Callable, Iterator

from contracts.models import Business, SaveResult, Token
from settings_qa import signals
from settings_qa.client import LOGIN_PATH, ApiClient
from settings_qa.e2e.describe import backend_error, short_value
from settings_qa.e2e.outcome import CheckFailed, ExitCode, FieldCheck, PhaseResult, RunResult, internal_error
from settings_qa.e2e.restore import restore
from settings_qa.e2e.values import marker_values
from settings_qa.journal import JournalPending
from settings_qa.e2e.wire import call, check_jwt_claims, parse
from settings_qa.net.events import NetworkEvent, record
from settings_qa.net.policy import GATEWAY_STATUSES, NetworkFailure, OutcomeUnknown

SAVE_REPEATS = 2  # a save the network left unknown is sent again at most this often


class SettingsCheck:
    def __init__(
        self,
        client: ApiClient,
        *,
        email: str,
        password: str,
        target: dict[str, str],
        result: RunResult,
        timeout: float,
        on_phase: Callable[[PhaseResult], None] | None = None,
        before_first_write: Callable[[Business], None] | None = None,
    ) -> None:
        self.on_phase = on_phase  # told about each phase as soon as it ends (progress output)
        self.before_first_write = before_first_write  # the restore journal's entry, written before phase 3
        self.client = client
        self.email = email
        self.password = password
        self.target = target
        self.result = result
        self.timeout = timeout
        self.written: set[str] = set()  # fields any PUT was sent for, answered or not
        self.unanswered_put = False  # a PUT went out and no answer came back (timeout, Ctrl-C)
        self.answer_problems: list[str] = []  # what a 200 answer got wrong; judged after phase 4

    def run(self) -> RunResult:
        started = time.perf_counter()
        token = original = current = None
        try:
            token = self.authenticate()
            original = self.fetch(token)
            self.update(token, original)
            current = self.verify(token)
            self.judge_answers()
        except CheckFailed as failure:
            self.result.code, self.result.reason = failure.code, failure.reason
        except KeyboardInterrupt:
            self.result.code, self.result.reason = ExitCode.INTERRUPTED, "interrupted (Ctrl-C)"
        except JournalPending as pending:  # another run journaled this account between our check and phase 3
            self.result.code, self.result.reason = ExitCode.RESTORE_PENDING, str(pending)
        except Exception as exc:  # noqa: BLE001 - a bug of ours mid-run must not leave the deployment changed
            self.result.code, self.result.reason = ExitCode.INTERNAL, internal_error(exc)
        if self.written and token is not None and original is not None:
            self._restore(token, original, current)
        self.result.duration_ms = (time.perf_counter() - started) * 1000
        return self.result

    # -- the four phases -------------------------------------------------------------

    def authenticate(self) -> str:
        with self._phase(1, "AUTHENTICATION") as phase:
            response = call(
                ExitCode.UNAVAILABLE, f"cannot reach {self.result.url}", self.timeout,
                self.client.login, self.email, self.password,
            )
            phase.http_status = response.status_code
            if response.status_code in GATEWAY_STATUSES:
                raise CheckFailed(ExitCode.UNAVAILABLE, f"target unavailable: {backend_error(response)}")
            if response.status_code == 401:
                raise CheckFailed(
                    ExitCode.AUTH_FAILED,
                    f"login rejected: {backend_error(response)} (check QA_EMAIL/QA_PASSWORD)",
                )
            if response.status_code in (404, 405) or response.is_redirect:  # as the suite's preflight reads it
                raise CheckFailed(ExitCode.UNAVAILABLE, f"{self.result.url}{LOGIN_PATH} is not the login: "
                                  f"{backend_error(response)}; is --url the API's base (with its path prefix, if any)?")
            if response.status_code != 200:
                raise CheckFailed(ExitCode.AUTH_FAILED, f"login failed: {backend_error(response)}")
            token = parse(response, Token, "login response", self.result.unnamed).access_token
            check_jwt_claims(token)
            phase.notes.append("JWT received (sub and exp claims present)")
            return token

    def fetch(self, token: str) -> Business:
        with self._phase(2, "FETCH CURRENT SETTINGS") as phase:
            business = self._get(token, phase, ExitCode.FETCH_FAILED)
            phase.notes.append(f"business id {business.id}: {short_value(business.name)}")
            return business

    def update(self, token: str, original: Business) -> None:
        with self._phase(3, "UPDATE SETTINGS") as phase:
            if self.before_first_write is not None:
                self.before_first_write(original)
            current = original
            unchanged = [name for name, value in self.target.items() if getattr(original, name) == value]
            if unchanged:
                self.result.marker_fields = unchanged
                phase.notes.append(f"already held the values to write: {', '.join(unchanged)}")
                current = self._marker_round_trip(token, phase, current, marker_values(unchanged))
            saved = self._put(token, phase, current, self.target)
            phase.notes.append(f"HTTP {phase.http_status}, status {saved.status}")

    def verify(self, token: str) -> Business:
        with self._phase(4, "VERIFY PERSISTENCE") as phase:
            business = self._get(token, phase, ExitCode.PERSISTENCE_FAILED)
            phase.fields = compare(business, self.target)
            if phase.failed_fields:
                raise CheckFailed(
                    ExitCode.PERSISTENCE_FAILED,
                    f"{len(phase.failed_fields)} field(s) did not persist: {', '.join(phase.failed_fields)}",
                )
            return business

    def judge_answers(self) -> None:
        """After the read-back passed: the save's answers, then (--strict) the unnamed properties."""
        if self.answer_problems:
            raise CheckFailed(ExitCode.INVALID_DATA, "save response: " + "; ".join(self.answer_problems))
        if self.result.strict and self.result.unnamed:
            raise CheckFailed(ExitCode.INVALID_DATA, "--strict: responses carry properties the contract does not "
                                                     f"name: {', '.join(self.result.unnamed)}")

    # -- steps -----------------------------------------------------------------------

    def _marker_round_trip(
        self, token: str, phase: PhaseResult, current: Business, markers: dict[str, str]
    ) -> Business:
        self._put(token, phase, current, markers)
        stored = self._get(token, phase, ExitCode.PERSISTENCE_FAILED)
        checks = compare(stored, markers)
        if any(not check.ok for check in checks):
            phase.fields = checks
            failed = ", ".join(check.field for check in checks if not check.ok)
            raise CheckFailed(
                ExitCode.PERSISTENCE_FAILED, f"run marker was saved but not read back: {failed}"
            )
        phase.notes.append(f"run marker written and read back: {', '.join(markers)}")
        return stored

    def _put(self, token: str, phase: PhaseResult, before: Business, body: dict[str, str]) -> SaveResult:
        self.written.update(body)
        self.unanswered_put = True
        response = call(
            ExitCode.SAVE_FAILED, "PUT /api/business/me", self.timeout,
            self._save_repeating_unknown, token, before, body, phase,
        )
        self.unanswered_put = False
        phase.http_status = response.status_code
        if response.status_code != 200:
            raise CheckFailed(ExitCode.SAVE_FAILED, f"save failed: {backend_error(response)}")
        saved = parse(response, SaveResult, "save response", self.result.unnamed)
        echoed = [check.field for check in compare(saved.business, body) if not check.ok]
        problems = [f"its business differs from what was sent in: {', '.join(echoed)}"] if echoed else []
        new_description = body.get("description", before.description)
        problems += audit_status_problems(saved, description_changed=new_description != before.description)
        for problem in problems:
            phase.notes.append(f"the answer is wrong ({problem}); judged after the read-back")
        self.answer_problems += problems
        return saved

    def _save_repeating_unknown(self, token: str, before: Business, body: dict[str, str], phase: PhaseResult):
        for attempt in range(SAVE_REPEATS + 1):
            try:
                return self.client.put_business(token, body)
            except OutcomeUnknown as unknown:
                if attempt == SAVE_REPEATS:
                    raise NetworkFailure(f"{unknown} (sent {attempt + 1} times, the state re-established each "
                                         "time); the backend's contract was not reached") from None
                self._reestablish(token, before, body, unknown)
                phase.notes.append(f"the network left a save unknown ({unknown}); state re-established, sent again")

    def _reestablish(self, token: str, before: Business, body: dict[str, str], unknown: OutcomeUnknown) -> None:
        """The written fields back to their values before the save, verified by reading."""
        wanted = {name: getattr(before, name) for name in body}
        self.client.put_business(token, wanted, restore=True)
        now = parse(self.client.get_business(token), Business, "business")
        wrong = [name for name, value in wanted.items() if getattr(now, name) != value]
        if wrong:
            raise NetworkFailure(f"{unknown}; putting {', '.join(wrong)} back before sending it again failed")
        record(NetworkEvent("PUT", unknown.request.url.path, "repeated",
                            note="state before the save re-established; the save is sent again"))

    def _get(self, token: str, phase: PhaseResult, code: ExitCode) -> Business:
        response = call(code, "GET /api/business/me", self.timeout, self.client.get_business, token)
        phase.http_status = response.status_code
        if response.status_code != 200:
            raise CheckFailed(code, f"fetch failed: {backend_error(response)}")
        return parse(response, Business, "business", self.result.unnamed)

    def _restore(self, token: str, original: Business, current: Business | None) -> None:
        self.result.restore_needed = True
        self.result.original_values = {name: getattr(original, name) for name in sorted(self.written)}
        try:
            with signals.settling():
                self.result.restore = restore(
                    self.client, token, original, sorted(self.written), current,
                    timeout=self.timeout, in_flight=self.unanswered_put,
                )
        except KeyboardInterrupt:
            self.result.restore = PhaseResult(None, "RESTORE ORIGINAL SETTINGS", error="interrupted (Ctrl-C)")
        self._announce(self.result.restore)
        if not self.result.restore.passed and self.result.code == ExitCode.SUCCESS:
            self.result.code = ExitCode.PERSISTENCE_FAILED
            self.result.reason = f"restore failed: {self.result.restore.error}"

    @contextmanager
    def _phase(self, number: int, title: str) -> Iterator[PhaseResult]:
        phase = PhaseResult(number, title)
        self.result.phases.append(phase)
        started = time.perf_counter()
        try:
            yield phase
            phase.passed = True
        except CheckFailed as failure:
            phase.error, phase.code = failure.reason, failure.code
            raise
        finally:
            phase.duration_ms = (time.perf_counter() - started) * 1000
            self._announce(phase)

    def _announce(self, phase: PhaseResult) -> None:
        if self.on_phase is not None:
            self.on_phase(phase)


def compare(business: Business, expected: dict[str, object]) -> list[FieldCheck]:
    return [FieldCheck(name, value, getattr(business, name)) for name, value in expected.items()]


def audit_status_problems(saved: SaveResult, *, description_changed: bool) -> list[str]:
    """The contract: "audit_pending" exactly when the description (or FAQs) changed,
    and then the business reads audit_status "pending" - the incident's code path."""
    expected = "audit_pending" if description_changed else "success"
    if saved.status != expected:
        changed = "changed" if description_changed else "did not change"
        return [f"status {saved.status!r} although the description {changed}"]
    if description_changed and saved.business.audit_status != "pending":
        return [f"audit_pending but business.audit_status is {saved.business.audit_status!r}"]
    return []
