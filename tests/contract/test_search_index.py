"""Contract of :class:`~instagram_core.ports.SearchIndex`, run against every adapter."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import UTC, datetime

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from adapters.memory.search import InMemorySearchIndex
from instagram_core.domain.users import User
from instagram_core.ports import SearchIndex
from instagram_core.ports.search import HashtagHit

T0 = datetime(2024, 5, 1, 12, 0, tzinfo=UTC)


@pytest.fixture(params=[pytest.param(InMemorySearchIndex, id="memory")])
def make_index(request: pytest.FixtureRequest) -> Callable[[], SearchIndex]:
    factory: Callable[[], SearchIndex] = request.param
    return factory


@pytest.fixture
def index(make_index: Callable[[], SearchIndex]) -> SearchIndex:
    return make_index()


def user(user_id: str, username: str, display_name: str = "") -> User:
    return User(user_id=user_id, username=username, display_name=display_name, created_at=T0)


def test_users_are_found_by_username_prefix_case_insensitively(index: SearchIndex) -> None:
    index.index_user(user("1", "alice"))
    index.index_user(user("2", "bob"))
    assert list(index.search_users("AL", 10)) == ["1"]
    assert list(index.search_users("alice", 10)) == ["1"]
    assert list(index.search_users("lice", 10)) == []


def test_users_are_found_by_any_display_name_word(index: SearchIndex) -> None:
    index.index_user(user("1", "jd_1990", "Jane Dolores Doe"))
    assert list(index.search_users("dol", 10)) == ["1"]
    assert list(index.search_users("DOE", 10)) == ["1"]
    assert list(index.search_users("jane do", 10)) == ["1"]
    assert list(index.search_users("ane", 10)) == []


def test_exact_username_first_then_shorter_then_alphabetical(index: SearchIndex) -> None:
    index.index_user(user("long", "annabelle"))
    index.index_user(user("by-name", "zed", "Ann Smith"))
    index.index_user(user("exact", "ann"))
    index.index_user(user("b", "annb"))
    index.index_user(user("a", "anna"))
    # "zed" matches through its display name and ranks by its (short) username
    assert list(index.search_users("ann", 10)) == ["exact", "by-name", "a", "b", "long"]


def test_limit_caps_the_results(index: SearchIndex) -> None:
    for n in range(5):
        index.index_user(user(str(n), f"sam{n}"))
    assert list(index.search_users("sam", 3)) == ["0", "1", "2"]


def test_indexing_a_user_again_replaces_the_document(index: SearchIndex) -> None:
    index.index_user(user("1", "alice", "Old Name"))
    index.index_user(user("1", "alice", "New Name"))
    assert list(index.search_users("old", 10)) == []
    assert list(index.search_users("new", 10)) == ["1"]
    assert list(index.search_users("a", 10)) == ["1"]


def test_a_user_matching_twice_is_listed_once(index: SearchIndex) -> None:
    index.index_user(user("1", "max", "Max Maxwell"))
    assert list(index.search_users("max", 10)) == ["1"]


def test_an_empty_query_finds_nobody(index: SearchIndex) -> None:
    index.index_user(user("1", "alice"))
    assert list(index.search_users("", 10)) == []
    assert list(index.search_users("   ", 10)) == []


def test_hashtags_rank_by_use_then_alphabetically(index: SearchIndex) -> None:
    index.add_hashtags(1, ["sunset", "sun"])
    index.add_hashtags(2, ["sunset", "sunday"])
    index.add_hashtags(3, ["sunset", "sun", "beach"])
    assert list(index.search_hashtags("sun", 10)) == [
        HashtagHit("sunset", 3),
        HashtagHit("sun", 2),
        HashtagHit("sunday", 1),
    ]
    assert list(index.search_hashtags("sun", 1)) == [HashtagHit("sunset", 3)]


def test_hashtags_match_case_insensitively(index: SearchIndex) -> None:
    index.add_hashtags(1, ["travel"])
    assert list(index.search_hashtags("TRAV", 10)) == [HashtagHit("travel", 1)]


def test_indexing_the_same_post_again_changes_nothing(index: SearchIndex) -> None:
    index.add_hashtags(1, ["cat", "cat"])
    index.add_hashtags(1, ["cat"])
    assert list(index.search_hashtags("cat", 10)) == [HashtagHit("cat", 1)]


def test_removing_uncounts_and_is_a_no_op_where_not_counted(index: SearchIndex) -> None:
    index.add_hashtags(1, ["cat", "dog"])
    index.add_hashtags(2, ["cat"])
    index.remove_hashtags(1, ["cat", "dog", "never"])
    index.remove_hashtags(3, ["cat"])
    assert list(index.search_hashtags("", 10)) == [HashtagHit("cat", 1)]


def test_concurrent_hashtag_counts_are_exact(index: SearchIndex) -> None:
    def tag_posts(first: int) -> None:
        for post_id in range(first, 400, 4):
            index.add_hashtags(post_id, ["busy"])

    threads = [threading.Thread(target=tag_posts, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert list(index.search_hashtags("busy", 1)) == [HashtagHit("busy", 400)]


tags = st.sampled_from(["a", "ab", "abc", "b", "ba"])
operations = st.lists(
    st.tuples(st.booleans(), st.integers(1, 6), st.lists(tags, max_size=3)), max_size=40
)


@settings(max_examples=100, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(operations=operations, prefix=st.sampled_from(["", "a", "ab", "b", "c"]))
def test_hashtag_counts_match_a_set_model(
    make_index: Callable[[], SearchIndex],
    operations: list[tuple[bool, int, list[str]]],
    prefix: str,
) -> None:
    index = make_index()
    model: dict[str, set[int]] = {}
    for adding, post_id, chosen in operations:
        for tag in chosen:
            posts = model.setdefault(tag, set())
            (posts.add if adding else posts.discard)(post_id)
        (index.add_hashtags if adding else index.remove_hashtags)(post_id, chosen)
    expected = sorted(
        (HashtagHit(tag, len(posts)) for tag, posts in model.items() if posts),
        key=lambda hit: (-hit.post_count, hit.tag),
    )
    assert list(index.search_hashtags(prefix, 100)) == [
        hit for hit in expected if hit.tag.startswith(prefix)
    ]
