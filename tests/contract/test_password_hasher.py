"""Contract of :class:`~instagram_core.ports.PasswordHasher`, run against every adapter."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from instagram_adapters.argon2 import Argon2PasswordHasher
from instagram_core.ports import PasswordHasher

PASSWORD = "correct horse battery staple"


@pytest.fixture(params=[pytest.param(Argon2PasswordHasher.fast_for_tests, id="argon2")])
def hasher(request: pytest.FixtureRequest) -> PasswordHasher:
    factory: Callable[[], PasswordHasher] = request.param
    return factory()


def test_a_hash_verifies_its_password(hasher: PasswordHasher) -> None:
    assert hasher.verify(hasher.hash(PASSWORD), PASSWORD)


def test_a_wrong_password_does_not_verify(hasher: PasswordHasher) -> None:
    stored = hasher.hash(PASSWORD)
    assert hasher.verify(stored, PASSWORD + "!") is False
    assert hasher.verify(stored, "") is False


def test_hashes_are_salted(hasher: PasswordHasher) -> None:
    first, second = hasher.hash(PASSWORD), hasher.hash(PASSWORD)
    assert first != second
    assert PASSWORD not in first


def test_unicode_passwords_round_trip(hasher: PasswordHasher) -> None:
    password = "pässwörd 🔑 密码"
    assert hasher.verify(hasher.hash(password), password)


@pytest.mark.parametrize(
    "malformed",
    ["", "not a hash", "$argon2id$v=19$m=8,t=1,p=1$bad", "$2b$12$abcdefghijklmnopqrstuv", "\x00"],
)
def test_a_malformed_hash_verifies_nothing_and_never_raises(
    hasher: PasswordHasher, malformed: str
) -> None:
    assert hasher.verify(malformed, PASSWORD) is False


@settings(
    max_examples=60,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(garbage=st.text(max_size=120), password=st.text(max_size=30))
def test_verify_never_raises_on_arbitrary_input(
    hasher: PasswordHasher, garbage: str, password: str
) -> None:
    assert hasher.verify(garbage, password) is False


def test_a_current_hash_needs_no_rehash(hasher: PasswordHasher) -> None:
    assert hasher.needs_rehash(hasher.hash(PASSWORD)) is False


def test_argon2_hash_with_weaker_parameters_needs_rehash() -> None:
    weak = Argon2PasswordHasher.fast_for_tests().hash(PASSWORD)
    stronger = Argon2PasswordHasher(time_cost=2, memory_cost=16, parallelism=1)
    assert stronger.needs_rehash(weak)
    assert stronger.verify(weak, PASSWORD)  # old hashes still log in, then get upgraded


def test_argon2_malformed_hash_needs_rehash() -> None:
    assert Argon2PasswordHasher.fast_for_tests().needs_rehash("not a hash")


def test_argon2_hashes_are_argon2id_phc_strings() -> None:
    assert Argon2PasswordHasher.fast_for_tests().hash(PASSWORD).startswith("$argon2id$v=19$")
