"""Prefix and typo-tolerant matching of folded terms, for the embedded search index.

Every prefix (up to :data:`~instagram_core.policies.search_ranking.MAX_TERM` characters) of
every term is a key, exactly like the edge n-grams the Elasticsearch adapter indexes, so a
prefix lookup is one dict access. A typo lookup finds the stored prefixes within the allowed
edits of the query by optimal string alignment distance, the measure Lucene's fuzzy queries
use (:mod:`~instagram_adapters.edit_distance`: rapidfuzz's C where the ``server`` extra
brings it, else pure Python).

The stored prefixes form a trie (every prefix of a stored prefix is stored), and the typo
lookup walks it one length at a time, keeping only the prefixes still within the allowed
edits of some prefix of the query: a prefix further than that from every prefix of the
query cannot grow into a match (OSA's row minimum never falls). Comparing the query with
every stored prefix of a nearby length instead scanned some 350,000 strings per query over
100,000 users (70-200 ms); the walk compares a few thousand.

The holders and children are kept in ``dict``s of ``None`` rather than ``set``s: a dict whose
keys and values are all atomic (``str``, ``int``, ``None``) is not tracked by the garbage
collector, a set always is. With sets, 100,000 users left about a million tracked objects
here, and every full collection of the process walked them all (0.7-0.9 s, a stall of
whatever request triggered it); as dicts they cost the collector nothing.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Hashable, Iterable
from typing import Generic, TypeVar

from instagram_adapters.edit_distance import close_matches, distance
from instagram_core.policies.search_ranking import MAX_TERM, allowed_edits
from instagram_core.ports.search import MatchTier

K = TypeVar("K", bound=Hashable)


class TermMatcher(Generic[K]):
    """Keys filed under terms; not thread-safe (the index around it holds a lock)."""

    def __init__(self) -> None:
        # Tuples and dicts of atomic values, none tracked by the garbage collector (above).
        self._terms: dict[K, tuple[str, ...]] = {}
        self._by_gram: dict[str, dict[K, None]] = defaultdict(dict)
        # The trie of stored prefixes: each one's one-longer extensions ("" holds the roots).
        self._children: dict[str, dict[str, None]] = defaultdict(dict)

    def put(self, key: K, terms: Iterable[str]) -> None:
        self.remove(key)
        kept = tuple(sorted({term[:MAX_TERM] for term in terms if term}))
        self._terms[key] = kept
        for gram in _grams(kept):
            holders = self._by_gram[gram]
            if not holders:
                self._children[gram[:-1]][gram] = None
            holders[key] = None

    def remove(self, key: K) -> None:
        for gram in _grams(self._terms.pop(key, ())):
            holders = self._by_gram[gram]
            holders.pop(key, None)
            if not holders:
                del self._by_gram[gram]
                siblings = self._children[gram[:-1]]
                siblings.pop(gram, None)
                if not siblings:
                    del self._children[gram[:-1]]

    def match(self, query: str) -> dict[K, MatchTier]:
        """Every key a term of which starts with ``query`` (PREFIX) or is within the
        allowed edits of it at some prefix (FUZZY). EXACT is the caller's to decide."""
        query = query[:MAX_TERM]
        if not query:
            return {}
        found = dict.fromkeys(self.prefixed(query), MatchTier.PREFIX)
        for key in self.fuzzy(query):
            found.setdefault(key, MatchTier.FUZZY)
        return found

    def prefixed(self, query: str) -> Collection[K]:
        """The keys a term of which starts with ``query`` (a live view: do not keep it)."""
        return self._by_gram.get(query[:MAX_TERM], {}).keys()

    def fuzzy(self, query: str) -> set[K]:
        """The keys within the allowed edits of ``query`` at some prefix of a term (the
        prefix matches included)."""
        found: set[K] = set()
        for gram in self.fuzzy_grams(query):
            found.update(self._by_gram[gram])
        return found

    def fuzzy_grams(self, query: str) -> list[str]:
        """The stored prefixes within the allowed edits of ``query``, found by a walk down
        the trie that drops every prefix too far from all of the query's prefixes."""
        query = query[:MAX_TERM]
        edits = allowed_edits(len(query))
        if not edits:
            return []
        grams: list[str] = []
        level = list(self._children.get("", ()))
        for length in range(1, len(query) + edits + 1):
            if not level:
                break
            if length >= len(query) - edits:
                grams += close_matches(query, level, edits)
            if length == len(query) + edits:
                break
            alive = level if length <= edits else _still_close(query, level, length, edits)
            level = [child for gram in alive for child in self._children.get(gram, ())]
        return grams

    def grams_of(self, key: K) -> set[str]:
        return _grams(self._terms.get(key, ()))

    def keys(self) -> Iterable[K]:
        return self._terms.keys()


def tier_of(query: str, terms: Iterable[str]) -> MatchTier | None:
    """How ``query`` matches the best of ``terms`` by :class:`TermMatcher`'s rule (PREFIX or
    FUZZY; ``None`` if not at all): for an engine that returns candidates to re-check."""
    query = query[:MAX_TERM]
    if not query:
        return None
    edits = allowed_edits(len(query))
    best: MatchTier | None = None
    for whole in terms:
        term = whole[:MAX_TERM]
        if term.startswith(query):
            return MatchTier.PREFIX
        if edits and best is None:
            lengths = range(max(1, len(query) - edits), min(len(term), len(query) + edits) + 1)
            if any(distance(query, term[:n], edits) <= edits for n in lengths):
                best = MatchTier.FUZZY
    return best


def _still_close(query: str, grams: list[str], length: int, edits: int) -> set[str]:
    """The ``grams`` (all ``length`` long) within ``edits`` of some prefix of ``query``: a
    prefix of a match is within the edits of the query prefix it aligns with, whose length
    is within ``edits`` of its own."""
    alive: set[str] = set()
    for end in range(max(1, length - edits), min(len(query), length + edits) + 1):
        alive.update(close_matches(query[:end], grams, edits))
    return alive


def _grams(terms: Iterable[str]) -> set[str]:
    return {term[:end] for term in terms for end in range(1, len(term) + 1)}
