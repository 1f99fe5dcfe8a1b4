"""Autocomplete over 100,000 users: p50/p99 of ``search_users`` on the embedded index and on
Elasticsearch 7.10.2, and ours against a bare Elasticsearch query of the same shape sent
with the raw client (the same bodies and parameters, the same index: the prefix request, then
the typo request when the first leaves room on the page; the ratio is bare time / our time,
so 1.0 means the adapter adds nothing). Goals (issue 12): p99 < 20 ms on both, ratio >= 0.7.

Queries are 400 prefixes (1-8 characters) of real usernames and display-name words, a
quarter of the longer ones with a swapped pair. The embedded index is loaded in bulk as the
embedded profile does at start-up, then frozen out of the garbage collector as ``instagram
serve`` does (the full collection time is printed before and after). Run:
``python benchmarks/bench_search.py [users]`` (needs java and mvn for Elasticsearch).
"""

from __future__ import annotations

import gc
import json
import random
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from elasticsearch import Elasticsearch
from tests.jvm_engines import start_elasticsearch

from instagram_adapters.elasticsearch.search import (
    AUTOCOMPLETE_PARAMS,
    ElasticsearchSearchIndex,
    alias_names,
    ensure_indexes,
    prefix_user_query,
    typo_user_query,
    user_body,
)
from instagram_adapters.memory.search import InMemorySearchIndex
from instagram_adapters.text_folding import fold
from instagram_core.policies.search_ranking import allowed_edits
from instagram_core.ports.search import UserDocument

SYLLABLES = [
    "ka",
    "lo",
    "mi",
    "ra",
    "su",
    "te",
    "vin",
    "dor",
    "el",
    "an",
    "ja",
    "ne",
    "po",
    "ri",
    "sa",
    "to",
    "lu",
    "ma",
    "ke",
    "bi",
]
FIRST = [
    "anna",
    "ben",
    "carla",
    "dario",
    "elena",
    "fabio",
    "gina",
    "hugo",
    "ines",
    "jonas",
    "kira",
    "leo",
    "mara",
    "nico",
]
LAST = [
    "rossi",
    "smith",
    "garcia",
    "muller",
    "dubois",
    "novak",
    "silva",
    "jensen",
    "costa",
    "weber",
    "ito",
    "kim",
]


def make_users(n: int, rng: random.Random) -> list[UserDocument]:
    users = []
    for i in range(n):
        name = "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 4)))
        users.append(
            UserDocument(
                user_id=f"u{i:06d}",
                username=f"{name}{i}",
                display_name=f"{rng.choice(FIRST).title()} {rng.choice(LAST).title()}",
                is_private=rng.random() < 0.2,
                is_verified=rng.random() < 0.01,
                follower_count=int(rng.paretovariate(1.2)) - 1,
            )
        )
    return users


def make_queries(users: list[UserDocument], rng: random.Random, n: int = 400) -> list[str]:
    queries = []
    for _ in range(n):
        user = rng.choice(users)
        source = rng.choice([user.username, *fold(user.display_name).split()])
        query = source[: rng.randint(1, min(8, len(source)))]
        if len(query) >= 4 and rng.random() < 0.25:
            i = rng.randrange(len(query) - 1)
            query = query[:i] + query[i + 1] + query[i] + query[i + 2 :]  # a swapped pair
        queries.append(query)
    return queries


def timed(run: Callable[[str], object], queries: list[str]) -> list[float]:
    for query in queries[:50]:  # warm-up
        run(query)
    times = []
    for query in queries:
        began = time.perf_counter()
        run(query)
        times.append((time.perf_counter() - began) * 1000)
    return times


def timed_pair(
    first: Callable[[str], object], second: Callable[[str], object], queries: list[str]
) -> tuple[list[float], list[float]]:
    """Both, alternating query by query, so load and caches treat them alike."""
    for query in queries[:50]:
        first(query)
        second(query)
    times: tuple[list[float], list[float]] = ([], [])
    for n, query in enumerate(queries):
        order = (0, 1) if n % 2 else (1, 0)
        for which in order:
            run = (first, second)[which]
            began = time.perf_counter()
            run(query)
            times[which].append((time.perf_counter() - began) * 1000)
    return times


def full_collection() -> float:
    began = time.perf_counter()
    gc.collect()
    return (time.perf_counter() - began) * 1000


def report(label: str, times: list[float]) -> float:
    p99 = statistics.quantiles(times, n=100)[98]
    print(f"{label}: p50 {statistics.median(times):.2f} ms, p99 {p99:.2f} ms")
    return p99


def main(count: int) -> None:
    rng = random.Random(12)
    users = make_users(count, rng)
    queries = make_queries(users, rng)
    print(f"{count} users, {len(queries)} queries (a quarter of the longer ones with a typo)")

    memory = InMemorySearchIndex()
    began = time.perf_counter()
    memory.put_users(users[:-1000])  # as the embedded profile loads at start-up
    print(f"embedded: {len(users) - 1000} users loaded in {time.perf_counter() - began:.1f} s")
    began = time.perf_counter()
    for user in users[-1000:]:  # as registrations and profile edits arrive
        memory.put_user(user)
    each = (time.perf_counter() - began) * 1000 / 1000
    print(f"embedded: then 1000 put one by one, {each:.2f} ms each")
    print(f"embedded: a full garbage collection now takes {full_collection():.0f} ms")
    gc.freeze()  # what `instagram serve` does after start-up (entrypoints/heap.py)
    print(f"embedded: after gc.freeze(), {full_collection():.0f} ms")
    report(
        "embedded autocomplete", timed(lambda q: memory.search_users(q, frozenset(), 10), queries)
    )

    server = start_elasticsearch()
    if server is None:
        print("Elasticsearch: not run (needs java and mvn)")
        return
    try:
        client = Elasticsearch([server.url], timeout=60)
        ensure_indexes(client, "bench")
        users_alias, posts_alias = alias_names("bench")
        began = time.perf_counter()
        for start in range(0, len(users), 5000):
            lines = []
            for user in users[start : start + 5000]:
                lines.append(json.dumps({"index": {"_index": users_alias, "_id": user.user_id}}))
                lines.append(json.dumps(user_body(user)))
            client.transport.perform_request(
                "POST",
                "/_bulk",
                body="\n".join(lines) + "\n",
                headers={"content-type": "application/x-ndjson"},
            )
        client.transport.perform_request("POST", f"/{users_alias}/_refresh")
        print(f"elasticsearch: bulk-loaded in {time.perf_counter() - began:.1f} s")
        index = ElasticsearchSearchIndex(client, users_alias, posts_alias)

        def send(body: dict[str, Any]) -> Any:
            return client.transport.perform_request(
                "POST",
                f"/{users_alias}/_search",
                params=AUTOCOMPLETE_PARAMS,
                body=body,
                headers={"content-type": "application/json"},
            )

        def bare(query: str) -> object:
            """The same two requests (the second only if the first leaves room)."""
            folded = fold(query)[:32]
            found = len(send(prefix_user_query(folded, frozenset(), 10))["hits"]["hits"])
            if found < 10 and allowed_edits(len(folded)):
                send(typo_user_query(folded, frozenset(), 10 - found))
            return found

        ours, raw = timed_pair(lambda q: index.search_users(q, frozenset(), 10), bare, queries)
        ours_p99 = report("elasticsearch autocomplete (ours)", ours)
        raw_p99 = report("elasticsearch autocomplete (bare client)", raw)
        print(
            f"bare / ours: p50 {statistics.median(raw) / statistics.median(ours):.2f},"
            f" p99 {raw_p99 / ours_p99:.2f} (goal >= 0.7)"
        )
    finally:
        server.stop()


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 100_000)
