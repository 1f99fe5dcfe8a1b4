"""Log-in limits through ``POST /auth/token``, each request from a chosen client address:
an attacker's wrong passwords lock out the attacker's client, never the owner's, and every
429 says when to retry."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from litestar.testing import transport

from instagram_core.policies.rate_limits import LOGIN_ATTEMPTS, LOGIN_CLIENT_FAILURES
from tests.integration.conftest import Api

CLIENT_HEADER = "x-test-client-address"


@pytest.fixture
def addressed(monkeypatch: pytest.MonkeyPatch) -> None:
    """Requests carrying ``CLIENT_HEADER`` arrive from that address (the test client
    otherwise sends every request from one peer)."""
    parse = transport.TestClientTransport.parse_request

    def from_address(self: Any, request: httpx.Request) -> dict[str, Any]:
        scope: dict[str, Any] = parse(self, request)
        address = request.headers.get(CLIENT_HEADER)
        if address:
            scope["client"] = (address, 50000)
        return scope

    monkeypatch.setattr(transport.TestClientTransport, "parse_request", from_address)


def log_in(api: Api, password: str, address: str, username: str = "alice") -> httpx.Response:
    body = {"username": username, "password": password}
    return api.client.post("/api/v1/auth/token", json=body, headers={CLIENT_HEADER: address})


def assert_limited(response: httpx.Response) -> None:
    assert response.status_code == 429, response.text
    assert response.json()["error"]["code"] == "rate_limited"
    assert int(response.headers["Retry-After"]) >= 1


@pytest.mark.usefixtures("addressed")
def test_wrong_passwords_lock_out_the_guessing_client_and_not_the_owner(api: Api) -> None:
    api.register("alice")
    for _ in range(LOGIN_ATTEMPTS.limit):
        assert log_in(api, "wrong horse", "203.0.113.7").status_code == 401
    assert_limited(log_in(api, "correct horse", "203.0.113.7"))  # even with the password
    assert log_in(api, "correct horse", "198.51.100.20").status_code == 200  # the owner


@pytest.mark.usefixtures("addressed")
def test_one_client_trying_many_accounts_is_limited(api: Api) -> None:
    for number in range(LOGIN_CLIENT_FAILURES.limit):
        answer = log_in(api, "wrong horse", "203.0.113.8", username=f"user{number}")
        assert answer.status_code == 401
    assert_limited(log_in(api, "wrong horse", "203.0.113.8", username="someone"))
    assert log_in(api, "wrong horse", "203.0.113.9", username="someone").status_code == 401
