"""The web client in a real browser: Debian's Chromium, driven by Playwright, against the app
served by uvicorn on a loopback port, through the UI only.

Each user has a browser context of their own (their own tab storage, so their own token).
Screenshots land in ``docs/screenshots/``; the README shows them.
"""

from __future__ import annotations

import re
import shutil
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import uvicorn

from instagram_entrypoints.http.app import create_app
from tests.engines import free_port, missing
from tests.integration.conftest import embedded_settings
from tests.support import PROJECT_ROOT, photo

playwright_api = pytest.importorskip("playwright.sync_api")

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
AXE = PROJECT_ROOT / "tests" / "data" / "axe" / "axe.min.js"
SCREENSHOTS = PROJECT_ROOT / "docs" / "screenshots"
PASSWORD = "correct horse"
# Without these, Chromium keeps calling Google's hosts, which this network refuses.
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def base_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    data_dir = tmp_path_factory.mktemp("web")
    port = free_port()
    settings = embedded_settings(data_dir, port=port)
    server = uvicorn.Server(
        uvicorn.Config(create_app(settings), host="127.0.0.1", port=port, log_level="warning")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        assert time.monotonic() < deadline, "the app did not start"
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    if not Path(CHROMIUM).exists():
        missing("chromium (apt-get install chromium)")
    with playwright_api.sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        yield instance
        instance.close()


class User:
    """One person at one browser: a context of their own, and the console errors it saw."""

    def __init__(
        self, browser: Any, base_url: str, name: str, width: int = 1280, audit: bool = False
    ) -> None:
        self.name = name
        # An audit injects axe-core as an inline script, which the page's CSP refuses.
        self.context = browser.new_context(
            base_url=base_url, viewport={"width": width, "height": 900}, bypass_csp=audit
        )
        self.page = self.context.new_page()
        self.page.set_default_timeout(20_000)
        self.errors: list[str] = []
        self.page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))

    def sign_up(self, private: bool = False) -> None:
        page = self.page
        page.goto("/")
        page.get_by_role("button", name="New here? Create an account").click()
        page.get_by_label("Username").fill(self.name)
        page.get_by_label("Password").fill(PASSWORD)
        if private:
            page.get_by_label("Private account").check()
        page.get_by_role("button", name="Sign up").click()
        page.get_by_role("heading", name="Home").wait_for()

    def open_profile(self, username: str) -> None:
        target = f"/#/u/{username}"
        if self.page.url.endswith(target):  # the same hash would not render it again
            self.page.reload()
        else:
            self.page.goto(target)
        self.page.locator(".handle", has_text=f"@{username}").wait_for()

    def follow(self, username: str) -> None:
        self.open_profile(username)
        self.page.get_by_role("button", name="Follow", exact=True).click()
        self.page.get_by_role("button", name=re.compile("Unfollow|Requested")).wait_for()

    def publish(self, path: Path, caption: str, filter_name: str | None = None) -> None:
        page = self.page
        page.goto("/#/upload")
        page.get_by_label("Photo or video").set_input_files(str(path))
        page.get_by_role("img", name="Preview of the chosen photo").wait_for()
        if filter_name:
            page.get_by_label("Filter").select_option(filter_name)
        page.get_by_label("Caption").fill(caption)
        page.get_by_role("button", name="Share").click()
        page.get_by_text("Published.").wait_for(timeout=60_000)

    def close(self) -> None:
        self.context.close()


@pytest.fixture
def people(browser: Any, base_url: str) -> Iterator[Callable[..., User]]:
    """Opens a user's browser context; at the end, every context must have logged no error."""
    opened: list[User] = []

    def open_user(name: str, width: int = 1280, audit: bool = False) -> User:
        opened.append(User(browser, base_url, name, width, audit))
        return opened[-1]

    yield open_user
    for user in opened:
        user.close()
    for user in opened:
        assert not user.errors, f"console errors for {user.name}: {user.errors}"


def _photo_file(tmp_path: Path) -> Path:
    path = tmp_path / "sunset.jpg"
    path.write_bytes(photo("mobile_jolla.jpg"))
    return path


def _no_horizontal_overflow(page: Any) -> bool:
    return bool(page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1"))


def test_two_people_share_a_photo_like_it_comment_and_see_the_notification(
    people: Any, tmp_path: Path
) -> None:
    alice, bob = people("alice"), people("bob")
    alice.sign_up()
    bob.sign_up()
    bob.follow("alice")

    # alice uploads a real photo with a filter; the bar goes to 100 % and the post publishes
    page = alice.page
    page.goto("/#/upload")
    page.locator("#filter option").nth(1).wait_for(state="attached")
    filters = page.get_by_label("Filter").locator("option").all_inner_texts()
    assert len(filters) > 1, "the filter list comes from GET /filters"
    alice.publish(_photo_file(tmp_path), "Beautiful sunset! #nature", filter_name=filters[1])
    assert page.locator("#upload-progress").get_attribute("value") == "100"
    assert page.locator(".progress-text").inner_text() == "100%"

    # bob sees it: the blurhash first (images held back), then the sharp image over it
    held: list[Any] = []
    released = threading.Event()

    def hold(route: Any) -> None:
        if released.is_set():
            route.continue_()
        else:
            held.append(route)

    bob.page.route("**/blobs/**", hold)
    bob.page.goto("/#/")
    post = bob.page.locator("article.post").first
    post.wait_for()
    assert post.locator("canvas.blurhash").count() == 1
    assert "loaded" not in (post.locator(".frame").get_attribute("class") or "")
    released.set()
    for route in held:
        route.continue_()
    post.locator(".frame.loaded").wait_for()
    assert post.locator("picture source[type='image/webp']").count() == 1
    assert "w," in (post.locator("img").get_attribute("srcset") or "") + ","
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    bob.page.screenshot(path=str(SCREENSHOTS / "feed.png"))

    # like and comment, shown at once and kept after a reload (the server has them)
    post.get_by_role("button", name="♥ Like").click()
    assert post.get_by_role("button", name="♥ Like").get_attribute("aria-pressed") == "true"
    post.get_by_text("1 like").wait_for()
    post.get_by_role("textbox").fill("Amazing photo!")
    post.get_by_role("button", name="Post").click()
    post.locator(".comments li:not(.pending)", has_text="Amazing photo!").wait_for()
    bob.page.reload()
    again = bob.page.locator("article.post").first
    again.get_by_text("1 like").wait_for()
    assert again.get_by_role("button", name="♥ Like").get_attribute("aria-pressed") == "true"

    # alice has the grouped notifications, with the unread badge
    alice.page.goto("/#/")
    badge = alice.page.locator("#unread")
    deadline = time.monotonic() + 30
    while not (badge.is_visible() and int(badge.inner_text()) >= 2):  # follow, like, comment
        assert time.monotonic() < deadline, f"unread badge stuck at {badge.inner_text()!r}"
        time.sleep(0.5)
        alice.page.reload()
        alice.page.get_by_role("heading", name="Home").wait_for()
    alice.page.goto("/#/activity")
    alice.page.get_by_text("bob liked your post").wait_for()
    alice.page.get_by_text(re.compile("bob commented")).wait_for()
    alice.page.locator("#unread").wait_for(state="hidden")  # read on the server: badge gone
    alice.page.screenshot(path=str(SCREENSHOTS / "activity.png"))


def test_a_like_that_fails_is_rolled_back(people: Any, tmp_path: Path) -> None:
    carol = people("carol")
    carol.sign_up()
    carol.publish(_photo_file(tmp_path), "mine")
    carol.page.goto("/#/me")
    carol.page.locator(".grid a.cell").first.click()
    post = carol.page.locator("article.post").first
    carol.page.route(
        "**/api/v1/posts/*/like",
        lambda route: route.fulfill(
            status=503,
            headers={"Retry-After": "5", "Content-Type": "application/json"},
            body='{"error": {"code": "unavailable", "message": "Likes are unavailable."}}',
        ),
    )
    post.get_by_role("button", name="♥ Like").click()
    carol.page.get_by_text("Like not saved: Likes are unavailable.").wait_for()
    assert post.get_by_role("button", name="♥ Like").get_attribute("aria-pressed") == "false"
    post.get_by_text("0 likes").wait_for()
    # the failed request is the expected one; nothing else may log an error
    carol.errors = [e for e in carol.errors if "503" not in e]


def test_a_story_is_posted_and_viewed_with_its_progress_bars(people: Any, tmp_path: Path) -> None:
    dave, erin = people("dave"), people("erin")
    dave.sign_up()
    erin.sign_up()
    erin.follow("dave")
    page = dave.page
    page.goto("/#/upload")
    page.get_by_label("Photo or video").set_input_files(str(_photo_file(tmp_path)))
    page.get_by_label("Share to your story instead").check()
    page.get_by_role("button", name="Share").click()
    page.get_by_text("Your story is processing").wait_for(timeout=60_000)

    erin.page.goto("/#/")
    deadline = time.monotonic() + 30
    while erin.page.locator(".tray-item", has_text="dave").count() == 0:
        assert time.monotonic() < deadline, "dave's story never reached erin's tray"
        time.sleep(0.5)
        erin.page.reload()
        erin.page.locator(".tray").wait_for()
    viewed = re.compile(r".*/api/v1/stories/\d+/view$")
    with erin.page.expect_response(
        lambda r: bool(viewed.match(r.url)) and r.request.method == "POST"
    ) as view:
        erin.page.locator(".tray-item", has_text="dave").click()
    assert view.value.status == 204
    viewer = erin.page.get_by_role("dialog", name="Stories")
    viewer.get_by_role("img", name="Story by dave").wait_for()
    assert viewer.locator(".bar.running").count() == 1
    erin.page.screenshot(path=str(SCREENSHOTS / "story.png"))
    erin.page.keyboard.press("Escape")
    viewer.wait_for(state="detached")

    # the owner opens their own story and sees who viewed it
    dave.page.goto("/#/stories/dave")
    own = dave.page.get_by_role("dialog", name="Stories")
    own.locator(".viewers").get_by_text("Seen by 1").wait_for()
    listed = own.get_by_role("list", name="Viewers").get_by_role("listitem")
    assert listed.all_inner_texts() == ["erin"]


def test_a_private_accounts_posts_stay_hidden_from_a_stranger(people: Any, tmp_path: Path) -> None:
    frank, grace = people("frank"), people("grace")
    frank.sign_up(private=True)
    frank.publish(_photo_file(tmp_path), "only for my followers")
    grace.sign_up()
    grace.open_profile("frank")
    grace.page.locator(".handle", has_text="@frank · private").wait_for()
    grace.page.get_by_text("This account is private.").wait_for()
    assert grace.page.locator(".grid a.cell").count() == 0
    grace.page.get_by_role("button", name="Follow", exact=True).click()
    grace.page.get_by_role("button", name="Requested").wait_for()
    # frank approves from his profile; then grace sees the post
    frank.page.goto("/#/me")
    frank.page.get_by_role("button", name="Approve").click()
    frank.page.get_by_role("button", name="Approve").wait_for(state="detached")
    grace.open_profile("frank")
    grace.page.locator(".grid a.cell").first.wait_for()


@pytest.mark.parametrize("width", [375, 1280])
def test_the_layout_holds_and_has_no_serious_accessibility_violations(
    people: Any, tmp_path: Path, width: int
) -> None:
    user = people(f"reader{width}", width, audit=True)
    user.sign_up()
    user.publish(_photo_file(tmp_path), "a #test post")
    for screen in ("/#/", "/#/upload", "/#/search", "/#/activity", "/#/me", "/#/explore"):
        user.page.goto(screen)
        user.page.locator("main h1").first.wait_for()
        assert _no_horizontal_overflow(user.page), f"{screen} overflows at {width} px"
        user.page.add_script_tag(path=str(AXE))
        result = user.page.evaluate(
            "async () => (await axe.run(document, {resultTypes: ['violations']})).violations"
            ".filter(v => v.impact === 'serious' || v.impact === 'critical')"
            ".map(v => v.id + ': ' + v.nodes.map(n => n.target.join(' ')).join(', '))"
        )
        assert result == [], f"{screen} at {width} px: {result}"
    user.page.goto("/#/me")
    user.page.locator(".grid .frame.loaded").first.wait_for()
    user.page.screenshot(path=str(SCREENSHOTS / f"profile-{width}.png"))


def test_search_autocompletes_as_you_type(people: Any) -> None:
    henry, ivy = people("henry.h"), people("ivy")
    henry.sign_up()
    ivy.sign_up()
    ivy.page.goto("/#/search")
    ivy.page.get_by_role("searchbox").press_sequentially("hen", delay=50)
    ivy.page.get_by_role("link", name=re.compile("henry.h")).wait_for()
    ivy.page.get_by_role("link", name=re.compile("henry.h")).click()
    ivy.page.locator(".handle", has_text="@henry.h").wait_for()


def test_a_large_upload_resumes_after_a_dropped_connection(people: Any, tmp_path: Path) -> None:
    """Over 8 MB the client uses the multipart API; a part whose connection drops is sent
    again, and a part the server already holds is not."""
    import io
    import os

    from PIL import Image

    big = tmp_path / "big.jpg"
    noise = Image.frombytes("RGB", (2000, 1500), os.urandom(2000 * 1500 * 3))
    buffer = io.BytesIO()
    noise.save(buffer, "JPEG", quality=100, subsampling=0)
    big.write_bytes(buffer.getvalue())
    assert big.stat().st_size > 8 * 1024 * 1024

    judy = people("judy")
    judy.sign_up()
    puts: list[str] = []
    dropped: list[str] = []

    def flaky(route: Any) -> None:
        request = route.request
        if request.method == "PUT":
            puts.append(request.url)
            if "part=2" in request.url and not dropped:
                dropped.append(request.url)
                route.abort("connectionreset")
                return
        route.continue_()

    judy.page.route("**/blobs/**", flaky)
    judy.publish(big, "noise, in two parts")
    assert dropped, "the second part's connection was never dropped"
    part_puts = [url for url in puts if "part=" in url]
    assert sum("part=1" in url for url in part_puts) == 1, part_puts
    assert sum("part=2" in url for url in part_puts) == 2, part_puts
    # the dropped request is the one expected browser error
    judy.errors = [e for e in judy.errors if "ERR_CONNECTION_RESET" not in e]
