"""Autocomplete over users and hashtags, held in process memory."""

from __future__ import annotations

import threading
from bisect import bisect_left, insort
from collections.abc import Iterator, Sequence

from instagram_adapters.search_terms import hashtag_term, user_terms
from instagram_adapters.text_folding import fold
from instagram_core.domain.users import User
from instagram_core.ports.search import HashtagHit


def _prefixed(sorted_keys: list[tuple[str, str]], prefix: str) -> Iterator[tuple[str, str]]:
    for index in range(bisect_left(sorted_keys, (prefix, "")), len(sorted_keys)):
        if not sorted_keys[index][0].startswith(prefix):
            return
        yield sorted_keys[index]


class InMemorySearchIndex:
    """Prefix search over sorted ``(term, id)`` lists, so a lookup is a bisect plus the hits.

    Users rank exact username first, then shorter usernames, then alphabetically. Hashtags
    rank by how many posts use them, then alphabetically; a post counts once per tag however
    often it is indexed, and a tag no post uses any more disappears. An empty user query
    finds nobody; an empty hashtag prefix lists the most used tags. ``#`` before a tag and
    ``@`` before a username are ignored.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._usernames: dict[str, str] = {}
        self._user_terms: dict[str, set[str]] = {}
        self._user_keys: list[tuple[str, str]] = []
        self._tag_posts: dict[str, set[int]] = {}
        self._tag_keys: list[tuple[str, str]] = []

    def index_user(self, user: User) -> None:
        terms = user_terms(user)
        with self._lock:
            for term in self._user_terms.pop(user.user_id, set()):
                self._user_keys.remove((term, user.user_id))
            for term in terms:
                insort(self._user_keys, (term, user.user_id))
            self._user_terms[user.user_id] = terms
            self._usernames[user.user_id] = fold(user.username)

    def search_users(self, query: str, limit: int) -> Sequence[str]:
        prefix = fold(query).removeprefix("@")
        if not prefix or limit < 1:
            return []
        with self._lock:
            found = {user_id for _, user_id in _prefixed(self._user_keys, prefix)}
            names = {user_id: self._usernames[user_id] for user_id in found}
        ranked = sorted(found, key=lambda uid: (names[uid] != prefix, len(names[uid]), names[uid]))
        return ranked[:limit]

    def add_hashtags(self, post_id: int, hashtags: Sequence[str]) -> None:
        with self._lock:
            for tag in {hashtag_term(raw) for raw in hashtags} - {""}:
                posts = self._tag_posts.get(tag)
                if posts is None:
                    posts = self._tag_posts[tag] = set()
                    insort(self._tag_keys, (tag, tag))
                posts.add(post_id)

    def remove_hashtags(self, post_id: int, hashtags: Sequence[str]) -> None:
        with self._lock:
            for tag in {hashtag_term(raw) for raw in hashtags}:
                posts = self._tag_posts.get(tag)
                if posts is None:
                    continue
                posts.discard(post_id)
                if not posts:
                    del self._tag_posts[tag]
                    self._tag_keys.remove((tag, tag))

    def search_hashtags(self, prefix: str, limit: int) -> Sequence[HashtagHit]:
        if limit < 1:
            return []
        with self._lock:
            hits = [
                HashtagHit(tag=tag, post_count=len(self._tag_posts[tag]))
                for tag, _ in _prefixed(self._tag_keys, hashtag_term(prefix))
            ]
        hits.sort(key=lambda hit: (-hit.post_count, hit.tag))
        return hits[:limit]
