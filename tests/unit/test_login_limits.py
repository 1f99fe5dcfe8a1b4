"""Log-in limits (``docs/security.md``): guesses are bounded per client, per account and
client, and slowly per account, yet no run of wrong passwords, from any clients, locks the
owner out of a device that logged in lately, and a new device gets in once an attack has
been quiet for an hour."""

from __future__ import annotations

import threading

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from instagram_core.domain.errors import RateLimited, Unauthenticated
from instagram_core.policies.rate_limits import (
    LOGIN_ACCOUNT_ATTEMPTS,
    LOGIN_ACCOUNT_SHARE,
    LOGIN_ATTEMPTS,
    LOGIN_CLIENT_FAILURES,
)
from tests.unit.conftest import World, new_world

PROPERTY = settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
PASSWORD = "correct horse"
# (attacking client, seconds before the attempt): bursts from one client and slow
# distributed guessing alike.
ATTACK = st.lists(st.tuples(st.integers(0, 80), st.integers(0, 120)), max_size=150)


def attempt(world: World, password: str, client: str) -> str:
    retry_after = 0.0
    try:
        world.core.accounts().log_in("alice", password, client)
    except Unauthenticated:
        return "wrong"
    except RateLimited as refused:
        retry_after = refused.retry_after
    else:
        return "in"
    assert retry_after > 0
    return "limited"


@PROPERTY
@given(ATTACK)
def test_no_attack_locks_the_owner_out_of_a_device_that_logged_in_lately(
    attack: list[tuple[int, int]],
) -> None:
    world = new_world()
    world.register("alice")
    assert attempt(world, PASSWORD, "alice-phone") == "in"
    for client, pause in attack:
        world.clock.advance(pause)
        attempt(world, "wrong horse", f"10.0.0.{client}")
        assert attempt(world, PASSWORD, "alice-phone") == "in"


@PROPERTY
@given(ATTACK)
def test_guesses_stay_within_every_limit(attack: list[tuple[int, int]]) -> None:
    """Only attempts that reach the password check count as guesses: never more than the
    per-client, per-account-and-client and per-account rules allow in their windows."""
    world = new_world()
    world.register("alice")
    guesses: list[tuple[float, str]] = []
    for client, pause in attack:
        world.clock.advance(pause)
        address = f"10.0.0.{client}"
        if attempt(world, "wrong horse", address) == "wrong":
            guesses.append((world.clock.now().timestamp(), address))
    for start, _ in guesses:
        in_hour = [
            c for t, c in guesses if start <= t < start + LOGIN_ACCOUNT_ATTEMPTS.window_seconds
        ]
        assert len(in_hour) <= LOGIN_ACCOUNT_ATTEMPTS.limit
        for address in set(in_hour):
            in_window = [
                c
                for t, c in guesses
                if c == address and start <= t < start + LOGIN_ATTEMPTS.window_seconds
            ]
            assert len(in_window) <= min(LOGIN_ATTEMPTS.limit, LOGIN_CLIENT_FAILURES.limit)


@PROPERTY
@given(ATTACK)
def test_a_new_device_gets_in_within_an_hour_of_the_attack_stopping(
    attack: list[tuple[int, int]],
) -> None:
    world = new_world()
    world.register("alice")
    for client, pause in attack:
        world.clock.advance(pause)
        attempt(world, "wrong horse", f"10.0.0.{client}")
    wait = 0.0
    try:
        world.core.accounts().log_in("alice", PASSWORD, "alice-new-laptop")
    except RateLimited as refused:
        wait = refused.retry_after
    else:
        return
    assert 0 < wait <= LOGIN_ACCOUNT_ATTEMPTS.window_seconds
    world.clock.advance(wait)
    assert attempt(world, PASSWORD, "alice-new-laptop") == "in"


# Fewer clients than it takes to fill the per-account limit with their shares.
FEW_CLIENTS = LOGIN_ACCOUNT_ATTEMPTS.limit // LOGIN_ACCOUNT_SHARE.limit - 1


def test_one_address_guessing_at_its_full_rate_never_locks_a_new_device_out(world: World) -> None:
    """One attacker address sends all the guesses its per-client limit lets through (10
    every 5 minutes, for two hours): the owner's new device still gets in at every point."""
    world.register("alice")
    for window in range(24):
        outcomes = [attempt(world, "wrong horse", "10.6.6.6") for _ in range(12)]
        assert "limited" in outcomes  # the attacker is held back itself
        assert attempt(world, PASSWORD, f"alice-new-device-{window}") == "in"
        world.clock.advance(LOGIN_ATTEMPTS.window_seconds)


@PROPERTY
@given(
    st.lists(
        st.tuples(st.integers(0, FEW_CLIENTS - 1), st.sampled_from([0, 1, 30, 301])),
        max_size=200,
    )
)
def test_too_few_addresses_to_fill_the_account_limit_never_lock_a_new_device_out(
    attack: list[tuple[int, int]],
) -> None:
    """The per-account limit stops distributed guessing; it takes at least
    ``LOGIN_ACCOUNT_ATTEMPTS.limit / LOGIN_ACCOUNT_SHARE.limit`` distinct clients within an
    hour to fill it, so fewer clients, at any rate, never refuse a device new to the
    account."""
    world = new_world()
    world.register("alice")
    for number, (client, pause) in enumerate(attack):
        world.clock.advance(pause)
        attempt(world, "wrong horse", f"10.0.0.{client}")
        if number % 40 == 39:  # a few checks on the way (each new device counts once too)
            assert attempt(world, PASSWORD, f"alice-new-device-{number}") == "in"
    assert attempt(world, PASSWORD, "alice-new-laptop") == "in"


def test_a_client_is_limited_across_usernames(world: World) -> None:
    names = [f"user{i}" for i in range(LOGIN_CLIENT_FAILURES.limit + 1)]
    outcomes = []
    for name in names:
        try:
            world.core.accounts().log_in(name, "wrong horse", "10.9.9.9")
        except Unauthenticated:
            outcomes.append("wrong")
        except RateLimited:
            outcomes.append("limited")
    assert outcomes == ["wrong"] * LOGIN_CLIENT_FAILURES.limit + ["limited"]


def test_successes_from_one_client_are_never_limited(world: World) -> None:
    """Many people behind one address, or a script setting up accounts, log in freely:
    only failures count against a client."""
    for number in range(2 * LOGIN_CLIENT_FAILURES.limit):
        world.register(f"user{number}")
        world.core.accounts().log_in(f"user{number}", PASSWORD, "10.9.9.9")


@pytest.mark.parametrize("trial", range(200))
def test_concurrent_guesses_from_one_client_never_pass_its_limit(trial: int) -> None:
    """Attempts are counted before the password is checked, atomically: a burst of
    simultaneous guesses gets no more checks than the limit."""
    world = new_world()
    world.register("alice")
    outcomes: list[str] = []
    barrier = threading.Barrier(LOGIN_ATTEMPTS.limit + 5)

    def guess() -> None:
        barrier.wait()
        outcomes.append(attempt(world, "wrong horse", "10.0.0.1"))

    threads = [threading.Thread(target=guess) for _ in range(barrier.parties)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["limited"] * 5 + ["wrong"] * LOGIN_ATTEMPTS.limit
