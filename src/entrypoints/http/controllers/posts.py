"""Upload URLs, posts, likes, saves and comments."""

from __future__ import annotations

from litestar import Controller, Response, delete, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery, JSONBody
from litestar.status_codes import HTTP_200_OK, HTTP_201_CREATED, HTTP_204_NO_CONTENT

from instagram_core.domain.pagination import DEFAULT_PAGE_SIZE
from instagram_core.domain.posts import Location
from instagram_core.domain.users import User
from instagram_core.services.comments import CommentService
from instagram_core.services.engagement import EngagementService
from instagram_core.services.media import MediaService
from instagram_core.services.posts import NewPost, PostService
from instagram_entrypoints.http import presenters, schemas
from instagram_entrypoints.http.dependencies import media_id, path_id


class MediaController(Controller):
    path = "/media"
    tags = ["media"]

    @get("/upload-url", sync_to_thread=True)
    def upload_url(
        self,
        viewer: NamedDependency[User],
        media: NamedDependency[MediaService],
        type: FromQuery[str] = "image",
        content_type: FromQuery[str] = "",
        purpose: FromQuery[str] = "post",
    ) -> schemas.UploadUrl:
        """Reserve a media id and get a signed URL to PUT the original's bytes to
        (``purpose=story`` for story media, which expire with the story)."""
        ticket = media.request_upload(viewer.user_id, type, content_type, purpose)
        return schemas.UploadUrl(
            upload_url=ticket.upload_url,
            media_id=str(ticket.media.media_id),
            expires_at=ticket.expires_at,
            headers=ticket.headers,
        )


class FiltersController(Controller):
    path = "/filters"
    tags = ["media"]

    @get("/", sync_to_thread=False)
    def filters(
        self, viewer: NamedDependency[User], media: NamedDependency[MediaService]
    ) -> schemas.FilterList:
        """The names ``POST /posts`` accepts in its ``filter`` field."""
        del viewer  # authenticated like every endpoint
        return schemas.FilterList(list(media.filters()))


def _new_post(data: schemas.PostCreate) -> NewPost:
    loc = data.location
    return NewPost(
        media_ids=[media_id(raw) for raw in data.media_ids],
        caption=data.caption,
        location=Location(loc.lat, loc.lng, loc.name) if loc else None,
        tagged_usernames=data.tagged_users,
        filter_name=data.filter,
    )


class PostsController(Controller):
    path = "/posts"
    tags = ["posts"]

    @post("/", status_code=HTTP_201_CREATED, sync_to_thread=True)
    def create(
        self,
        data: JSONBody[schemas.PostCreate],
        viewer: NamedDependency[User],
        posts: NamedDependency[PostService],
    ) -> Response[schemas.PostOut]:
        """Phase one of publishing: 201 with status ``processing``; poll ``GET /posts/{id}``
        until it is ``published`` (or ``failed`` / ``rejected``, with a reason)."""
        created = posts.create(viewer.user_id, _new_post(data))
        body = presenters.post(posts.get(viewer.user_id, created.post_id))
        return Response(
            body,
            status_code=HTTP_201_CREATED,
            headers={"Location": f"/api/v1/posts/{created.post_id}"},
        )

    @get("/{post_id:str}", sync_to_thread=True)
    def read(
        self,
        post_id: FromPath[str],
        viewer: NamedDependency[User],
        posts: NamedDependency[PostService],
    ) -> schemas.PostOut:
        return presenters.post(posts.get(viewer.user_id, path_id(post_id, "post")))

    @delete("/{post_id:str}", status_code=HTTP_204_NO_CONTENT, sync_to_thread=True)
    def remove(
        self,
        post_id: FromPath[str],
        viewer: NamedDependency[User],
        posts: NamedDependency[PostService],
    ) -> None:
        posts.delete(viewer.user_id, path_id(post_id, "post"))

    @post("/{post_id:str}/like", status_code=HTTP_200_OK, sync_to_thread=True)
    def like(
        self,
        post_id: FromPath[str],
        viewer: NamedDependency[User],
        engagement: NamedDependency[EngagementService],
    ) -> schemas.LikeResult:
        count = engagement.like(viewer.user_id, path_id(post_id, "post"))
        return schemas.LikeResult(liked=True, like_count=count)

    @delete("/{post_id:str}/like", status_code=HTTP_200_OK, sync_to_thread=True)
    def unlike(
        self,
        post_id: FromPath[str],
        viewer: NamedDependency[User],
        engagement: NamedDependency[EngagementService],
    ) -> schemas.LikeResult:
        count = engagement.unlike(viewer.user_id, path_id(post_id, "post"))
        return schemas.LikeResult(liked=False, like_count=count)

    @post("/{post_id:str}/save", status_code=HTTP_200_OK, sync_to_thread=True)
    def save(
        self,
        post_id: FromPath[str],
        viewer: NamedDependency[User],
        engagement: NamedDependency[EngagementService],
    ) -> schemas.SaveResult:
        engagement.save(viewer.user_id, path_id(post_id, "post"))
        return schemas.SaveResult(saved=True)

    @delete("/{post_id:str}/save", status_code=HTTP_200_OK, sync_to_thread=True)
    def unsave(
        self,
        post_id: FromPath[str],
        viewer: NamedDependency[User],
        engagement: NamedDependency[EngagementService],
    ) -> schemas.SaveResult:
        engagement.unsave(viewer.user_id, path_id(post_id, "post"))
        return schemas.SaveResult(saved=False)

    @post("/{post_id:str}/comments", status_code=HTTP_201_CREATED, sync_to_thread=True)
    def comment(
        self,
        post_id: FromPath[str],
        data: JSONBody[schemas.CommentCreate],
        viewer: NamedDependency[User],
        comments: NamedDependency[CommentService],
    ) -> schemas.CommentOut:
        return presenters.comment(comments.add(viewer.user_id, path_id(post_id, "post"), data.text))

    @get("/{post_id:str}/comments", sync_to_thread=True)
    def comments(
        self,
        post_id: FromPath[str],
        viewer: NamedDependency[User],
        comments: NamedDependency[CommentService],
        cursor: FromQuery[str | None] = None,
        limit: FromQuery[int] = DEFAULT_PAGE_SIZE,
    ) -> schemas.CommentPage:
        page = comments.thread(viewer.user_id, path_id(post_id, "post"), cursor, limit)
        return schemas.CommentPage([presenters.comment(c) for c in page.items], page.next_cursor)
