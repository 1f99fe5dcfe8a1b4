"""Contract of :class:`~instagram_core.ports.SearchIndex`, run against every adapter."""

from __future__ import annotations

import math
import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from elasticsearch import Elasticsearch
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from instagram_adapters.elasticsearch.search import (
    ElasticsearchSearchIndex,
    alias_names,
    ensure_indexes,
)
from instagram_adapters.memory.search import InMemorySearchIndex
from instagram_adapters.sqlite.database import SqliteDatabase
from instagram_adapters.sqlite.search import SqliteSearchIndex
from instagram_core.policies.places import distance_km
from instagram_core.ports import SearchIndex
from instagram_core.ports.search import (
    Audience,
    HashtagHit,
    MatchTier,
    PlaceDocument,
    PostDocument,
    UserDocument,
)
from tests.jvm_engines import ElasticsearchServer

T0 = datetime(2024, 5, 1, 12, 0, tzinfo=UTC)
EVERYONE = Audience(hidden=frozenset(), private_allowed=frozenset())
ADAPTERS = ["memory", "sqlite", "elasticsearch"]


@pytest.fixture
def new_es_index(es_server: ElasticsearchServer) -> Iterator[Callable[[], SearchIndex]]:
    """Empty indexes behind their own aliases, refreshed on every write."""
    client = Elasticsearch([es_server.url])
    prefixes: list[str] = []

    def make() -> SearchIndex:
        """The first call creates the indexes; later ones (property examples) empty them,
        which is much faster than creating new ones."""
        if not prefixes:
            prefixes.append(f"contract-{uuid.uuid4().hex[:12]}")
            ensure_indexes(client, prefixes[-1])
        else:
            client.transport.perform_request(
                "POST",
                f"/{prefixes[-1]}-*/_delete_by_query",
                params={"refresh": "true", "conflicts": "proceed"},
                body={"query": {"match_all": {}}},
                headers={"content-type": "application/json"},
            )
        users, posts = alias_names(prefixes[-1])
        return ElasticsearchSearchIndex(client, users, posts, refresh=True)

    yield make
    for prefix in prefixes:
        client.transport.perform_request("DELETE", f"/{prefix}-*")
    client.close()


@pytest.fixture(params=ADAPTERS)
def make_index(
    request: pytest.FixtureRequest, tmp_path: Path
) -> Iterator[Callable[[], SearchIndex]]:
    """A factory of fresh, empty indexes (property tests need one per example)."""
    databases: list[SqliteDatabase] = []
    made: list[SearchIndex] = []

    def make() -> SearchIndex:
        if request.param == "memory":
            return InMemorySearchIndex()
        if request.param == "elasticsearch":
            factory: Callable[[], SearchIndex] = request.getfixturevalue("new_es_index")
            made.append(factory())
            return made[-1]
        databases.append(SqliteDatabase(tmp_path / f"search-{len(databases)}.db"))
        return SqliteSearchIndex(databases[-1])

    yield make
    for db in databases:
        db.close()


@pytest.fixture
def index(make_index: Callable[[], SearchIndex]) -> SearchIndex:
    return make_index()


def user(
    user_id: str,
    username: str,
    display_name: str = "",
    *,
    private: bool = False,
    verified: bool = False,
    followers: int = 0,
) -> UserDocument:
    return UserDocument(user_id, username, display_name, private, verified, followers)


def post(
    post_id: int,
    author: str,
    tags: tuple[str, ...] = (),
    place: PlaceDocument | None = None,
    *,
    private: bool = False,
) -> PostDocument:
    return PostDocument(post_id, author, private, T0 + timedelta(seconds=post_id), tags, place)


def audience(hidden: set[str] = set(), allowed: set[str] = set()) -> Audience:  # noqa: B006
    return Audience(frozenset(hidden), frozenset(allowed))


def ids(index: SearchIndex, query: str, hidden: set[str] = set(), limit: int = 10) -> list[str]:  # noqa: B006
    return [hit.user_id for hit in index.search_users(query, frozenset(hidden), limit)]


# -- users ---------------------------------------------------------------------------------


def test_users_match_a_username_prefix_from_the_first_character(index: SearchIndex) -> None:
    index.put_user(user("1", "alice"))
    index.put_user(user("2", "bob"))
    assert ids(index, "a") == ["1"]
    assert ids(index, "AL") == ["1"]
    assert ids(index, "@ali") == ["1"]
    assert ids(index, "xyz") == []


def test_users_match_the_display_name_and_each_of_its_words(index: SearchIndex) -> None:
    index.put_user(user("1", "jd_1990", "Jane Dolores Doe"))
    assert ids(index, "dol") == ["1"]
    assert ids(index, "DOE") == ["1"]
    assert ids(index, "jane do") == ["1"]


def test_text_compares_after_nfkc_and_case_folding(index: SearchIndex) -> None:
    index.put_user(user("1", "strasse", "Große \uff26\uff49nk"))  # fullwidth F and i
    assert ids(index, "GROSSE") == ["1"]
    assert ids(index, "fin") == ["1"]


def test_one_edit_is_forgiven_from_three_characters(index: SearchIndex) -> None:
    index.put_user(user("1", "alice"))
    assert ids(index, "alx") == ["1"]  # a substitution at three characters
    assert ids(index, "alcie") == ["1"]  # a swapped pair is one edit
    assert ids(index, "xl") == []  # two characters: prefixes only
    assert ids(index, "axcie") == []  # two edits in five characters


def test_two_edits_are_forgiven_from_six_characters(index: SearchIndex) -> None:
    index.put_user(user("1", "photographer"))
    assert ids(index, "fotograph") == ["1"]  # ph -> f (a substitution and a deletion)
    assert ids(index, "phtoogr") == ["1"]  # two swapped pairs
    assert ids(index, "fotogrxph") == []  # three edits


def test_an_exact_username_ranks_first_then_prefix_matches_then_typos(
    index: SearchIndex,
) -> None:
    index.put_user(user("typo", "annx", verified=True, followers=10**9))
    index.put_user(user("prefix", "annemarie"))
    index.put_user(user("exact", "anne"))
    index.put_user(user("famous", "anneliese", followers=10**6))
    result = index.search_users("anne", frozenset(), 10)
    assert [h.user_id for h in result] == ["exact", "famous", "prefix", "typo"]
    assert [h.tier for h in result] == [
        MatchTier.EXACT,
        MatchTier.PREFIX,
        MatchTier.PREFIX,
        MatchTier.FUZZY,
    ]


def test_static_score_is_tier_verified_and_log_followers(index: SearchIndex) -> None:
    index.put_user(user("plain", "sama"))
    index.put_user(user("verified", "samb", verified=True))
    index.put_user(user("popular", "samc", followers=999))
    hits = index.search_users("sam", frozenset(), 10)
    assert [h.user_id for h in hits] == ["verified", "popular", "plain"]
    scores = {h.user_id: h.score for h in hits}
    assert scores["plain"] == pytest.approx(200.0)
    assert scores["verified"] == pytest.approx(205.0)
    assert scores["popular"] == pytest.approx(200.0 + math.log10(1000), rel=1e-5)


def test_ties_break_by_username(index: SearchIndex) -> None:
    for n, name in enumerate(["samc", "sama", "samb"]):
        index.put_user(user(str(n), name))
    assert ids(index, "sam") == ["1", "2", "0"]
    assert ids(index, "sam", limit=2) == ["1", "2"]


def test_hidden_users_are_never_returned(index: SearchIndex) -> None:
    index.put_user(user("1", "alice"))
    index.put_user(user("2", "alicia"))
    assert ids(index, "ali", hidden={"1"}) == ["2"]
    assert ids(index, "alice", hidden={"1"}) == ["2"]  # not even by its exact name


def test_putting_a_user_again_replaces_the_document(index: SearchIndex) -> None:
    index.put_user(user("1", "alice", "Old Name"))
    index.put_user(user("1", "alice", "New Name", verified=True))
    assert ids(index, "old") == []
    assert ids(index, "new") == ["1"]
    assert index.search_users("new", frozenset(), 1)[0].score == pytest.approx(205.0)


def test_an_empty_query_finds_nobody_and_wildcards_are_literal(index: SearchIndex) -> None:
    index.put_user(user("1", "a_b"))
    index.put_user(user("2", "axb", "100% Real"))
    assert ids(index, "") == []
    assert ids(index, "a_") == ["1"]
    assert ids(index, "100%") == ["2"]
    assert ids(index, "*") == []


# -- hashtags ------------------------------------------------------------------------------


def test_hashtag_counts_only_posts_the_audience_may_see(index: SearchIndex) -> None:
    index.put_user(user("pub", "pub"))
    index.put_user(user("priv", "priv", private=True))
    index.put_post(post(1, "pub", ("sunset",)))
    index.put_post(post(2, "priv", ("sunset",), private=True))
    index.put_post(post(3, "priv", ("#Sunset",), private=True))
    assert index.hashtag_count("sunset", EVERYONE) == 1
    assert index.hashtag_count("#SUNSET", audience(allowed={"priv"})) == 3
    assert index.hashtag_count("sunset", audience(hidden={"pub"}, allowed={"priv"})) == 2
    assert index.hashtag_count("sunset", audience(hidden={"pub"})) == 0
    assert index.hashtag_count("never", EVERYONE) == 0


def test_a_privacy_flip_recounts_every_post_of_the_author(index: SearchIndex) -> None:
    index.put_user(user("a", "ann"))
    index.put_post(post(1, "a", ("cat",)))
    index.put_post(post(2, "a", ("cat", "dog")))
    index.put_user(user("a", "ann", private=True))
    assert index.hashtag_count("cat", EVERYONE) == 0
    assert list(index.search_hashtags("", EVERYONE, 10)) == []
    assert index.tagged_posts("cat", EVERYONE, None, 10) == []
    index.put_user(user("a", "ann", private=False))
    assert index.hashtag_count("cat", EVERYONE) == 2


def test_hashtags_match_by_prefix_and_typo_and_rank_by_tier_then_count(
    index: SearchIndex,
) -> None:
    index.put_user(user("a", "ann"))
    for post_id, tags in enumerate(
        [("travel", "travelgram"), ("travelgram",), ("travelgram",), ("trevel",), ("food",)], 1
    ):
        index.put_post(post(post_id, "a", tags))
    hits = list(index.search_hashtags("travel", EVERYONE, 10))
    assert [(h.tag, h.post_count, h.tier) for h in hits] == [
        ("travel", 1, MatchTier.EXACT),
        ("travelgram", 3, MatchTier.PREFIX),
        ("trevel", 1, MatchTier.FUZZY),
    ]
    assert [h.tag for h in index.search_hashtags("#TRAV", EVERYONE, 1)] == ["travelgram"]
    assert [h.tag for h in index.search_hashtags("", EVERYONE, 10)] == [
        "travelgram",
        "food",
        "travel",
        "trevel",
    ]


def test_tags_with_no_visible_post_are_not_listed(index: SearchIndex) -> None:
    index.put_user(user("p", "p", private=True))
    index.put_post(post(1, "p", ("secret",), private=True))
    assert list(index.search_hashtags("secret", EVERYONE, 10)) == []
    assert list(index.search_hashtags("secret", audience(allowed={"p"}), 10)) == [
        HashtagHit("secret", 1, MatchTier.EXACT)
    ]


def test_putting_a_post_again_changes_nothing_and_removing_uncounts(index: SearchIndex) -> None:
    index.put_user(user("a", "ann"))
    index.put_post(post(1, "a", ("cat", "cat")))
    index.put_post(post(1, "a", ("cat",)))
    index.put_post(post(2, "a", ("cat", "dog")))
    assert index.hashtag_count("cat", EVERYONE) == 2
    index.remove_post(2)
    index.remove_post(99)  # unknown: a no-op
    assert index.hashtag_count("cat", EVERYONE) == 1
    assert [h.tag for h in index.search_hashtags("", EVERYONE, 10)] == ["cat"]


def test_tagged_posts_are_newest_first_keyset_paginated_and_filtered(index: SearchIndex) -> None:
    index.put_user(user("a", "ann"))
    index.put_user(user("b", "bob"))
    index.put_user(user("p", "pat", private=True))
    for post_id in range(1, 8):
        author = ["a", "b", "p"][post_id % 3]
        index.put_post(post(post_id, author, ("x",), private=author == "p"))
    seen = audience(hidden={"b"})
    assert list(index.tagged_posts("x", seen, None, 2)) == [6, 3]
    assert list(index.tagged_posts("#X", seen, 3, 2)) == []
    everyone_allowed = audience(allowed={"p"})
    assert list(index.tagged_posts("x", everyone_allowed, None, 10)) == [7, 6, 5, 4, 3, 2, 1]
    assert list(index.tagged_posts("x", everyone_allowed, 5, 2)) == [4, 3]


# -- places --------------------------------------------------------------------------------

CAFE = PlaceDocument("cafe", "Café Central", 48.2104, 16.3655)
CAFE_LATER = PlaceDocument("cafe", "cafe central", 48.2105, 16.3656)
OPERA = PlaceDocument("opera", "Vienna State Opera", 48.2030, 16.3690)
EIFFEL = PlaceDocument("eiffel", "Eiffel Tower", 48.8584, 2.2945)


def test_places_are_searchable_by_name_with_visible_counts(index: SearchIndex) -> None:
    index.put_user(user("a", "ann"))
    index.put_user(user("p", "pat", private=True))
    index.put_post(post(2, "a", place=CAFE))
    index.put_post(post(5, "a", place=CAFE_LATER))
    index.put_post(post(3, "p", place=CAFE, private=True))
    index.put_post(post(4, "a", place=OPERA))
    hits = list(index.search_places("cen", EVERYONE, 10))
    assert [(h.place, h.post_count) for h in hits] == [(CAFE, 2)]
    assert [h.post_count for h in index.search_places("café", audience(allowed={"p"}), 10)] == [3]
    found = index.search_places("vienna state op", EVERYONE, 10)
    assert [h.place.place_id for h in found] == ["opera"]
    assert [h.place.place_id for h in index.search_places("opra", EVERYONE, 10)] == ["opera"]


def test_a_place_takes_the_name_and_point_of_its_earliest_post(index: SearchIndex) -> None:
    index.put_user(user("a", "ann"))
    index.put_post(post(5, "a", place=CAFE_LATER))
    index.put_post(post(2, "a", place=CAFE))
    found = index.place("cafe", EVERYONE)
    assert found is not None
    assert (found.place, found.post_count) == (CAFE, 2)
    index.remove_post(2)
    found = index.place("cafe", EVERYONE)
    assert found is not None
    assert (found.place, found.post_count) == (CAFE_LATER, 1)
    index.remove_post(5)
    assert index.place("cafe", EVERYONE) is None


def test_nearby_places_are_nearest_first_within_the_radius(index: SearchIndex) -> None:
    index.put_user(user("a", "ann"))
    index.put_user(user("h", "hid"))
    for post_id, place in enumerate([CAFE, OPERA, EIFFEL], 1):
        index.put_post(post(post_id, "a", place=place))
    index.put_post(post(9, "h", place=PlaceDocument("hidden", "Hidden", 48.2034, 16.3681)))
    near = list(index.nearby_places(48.2035, 16.3680, 5.0, audience(hidden={"h"}), 10))
    assert [n.place.place_id for n in near] == ["opera", "cafe"]
    assert near[0].distance_km == pytest.approx(
        distance_km(48.2035, 16.3680, 48.2030, 16.3690), rel=1e-3
    )
    wide = index.nearby_places(48.2035, 16.3680, 2000.0, EVERYONE, 10)
    assert [n.place.place_id for n in wide] == ["hidden", "opera", "cafe", "eiffel"]
    assert [n.place.place_id for n in index.nearby_places(48.2, 16.37, 2000.0, EVERYONE, 1)] == [
        "opera"
    ]


def test_place_posts_are_newest_first_and_filtered(index: SearchIndex) -> None:
    index.put_user(user("a", "ann"))
    index.put_user(user("p", "pat", private=True))
    index.put_post(post(1, "a", place=CAFE))
    index.put_post(post(2, "p", place=CAFE, private=True))
    index.put_post(post(3, "a", place=CAFE_LATER))
    assert list(index.place_posts("cafe", EVERYONE, None, 10)) == [3, 1]
    assert list(index.place_posts("cafe", audience(allowed={"p"}), 3, 10)) == [2, 1]
    assert list(index.place_posts("nowhere", EVERYONE, None, 10)) == []


# -- a model -------------------------------------------------------------------------------

authors = st.sampled_from(["a", "b", "c"])
operations = st.lists(
    st.one_of(
        st.tuples(
            st.just("post"),
            st.integers(1, 8),
            authors,
            st.lists(st.sampled_from(["x", "xy", "y"]), max_size=2),
        ),
        st.tuples(st.just("remove"), st.integers(1, 8), authors, st.just([])),
        st.tuples(st.just("privacy"), st.integers(0, 1), authors, st.just([])),
    ),
    max_size=25,
)


@pytest.mark.timeout(600)  # on Elasticsearch every example refreshes its writes
@settings(
    max_examples=40,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    operations=operations,
    hidden=st.sets(authors),
    allowed=st.sets(authors),
    prefix=st.sampled_from(["", "x", "y"]),
)
def test_counts_and_pages_match_a_set_model(
    make_index: Callable[[], SearchIndex],
    operations: list[tuple[str, int, str, list[str]]],
    hidden: set[str],
    allowed: set[str],
    prefix: str,
) -> None:
    index = make_index()
    private = dict.fromkeys("abc", False)
    posts: dict[int, tuple[str, set[str]]] = {}
    for name in "abc":
        index.put_user(user(name, f"user{name}"))
    for kind, number, author, tags in operations:
        if kind == "post":
            posts[number] = (author, set(tags))
            index.put_post(post(number, author, tuple(tags), private=private[author]))
        elif kind == "remove":
            posts.pop(number, None)
            index.remove_post(number)
        else:
            private[author] = bool(number)
            index.put_user(user(author, f"user{author}", private=bool(number)))
    seen = audience(hidden, allowed)

    def visible(author: str) -> bool:
        return author not in hidden and (not private[author] or author in allowed)

    counts = {
        tag: sum(1 for a, t in posts.values() if tag in t and visible(a))
        for tag in ["x", "xy", "y"]
    }
    expected = sorted(
        ((t, n) for t, n in counts.items() if n and t.startswith(prefix)),
        key=lambda pair: (pair[0] != prefix, -pair[1], pair[0]),
    )
    found = [(h.tag, h.post_count) for h in index.search_hashtags(prefix, seen, 10)]
    assert found == expected
    assert list(index.tagged_posts("x", seen, None, 50)) == sorted(
        (n for n, (a, t) in posts.items() if "x" in t and visible(a)), reverse=True
    )


def test_sqlite_index_survives_reopening(tmp_path: Path) -> None:
    path = tmp_path / "search.db"
    db = SqliteDatabase(path)
    first = SqliteSearchIndex(db)
    first.put_user(user("1", "alice", "Alice Liddell", private=True))
    first.put_post(post(1, "1", ("wonderland", "tea"), CAFE, private=True))
    first.put_post(post(2, "1", ("wonderland",), private=True))
    db.close()

    reopened = SqliteDatabase(path)
    try:
        again = SqliteSearchIndex(reopened)
        assert ids(again, "lid") == ["1"]
        mine = audience(allowed={"1"})
        assert [(h.tag, h.post_count) for h in again.search_hashtags("", mine, 10)] == [
            ("wonderland", 2),
            ("tea", 1),
        ]
        assert again.hashtag_count("tea", EVERYONE) == 0
        found = again.place("cafe", mine)
        assert found is not None
        assert found.place == CAFE
    finally:
        reopened.close()
