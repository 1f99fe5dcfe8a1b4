"""``instagram demo`` on an embedded instance: what it writes is served after a restart, and a
second run over the same data dir adds nothing."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from litestar.testing import TestClient

from instagram_entrypoints.config import load_settings
from instagram_entrypoints.containers import build_container
from instagram_entrypoints.demo import PASSWORD, DemoSummary, make_plan, run_demo
from instagram_entrypoints.http.app import create_app
from tests.support import PHOTOS

USERS = 12
SEED = 3


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, DemoSummary]:
    data_dir = tmp_path_factory.mktemp("demo") / "data"
    summary = run_demo(url=None, data_dir=data_dir, user_count=USERS, photos=PHOTOS, seed=SEED)
    return data_dir, summary


@pytest.fixture
def client(demo: tuple[Path, DemoSummary]) -> Iterator[TestClient[Any]]:
    container = build_container(load_settings({"data_dir": demo[0]}))
    with TestClient(create_app(container=container)) as client:
        yield client


def log_in(client: TestClient[Any], username: str) -> dict[str, str]:
    answer = client.post("/api/v1/auth/token", json={"username": username, "password": PASSWORD})
    assert answer.status_code == 200, answer.text
    return {"Authorization": f"Bearer {answer.json()['access_token']}"}


def test_the_demo_reports_what_it_made(demo: tuple[Path, DemoSummary]) -> None:
    summary = demo[1]
    assert summary.users_created == USERS
    assert summary.private_users >= 1
    assert summary.follows_active > USERS
    assert summary.posts_created > 0
    assert summary.posts_published == summary.posts_created
    assert summary.posts_failed == summary.posts_unfinished == 0
    assert summary.likes > 0
    assert summary.comments_created > 0
    assert summary.skipped == 0
    assert summary.login_username.startswith("demo_")


def test_a_restarted_app_serves_the_users_follows_and_posts(
    demo: tuple[Path, DemoSummary], client: TestClient[Any]
) -> None:
    summary = demo[1]
    viewer = log_in(client, summary.login_username)
    me = client.get("/api/v1/users/me", headers=viewer).json()
    assert me["following_count"] > 0
    assert me["post_count"] > 0

    feed = client.get("/api/v1/feed", params={"limit": 50}, headers=viewer).json()
    assert feed["items"]
    assert {p["status"] for p in feed["items"]} == {"published"}
    assert all(p["media"][0]["variants"] for p in feed["items"])
    assert any(p["like_count"] > 0 for p in feed["items"])

    profiles = [
        client.get(f"/api/v1/users/{user.username}", headers=viewer).json()
        for user in make_plan(USERS, 1, SEED).users
    ]
    assert sum(p["follower_count"] for p in profiles) == summary.follows_active
    assert sum(p["following_count"] for p in profiles) == summary.follows_active
    assert sum(p["post_count"] for p in profiles) == summary.posts_published
    assert sum(p["is_private"] for p in profiles) == summary.private_users


def test_running_it_again_adds_nothing(
    demo: tuple[Path, DemoSummary], capsys: pytest.CaptureFixture[str]
) -> None:
    first = demo[1]
    again = run_demo(url=None, data_dir=demo[0], user_count=USERS, photos=None, seed=SEED)
    assert again.users_created == 0
    assert again.users_existing == USERS
    assert again.posts_created == 0
    assert again.posts_existing == again.posts_published == first.posts_published
    assert again.comments_created == 0
    assert again.approvals == 0
    assert again.follows_active == first.follows_active
    assert f"log in as {first.login_username} / {PASSWORD}" in capsys.readouterr().out
