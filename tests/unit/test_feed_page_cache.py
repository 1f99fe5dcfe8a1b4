"""The HTTP layer's cache of encoded feed pages: expiry, validity, and its byte bound."""

from __future__ import annotations

from instagram_core.services.freshness import ReadStamp
from instagram_entrypoints.http.feed_pages import FeedPageCache

STAMP = ReadStamp(("post:1",), (1,))


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def always(_: ReadStamp) -> bool:
    return True


def never(_: ReadStamp) -> bool:
    return False


def test_a_page_is_answered_until_its_ttl() -> None:
    clock = Clock()
    pages = FeedPageCache(ttl_seconds=30, max_bytes=1000, now=clock)
    pages.put("ann", None, 20, STAMP, b"first")
    assert pages.get("ann", None, 20, always) == b"first"
    assert pages.get("ann", None, 50, always) is None  # another page size
    assert pages.get("bob", None, 20, always) is None  # another viewer
    clock.now += 30
    assert pages.get("ann", None, 20, always) is None
    assert len(pages) == 0


def test_a_page_no_longer_current_is_dropped() -> None:
    pages = FeedPageCache(ttl_seconds=30, max_bytes=1000)
    pages.put("ann", "r.1.20", 20, STAMP, b"second")
    assert pages.get("ann", None, 20, always) is None  # the first page is another entry
    assert pages.get("ann", "r.1.20", 20, never) is None
    assert pages.size_bytes == 0
    assert pages.get("ann", "r.1.20", 20, always) is None


def test_the_least_recently_read_go_first_past_the_byte_bound() -> None:
    pages = FeedPageCache(ttl_seconds=30, max_bytes=10)
    pages.put("ann", None, 20, STAMP, b"aaaa")
    pages.put("bob", None, 20, STAMP, b"bbbb")
    assert pages.get("ann", None, 20, always) == b"aaaa"  # ann is now the most recent
    pages.put("cat", None, 20, STAMP, b"cccc")
    assert pages.get("bob", None, 20, always) is None
    assert pages.get("ann", None, 20, always) == b"aaaa"
    assert pages.size_bytes == 8
    pages.put("ann", None, 20, STAMP, b"aaaaaa")  # replacing counts the new size only
    assert pages.size_bytes == 10
    pages.put("dan", None, 20, STAMP, b"x" * 11)  # bigger than the whole cache: not kept
    assert pages.get("dan", None, 20, always) is None


def test_a_zero_ttl_or_size_turns_it_off() -> None:
    for pages in (FeedPageCache(0, 1000), FeedPageCache(30, 0)):
        assert not pages.enabled
        pages.put("ann", None, 20, STAMP, b"page")
        assert pages.get("ann", None, 20, always) is None
