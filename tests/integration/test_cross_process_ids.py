"""``serve --processes N`` on the production profile: processes that share the engines must
never mint the same id. Each takes its own Snowflake worker id from Redis at start; before,
every process was worker 1, and two comments made in the same millisecond by two API
processes got the same id (the second answered 409)."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from litestar.testing import TestClient

from instagram_core.domain.ids import MAX_WORKER_ID, SEQUENCE_BITS
from instagram_entrypoints.config import Settings
from instagram_entrypoints.containers import build_container
from instagram_entrypoints.http.app import create_app
from tests.integration.conftest import Api
from tests.support import photo


def worker_of(snowflake: int) -> int:
    return (snowflake >> SEQUENCE_BITS) & MAX_WORKER_ID


def test_each_process_mints_ids_of_its_own(prod_settings: Settings) -> None:
    first, second = build_container(prod_settings), build_container(prod_settings)
    try:
        ids = [first.adapters.ids(), second.adapters.ids()]
        assert worker_of(ids[0].next_id()) != worker_of(ids[1].next_id())
        with ThreadPoolExecutor(4) as pool:
            minted = list(pool.map(lambda n: ids[n % 2].next_id(), range(4000)))
        assert len(set(minted)) == len(minted)
    finally:
        first.shutdown_resources()
        second.shutdown_resources()


def test_comments_through_two_api_processes_never_collide(
    prod_api: Api, prod_settings: Settings
) -> None:
    api = prod_api
    alice = api.register("alice")
    # The comment limit is 20 a minute per user: three commenters share the 54 comments.
    commenters = [api.register(name) for name in ("bob", "cy", "dee")]
    post = api.publish(alice, photo("mobile_jolla.jpg"))
    other = build_container(prod_settings)
    with TestClient(create_app(container=other)) as second:
        clients = [api.client, second]

        def comment(n: int) -> tuple[int, int]:
            answer = clients[n % 2].post(
                f"/api/v1/posts/{post['post_id']}/comments",
                json={"text": f"comment {n}"},
                headers=commenters[n % 3],
            )
            return answer.status_code, answer.json().get("comment_id", 0)

        with ThreadPoolExecutor(4) as pool:
            answers = list(pool.map(comment, range(54)))
    assert [status for status, _ in answers] == [201] * 54, answers
    assert len({comment_id for _, comment_id in answers}) == 54
