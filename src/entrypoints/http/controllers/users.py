"""Profiles, grids, follower lists, follows and follow requests."""

from __future__ import annotations

from litestar import Controller, delete, get, patch, post
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery, JSONBody
from litestar.status_codes import HTTP_200_OK, HTTP_204_NO_CONTENT

from instagram_core.domain.pagination import DEFAULT_PAGE_SIZE, Page
from instagram_core.domain.users import User
from instagram_core.services.accounts import AccountService
from instagram_core.services.highlights import HighlightService
from instagram_core.services.profiles import ProfileService
from instagram_core.services.social import SocialService
from instagram_entrypoints.http import presenters, schemas
from instagram_entrypoints.http.params import PageLimit
from instagram_entrypoints.http.request_guard import SMALL_JSON_BODY_LIMIT


def _users(page: Page[User]) -> schemas.UserPage:
    return schemas.UserPage([presenters.user_summary(u) for u in page.items], page.next_cursor)


class UsersController(Controller):
    path = "/users"
    tags = ["users"]

    @get("/me", sync_to_thread=True)
    def me(
        self, viewer: NamedDependency[User], profiles: NamedDependency[ProfileService]
    ) -> schemas.ProfileOut:
        return presenters.profile(profiles.me(viewer.user_id))

    @patch("/me", sync_to_thread=True, request_max_body_size=SMALL_JSON_BODY_LIMIT)
    def update_me(
        self,
        data: JSONBody[schemas.ProfilePatch],
        viewer: NamedDependency[User],
        accounts: NamedDependency[AccountService],
        profiles: NamedDependency[ProfileService],
    ) -> schemas.ProfileOut:
        accounts.update_profile(viewer.user_id, data.display_name, data.bio, data.is_private)
        return presenters.profile(profiles.me(viewer.user_id))

    @get("/{username:str}", sync_to_thread=True)
    def profile(
        self,
        username: FromPath[str],
        viewer: NamedDependency[User],
        profiles: NamedDependency[ProfileService],
    ) -> schemas.ProfileOut:
        return presenters.profile(profiles.profile(viewer.user_id, username))

    @get("/{username:str}/posts", sync_to_thread=True)
    def grid(
        self,
        username: FromPath[str],
        viewer: NamedDependency[User],
        profiles: NamedDependency[ProfileService],
        cursor: FromQuery[str | None] = None,
        limit: PageLimit = DEFAULT_PAGE_SIZE,
    ) -> schemas.PostPage:
        page = profiles.grid(viewer.user_id, username, cursor, limit)
        return schemas.PostPage([presenters.post(p) for p in page.items], page.next_cursor)

    @get("/{username:str}/highlights", sync_to_thread=True)
    def highlights(
        self,
        username: FromPath[str],
        viewer: NamedDependency[User],
        highlights: NamedDependency[HighlightService],
    ) -> schemas.HighlightList:
        """Kept for good; visible to whoever may see the account's content."""
        found = highlights.of_user(viewer.user_id, username)
        return schemas.HighlightList([presenters.highlight(h) for h in found])

    @get("/{username:str}/followers", sync_to_thread=True)
    def followers(
        self,
        username: FromPath[str],
        viewer: NamedDependency[User],
        social: NamedDependency[SocialService],
        cursor: FromQuery[str | None] = None,
        limit: PageLimit = DEFAULT_PAGE_SIZE,
    ) -> schemas.UserPage:
        return _users(social.followers(viewer.user_id, username, cursor, limit))

    @get("/{username:str}/following", sync_to_thread=True)
    def following(
        self,
        username: FromPath[str],
        viewer: NamedDependency[User],
        social: NamedDependency[SocialService],
        cursor: FromQuery[str | None] = None,
        limit: PageLimit = DEFAULT_PAGE_SIZE,
    ) -> schemas.UserPage:
        return _users(social.following(viewer.user_id, username, cursor, limit))

    @post("/{username:str}/follow", status_code=HTTP_200_OK, sync_to_thread=True)
    def follow(
        self,
        username: FromPath[str],
        viewer: NamedDependency[User],
        social: NamedDependency[SocialService],
    ) -> schemas.FollowResult:
        return schemas.FollowResult(str(social.follow(viewer.user_id, username)))

    @delete("/{username:str}/follow", status_code=HTTP_204_NO_CONTENT, sync_to_thread=True)
    def unfollow(
        self,
        username: FromPath[str],
        viewer: NamedDependency[User],
        social: NamedDependency[SocialService],
    ) -> None:
        social.unfollow(viewer.user_id, username)

    @post("/{username:str}/block", status_code=HTTP_204_NO_CONTENT, sync_to_thread=True)
    def block(
        self,
        username: FromPath[str],
        viewer: NamedDependency[User],
        social: NamedDependency[SocialService],
    ) -> None:
        """Block: follows both ways end, and neither account sees the other."""
        social.block(viewer.user_id, username)

    @delete("/{username:str}/block", status_code=HTTP_204_NO_CONTENT, sync_to_thread=True)
    def unblock(
        self,
        username: FromPath[str],
        viewer: NamedDependency[User],
        social: NamedDependency[SocialService],
    ) -> None:
        social.unblock(viewer.user_id, username)

    @post("/{username:str}/mute", status_code=HTTP_204_NO_CONTENT, sync_to_thread=True)
    def mute(
        self,
        username: FromPath[str],
        viewer: NamedDependency[User],
        social: NamedDependency[SocialService],
    ) -> None:
        """Hide the account's posts from one's feed, still following it."""
        social.mute(viewer.user_id, username)

    @delete("/{username:str}/mute", status_code=HTTP_204_NO_CONTENT, sync_to_thread=True)
    def unmute(
        self,
        username: FromPath[str],
        viewer: NamedDependency[User],
        social: NamedDependency[SocialService],
    ) -> None:
        social.unmute(viewer.user_id, username)


class FollowRequestsController(Controller):
    path = "/follow-requests"
    tags = ["users"]

    @get("/", sync_to_thread=True)
    def pending(
        self,
        viewer: NamedDependency[User],
        social: NamedDependency[SocialService],
        cursor: FromQuery[str | None] = None,
        limit: PageLimit = DEFAULT_PAGE_SIZE,
    ) -> schemas.UserPage:
        return _users(social.pending_requests(viewer.user_id, cursor, limit))

    @post("/{username:str}/approve", status_code=HTTP_204_NO_CONTENT, sync_to_thread=True)
    def approve(
        self,
        username: FromPath[str],
        viewer: NamedDependency[User],
        social: NamedDependency[SocialService],
    ) -> None:
        social.approve(viewer.user_id, username)

    @post("/{username:str}/reject", status_code=HTTP_204_NO_CONTENT, sync_to_thread=True)
    def reject(
        self,
        username: FromPath[str],
        viewer: NamedDependency[User],
        social: NamedDependency[SocialService],
    ) -> None:
        social.reject(viewer.user_id, username)
