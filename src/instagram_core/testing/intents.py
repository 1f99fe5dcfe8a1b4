"""Contract of :class:`~instagram_core.ports.Intents`.

The port promises that a message is published after its write and only if ``keep`` says
so, never before the write returned; and, for a durable adapter, that a process stopping
anywhere between recording the message and releasing it loses nothing: after a sweep
(``held`` then ``settle`` with what the store says), a message is delivered if and only
if its write is in the store. Provide ``new_intents_rig``: a fixture returning a function
that builds a fresh :class:`IntentsRig`, whose ``ledger`` is a store the writes go to as
the adapter's real writes would (inside its transaction where it has one), and whose
``delivered`` lists the messages handed to the bus so far. A crash is modelled by a write
that raises after writing, which is the same state a kill leaves: the write made, the
release not run.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from datetime import timedelta
from typing import Protocol

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from instagram_core.domain.events import Message
from instagram_core.ports import Intents
from instagram_core.testing.hypothesis_settings import CONTRACT_HEALTH_CHECKS


@attrs.frozen
class Noted(Message):
    """The message of a test write: the key written."""

    key: str


class Ledger(Protocol):
    def put(self, key: str) -> None: ...

    def has(self, key: str) -> bool: ...


@attrs.frozen
class IntentsRig:
    intents: Intents
    ledger: Ledger
    delivered: Callable[[], list[Message]]
    # False for an adapter over a bus that keeps nothing across a crash anyway: it only
    # promises never to announce a write that did not happen.
    durable: bool = True


class Crash(Exception):
    """Stands for the process stopping right after the write."""


def sweep(rig: IntentsRig) -> None:
    """What the recovery sweep does, with the ledger as the store."""
    for intent in rig.intents.held(timedelta(0), 1000):
        assert isinstance(intent.message, Noted)
        rig.intents.settle(intent, rig.ledger.has(intent.message.key))


def keys(messages: list[Message]) -> list[str]:
    return [m.key for m in messages if isinstance(m, Noted)]


class IntentsContract:
    """Subclass it (as ``Test<YourAdapter>``) and provide ``new_intents_rig``."""

    def test_the_message_follows_the_write_once(
        self, new_intents_rig: Callable[[], IntentsRig]
    ) -> None:
        rig = new_intents_rig()
        seen_during_write: list[list[str]] = []

        def write() -> int:
            seen_during_write.append(keys(rig.delivered()))
            rig.ledger.put("a")
            return 7

        assert rig.intents.run(Noted("a"), write, lambda result: result == 7) == 7
        assert seen_during_write == [[]]  # not announced before the write returned
        assert keys(rig.delivered()) == ["a"]
        assert list(rig.intents.held(timedelta(0), 10)) == []

    def test_a_write_kept_out_publishes_nothing_and_holds_nothing(
        self, new_intents_rig: Callable[[], IntentsRig]
    ) -> None:
        rig = new_intents_rig()
        assert rig.intents.run(Noted("a"), lambda: False, bool) is False
        assert keys(rig.delivered()) == []
        assert list(rig.intents.held(timedelta(0), 10)) == []

    def test_a_crash_after_the_write_loses_nothing_after_the_sweep(
        self, new_intents_rig: Callable[[], IntentsRig]
    ) -> None:
        rig = new_intents_rig()

        def write_then_crash() -> None:
            rig.ledger.put("a")
            raise Crash

        with pytest.raises(Crash):
            rig.intents.run(Noted("a"), write_then_crash, lambda _: True)
        assert keys(rig.delivered()) == []  # nothing published by the crashed call
        sweep(rig)
        if rig.durable:
            # Delivered if and only if the write stayed (a transactional store rolls it
            # back with the message; any other store keeps it, and so the message).
            assert keys(rig.delivered()) == (["a"] if rig.ledger.has("a") else [])
        else:
            assert keys(rig.delivered()) == []
        assert list(rig.intents.held(timedelta(0), 10)) == []

    def test_a_write_that_never_happened_is_never_announced(
        self, new_intents_rig: Callable[[], IntentsRig]
    ) -> None:
        rig = new_intents_rig()

        def fail() -> None:
            raise Crash

        with pytest.raises(Crash):
            rig.intents.run(Noted("a"), fail, lambda _: True)
        sweep(rig)
        assert keys(rig.delivered()) == []
        assert not rig.ledger.has("a")

    def test_an_intent_younger_than_asked_is_left_to_its_write(
        self, new_intents_rig: Callable[[], IntentsRig]
    ) -> None:
        rig = new_intents_rig()

        def write_then_crash() -> None:
            rig.ledger.put("a")
            raise Crash

        with pytest.raises(Crash):
            rig.intents.run(Noted("a"), write_then_crash, lambda _: True)
        assert list(rig.intents.held(timedelta(hours=1), 10)) == []

    def test_settling_twice_is_harmless(self, new_intents_rig: Callable[[], IntentsRig]) -> None:
        rig = new_intents_rig()

        def write_then_crash() -> None:
            rig.ledger.put("a")
            raise Crash

        with pytest.raises(Crash):
            rig.intents.run(Noted("a"), write_then_crash, lambda _: True)
        held = list(rig.intents.held(timedelta(0), 10))
        for intent in held * 2:
            rig.intents.settle(intent, happened=True)
        expected = 1 if rig.durable and rig.ledger.has("a") else 0
        assert keys(rig.delivered()).count("a") >= expected
        assert list(rig.intents.held(timedelta(0), 10)) == []

    @settings(max_examples=20, deadline=None, suppress_health_check=CONTRACT_HEALTH_CHECKS)
    @given(st.lists(st.tuples(st.booleans(), st.booleans(), st.booleans()), min_size=1, max_size=8))
    def test_after_a_sweep_a_message_is_delivered_iff_its_write_is_stored(
        self, new_intents_rig: Callable[[], IntentsRig], steps: list[tuple[bool, bool, bool]]
    ) -> None:
        """Each step writes (or not), crashes (or not), and keeps its message when it wrote;
        in any order and mix, the delivered set ends equal to the stored set (a subset of
        it for a bus that is not durable)."""
        rig = new_intents_rig()
        for n, (lands, crashes, late) in enumerate(steps):
            key = f"k{n}"

            def write(key: str = key, lands: bool = lands, crashes: bool = crashes) -> bool:
                if lands:
                    rig.ledger.put(key)
                if crashes:
                    raise Crash
                return lands

            with contextlib.suppress(Crash):
                rig.intents.run(Noted(key), write, bool)
            if late:
                sweep(rig)
        sweep(rig)
        delivered = set(keys(rig.delivered()))
        stored = {f"k{n}" for n in range(len(steps)) if rig.ledger.has(f"k{n}")}
        if rig.durable:
            assert delivered == stored
        else:
            assert delivered <= stored
        assert list(rig.intents.held(timedelta(0), 10)) == []
