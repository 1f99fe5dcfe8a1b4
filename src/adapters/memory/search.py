"""The embedded search index, held in process memory (the SQLite adapter makes it durable).

Text matching is :class:`~instagram_adapters.term_matching.TermMatcher`; counts are computed
per query from the posts each tag or place holds, filtered by the viewer's audience, so a
block, a follow or a privacy flip changes the next answer with nothing to recount.
"""

from __future__ import annotations

import bisect
import heapq
import math
import threading
from collections import defaultdict
from collections.abc import Iterable, Sequence

import attrs

from instagram_adapters.search_terms import hashtag_term, place_terms, user_terms
from instagram_adapters.term_matching import TermMatcher
from instagram_adapters.text_folding import fold
from instagram_core.policies.places import distance_km
from instagram_core.policies.search_ranking import MAX_TERM, TIER_WEIGHT, static_user_score
from instagram_core.ports.search import (
    Audience,
    HashtagHit,
    MatchTier,
    NearbyPlace,
    PlaceDocument,
    PlaceHit,
    PostDocument,
    UserDocument,
    UserHit,
)

RANKED_FROM = 256  # holders above which a prefix keeps its holders sorted


def visible(post: PostDocument, audience: Audience) -> bool:
    if post.author_id in audience.hidden:
        return False
    return not post.author_private or post.author_id in audience.private_allowed


class InMemorySearchIndex:
    """A :class:`~instagram_core.ports.SearchIndex` under one lock."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._user_keys: dict[str, tuple[str, float]] = {}  # folded username, static bonus
        self._by_username: dict[str, str] = {}  # folded username -> user id
        self._rank_keys: dict[str, tuple[float, str, str]] = {}  # (-bonus, username, id)
        # Prefix holders in rank order, for prefixes many users share, kept sorted as users
        # are put: a one-letter query must not sort tens of thousands of users, not even
        # the first time after a write.
        self._ranked: dict[str, list[tuple[float, str, str]]] = {}
        self._user_terms: TermMatcher[str] = TermMatcher()
        self._posts: dict[int, PostDocument] = {}
        # Post ids as dicts of None, not sets: untracked by the garbage collector, see
        # term_matching.
        self._author_posts: dict[str, dict[int, None]] = defaultdict(dict)
        self._tag_posts: dict[str, dict[int, None]] = defaultdict(dict)
        self._tag_terms: TermMatcher[str] = TermMatcher()
        self._place_posts: dict[str, dict[int, None]] = defaultdict(dict)
        self._place_terms: TermMatcher[str] = TermMatcher()

    # -- writes ---------------------------------------------------------------------------
    def put_user(self, user: UserDocument) -> None:
        with self._lock:
            self._unrank(user.user_id)
            key = self._file(user)
            for gram in self._user_terms.grams_of(user.user_id):
                ranked = self._ranked.get(gram)
                if ranked is not None:
                    bisect.insort(ranked, key)
                elif len(self._user_terms.prefixed(gram)) > RANKED_FROM:
                    self._ranked[gram] = self._sorted_holders(gram)

    def put_users(self, users: Iterable[UserDocument]) -> None:
        """Many users at once, as :meth:`put_user` one by one would leave them: for loading
        at start-up. Each crowded prefix is sorted once at the end instead of taking one
        insertion per user, which made filing 100,000 users about 3 times slower."""
        with self._lock:
            touched: set[str] = set()
            for user in users:
                self._unrank(user.user_id)
                self._file(user)
                touched.update(self._user_terms.grams_of(user.user_id))
            for gram in touched:
                if gram in self._ranked or len(self._user_terms.prefixed(gram)) > RANKED_FROM:
                    self._ranked[gram] = self._sorted_holders(gram)

    def _unrank(self, user_id: str) -> None:
        """Take the user's old key out of the ranked lists it is in (lock held)."""
        stale_key = self._rank_keys.get(user_id)
        if stale_key is None:
            return
        for gram in self._user_terms.grams_of(user_id):
            ranked = self._ranked.get(gram)
            if ranked is not None:
                del ranked[bisect.bisect_left(ranked, stale_key)]
                if not ranked:
                    del self._ranked[gram]

    def _file(self, user: UserDocument) -> tuple[float, str, str]:
        """Everything but the ranked lists; returns the user's rank key (lock held)."""
        old = self._user_keys.get(user.user_id)
        if old is not None:
            self._by_username.pop(old[0], None)
        bonus = static_user_score(MatchTier.FUZZY, user.is_verified, user.follower_count)
        bonus -= static_user_score(MatchTier.FUZZY, False, 0)
        self._user_keys[user.user_id] = (fold(user.username), bonus)
        self._by_username[fold(user.username)] = user.user_id
        key = self._rank_keys[user.user_id] = (-bonus, user.username, user.user_id)
        self._user_terms.put(user.user_id, user_terms(user.username, user.display_name))
        for post_id in self._author_posts.get(user.user_id, ()):
            post = self._posts[post_id]
            if post.author_private != user.is_private:
                self._posts[post_id] = attrs.evolve(post, author_private=user.is_private)
        return key

    def put_post(self, post: PostDocument) -> None:
        with self._lock:
            self._remove(post.post_id)
            self._posts[post.post_id] = post
            self._author_posts[post.author_id][post.post_id] = None
            for tag in {hashtag_term(raw) for raw in post.hashtags} - {""}:
                if not self._tag_posts[tag]:
                    self._tag_terms.put(tag, [tag])
                self._tag_posts[tag][post.post_id] = None
            if post.place is not None:
                place_id = post.place.place_id
                self._place_posts[place_id][post.post_id] = None
                self._place_terms.put(place_id, place_terms(self._place_of(place_id).name))

    def remove_post(self, post_id: int) -> None:
        with self._lock:
            self._remove(post_id)

    def _remove(self, post_id: int) -> None:
        post = self._posts.pop(post_id, None)
        if post is None:
            return
        self._discard(self._author_posts, post.author_id, post_id)
        for tag in {hashtag_term(raw) for raw in post.hashtags} - {""}:
            if not self._discard(self._tag_posts, tag, post_id):
                self._tag_terms.remove(tag)
        if post.place is not None:
            place_id = post.place.place_id
            if self._discard(self._place_posts, place_id, post_id):
                self._place_terms.put(place_id, place_terms(self._place_of(place_id).name))
            else:
                self._place_terms.remove(place_id)

    @staticmethod
    def _discard(holder: dict[str, dict[int, None]], key: str, post_id: int) -> bool:
        """Drop ``post_id`` from ``holder[key]``; ``False`` when that emptied the key."""
        posts = holder.get(key)
        if posts is None:
            return False
        posts.pop(post_id, None)
        if not posts:
            del holder[key]
            return False
        return True

    # -- reads ----------------------------------------------------------------------------
    def search_users(self, query: str, hidden: frozenset[str], limit: int) -> Sequence[UserHit]:
        folded = fold(query).removeprefix("@")[:MAX_TERM]
        if not folded or limit < 1:
            return []
        # Tiers are 100 apart, more than any bonus (policies.search_ranking), so the answer is
        # the exact match, then the best prefix matches, then typos only if room is left.
        with self._lock:
            hits: list[UserHit] = []
            exact = self._by_username.get(folded)
            if exact is not None and exact not in hidden:
                hits.append(self._hit(exact, MatchTier.EXACT))
            for _, _, user_id in self._ranked_holders(folded):
                if len(hits) >= limit:
                    return hits
                if user_id != exact and user_id not in hidden:
                    hits.append(self._hit(user_id, MatchTier.PREFIX))
            # The best typo matches: a merge of each matching prefix's ranked holders.
            seen = self._user_terms.prefixed(folded)
            taken: set[str] = set()
            lists = [self._ranked_holders(g) for g in self._user_terms.fuzzy_grams(folded)]
            for _, _, user_id in heapq.merge(*lists):
                if len(hits) >= limit:
                    break
                if user_id in taken or user_id in seen or user_id == exact or user_id in hidden:
                    continue
                taken.add(user_id)
                hits.append(self._hit(user_id, MatchTier.FUZZY))
            return hits

    def _hit(self, user_id: str, tier: MatchTier) -> UserHit:
        return UserHit(user_id, tier, TIER_WEIGHT[tier] + self._user_keys[user_id][1])

    def _ranked_holders(self, gram: str) -> list[tuple[float, str, str]]:
        ranked = self._ranked.get(gram)
        return self._sorted_holders(gram) if ranked is None else ranked

    def _sorted_holders(self, gram: str) -> list[tuple[float, str, str]]:
        return sorted(map(self._rank_keys.__getitem__, self._user_terms.prefixed(gram)))

    def search_hashtags(self, query: str, audience: Audience, limit: int) -> Sequence[HashtagHit]:
        term = hashtag_term(query)[:MAX_TERM]
        if limit < 1:
            return []
        with self._lock:
            if term:
                matched = self._tag_terms.match(term)
            else:
                matched = dict.fromkeys(self._tag_posts, MatchTier.PREFIX)
            hits = []
            for tag, tier in matched.items():
                count = self._count(self._tag_posts.get(tag, ()), audience)
                if count:
                    hits.append(HashtagHit(tag, count, MatchTier.EXACT if tag == term else tier))
        hits.sort(key=lambda hit: (-hit.tier, -hit.post_count, hit.tag))
        return hits[:limit]

    def hashtag_count(self, tag: str, audience: Audience) -> int:
        with self._lock:
            return self._count(self._tag_posts.get(hashtag_term(tag), ()), audience)

    def search_places(self, query: str, audience: Audience, limit: int) -> Sequence[PlaceHit]:
        folded = fold(query)[:MAX_TERM]
        if not folded or limit < 1:
            return []
        with self._lock:
            hits = []
            for place_id, tier in self._place_terms.match(folded).items():
                count = self._count(self._place_posts.get(place_id, ()), audience)
                if count:
                    place = self._place_of(place_id, audience)
                    exact = fold(place.name) == folded
                    hits.append(PlaceHit(place, count, MatchTier.EXACT if exact else tier))
        hits.sort(key=lambda hit: (-hit.tier, -hit.post_count, hit.place.place_id))
        return hits[:limit]

    def nearby_places(
        self, lat: float, lng: float, radius_km: float, audience: Audience, limit: int
    ) -> Sequence[NearbyPlace]:
        if limit < 1:
            return []
        with self._lock:
            found = []
            for place_id, posts in self._place_posts.items():
                count = self._count(posts, audience)
                if not count:
                    continue
                place = self._place_of(place_id, audience)
                distance = distance_km(lat, lng, place.lat, place.lng)
                if distance <= radius_km:
                    found.append(NearbyPlace(place, count, distance))
        found.sort(key=lambda near: (near.distance_km, near.place.place_id))
        return found[:limit]

    def tagged_posts(
        self, tag: str, audience: Audience, before: int | None, limit: int
    ) -> Sequence[int]:
        with self._lock:
            return self._page(self._tag_posts.get(hashtag_term(tag), ()), audience, before, limit)

    def place_posts(
        self, place_id: str, audience: Audience, before: int | None, limit: int
    ) -> Sequence[int]:
        with self._lock:
            return self._page(self._place_posts.get(place_id, ()), audience, before, limit)

    def place(self, place_id: str, audience: Audience) -> PlaceHit | None:
        with self._lock:
            count = self._count(self._place_posts.get(place_id, ()), audience)
            return PlaceHit(self._place_of(place_id, audience), count) if count else None

    # -- helpers (lock held) --------------------------------------------------------------
    def _count(self, post_ids: Iterable[int], audience: Audience) -> int:
        return sum(1 for post_id in post_ids if visible(self._posts[post_id], audience))

    def _page(
        self, post_ids: Iterable[int], audience: Audience, before: int | None, limit: int
    ) -> list[int]:
        upper = math.inf if before is None else before
        ids = sorted(
            (i for i in post_ids if i < upper and visible(self._posts[i], audience)),
            reverse=True,
        )
        return ids[: max(limit, 0)]

    def _place_of(self, place_id: str, audience: Audience | None = None) -> PlaceDocument:
        """The place as its earliest post (visible to ``audience``, if given) names it, so
        a private post's location text never reaches a viewer who cannot see it."""
        posts: Iterable[int] = self._place_posts[place_id]
        if audience is not None:
            posts = [i for i in posts if visible(self._posts[i], audience)]
        place = self._posts[min(posts)].place
        assert place is not None  # filed under a place only when it has one
        return place
