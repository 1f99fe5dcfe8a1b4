"""Contract of :class:`~instagram_core.ports.TokenService`, run against every adapter."""

from __future__ import annotations

import base64
import json
from collections.abc import Callable
from datetime import UTC, datetime

import jwt
import pytest

from instagram_adapters.jwt import JwtTokenService
from instagram_adapters.memory.clock import ManualClock
from instagram_core.domain.errors import Unauthenticated
from instagram_core.ports import Clock, TokenService

T0 = datetime(2024, 5, 1, 12, 0, tzinfo=UTC)
SECRET = b"s" * 32
TTL = 3600
MakeService = Callable[[Clock, int], TokenService]


def make_jwt(clock: Clock, ttl: int) -> TokenService:
    return JwtTokenService(SECRET, clock, ttl_seconds=ttl)


@pytest.fixture(params=[pytest.param(make_jwt, id="jwt")])
def make_service(request: pytest.FixtureRequest) -> MakeService:
    factory: MakeService = request.param
    return factory


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(T0)


@pytest.fixture
def tokens(make_service: MakeService, clock: ManualClock) -> TokenService:
    return make_service(clock, TTL)


def test_a_token_names_its_user(tokens: TokenService) -> None:
    issued = tokens.issue("user-1")
    assert issued.expires_in == TTL
    assert tokens.verify(issued.token) == "user-1"


def test_a_token_is_valid_until_it_expires(tokens: TokenService, clock: ManualClock) -> None:
    token = tokens.issue("user-1").token
    assert tokens.verify(token) == "user-1"
    clock.advance(TTL - 0.001)
    assert tokens.verify(token) == "user-1"
    clock.advance(0.001)
    with pytest.raises(Unauthenticated):
        tokens.verify(token)


def test_a_tampered_token_is_refused(tokens: TokenService) -> None:
    token = tokens.issue("user-1").token
    assert tokens.verify(token) == "user-1"  # the genuine one checked (and remembered) first
    header, payload, signature = token.split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=="))
    claims["sub"] = "admin"
    forged = base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=").decode()
    with pytest.raises(Unauthenticated):
        tokens.verify(f"{header}.{forged}.{signature}")


@pytest.mark.parametrize("garbage", ["", "abc", "a.b.c", "Bearer x.y.z", "é.é.é"])
def test_a_malformed_token_is_refused(tokens: TokenService, garbage: str) -> None:
    with pytest.raises(Unauthenticated):
        tokens.verify(garbage)


def test_jwt_signed_with_another_secret_is_refused(clock: ManualClock) -> None:
    other = JwtTokenService(b"o" * 32, clock).issue("user-1").token
    with pytest.raises(Unauthenticated):
        JwtTokenService(SECRET, clock).verify(other)


def test_jwt_from_another_issuer_is_refused(clock: ManualClock) -> None:
    other = JwtTokenService(SECRET, clock, issuer="elsewhere").issue("user-1").token
    with pytest.raises(Unauthenticated):
        JwtTokenService(SECRET, clock).verify(other)


def test_jwt_unsigned_token_is_refused(clock: ManualClock) -> None:
    now = int(T0.timestamp())
    claims = {"sub": "admin", "iss": "instagram", "iat": now, "exp": now + TTL}
    unsigned = jwt.encode(claims, None, algorithm="none")
    with pytest.raises(Unauthenticated):
        JwtTokenService(SECRET, clock).verify(unsigned)


def test_jwt_without_an_expiry_is_refused(clock: ManualClock) -> None:
    claims = {"sub": "user-1", "iss": "instagram", "iat": int(T0.timestamp())}
    with pytest.raises(Unauthenticated):
        JwtTokenService(SECRET, clock).verify(jwt.encode(claims, SECRET, algorithm="HS256"))


def test_jwt_expiry_follows_the_injected_clock_not_the_wall_clock() -> None:
    past = ManualClock(datetime(2020, 6, 1, tzinfo=UTC))
    service = JwtTokenService(SECRET, past, ttl_seconds=60)
    assert service.verify(service.issue("user-1").token) == "user-1"


def test_jwt_short_secrets_and_empty_ttls_are_refused(clock: ManualClock) -> None:
    with pytest.raises(ValueError, match="secret"):
        JwtTokenService(b"short", clock)
    with pytest.raises(ValueError, match="ttl"):
        JwtTokenService(SECRET, clock, ttl_seconds=0)
