"""The foundation's story through the HTTP API: register, follow, upload a real photo, see it
in a follower's feed with its variants, like it and comment on it."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from tests.integration.conftest import Api, local
from tests.support import PHOTOS, photo

VARIANTS = {"thumb_150", "small_320", "medium_640", "large_1080"}


def fetch_image(api: Api, url: str) -> Image.Image:
    response = api.client.get(local(url))
    assert response.status_code == 200
    assert response.headers["content-type"] == "image/jpeg"
    assert "immutable" in response.headers["cache-control"]
    image = Image.open(io.BytesIO(response.content))
    image.load()
    return image


def test_the_whole_story(api: Api) -> None:
    alice = api.register("alice")
    bob = api.register("bob")
    assert api.client.post("/api/v1/users/alice/follow", headers=bob).json() == {"status": "active"}

    post = api.publish(alice, photo("mobile_jolla.jpg"), caption="first light #sunrise @bob")
    assert post["status"] == "published", post
    assert post["hashtags"] == ["sunrise"]
    assert isinstance(post["post_id"], str)

    feed = api.client.get("/api/v1/feed", headers=bob).json()
    assert [p["post_id"] for p in feed["items"]] == [post["post_id"]]
    media = feed["items"][0]["media"][0]
    assert set(media["variants"]) == VARIANTS
    thumb = fetch_image(api, media["variants"]["thumb_150"]["url"])
    assert thumb.size == (150, 150)

    liked = api.client.post(f"/api/v1/posts/{post['post_id']}/like", headers=bob).json()
    assert liked == {"liked": True, "like_count": 1}
    again = api.client.post(f"/api/v1/posts/{post['post_id']}/like", headers=bob).json()
    assert again == {"liked": True, "like_count": 1}
    comment = api.client.post(
        f"/api/v1/posts/{post['post_id']}/comments", json={"text": "Amazing photo!"}, headers=bob
    )
    assert comment.status_code == 201
    assert comment.json()["author"]["username"] == "bob"
    comments = api.client.get(f"/api/v1/posts/{post['post_id']}/comments", headers=alice).json()
    assert [c["text"] for c in comments["items"]] == ["Amazing photo!"]

    seen = api.client.get(f"/api/v1/posts/{post['post_id']}", headers=alice).json()
    assert (seen["like_count"], seen["comment_count"]) == (1, 1)
    profile = api.client.get("/api/v1/users/alice", headers=bob).json()
    assert (profile["post_count"], profile["follower_count"], profile["follow_status"]) == (
        1,
        1,
        "active",
    )
    api.container.core.running_bus().drain(10)
    activity = api.client.get("/api/v1/notifications", headers=alice).json()["items"]
    assert {n["kind"] for n in activity} == {"like", "comment", "follow"}


@pytest.mark.parametrize(
    "name",
    ["orientation_landscape_6.jpg", "orientation_portrait_5.jpg", "orientation_landscape_8.jpg"],
)
def test_exif_rotated_photos_come_out_upright(api: Api, name: str) -> None:
    alice = api.register("alice")
    original = Image.open(io.BytesIO(photo(name)))
    upright = (
        original.size[::-1] if original.getexif().get(0x0112, 1) in {5, 6, 7, 8} else original.size
    )
    post = api.publish(alice, photo(name))
    large = post["media"][0]["variants"]["large_1080"]
    image = fetch_image(api, large["url"])
    assert (image.width > image.height) == (upright[0] > upright[1])
    assert image.size == (large["width"], large["height"])
    assert image.getexif().get(0x0112) in (None, 1)


@pytest.mark.parametrize("name", ["gps_DSCN0010.jpg", "tests_45-gps_ifd.jpg"])
def test_no_served_variant_carries_gps(api: Api, name: str) -> None:
    alice, bob = api.register("alice"), api.register("bob")
    post = api.publish(alice, photo(name))
    assert post["status"] == "published", post
    if name.startswith("gps_"):
        assert post["media"][0]["metadata"]["gps"] is not None  # the owner sees it
    other = api.client.get(f"/api/v1/posts/{post['post_id']}", headers=bob).json()
    assert other["media"][0]["metadata"]["gps"] is None
    for variant in other["media"][0]["variants"].values():
        raw = api.client.get(local(variant["url"])).content
        assert b"Exif" not in raw[:4096]
        assert Image.open(io.BytesIO(raw)).getexif().get_ifd(0x8825) == {}


def test_private_accounts_through_the_api(api: Api) -> None:
    alice = api.register("alice", private=True)
    bob = api.register("bob")
    post = api.publish(alice, photo("Nikon_D70.jpg"))
    assert api.client.post("/api/v1/users/alice/follow", headers=bob).json() == {
        "status": "pending"
    }
    # the post does not exist for bob; the profile says alice is private
    assert api.client.get(f"/api/v1/posts/{post['post_id']}", headers=bob).status_code == 404
    assert api.client.get("/api/v1/users/alice/posts", headers=bob).status_code == 403
    assert api.client.get("/api/v1/feed", headers=bob).json()["items"] == []
    requests = api.client.get("/api/v1/follow-requests", headers=alice).json()
    assert [u["username"] for u in requests["items"]] == ["bob"]
    assert api.client.post("/api/v1/follow-requests/bob/approve", headers=alice).status_code == 204
    api.container.core.running_bus().drain(10)
    assert api.client.get(f"/api/v1/posts/{post['post_id']}", headers=bob).status_code == 200
    assert [p["post_id"] for p in api.client.get("/api/v1/feed", headers=bob).json()["items"]] == [
        post["post_id"]
    ]


def test_delete_removes_the_post_everywhere(api: Api) -> None:
    alice, bob = api.register("alice"), api.register("bob")
    api.client.post("/api/v1/users/alice/follow", headers=bob)
    post = api.publish(alice, photo("Canon_40D.jpg"))
    url = local(post["media"][0]["variants"]["small_320"]["url"])
    assert api.client.delete(f"/api/v1/posts/{post['post_id']}", headers=bob).status_code == 403
    assert api.client.delete(f"/api/v1/posts/{post['post_id']}", headers=alice).status_code == 204
    api.container.core.running_bus().drain(10)
    assert api.client.get(f"/api/v1/posts/{post['post_id']}", headers=alice).status_code == 404
    assert api.client.get("/api/v1/feed", headers=bob).json()["items"] == []
    assert api.client.get("/api/v1/users/alice/posts", headers=bob).json()["items"] == []
    assert api.client.get(url).status_code == 404


def test_every_test_photo_processes_or_fails_with_a_reason(api: Api) -> None:
    alice = api.register("alice")
    for path in sorted(PHOTOS.iterdir()):
        content_type = {
            ".jpg": "image/jpeg",
            ".heic": "image/heic",
            ".tiff": "image/tiff",
        }[path.suffix.lower()]
        media_id = api.upload(alice, path.read_bytes(), content_type)
        created = api.client.post("/api/v1/posts", json={"media_ids": [media_id]}, headers=alice)
        if created.status_code == 422:  # refused from its header: a clear reason, at once
            assert created.json()["error"]["message"], path.name
            continue
        assert created.status_code == 201, (path.name, created.text)
        done = api.wait_until_done(alice, created.json()["post_id"])
        assert done["status"] in {"published", "failed"}, (path.name, done)
        if done["status"] == "failed":
            assert done["failure_reason"], path.name


def test_filters_are_listed_and_applied(api: Api) -> None:
    alice = api.register("alice")
    names = api.client.get("/api/v1/filters", headers=alice).json()["filters"]
    assert {"clarendon", "gingham", "juno", "lark", "ludwig", "moon", "reyes", "valencia"} <= set(
        names
    )
    post = api.publish(alice, photo("gps_DSCN0010.jpg"), filter="moon")
    assert (post["status"], post["filter"]) == ("published", "moon")
    media_id = api.upload(alice, photo("gps_DSCN0010.jpg"))
    unknown = api.client.post(
        "/api/v1/posts", json={"media_ids": [media_id], "filter": "sepia-ish"}, headers=alice
    )
    assert unknown.status_code == 422


def test_variants_list_jpeg_first_and_the_other_formats_once(api: Api) -> None:
    alice = api.register("alice")
    post = api.publish(alice, photo("gps_DSCN0010.jpg"))
    for variant in post["media"][0]["variants"].values():
        assert variant["format"] == "jpeg"
        # The variant is the JPEG; ``formats`` lists only the others, each URL once.
        assert [r["format"] for r in variant["formats"]] == ["webp"]
        urls = [variant["url"], *(r["url"] for r in variant["formats"])]
        assert len(set(urls)) == len(urls)
        for rendition in variant["formats"]:
            assert (rendition["width"], rendition["height"]) == (
                variant["width"],
                variant["height"],
            )


def test_trending_hashtags(api: Api) -> None:
    alice = api.register("alice")
    api.publish(alice, photo("gps_DSCN0010.jpg"), caption="#sunset #beach")
    api.publish(alice, photo("gps_DSCN0021.jpg"), caption="#sunset")
    trending = api.client.get("/api/v1/search/trending", headers=alice).json()["hashtags"]
    assert [t["tag"] for t in trending] == ["sunset", "beach"]
    assert trending[0]["score"] > trending[1]["score"]
