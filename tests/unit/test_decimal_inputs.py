"""Numbers read from clients (ids, cursors) are ASCII digits only. ``str.isdigit`` also
takes characters ``int`` refuses (``"¹"``), which once made a cursor a 500 (found by the
schema gate); every such text must be a clean ``InvalidInput``/``MalformedCursor``."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from instagram_core.domain.errors import InvalidInput
from instagram_core.domain.ids import is_decimal, parse_id
from instagram_core.services.discovery import PostOrder
from tests.unit.conftest import World

# digits by Unicode's measure that are not ASCII: superscripts, other scripts' digits
NON_ASCII_DIGITS = st.characters(categories=["Nd", "No"]).filter(lambda c: not c.isascii())
TEXT_WITH_ONE = st.builds(
    lambda head, odd, tail: head + odd + tail,
    st.text("0123456789", max_size=5),
    NON_ASCII_DIGITS,
    st.text("0123456789", max_size=5),
)


@given(st.text("0123456789", min_size=1, max_size=30))
def test_ascii_digits_are_decimal(text: str) -> None:
    assert is_decimal(text)


@given(TEXT_WITH_ONE)
def test_any_other_digit_is_not_decimal_and_no_id(text: str) -> None:
    assert not is_decimal(text)
    with pytest.raises(InvalidInput):
        parse_id(text)


def test_cursors_with_other_digits_are_refused_not_crashed(world: World) -> None:
    alice = world.register("alice")
    posts = world.post(alice, caption="#sunset")
    discovery = world.core.discovery()
    for cursor in ("¹:1", f"²:{posts.post_id}", "1:¹", "١٢:1"):
        with pytest.raises(InvalidInput):
            discovery.hashtag_posts(alice.user_id, "sunset", PostOrder.TOP, cursor, 10)
    with pytest.raises(InvalidInput):
        world.core.feed().home(alice.user_id, "r.1.¹", 10)
