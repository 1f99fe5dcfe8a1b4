"""Input rules of the core and of the request guard, as properties over their inputs."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from instagram_core.domain.errors import InvalidInput
from instagram_core.domain.users import (
    DOT_SEGMENTS,
    MAX_PASSWORD_LENGTH,
    MIN_PASSWORD_LENGTH,
    USERNAME_PATTERN,
    check_new_username,
    check_password,
)
from instagram_core.services.search import SearchService
from instagram_entrypoints.http.request_guard import json_depth
from instagram_entrypoints.http.routes import reserved_usernames
from tests.unit.conftest import new_world

RESERVED = reserved_usernames()
VALID_NAMES = st.from_regex(USERNAME_PATTERN, fullmatch=True)


@settings(deadline=None)  # timing is not the property; CI machines are loaded
@given(
    word=st.sampled_from(sorted(RESERVED | DOT_SEGMENTS)),
    upper=st.lists(st.booleans(), min_size=30, max_size=30),
    pad=st.sampled_from(["", " ", "  ", "\t"]),
)
def test_every_reserved_name_is_refused_in_any_letter_case(
    word: str, upper: list[bool], pad: str
) -> None:
    spelled = "".join(c.upper() if up else c for c, up in zip(word, upper, strict=False))
    with pytest.raises(InvalidInput, match="reserved"):
        check_new_username(pad + spelled + pad, RESERVED)


@settings(deadline=None)  # timing is not the property; CI machines are loaded
@given(VALID_NAMES)
def test_every_other_valid_name_is_accepted(name: str) -> None:
    if name in RESERVED or name in DOT_SEGMENTS:
        return
    assert check_new_username(name, RESERVED) == name


def test_the_account_service_refuses_route_words_and_dot_segments() -> None:
    world = new_world()
    for name in ("me", "ME", ".", "..", "posts", "followers"):
        with pytest.raises(InvalidInput, match="reserved"):
            world.core.accounts().register(name, "correct horse")
    assert world.core.accounts().register("me.too", "correct horse").username == "me.too"


@settings(deadline=None)  # timing is not the property; CI machines are loaded
@given(st.integers(min_value=0, max_value=3 * MAX_PASSWORD_LENGTH))
def test_a_password_length_error_names_the_bound_it_breaks(length: int) -> None:
    if MIN_PASSWORD_LENGTH <= length <= MAX_PASSWORD_LENGTH:
        check_password("p" * length)
        return
    expected = "at least" if length < MIN_PASSWORD_LENGTH else "at most"
    with pytest.raises(InvalidInput, match=expected):
        check_password("p" * length)


def _nested(depth: int, leaf: Any) -> Any:
    for level in range(depth):
        leaf = [leaf] if level % 2 else {"k": leaf}
    return leaf


@settings(deadline=None)  # timing is not the property; CI machines are loaded
@given(depth=st.integers(min_value=0, max_value=200), text=st.text())
def test_json_depth_counts_nesting_and_ignores_brackets_in_strings(depth: int, text: str) -> None:
    body = json.dumps(_nested(depth, text)).encode()
    assert json_depth(body) == depth


@settings(max_examples=30, deadline=None)
@given(st.integers(min_value=0, max_value=200_000))
def test_json_depth_never_recurses(depth: int) -> None:
    assert json_depth(b"[" * depth + b"]" * depth) == depth


@pytest.fixture(scope="module")
def search() -> SearchService:
    service: SearchService = new_world().core.search()
    return service


@settings(deadline=None)  # timing is not the property; CI machines are loaded
@given(limit=st.integers().filter(lambda n: not 1 <= n <= 50))
def test_search_and_trending_refuse_limits_outside_1_to_50(
    search: SearchService, limit: int
) -> None:
    with pytest.raises(InvalidInput, match="limit"):
        search.search("viewer", "a", limit)
    with pytest.raises(InvalidInput, match="limit"):
        search.trending(limit)
