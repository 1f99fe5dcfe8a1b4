"""Contract of :class:`~instagram_core.ports.SearchIndex`, run against every adapter."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from instagram_adapters.memory.search import InMemorySearchIndex
from instagram_adapters.sqlite.database import SqliteDatabase
from instagram_adapters.sqlite.search import SqliteSearchIndex
from instagram_core.domain.users import User
from instagram_core.ports import SearchIndex
from instagram_core.ports.search import HashtagHit

T0 = datetime(2024, 5, 1, 12, 0, tzinfo=UTC)


@pytest.fixture(params=["memory", "sqlite"])
def make_index(
    request: pytest.FixtureRequest, tmp_path: Path
) -> Iterator[Callable[[], SearchIndex]]:
    """A factory of fresh, empty indexes (property tests need one per example)."""
    databases: list[SqliteDatabase] = []

    def make() -> SearchIndex:
        if request.param == "memory":
            return InMemorySearchIndex()
        databases.append(SqliteDatabase(tmp_path / f"search-{len(databases)}.db"))
        return SqliteSearchIndex(databases[-1])

    yield make
    for db in databases:
        db.close()


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


def test_query_characters_are_literal_never_wildcards(index: SearchIndex) -> None:
    index.index_user(user("1", "a_b"))
    index.index_user(user("2", "axb", "100% Real"))
    assert list(index.search_users("a_", 10)) == ["1"]
    assert list(index.search_users("100%", 10)) == ["2"]
    assert list(index.search_users("100_", 10)) == []
    assert list(index.search_users("%", 10)) == []
    assert list(index.search_users("_", 10)) == []


def test_text_compares_after_nfkc_and_case_folding(index: SearchIndex) -> None:
    index.index_user(user("1", "strasse", "Große \uff26\uff49nk"))  # fullwidth F and i
    assert list(index.search_users("GROSSE", 10)) == ["1"]
    assert list(index.search_users("fin", 10)) == ["1"]
    assert list(index.search_users("\uff46\uff49", 10)) == ["1"]
    assert list(index.search_users("@STR", 10)) == ["1"]


def test_shorter_means_fewer_characters_not_fewer_bytes(index: SearchIndex) -> None:
    index.index_user(user("four", "éabc"))  # 4 characters, 5 bytes of UTF-8
    index.index_user(user("three", "ééé"))  # 3 characters, 6 bytes of UTF-8
    assert list(index.search_users("é", 10)) == ["three", "four"]


def test_prefixes_ending_in_the_highest_code_point_match(index: SearchIndex) -> None:
    top = "\U0010ffff"
    index.index_user(user("1", f"z{top}"))
    index.index_user(user("2", f"z{top}q"))
    index.index_user(user("3", "zz"))
    assert list(index.search_users(f"z{top}", 10)) == ["1", "2"]
    assert list(index.search_users("z", 10)) == ["3", "1", "2"]


def test_a_limit_below_one_finds_nothing(index: SearchIndex) -> None:
    index.index_user(user("1", "alice"))
    index.add_hashtags(1, ["alps"])
    assert list(index.search_users("a", 0)) == []
    assert list(index.search_hashtags("", 0)) == []


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


def test_hash_signs_are_ignored_and_wildcards_are_literal(index: SearchIndex) -> None:
    index.add_hashtags(1, ["#Sun_Set", "sunXset"])
    assert list(index.search_hashtags("#SUN_", 10)) == [HashtagHit("sun_set", 1)]
    assert list(index.search_hashtags("%", 10)) == []


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


@settings(
    max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
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


letters = st.sampled_from(
    ["a", "A", "b", "é", "E\u0301", "ß", "s", " ", "_", "%", "@", "\ufb01", "\U0010ffff", "\ud800"]
)
names = st.lists(letters, max_size=5).map("".join)
documents = st.lists(st.tuples(st.integers(1, 4), names, names), max_size=12)


@settings(
    max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    documents=documents,
    query=st.tuples(names, st.sampled_from(["", "1", "2"])).map("".join),
    limit=st.integers(0, 5),
)
def test_user_search_answers_what_the_in_memory_index_answers(
    make_index: Callable[[], SearchIndex],
    documents: list[tuple[int, str, str]],
    query: str,
    limit: int,
) -> None:
    # Usernames end in the user id, so no two users' usernames fold alike and the ranking
    # has no ties for the two indexes to break differently.
    index, model = make_index(), InMemorySearchIndex()
    for user_id, name, display_name in documents:
        document = user(str(user_id), f"{name}{user_id}", display_name)
        index.index_user(document)
        model.index_user(document)
    assert list(index.search_users(query, limit)) == list(model.search_users(query, limit))


def test_sqlite_index_survives_reopening(tmp_path: Path) -> None:
    path = tmp_path / "search.db"
    db = SqliteDatabase(path)
    first = SqliteSearchIndex(db)
    first.index_user(user("1", "alice", "Alice Liddell"))
    first.add_hashtags(1, ["wonderland", "tea"])
    first.add_hashtags(2, ["wonderland"])
    db.close()

    reopened = SqliteDatabase(path)
    try:
        again = SqliteSearchIndex(reopened)
        assert list(again.search_users("lid", 10)) == ["1"]
        assert list(again.search_hashtags("", 10)) == [
            HashtagHit("wonderland", 2),
            HashtagHit("tea", 1),
        ]
        again.add_hashtags(1, ["wonderland"])  # still counted once after the restart
        again.remove_hashtags(2, ["wonderland"])
        assert list(again.search_hashtags("", 10)) == [
            HashtagHit("tea", 1),
            HashtagHit("wonderland", 1),
        ]
    finally:
        reopened.close()
