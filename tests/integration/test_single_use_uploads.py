"""Upload URLs are single-use, through the HTTP API: once a media's original is stored, or a
post claimed it, a replayed PUT, a part, a part URL or a completion answers 409 on the
embedded profile's ``/blobs`` edge; on S3, the URL's signed ``If-None-Match: *`` has S3
refuse the replay itself (412). Races are real concurrent requests, 200 trials each."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from tests.integration.conftest import Api, local
from tests.schema_support import assert_declared
from tests.support import jpeg_bytes

FIRST, SECOND = jpeg_bytes(color=(200, 0, 0)), jpeg_bytes(color=(0, 0, 200))


def ticket(api: Api, auth: dict[str, str]) -> dict[str, Any]:
    answer = api.client.get(
        "/api/v1/media/upload-url", params={"content_type": "image/jpeg"}, headers=auth
    )
    assert answer.status_code == 200, answer.text
    body: dict[str, Any] = answer.json()
    return body


def put(api: Api, issued: dict[str, Any], data: bytes) -> httpx.Response:
    """PUT to the URL as issued, wherever it points, with the headers it asks for."""
    url, headers = issued["upload_url"], issued["headers"]
    if url.startswith(api.container.config.blob_base_url()):
        return api.client.put(local(url), content=data, headers=headers)
    return httpx.put(url, content=data, headers=headers)


def original(api: Api, media_id: str) -> bytes:
    media = api.container.adapters.media().get(int(media_id))
    assert media is not None
    return bytes(api.container.adapters.blobs().get(media.original_key))


def create_post(api: Api, auth: dict[str, str], media_id: str) -> httpx.Response:
    return api.client.post("/api/v1/posts", json={"media_ids": [media_id]}, headers=auth)


def assert_spent(response: httpx.Response, api: Api | None = None) -> None:
    """A single-use refusal; with ``api``, one the schema declares too (the fuzzer never
    reaches a spent media, so this is where a missing 409 shows)."""
    assert response.status_code == 409, response.text
    assert response.json()["error"]["code"] == "conflict"
    assert "single-use" in response.json()["error"]["message"]
    if api is not None:
        assert_declared(api.client, response)


def test_a_replayed_upload_url_is_409_before_and_after_the_post(api: Api) -> None:
    alice = api.register("alice")
    issued = ticket(api, alice)
    assert put(api, issued, FIRST).status_code == 200
    assert_spent(put(api, issued, SECOND))
    assert create_post(api, alice, issued["media_id"]).status_code == 201
    assert_spent(put(api, issued, SECOND))
    assert original(api, issued["media_id"]) == FIRST


def test_after_an_upload_every_multipart_step_is_409(api: Api) -> None:
    """Parts and completion check the same state: after a completed upload (either way),
    another part, part URL, start or completion is refused, and the bytes stay."""
    alice = api.register("alice")
    issued = ticket(api, alice)
    base = f"/api/v1/media/{issued['media_id']}/parts"
    first = api.client.post(base, headers=alice).json()["upload_id"]
    second = api.client.post(base, headers=alice).json()["upload_id"]
    part_urls = {}
    for upload_id, data in ((first, FIRST), (second, SECOND)):
        signed = api.client.post(f"{base}/{upload_id}/1/url", headers=alice).json()
        part_urls[upload_id] = local(signed["url"])
        assert api.client.put(part_urls[upload_id], content=data).status_code == 200
    assert api.client.post(f"{base}/{first}/complete", headers=alice).status_code == 200
    assert_spent(api.client.post(f"{base}/{second}/complete", headers=alice), api)
    assert_spent(api.client.put(part_urls[second], content=SECOND), api)
    assert_spent(api.client.put(part_urls[first], content=SECOND), api)
    assert_spent(api.client.post(f"{base}/{second}/1/url", headers=alice), api)
    assert_spent(api.client.post(base, headers=alice), api)
    assert_spent(put(api, issued, SECOND), api)  # the single-PUT URL of the same media
    assert original(api, issued["media_id"]) == FIRST


def race(*requests: Callable[[], httpx.Response]) -> list[httpx.Response]:
    """Send the requests at once, each from its own thread; answers in the same order."""
    barrier = threading.Barrier(len(requests))
    answers: list[httpx.Response | None] = [None] * len(requests)

    def send(index: int) -> None:
        barrier.wait()
        answers[index] = requests[index]()

    threads = [threading.Thread(target=send, args=(i,)) for i in range(len(requests))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert all(answer is not None for answer in answers)
    return [answer for answer in answers if answer is not None]


TRIALS = 200
UPLOADS_PER_USER = 100  # under the 120 upload URLs a minute one account may ask for
POSTS_PER_USER = 25  # under the 30 posts an hour


@pytest.mark.slow
@pytest.mark.timeout(900)  # 200 trials of real requests
def test_two_puts_of_one_upload_url_at_once_store_one_body(api: Api) -> None:
    users = [api.register(f"racer{n}") for n in range(TRIALS // UPLOADS_PER_USER)]
    for trial in range(TRIALS):
        issued = ticket(api, users[trial // UPLOADS_PER_USER])
        one, two = race(lambda i=issued: put(api, i, FIRST), lambda i=issued: put(api, i, SECOND))
        assert sorted([one.status_code, two.status_code]) == [200, 409], (one.text, two.text)
        winner = FIRST if one.status_code == 200 else SECOND
        assert original(api, issued["media_id"]) == winner


@pytest.mark.slow
@pytest.mark.timeout(900)  # 200 trials of real requests
def test_a_replayed_put_racing_the_post_never_replaces_the_original(api: Api) -> None:
    users = [api.register(f"poster{n}") for n in range(TRIALS // POSTS_PER_USER)]
    for trial in range(TRIALS):
        auth = users[trial // POSTS_PER_USER]
        issued = ticket(api, auth)
        assert put(api, issued, FIRST).status_code == 200
        replay, created = race(
            lambda i=issued: put(api, i, SECOND),
            lambda a=auth, i=issued: create_post(api, a, i["media_id"]),
        )
        assert replay.status_code == 409, replay.text
        assert created.status_code == 201, created.text
        assert original(api, issued["media_id"]) == FIRST
    api.container.core.running_bus().drain(60)


def test_s3_refuses_a_replayed_upload_url_itself(prod_api: Api) -> None:
    alice = prod_api.register("alice")
    issued = ticket(prod_api, alice)
    assert issued["headers"] == {
        "Content-Type": "image/jpeg",
        "If-None-Match": "*",
        "Cache-Control": "private, no-store",
    }
    assert put(prod_api, issued, FIRST).status_code == 200
    assert put(prod_api, issued, SECOND).status_code == 412  # S3's PreconditionFailed
    assert create_post(prod_api, alice, issued["media_id"]).status_code == 201
    assert put(prod_api, issued, SECOND).status_code == 412
    assert original(prod_api, issued["media_id"]) == FIRST
    base = f"/api/v1/media/{issued['media_id']}/parts"
    assert_spent(prod_api.client.post(base, headers=alice))


@pytest.mark.slow
def test_s3_completion_after_another_upload_won_is_409(prod_api: Api) -> None:
    """Two multipart uploads of one media straight to S3: the first completion wins, the
    second is refused by our state check and, were it to race past it, by S3's
    conditional completion; its upload is aborted."""
    alice = prod_api.register("alice")
    issued = ticket(prod_api, alice)
    base = f"/api/v1/media/{issued['media_id']}/parts"
    uploads = [prod_api.client.post(base, headers=alice).json()["upload_id"] for _ in range(2)]
    for upload_id, data in zip(uploads, (FIRST, SECOND), strict=True):
        signed = prod_api.client.post(f"{base}/{upload_id}/1/url", headers=alice).json()
        assert httpx.put(signed["url"], content=data, headers=signed["headers"]).status_code == 200
    assert prod_api.client.post(f"{base}/{uploads[0]}/complete", headers=alice).status_code == 200
    assert_spent(prod_api.client.post(f"{base}/{uploads[1]}/complete", headers=alice))
    assert original(prod_api, issued["media_id"]) == FIRST
