"""Responses are compressed when the client asks (brotli, else gzip), never otherwise, and
blobs never: a byte range of a compressed stream is not the range that was asked for."""

from __future__ import annotations

import gzip
import json

import brotli
import pytest

from tests.integration.conftest import Api, local
from tests.support import jpeg_bytes


def feed_of_many(api: Api) -> tuple[dict[str, str], dict[str, object]]:
    alice, bob = api.register("alice"), api.register("bob")
    assert api.client.post("/api/v1/users/alice/follow", headers=bob).status_code == 200
    post = api.publish(alice, jpeg_bytes(), caption="compressed")
    for _ in range(3):
        api.publish(alice, jpeg_bytes(), caption="more")
    return bob, post


@pytest.mark.parametrize(
    ("accept", "encoding"),
    [("br", "br"), ("gzip", "gzip"), ("br, gzip", "br"), ("gzip, deflate", "gzip")],
)
def test_a_feed_page_is_compressed_as_the_client_asks(api: Api, accept: str, encoding: str) -> None:
    bob, _ = feed_of_many(api)
    plain = api.client.get("/api/v1/feed", headers={**bob, "Accept-Encoding": "identity"})
    assert plain.status_code == 200
    assert "content-encoding" not in plain.headers
    # Twice: the first read ranks, the second comes from the page cache; both compressed.
    for _ in range(2):
        answer = api.client.get("/api/v1/feed", headers={**bob, "Accept-Encoding": accept})
        assert answer.status_code == 200
        assert answer.headers["content-encoding"] == encoding
        assert json.loads(answer.content) == plain.json()  # httpx decodes br and gzip
        assert int(answer.headers["content-length"]) < len(plain.content) / 2


def test_the_compressed_bytes_decode_with_the_standard_decoders(api: Api) -> None:
    bob, _ = feed_of_many(api)
    with api.client.stream(
        "GET", "/api/v1/feed", headers={**bob, "Accept-Encoding": "br"}
    ) as answer:
        wire = b"".join(answer.iter_raw())
    assert json.loads(brotli.decompress(wire))["items"]
    with api.client.stream(
        "GET", "/api/v1/feed", headers={**bob, "Accept-Encoding": "gzip"}
    ) as answer:
        wire = b"".join(answer.iter_raw())
    assert json.loads(gzip.decompress(wire))["items"]


def test_blobs_are_never_compressed(api: Api) -> None:
    _, post = feed_of_many(api)
    media = post["media"]
    assert isinstance(media, list)
    variant = next(iter(media[0]["variants"].values()))
    headers = {"Accept-Encoding": "br, gzip"}
    with api.client.stream("GET", local(variant["url"]), headers=headers) as got:
        assert got.status_code == 200
        assert "content-encoding" not in got.headers
        assert b"".join(got.iter_raw())[:2] == b"\xff\xd8"  # the JPEG itself
