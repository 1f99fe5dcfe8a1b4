"""Contract of :class:`~instagram_core.ports.Moderator`, run against every adapter."""

from __future__ import annotations

import time
from collections.abc import Callable

import pytest

from adapters.memory.moderation import WordListModerator, default_blocked_words
from instagram_core.ports import Moderator


@pytest.fixture(params=[pytest.param(WordListModerator, id="word-list")])
def moderator(request: pytest.FixtureRequest) -> Moderator:
    factory: Callable[[], Moderator] = request.param
    return factory()


def test_empty_text_is_allowed(moderator: Moderator) -> None:
    assert moderator.review_text("").allowed


def test_ordinary_text_is_allowed(moderator: Moderator) -> None:
    verdict = moderator.review_text("Sunset at the beach 🌅 #nofilter with @bob")
    assert verdict.allowed
    assert verdict.reason is None


def test_spam_is_refused_with_a_reason(moderator: Moderator) -> None:
    verdict = moderator.review_text("Want to BUY FOLLOWERS? DM me")
    assert not verdict.allowed
    assert verdict.reason


def test_word_list_default_list_comes_from_the_data_file() -> None:
    words = default_blocked_words()
    assert "buy followers" in words
    assert all(word and not word.startswith("#") for word in words)


@pytest.mark.parametrize(
    "text",
    [
        "buy followers",
        "Buy   Followers now",
        "buyyyy followerssss",
        "b.u.y f-o-l-l-o-w-e-r-s",
        "fr33 f0llowers here",
        "ｂｕｙ ｆｏｌｌｏｗｅｒｓ",  # full-width letters, folded by NFKC
        "BUY FOLLOWERS!!!",
        "click my link 👉",
        "buy_followers",
        "buyfollowers",
    ],
)
def test_word_list_sees_through_simple_obfuscation(text: str) -> None:
    assert not WordListModerator().review_text(text).allowed


@pytest.mark.parametrize(
    "text",
    [
        "I would never buy these followers",
        "rebuy followers",  # not a whole word
        "buy followership books",
        "free",
        "click on my profile",
    ],
)
def test_word_list_matches_whole_words_only(text: str) -> None:
    assert WordListModerator().review_text(text).allowed


def test_word_list_takes_a_custom_list() -> None:
    moderator = WordListModerator(["Spoiler", "  "])
    assert not moderator.review_text("SPOILER: he dies").allowed
    assert moderator.review_text("buy followers").allowed


def test_word_list_letters_that_appear_twice_must_appear_twice() -> None:
    moderator = WordListModerator(["ass"])
    assert not moderator.review_text("what an a.s.s").allowed
    assert moderator.review_text("as I said, class was fun").allowed


def test_word_list_empty_list_allows_everything() -> None:
    assert WordListModerator([]).review_text("buy followers").allowed


@pytest.mark.timeout(5)
@pytest.mark.parametrize(
    "nasty",
    ["b." * 1100, "cl" + "|" * 2200, "buy " + "." * 2200 + "x", ("b" + "." * 20) * 100],
)
def test_word_list_does_not_backtrack_catastrophically(nasty: str) -> None:
    started = time.perf_counter()
    assert WordListModerator().review_text(nasty).allowed
    assert time.perf_counter() - started < 1.0  # about 50 ms for the worst of these


def test_word_list_allows_every_image_because_it_classifies_none() -> None:
    assert WordListModerator().review_image(b"\x89PNG whatever").allowed
