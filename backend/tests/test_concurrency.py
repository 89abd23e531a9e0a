"""Concurrent PUTs that change different fields of one business all persist."""

import threading

import anyio
import httpx

from ai_receptionist.main import create_app
from tests.helpers import DEFAULT_PASSWORD, LOGIN, ME, create_owner

ROUNDS = 4


def _values(round_number: int) -> dict:
    return {
        "name": f"Name {round_number}",
        "industry": f"Industry {round_number}",
        "common_services": f"Services {round_number}",
        "business_hours": f"Mon-Fri {round_number}",
        "description": f"Description {round_number}",
        "faqs": [{"question": f"Q{round_number}", "answer": f"A{round_number}"}],
    }


async def _request(app, method: str, url: str, **kwargs) -> httpx.Response:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        return await client.request(method, url, **kwargs)


def _put_in_threads(*, app, headers: dict, bodies: list[dict]) -> list[int]:
    """One thread (and event loop) per body, all released at once."""
    barrier = threading.Barrier(len(bodies))
    statuses: list[int] = []

    def worker(body: dict) -> None:
        barrier.wait()
        response = anyio.run(lambda: _request(app, "PUT", ME, headers=headers, json=body))
        statuses.append(response.status_code)

    threads = [threading.Thread(target=worker, args=(body,)) for body in bodies]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return statuses


def test_put_concurrent_different_fields_all_persist(database_url):
    app = create_app()
    owner = create_owner(email="busy@example.com", business_name="Start")
    credentials = {"email": owner.email, "password": DEFAULT_PASSWORD}
    token = anyio.run(lambda: _request(app, "POST", LOGIN, json=credentials))
    headers = {"Authorization": f"Bearer {token.json()['access_token']}"}

    for round_number in range(ROUNDS):
        expected = _values(round_number)
        bodies = [{field: value} for field, value in expected.items()]

        assert _put_in_threads(app=app, headers=headers, bodies=bodies) == [200] * len(bodies)
        stored = anyio.run(lambda: _request(app, "GET", ME, headers=headers)).json()
        assert {field: stored[field] for field in expected} == expected, f"round {round_number}"
        assert stored["audit_status"] in ("passed", "failed")
