"""The search index on Elasticsearch: edge n-grams with ``fuzziness``, a ``function_score``
for the ranking signals and a ``geo_point`` for places.

Two indexes, each behind an alias so ``instagram search reindex`` can build new ones and
swap them in at once: ``<prefix>-users`` (one document per account) and ``<prefix>-posts``
(one per published post: author, the author's privacy, folded hashtags, place). Hashtag and
place lists are terms aggregations over the posts the viewer may see, so every count is
audience-filtered by the engine itself. Terms are folded in Python
(:mod:`instagram_adapters.search_terms`) and filed through a keyword tokenizer plus an
edge n-gram filter: a query is one token, matched exactly (a prefix) or with fuzziness
(a typo, asked only when the prefix matches leave room on the page), so the answers equal
the embedded index's (``tests/contract/test_search_index.py``).

The DSL used (``bool``, ``constant_score``, ``match`` with ``fuzziness``, ``term(s)``,
``function_score`` with ``field_value_factor``, ``geo_distance``, ``terms`` and
``top_hits`` aggregations, ``update_by_query``, ``_aliases``) is accepted unchanged by
Elasticsearch 7.10+, 8.x and OpenSearch; no mapping types are used.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any, TypeVar
from urllib.parse import quote

from elasticsearch import Elasticsearch
from elasticsearch import exceptions as es_errors

from instagram_adapters.search_terms import hashtag_term, place_terms, user_terms
from instagram_adapters.term_matching import tier_of
from instagram_adapters.text_folding import fold
from instagram_core.domain.errors import Unavailable
from instagram_core.policies.places import distance_km
from instagram_core.policies.search_ranking import (
    MAX_TERM,
    TIER_WEIGHT,
    VERIFIED_WEIGHT,
    allowed_edits,
)
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

T = TypeVar("T")

AGGREGATION_SIZE = 1000  # tags or places a single list considers (the most used first)
FUZZY_EXPANSIONS = 1024  # terms a typo may expand to; Lucene's default of 50 drops matches
# Autocomplete answers may be kept in the shard request cache (by default only size=0
# searches are): the same few short prefixes are typed by everyone, and the engine drops a
# shard's entries at each refresh that changed it, so a cached page is never stale.
AUTOCOMPLETE_PARAMS = {"request_cache": "true"}
NEARBY_SLACK_KM = 0.5  # a place's posts lie within ~0.22 km of its point (one geohash cell)

SETTINGS: dict[str, Any] = {
    "number_of_shards": 1,
    "number_of_replicas": 0,
    "analysis": {
        "filter": {
            "prefixes": {"type": "edge_ngram", "min_gram": 1, "max_gram": MAX_TERM},
        },
        "analyzer": {
            "prefixes": {"type": "custom", "tokenizer": "keyword", "filter": ["prefixes"]},
        },
    },
}
_TERMS: dict[str, Any] = {
    "type": "keyword",
    "fields": {
        "prefix": {"type": "text", "analyzer": "prefixes", "search_analyzer": "keyword"},
    },
}
USER_MAPPING: dict[str, Any] = {
    "dynamic": "strict",
    "properties": {
        "user_id": {"type": "keyword"},
        "username": {"type": "keyword"},
        "username_key": {"type": "keyword"},  # folded, for the exact tier
        "display_name": {"type": "keyword", "index": False},
        "terms": _TERMS,
        "is_private": {"type": "boolean"},
        "is_verified": {"type": "boolean"},
        "follower_count": {"type": "long"},
    },
}
POST_MAPPING: dict[str, Any] = {
    "dynamic": "strict",
    "properties": {
        "post_id": {"type": "long"},
        "author_id": {"type": "keyword"},
        "author_private": {"type": "boolean"},
        "created_at": {"type": "date"},
        "hashtags": _TERMS,
        "place_id": {"type": "keyword"},
        "place_name": {"type": "keyword", "index": False},
        "place_terms": _TERMS,
        "location": {"type": "geo_point"},
    },
}


_JSON = {"content-type": "application/json", "accept": "application/json"}


def _request(
    client: Elasticsearch,
    method: str,
    path: str,
    body: Mapping[str, Any] | None = None,
    params: Mapping[str, Any] | None = None,
    missing_ok: bool = False,
) -> Any:
    """One REST call through the client's transport: the same across the 7.x clients (the
    7.15+ helpers deprecate ``body=``, 7.13's lack keyword bodies), with engine failures
    turned into ``Unavailable``."""

    def call() -> Any:
        try:
            return client.transport.perform_request(
                method, path, params=params, body=body, headers=_JSON
            )
        except es_errors.NotFoundError:
            if missing_ok:
                return None
            raise

    return _errors_as_unavailable(call)


def _errors_as_unavailable(call: Callable[[], T]) -> T:
    try:
        return call()
    except (es_errors.ConnectionError, es_errors.ConnectionTimeout) as exc:
        raise Unavailable("the search engine cannot be reached") from exc
    except es_errors.TransportError as exc:
        if isinstance(exc.status_code, int) and exc.status_code >= 500:
            raise Unavailable(f"the search engine failed: {exc.error}") from exc
        raise


class ElasticsearchSearchIndex:
    """A :class:`~instagram_core.ports.SearchIndex` on Elasticsearch.

    ``users_index``/``posts_index`` are the names written and read: the aliases in service,
    or a new generation's own indexes while a reindex fills them. ``refresh`` makes every
    write visible before it returns (tests); in service the engine's one-second refresh
    makes the indexer's writes searchable a moment later."""

    def __init__(
        self,
        client: Elasticsearch,
        users_index: str,
        posts_index: str,
        refresh: bool = False,
    ) -> None:
        self._es = client
        self._users = users_index
        self._posts = posts_index
        self._refresh = refresh

    # -- writes ---------------------------------------------------------------------------
    def put_user(self, user: UserDocument) -> None:
        body = user_body(user)
        _request(
            self._es, "PUT", f"/{self._users}/_doc/{quote(user.user_id)}", body, self._params()
        )
        _request(
            self._es,
            "POST",
            f"/{self._posts}/_update_by_query",
            {
                "query": {
                    "bool": {
                        "filter": [{"term": {"author_id": user.user_id}}],
                        "must_not": [{"term": {"author_private": user.is_private}}],
                    }
                },
                "script": {
                    "source": "ctx._source.author_private = params.private",
                    "params": {"private": user.is_private},
                    "lang": "painless",
                },
            },
            {"conflicts": "proceed", "refresh": "true" if self._refresh else "false"},
        )

    def put_post(self, post: PostDocument) -> None:
        place = post.place
        body: dict[str, Any] = {
            "post_id": post.post_id,
            "author_id": post.author_id,
            "author_private": post.author_private,
            "created_at": post.created_at.isoformat(),
            "hashtags": sorted({hashtag_term(raw) for raw in post.hashtags} - {""}),
        }
        if place is not None:
            body |= {
                "place_id": place.place_id,
                "place_name": place.name,
                "place_terms": sorted(place_terms(place.name)),
                "location": {"lat": place.lat, "lon": place.lng},
            }
        _request(self._es, "PUT", f"/{self._posts}/_doc/{post.post_id}", body, self._params())

    def remove_post(self, post_id: int) -> None:
        _request(
            self._es,
            "DELETE",
            f"/{self._posts}/_doc/{post_id}",
            params=self._params(),
            missing_ok=True,
        )

    # -- users ----------------------------------------------------------------------------
    def search_users(self, query: str, hidden: frozenset[str], limit: int) -> Sequence[UserHit]:
        folded = fold(query).removeprefix("@")[:MAX_TERM]
        if not folded or limit < 1:
            return []
        # Tiers are 100 apart, more than any bonus, so the typo query (the costly one: a
        # fuzzy automaton over every indexed prefix) only runs when the prefix matches do not
        # fill the page, and only for what they left, exactly as the embedded index does.
        # Both go through the shard request cache (AUTOCOMPLETE_PARAMS).
        body = prefix_user_query(folded, hidden, limit)
        hits = _user_hits(self._search(self._users, body, AUTOCOMPLETE_PARAMS))
        if len(hits) < limit and allowed_edits(len(folded)):
            body = typo_user_query(folded, hidden, limit - len(hits))
            hits += _user_hits(self._search(self._users, body, AUTOCOMPLETE_PARAMS))
        return hits

    # -- hashtags -------------------------------------------------------------------------
    def search_hashtags(self, query: str, audience: Audience, limit: int) -> Sequence[HashtagHit]:
        term = hashtag_term(query)[:MAX_TERM]
        if limit < 1:
            return []
        text = _fuzzy("hashtags.prefix", term) if term else {"exists": {"field": "hashtags"}}
        body = {
            "size": 0,
            "query": {"bool": {"filter": [text, _visible(audience)]}},
            "aggs": {"tags": {"terms": _bucket_order("hashtags")}},
        }
        buckets = self._search(self._posts, body)["aggregations"]["tags"]["buckets"]
        hits = []
        for bucket in buckets:
            tag = str(bucket["key"])
            tier = _tier(term, tag, [tag]) if term else MatchTier.PREFIX
            if tier is not None:
                hits.append(HashtagHit(tag, int(bucket["doc_count"]), tier))
        hits.sort(key=lambda hit: (-hit.tier, -hit.post_count, hit.tag))
        return hits[:limit]

    def hashtag_count(self, tag: str, audience: Audience) -> int:
        body = {"query": {"bool": {"filter": [_has_tag(tag), _visible(audience)]}}}
        return int(_request(self._es, "POST", f"/{self._posts}/_count", body)["count"])

    def tagged_posts(
        self, tag: str, audience: Audience, before: int | None, limit: int
    ) -> Sequence[int]:
        return self._page(_has_tag(tag), audience, before, limit)

    # -- places ---------------------------------------------------------------------------
    def search_places(self, query: str, audience: Audience, limit: int) -> Sequence[PlaceHit]:
        folded = fold(query)[:MAX_TERM]
        if not folded or limit < 1:
            return []
        text = _fuzzy("place_terms.prefix", folded)
        hits = []
        for place, count in self._places(text, audience):
            exact = fold(place.name) == folded
            tier = MatchTier.EXACT if exact else tier_of(folded, place_terms(place.name))
            if tier is not None:
                hits.append(PlaceHit(place, count, tier))
        hits.sort(key=lambda hit: (-hit.tier, -hit.post_count, hit.place.place_id))
        return hits[:limit]

    def nearby_places(
        self, lat: float, lng: float, radius_km: float, audience: Audience, limit: int
    ) -> Sequence[NearbyPlace]:
        if limit < 1:
            return []
        around = {
            "geo_distance": {
                "distance": f"{radius_km + NEARBY_SLACK_KM}km",
                "location": {"lat": lat, "lon": lng},
            }
        }
        found = []
        for place, count in self._places(around, audience):
            distance = distance_km(lat, lng, place.lat, place.lng)
            if distance <= radius_km:
                found.append(NearbyPlace(place, count, distance))
        found.sort(key=lambda near: (near.distance_km, near.place.place_id))
        return found[:limit]

    def place_posts(
        self, place_id: str, audience: Audience, before: int | None, limit: int
    ) -> Sequence[int]:
        return self._page({"term": {"place_id": place_id}}, audience, before, limit)

    def place(self, place_id: str, audience: Audience) -> PlaceHit | None:
        for place, count in self._places({"term": {"place_id": place_id}}, audience):
            return PlaceHit(place, count)
        return None

    # -- helpers --------------------------------------------------------------------------
    def _places(
        self, condition: Mapping[str, Any], audience: Audience
    ) -> Iterator[tuple[PlaceDocument, int]]:
        """Places among the visible posts meeting ``condition``, each as its earliest
        visible post names it, with the visible count."""
        body = {
            "size": 0,
            "query": {"bool": {"filter": [condition, _visible(audience)]}},
            "aggs": {
                "places": {
                    "terms": _bucket_order("place_id"),
                    "aggs": {
                        "first": {
                            "top_hits": {
                                "size": 1,
                                "sort": [{"post_id": "asc"}],
                                "_source": ["place_id", "place_name", "location"],
                            }
                        }
                    },
                }
            },
        }
        buckets = self._search(self._posts, body)["aggregations"]["places"]["buckets"]
        for bucket in buckets:
            source = bucket["first"]["hits"]["hits"][0]["_source"]
            point = source["location"]
            place = PlaceDocument(
                source["place_id"], source["place_name"], float(point["lat"]), float(point["lon"])
            )
            yield place, int(bucket["doc_count"])

    def _page(
        self, condition: Mapping[str, Any], audience: Audience, before: int | None, limit: int
    ) -> list[int]:
        if limit < 1:
            return []
        filters: list[Mapping[str, Any]] = [condition, _visible(audience)]
        if before is not None:
            filters.append({"range": {"post_id": {"lt": before}}})
        body = {
            "size": limit,
            "_source": False,
            "query": {"bool": {"filter": filters}},
            "sort": [{"post_id": "desc"}],
        }
        return [int(hit["_id"]) for hit in self._search(self._posts, body)["hits"]["hits"]]

    def _search(
        self, index: str, body: Mapping[str, Any], params: Mapping[str, Any] | None = None
    ) -> Any:
        return _request(self._es, "POST", f"/{index}/_search", body, params)

    def _params(self) -> dict[str, str]:
        return {"refresh": "true"} if self._refresh else {}


def user_body(user: UserDocument) -> dict[str, Any]:
    """The user's document: folded terms for matching, signals for scoring."""
    return {
        "user_id": user.user_id,
        "username": user.username,
        "username_key": fold(user.username),
        "display_name": user.display_name,
        "terms": sorted(user_terms(user.username, user.display_name)),
        "is_private": user.is_private,
        "is_verified": user.is_verified,
        "follower_count": user.follower_count,
    }


def prefix_user_query(folded: str, hidden: frozenset[str], limit: int) -> dict[str, Any]:
    """Autocomplete, first request: the exact and prefix tiers (term lookups in the
    prefix field), then verified and followers by ``function_score``."""
    step = TIER_WEIGHT[MatchTier.EXACT] - TIER_WEIGHT[MatchTier.PREFIX]
    return _ranked_users(
        {
            "bool": {
                "must_not": [{"terms": {"user_id": sorted(hidden)}}],
                "should": [
                    # cumulative: a prefix scores its tier, the exact username one step more
                    _constant({"term": {"terms.prefix": folded}}, TIER_WEIGHT[MatchTier.PREFIX]),
                    _constant({"term": {"username_key": folded}}, step),
                ],
                "minimum_should_match": 1,
            }
        },
        limit,
    )


def typo_user_query(folded: str, hidden: frozenset[str], limit: int) -> dict[str, Any]:
    """Autocomplete, second request (only when the first did not fill the page, so it
    returned every prefix match): the typo tier, prefix matches excluded."""
    return _ranked_users(
        {
            "bool": {
                "must": [_constant(_fuzzy("terms.prefix", folded), TIER_WEIGHT[MatchTier.FUZZY])],
                "must_not": [
                    {"terms": {"user_id": sorted(hidden)}},
                    {"term": {"terms.prefix": folded}},
                ],
            }
        },
        limit,
    )


def _ranked_users(matching: Mapping[str, Any], limit: int) -> dict[str, Any]:
    """``matching`` scores the tier; verified and followers are added by function_score.
    No total is counted (``track_total_hits``): only the page is used."""
    return {
        "size": limit,
        "_source": False,
        "track_total_hits": False,
        "query": {
            "function_score": {
                "query": matching,
                "functions": [
                    {"filter": {"term": {"is_verified": True}}, "weight": VERIFIED_WEIGHT},
                    {
                        "field_value_factor": {
                            "field": "follower_count",
                            "modifier": "log1p",  # log10(1 + followers)
                            "missing": 0,
                        }
                    },
                ],
                "score_mode": "sum",
                "boost_mode": "sum",
            }
        },
        "sort": [{"_score": "desc"}, {"username": "asc"}, {"user_id": "asc"}],
        "track_scores": True,
    }


def _user_hits(answer: Mapping[str, Any]) -> list[UserHit]:
    hits = []
    for hit in answer["hits"]["hits"]:
        score = float(hit["_score"])
        tier = (
            MatchTier.EXACT
            if score >= TIER_WEIGHT[MatchTier.EXACT]
            else MatchTier.PREFIX
            if score >= TIER_WEIGHT[MatchTier.PREFIX]
            else MatchTier.FUZZY
        )
        hits.append(UserHit(str(hit["_id"]), tier, score))
    return hits


def _constant(query: Mapping[str, Any], boost: float) -> dict[str, Any]:
    return {"constant_score": {"filter": query, "boost": boost}}


def _fuzzy(field: str, text: str) -> dict[str, Any]:
    """The query within the allowed edits of some indexed prefix (a transposition is one)."""
    return {
        "match": {
            field: {
                "query": text,
                "fuzziness": allowed_edits(len(text)),
                "prefix_length": 0,
                "max_expansions": FUZZY_EXPANSIONS,
                "fuzzy_transpositions": True,
            }
        }
    }


def _tier(query: str, key: str, terms: list[str]) -> MatchTier | None:
    if key == query:
        return MatchTier.EXACT
    return tier_of(query, terms)


def _has_tag(tag: str) -> dict[str, Any]:
    return {"term": {"hashtags": hashtag_term(tag)}}


def _visible(audience: Audience) -> dict[str, Any]:
    """Never a hidden author; a private author only if allowed."""
    return {
        "bool": {
            "must_not": [{"terms": {"author_id": sorted(audience.hidden)}}],
            "should": [
                {"term": {"author_private": False}},
                {"terms": {"author_id": sorted(audience.private_allowed)}},
            ],
            "minimum_should_match": 1,
        }
    }


def _bucket_order(field: str) -> dict[str, Any]:
    return {
        "field": field,
        "size": AGGREGATION_SIZE,
        "order": [{"_count": "desc"}, {"_key": "asc"}],
    }


# -- index generations (the aliases and ``instagram search reindex``) -------------------------


def alias_names(prefix: str) -> tuple[str, str]:
    return f"{prefix}-users", f"{prefix}-posts"


def _create(
    client: Elasticsearch, name: str, mapping: Mapping[str, Any], alias: str | None
) -> None:
    body: dict[str, Any] = {"settings": SETTINGS, "mappings": mapping}
    if alias is not None:
        body["aliases"] = {alias: {}}
    _request(client, "PUT", f"/{name}", body)


def ensure_indexes(client: Elasticsearch, prefix: str) -> None:
    """Create generation 1 behind the aliases unless the aliases exist (idempotent; a
    concurrent creator's ``resource_already_exists`` is fine)."""
    for alias, mapping in zip(alias_names(prefix), (USER_MAPPING, POST_MAPPING), strict=True):
        if _request(client, "GET", f"/_alias/{alias}", missing_ok=True):
            continue
        try:
            _create(client, f"{alias}-1", mapping, alias)
        except es_errors.RequestError as exc:
            if exc.error != "resource_already_exists_exception":
                raise


def new_generation(client: Elasticsearch, prefix: str) -> tuple[str, str]:
    """Create empty indexes for the next generation (not yet behind the aliases)."""
    existing = _request(client, "GET", f"/{prefix}-*", missing_ok=True) or {}
    generation = 1 + max((_generation(name) for name in existing), default=0)
    users, posts = (f"{alias}-{generation}" for alias in alias_names(prefix))
    _create(client, users, USER_MAPPING, None)
    _create(client, posts, POST_MAPPING, None)
    return users, posts


def promote(client: Elasticsearch, prefix: str, names: tuple[str, str]) -> list[str]:
    """Point the aliases at ``names`` in one atomic ``_aliases`` call, then delete the
    indexes they pointed at before. Returns the deleted names."""
    actions: list[dict[str, Any]] = []
    retired: list[str] = []
    for alias, name in zip(alias_names(prefix), names, strict=True):
        current = _request(client, "GET", f"/_alias/{alias}", missing_ok=True) or {}
        old = [index for index in current if index != name]
        actions += [{"remove": {"index": index, "alias": alias}} for index in old]
        actions.append({"add": {"index": name, "alias": alias}})
        retired += old
    _request(client, "POST", f"/{','.join(names)}/_refresh")
    _request(client, "POST", "/_aliases", {"actions": actions})
    for index in retired:
        _request(client, "DELETE", f"/{index}", missing_ok=True)
    return retired


def _generation(name: str) -> int:
    tail = name.rsplit("-", 1)[-1]
    return int(tail) if tail.isascii() and tail.isdigit() else 0
