"""``instagram demo``: fill an instance with a small, believable social network.

Everything goes through the public HTTP API, so the same code fills a running server
(``--url``, over httpx) or an embedded instance started in-process on a data directory
(Litestar's test client over the real app: same routes, same workers, same files).

The whole network is planned up front from one ``random.Random(seed)``: users (about 10 %
private), a power-law follow graph, approvals of follow requests, posts of real photos with
hashtags and mentions, likes and comments. Then the plan is applied phase by phase. A
re-run with the same seed is mostly a no-op: taken usernames log in instead, follows and
likes are idempotent, and only the posts and comments still missing are created.
"""

from __future__ import annotations

import contextlib
import io
import logging
import random
import sys
import time
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote

import click
import httpx
from tqdm import tqdm

from instagram_core.policies.rate_limits import COMMENTS as COMMENT_RULE

PASSWORD = "demo-password"
API = "/api/v1"

# The test photos that decode cleanly (the folder also holds deliberately broken ones).
GOOD_PHOTOS = (
    "gps_DSCN0010.jpg",
    "gps_DSCN0021.jpg",
    "gps_DSCN0042.jpg",
    "orientation_landscape_1.jpg",
    "orientation_landscape_3.jpg",
    "orientation_landscape_6.jpg",
    "orientation_landscape_8.jpg",
    "orientation_portrait_5.jpg",
    "orientation_portrait_6.jpg",
    "mobile_jolla.jpg",
    "hdr_iphone_hdr_YES.jpg",
    "xmp_no_exif.jpg",
    "Canon_40D.jpg",
    "Nikon_D70.jpg",
    "tests_45-gps_ifd.jpg",
)
CONTENT_TYPES = {
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".png": "image/png",
    ".webp": "image/webp",
    ".heic": "image/heic",
    ".heif": "image/heif",
    ".tif": "image/tiff",
    ".tiff": "image/tiff",
}

ADJECTIVES = (
    "amber", "brave", "calm", "daring", "eager", "fuzzy", "gentle", "happy", "icy", "jolly",
    "keen", "lucky", "mellow", "nimble", "odd", "proud", "quiet", "rapid", "sunny", "tidy",
    "urban", "vivid", "witty", "young", "zesty", "bold", "cosy", "dusty", "early", "fancy",
)  # fmt: skip
HASHTAGS = (
    "travel", "sunset", "nofilter", "photooftheday", "nature", "citylife", "foodie", "weekend",
    "friends", "summer", "winter", "streetphotography", "mountains", "beach", "coffee", "art",
    "architecture", "throwback", "goodvibes", "roadtrip",
)  # fmt: skip
CAPTIONS = (
    "What a day",
    "Golden hour never disappoints",
    "Found this on my walk",
    "Can't stop looking at this view",
    "Weekend mood",
    "Some places stay with you",
    "New camera, who dis",
    "Late post, great memories",
    "Stopped the car for this one",
    "Just another Tuesday",
)
COMMENTS = (
    "Stunning!",
    "Love this 😍",
    "Where is this?",
    "Great shot",
    "The colours!",
    "Take me there",
    "Wow",
    "This made my day",
    "So good 🔥",
    "Need to visit",
)
PLACES = (
    (48.8566, 2.3522, "Paris"),
    (40.7128, -74.0060, "New York"),
    (35.6762, 139.6503, "Tokyo"),
    (-33.8688, 151.2093, "Sydney"),
    (64.1466, -21.9426, "Reykjavik"),
)
FILTERS = ("clarendon", "gingham", "juno", "lark", "ludwig", "moon", "reyes", "valencia")

PRIVATE_SHARE = 0.10
APPROVE_SHARE = 0.75
FOLLOWS_MIN, FOLLOWS_MAX = 5, 30
COMMENT_BUDGET = COMMENT_RULE.limit  # comments a user may post a minute: never plan more
MAX_RATE_LIMIT_WAIT = 5.0
PAGE = 50


class DemoError(click.ClickException):
    """The demo cannot go on: the instance is unreachable or answered unexpectedly."""


# --- the plan ------------------------------------------------------------------------------


@dataclass
class PlannedUser:
    username: str
    private: bool


@dataclass
class PlannedPost:
    author: int
    photo: int
    caption: str
    location: tuple[float, float, str] | None
    filter_name: str | None
    likers: list[int]
    comments: list[tuple[int, str]]


@dataclass
class Plan:
    users: list[PlannedUser]
    follows: list[tuple[int, int]]  # (follower, followee)
    approvals: list[tuple[int, int]]  # follows of private accounts their owner approves
    posts: list[PlannedPost]
    login: int  # the account to show off: follows many, posts a few


def make_plan(user_count: int, photo_count: int, seed: int) -> Plan:
    """The whole network, from the seed alone: the same arguments give the same plan."""
    rng = random.Random(seed)
    users = [
        PlannedUser(f"demo_{rng.choice(ADJECTIVES)}_{i + 1}", private=False)
        for i in range(user_count)
    ]
    private_count = max(1, round(user_count * PRIVATE_SHARE)) if user_count >= 3 else 0
    for i in rng.sample(range(1, user_count), private_count):
        users[i].private = True

    # Popularity is Zipf-like over a shuffled ranking: a few accounts draw most follows.
    ranking = list(range(user_count))
    rng.shuffle(ranking)
    weight = [0.0] * user_count
    for rank, i in enumerate(ranking):
        weight[i] = 1.0 / (rank + 1) ** 1.1
    popular = set(ranking[: max(1, user_count // 20)])

    follows: list[tuple[int, int]] = []
    following: list[set[int]] = [set() for _ in range(user_count)]
    for i in range(user_count):
        wanted = FOLLOWS_MAX if i == 0 else rng.randint(FOLLOWS_MIN, FOLLOWS_MAX)
        for j in _weighted_sample(rng, [k for k in range(user_count) if k != i], weight, wanted):
            follows.append((i, j))
            following[i].add(j)
    approvals = [(a, b) for a, b in follows if users[b].private and rng.random() < APPROVE_SHARE]
    approved = set(approvals)

    def sees(viewer: int, author: int) -> bool:
        return viewer == author or not users[author].private or (viewer, author) in approved

    followers: list[list[int]] = [[] for _ in range(user_count)]
    for a, b in follows:
        followers[b].append(a)

    posts: list[PlannedPost] = []
    budget = [COMMENT_BUDGET] * user_count
    photo = 0
    for author in range(user_count):
        count = rng.choice((0, 1, 1, 2, 2, 3)) + (3 if author in popular or author == 0 else 0)
        for _ in range(count):
            posts.append(
                _plan_post(rng, users, author, photo % max(1, photo_count), following[author])
            )
            photo += 1
    for post in posts:
        fans = [f for f in followers[post.author] if sees(f, post.author)]
        others = [v for v in range(user_count) if v != post.author and sees(v, post.author)]
        reach = round(2 + 40 * weight[post.author] + rng.expovariate(1 / 3))
        likers = rng.sample(fans, min(len(fans), reach))
        liked = set(likers)
        extra = [v for v in others if v not in liked]
        likers += rng.sample(extra, min(len(extra), max(0, reach - len(likers)) // 3))
        post.likers = likers
        for _ in range(rng.choice((0, 0, 1, 1, 2, 3))):
            able = [v for v in others if budget[v] > 0]
            if not able:
                break
            commenter = rng.choice(able)
            budget[commenter] -= 1
            text = rng.choice(COMMENTS)
            if rng.random() < 0.3:
                text = f"@{users[post.author].username} {text}"
            post.comments.append((commenter, text))
    rng.shuffle(posts)  # interleave authors, so feeds look lived-in
    return Plan(users, follows, approvals, posts, login=0)


def _weighted_sample(
    rng: random.Random, pool: Sequence[int], weight: Sequence[float], count: int
) -> list[int]:
    """``count`` distinct items of ``pool``, each drawn in proportion to its weight
    (Efraimidis-Spirakis: the largest ``u ** (1 / w)`` keys win)."""
    keyed = sorted(pool, key=lambda i: rng.random() ** (1.0 / weight[i]), reverse=True)
    return keyed[:count]


def _plan_post(
    rng: random.Random, users: Sequence[PlannedUser], author: int, photo: int, friends: set[int]
) -> PlannedPost:
    tags = rng.sample(HASHTAGS, rng.randint(1, 3))
    caption = f"{rng.choice(CAPTIONS)} " + " ".join(f"#{t}" for t in tags)
    if friends and rng.random() < 0.4:
        caption += f" with @{users[rng.choice(sorted(friends))].username}"
    location = rng.choice(PLACES) if rng.random() < 0.3 else None
    filter_name = rng.choice(FILTERS) if rng.random() < 0.25 else None
    return PlannedPost(author, photo, caption, location, filter_name, [], [])


# --- photos ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Photo:
    name: str
    data: bytes
    content_type: str


def default_photo_dir() -> Path:
    """The repository's test photos (``tests/data/photos``) when run from a checkout, found
    from the source tree or the working directory; an installed wheel has none."""
    project_root = Path(__file__).resolve().parents[2]
    for base in (project_root, Path.cwd()):
        candidate = base / "tests" / "data" / "photos"
        if candidate.is_dir():
            return candidate
    return Path.cwd() / "tests" / "data" / "photos"


def load_photos(folder: Path | None) -> list[Photo]:
    """The known-good test photos of ``folder`` if it holds them, else every image in it;
    a few generated pictures when there is no folder at all."""
    folder = folder or default_photo_dir()
    if folder.is_dir():
        paths = [folder / name for name in GOOD_PHOTOS if (folder / name).is_file()]
        if not paths:
            paths = sorted(p for p in folder.iterdir() if p.suffix.lower() in CONTENT_TYPES)
        photos = [Photo(p.name, p.read_bytes(), CONTENT_TYPES[p.suffix.lower()]) for p in paths]
        if photos:
            return photos
    return _generated_photos()


def _generated_photos(count: int = 6) -> list[Photo]:
    from PIL import Image, ImageDraw

    photos = []
    for n in range(count):
        image = Image.new("RGB", (640, 480), (40 * n % 256, 90, 200 - 25 * n))
        draw = ImageDraw.Draw(image)
        for step in range(0, 480, 24):
            draw.ellipse((step, step // 2, step + 160, step // 2 + 160), outline=(255, 220, 120))
        buffer = io.BytesIO()
        image.save(buffer, "JPEG", quality=85)
        photos.append(Photo(f"generated_{n}.jpg", buffer.getvalue(), "image/jpeg"))
    return photos


# --- applying the plan over HTTP -----------------------------------------------------------


@dataclass
class DemoSummary:
    target: str
    users_created: int = 0
    users_existing: int = 0
    users_unusable: int = 0
    private_users: int = 0
    follows_active: int = 0
    follows_pending: int = 0
    approvals: int = 0
    posts_created: int = 0
    posts_existing: int = 0
    posts_published: int = 0
    posts_failed: int = 0
    posts_unfinished: int = 0
    likes: int = 0
    comments_created: int = 0
    skipped: int = 0  # refused by the API (rate limits, visibility changed since)
    login_username: str = ""
    password: str = PASSWORD
    seconds: float = 0.0
    notes: list[str] = field(default_factory=list)
    hint: str = ""

    def lines(self) -> list[str]:
        return [
            f"demo data in {self.target} ({self.seconds:.1f} s)",
            f"  users     {self.users_created} created, {self.users_existing} already there"
            f" ({self.private_users} private)"
            + (f", {self.users_unusable} unusable" if self.users_unusable else ""),
            f"  follows   {self.follows_active} active, {self.follows_pending} pending,"
            f" {self.approvals} requests approved",
            f"  posts     {self.posts_created} created, {self.posts_existing} already there;"
            f" {self.posts_published} published, {self.posts_failed} failed"
            + (f", {self.posts_unfinished} still processing" if self.posts_unfinished else ""),
            f"  likes     {self.likes}",
            f"  comments  {self.comments_created} created",
            *([f"  skipped   {self.skipped} refused requests"] if self.skipped else []),
            *(f"  note: {note}" for note in self.notes),
            f"log in as {self.login_username} / {self.password}",
            *([self.hint] if self.hint else []),
        ]


@dataclass
class _PostState:
    post_id: str
    author: int
    status: str
    comment_count: int


class _Demo:
    """Applies a plan through any httpx-like client (a real one or Litestar's test client)."""

    def __init__(
        self, client: httpx.Client, plan: Plan, photos: Sequence[Photo], summary: DemoSummary
    ) -> None:
        self._client = client
        self._plan = plan
        self._photos = photos
        self._s = summary
        self._tokens: dict[int, str] = {}

    def run(self, processing_timeout: float) -> DemoSummary:
        self._accounts()
        self._follows()
        self._approvals()
        states = self._posts()
        self._wait_for_processing(states, processing_timeout)
        self._likes(states)
        self._comments(states)
        return self._s

    # phases

    def _accounts(self) -> None:
        for i, user in enumerate(_progress(self._plan.users, "accounts", "user")):
            body = {"username": user.username, "password": PASSWORD, "is_private": user.private}
            created = self._request("POST", "/accounts", json=body, expect={201, 409})
            if created.status_code == 201:
                self._s.users_created += 1
            else:
                self._s.users_existing += 1
            token = self._request(
                "POST",
                "/auth/token",
                json={"username": user.username, "password": PASSWORD},
                expect={200, 401},
            )
            if token.status_code == 401:  # the name belongs to someone else's account
                self._s.users_unusable += 1
                continue
            self._tokens[i] = token.json()["access_token"]
            self._s.private_users += user.private
        if self._plan.login not in self._tokens:
            usable = sorted(self._tokens)
            if not usable:
                raise DemoError("no demo account could log in; try another --seed")
            self._plan.login = usable[0]
        self._s.login_username = self._plan.users[self._plan.login].username

    def _follows(self) -> None:
        for a, b in _progress(self._usable(self._plan.follows), "follows", "follow"):
            name = quote(self._plan.users[b].username)
            answer = self._request("POST", f"/users/{name}/follow", user=a, expect={200})
            if answer.status_code != 200:
                continue
            if answer.json()["status"] == "active":
                self._s.follows_active += 1
            else:
                self._s.follows_pending += 1

    def _approvals(self) -> None:
        for a, b in _progress(self._usable(self._plan.approvals), "approvals", "request"):
            name = quote(self._plan.users[a].username)
            path = f"/follow-requests/{name}/approve"
            answer = self._request("POST", path, user=b, expect={204, 404})
            if answer.status_code == 204:  # 404: approved by an earlier run already
                self._s.approvals += 1
                self._s.follows_active += 1
                self._s.follows_pending -= 1

    def _posts(self) -> dict[int, _PostState]:
        """Create the posts still missing; map plan indexes to the posts now on the server.

        An author's n-th planned post is their n-th oldest post, so a re-run only creates
        what an earlier (possibly interrupted) run did not."""
        states: dict[int, _PostState] = {}
        by_author: dict[int, list[int]] = {}
        for index, post in enumerate(self._plan.posts):
            if post.author in self._tokens:
                by_author.setdefault(post.author, []).append(index)
        for author, indexes in by_author.items():
            for index, existing in zip(indexes, self._own_posts(author), strict=False):
                states[index] = existing
                self._s.posts_existing += 1
        missing = [i for i, p in enumerate(self._plan.posts) if p.author in by_author]
        missing = [i for i in missing if i not in states]
        for index in _progress(missing, "posts", "post"):
            created = self._create_post(self._plan.posts[index])
            if created is not None:
                states[index] = created
                self._s.posts_created += 1
        return states

    def _wait_for_processing(self, states: Mapping[int, _PostState], timeout: float) -> None:
        """Posts are processed by the instance's workers: poll each until it is done (in
        creation order, so most are done by the time they are asked), within ``timeout``."""
        deadline = time.monotonic() + timeout
        pending = sorted(states.values(), key=lambda s: int(s.post_id))
        with _bar(len(pending), "processing", "post") as bar:
            for state in pending:
                while state.status == "processing" and time.monotonic() < deadline:
                    answer = self._request(
                        "GET", f"/posts/{state.post_id}", user=state.author, expect={200}
                    )
                    if answer.status_code == 200:
                        state.status = answer.json()["status"]
                    if state.status == "processing":
                        time.sleep(0.05)
                bar.update()
        for state in states.values():
            if state.status == "published":
                self._s.posts_published += 1
            elif state.status == "processing":
                self._s.posts_unfinished += 1
            else:
                self._s.posts_failed += 1
        if self._s.posts_unfinished:
            self._s.notes.append(
                f"{self._s.posts_unfinished} posts were still processing after {timeout:.0f} s;"
                " they get no likes or comments this run"
            )

    def _likes(self, states: Mapping[int, _PostState]) -> None:
        jobs = [
            (state.post_id, liker)
            for index, state in states.items()
            if state.status == "published"
            for liker in self._plan.posts[index].likers
            if liker in self._tokens
        ]
        for post_id, liker in _progress(jobs, "likes", "like"):
            answer = self._request("POST", f"/posts/{post_id}/like", user=liker, expect={200})
            self._s.likes += answer.status_code == 200

    def _comments(self, states: Mapping[int, _PostState]) -> None:
        jobs = [
            (state.post_id, commenter, text)
            for index, state in states.items()
            if state.status == "published"
            for commenter, text in self._plan.posts[index].comments[state.comment_count :]
            if commenter in self._tokens
        ]
        for post_id, commenter, text in _progress(jobs, "comments", "comment"):
            path = f"/posts/{post_id}/comments"
            answer = self._request("POST", path, user=commenter, json={"text": text}, expect={201})
            self._s.comments_created += answer.status_code == 201

    # helpers

    def _usable(self, pairs: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
        return [(a, b) for a, b in pairs if a in self._tokens and b in self._tokens]

    def _own_posts(self, author: int) -> list[_PostState]:
        """Every post of ``author`` as they see their grid (processing and failed too),
        oldest first."""
        name = quote(self._plan.users[author].username)
        found: list[_PostState] = []
        cursor: str | None = None
        while True:
            params: dict[str, Any] = {"limit": PAGE, **({"cursor": cursor} if cursor else {})}
            page = self._request(
                "GET", f"/users/{name}/posts", user=author, params=params, expect={200}
            )
            if page.status_code != 200:
                break
            body = page.json()
            found.extend(
                _PostState(p["post_id"], author, p["status"], p["comment_count"])
                for p in body["items"]
            )
            cursor = body["next_cursor"]
            if cursor is None:
                break
        return found[::-1]

    def _create_post(self, post: PlannedPost) -> _PostState | None:
        photo = self._photos[post.photo % len(self._photos)]
        ticket = self._request(
            "GET",
            "/media/upload-url",
            user=post.author,
            params={"type": "image", "content_type": photo.content_type},
            expect={200},
        )
        if ticket.status_code != 200:
            return None
        upload = ticket.json()
        headers = {"Content-Type": photo.content_type, **upload.get("headers", {})}
        put = self._send("PUT", upload["upload_url"], content=photo.data, headers=headers)
        if put.status_code != 200:
            self._fail("PUT", "the upload URL", put)
        body: dict[str, Any] = {"media_ids": [upload["media_id"]], "caption": post.caption}
        if post.location is not None:
            lat, lng, place = post.location
            body["location"] = {"lat": lat, "lng": lng, "name": place}
        if post.filter_name is not None:
            body["filter"] = post.filter_name
        created = self._request("POST", "/posts", user=post.author, json=body, expect={201})
        if created.status_code != 201:
            return None
        return _PostState(created.json()["post_id"], post.author, created.json()["status"], 0)

    def _request(
        self,
        method: str,
        path: str,
        *,
        expect: set[int],
        user: int | None = None,
        json: Any = None,
        params: Mapping[str, Any] | None = None,
    ) -> httpx.Response:
        """One API call. Answers in ``expect`` are returned; refusals a changed world
        explains (403, 404, 422, 429 after a short wait) are counted as skipped and returned;
        anything else stops the demo."""
        headers = {"Authorization": f"Bearer {self._tokens[user]}"} if user is not None else {}
        for _attempt in range(3):
            answer = self._send(method, API + path, json=json, params=params, headers=headers)
            if answer.status_code in expect:
                return answer
            if answer.status_code == 429:
                wait = float(answer.headers.get("Retry-After", "1"))
                if wait <= MAX_RATE_LIMIT_WAIT:
                    time.sleep(wait)
                    continue
            if answer.status_code in {403, 404, 422, 429}:
                self._s.skipped += 1
                return answer
            self._fail(method, path, answer)
        self._s.skipped += 1
        return answer

    def _send(self, method: str, url: str, **kwargs: Any) -> httpx.Response:
        try:
            return self._client.request(method, url, **kwargs)
        except httpx.TransportError as exc:
            raise DemoError(f"cannot reach {self._s.target}: {exc}") from exc

    def _fail(self, method: str, path: str, answer: httpx.Response) -> None:
        try:
            message = answer.json()["error"]["message"]
        except (ValueError, KeyError, TypeError):
            message = answer.text[:200]
        raise DemoError(f"{method} {path} answered {answer.status_code}: {message}")


def _progress(items: Sequence[Any], desc: str, unit: str) -> Iterator[Any]:
    with _bar(len(items), desc, unit) as bar:
        for item in items:
            yield item
            bar.update()


@contextlib.contextmanager
def _bar(total: int, desc: str, unit: str) -> Iterator[tqdm[Any]]:
    with tqdm(total=total, desc=f"{desc:<10}", unit=unit, file=sys.stderr, leave=True) as bar:
        yield bar


@contextlib.contextmanager
def _quiet_request_log() -> Iterator[None]:
    """httpx logs every request at INFO, which would bury the progress bars."""
    logger = logging.getLogger("httpx")
    level = logger.level
    logger.setLevel(logging.WARNING)
    try:
        yield
    finally:
        logger.setLevel(level)


# --- entry point -----------------------------------------------------------------------------


def run_demo(
    url: str | None,
    data_dir: Path | None,
    user_count: int = 200,
    photos: Path | None = None,
    seed: int = 7,
) -> DemoSummary:
    """Fill the instance at ``url``, or an embedded one on ``data_dir`` when ``url`` is
    ``None``; print a progress bar per phase and a summary, and return the summary."""
    if user_count < 2:
        raise DemoError("the demo needs at least 2 users")
    pictures = load_photos(photos)
    plan = make_plan(user_count, len(pictures), seed)
    started = time.monotonic()
    timeout = 60.0 + 0.5 * len(plan.posts)
    with _quiet_request_log():
        if url is not None:
            summary = DemoSummary(target=url.rstrip("/"))
            with httpx.Client(base_url=summary.target, timeout=60.0) as client:
                _Demo(client, plan, pictures, summary).run(timeout)
        else:
            summary = _run_embedded(data_dir, plan, pictures, timeout)
    summary.seconds = time.monotonic() - started
    click.echo("\n".join(summary.lines()))
    return summary


def _run_embedded(
    data_dir: Path | None, plan: Plan, photos: Sequence[Photo], timeout: float
) -> DemoSummary:
    from dependency_injector import providers
    from litestar.testing import TestClient

    from instagram_adapters.argon2.hasher import Argon2PasswordHasher
    from instagram_entrypoints.config import load_settings
    from instagram_entrypoints.containers import build_container
    from instagram_entrypoints.http.app import create_app

    settings = load_settings({"data_dir": data_dir})
    summary = DemoSummary(
        target=f"the embedded instance in {settings.data_dir}",
        hint=f"serve it with: instagram serve --data-dir {settings.data_dir}",
    )
    container = build_container(settings)
    # Full-strength Argon2 costs ~0.1 s a hash, twice per account (sign-up, log-in): most of
    # the run. The demo's password is public anyway, so its accounts get the cheapest hash;
    # the server re-hashes it at full strength on their first log-in (``needs_rehash``).
    container.adapters.hasher.override(providers.Singleton(Argon2PasswordHasher.fast_for_tests))
    app = create_app(container=container)
    # Leaving the client stops the app, whose event bus first finishes the queued work
    # (fan-out, notifications, search indexing).
    with TestClient(app) as client:
        _Demo(client, plan, photos, summary).run(timeout)
    return summary
