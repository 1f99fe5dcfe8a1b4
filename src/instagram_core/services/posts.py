"""Creating (phase one of the two-phase publish), reading and deleting posts."""

from __future__ import annotations

from collections.abc import Sequence

import attrs

from instagram_core.domain.captions import MAX_CAPTION, MAX_HASHTAGS, parse_hashtags, parse_mentions
from instagram_core.domain.errors import Forbidden, InvalidInput
from instagram_core.domain.events import PostCreated, PostDeleted
from instagram_core.domain.media import Media
from instagram_core.domain.posts import MAX_MEDIA_PER_POST, Location, Post
from instagram_core.policies.rate_limits import POSTS, enforce
from instagram_core.policies.visibility import AudienceGate
from instagram_core.ports.clock import Clock
from instagram_core.ports.ids import IdGenerator
from instagram_core.ports.intents import Intents
from instagram_core.ports.media import MediaStore
from instagram_core.ports.moderation import Moderator
from instagram_core.ports.posts import PostStore
from instagram_core.ports.rate_limit import RateLimiter
from instagram_core.ports.users import UserStore
from instagram_core.services.freshness import Freshness, post_key, timeline_key
from instagram_core.services.intents import always
from instagram_core.services.lookups import mentionable, visible_post
from instagram_core.services.media import MediaService
from instagram_core.services.views import PostView, PostViews


@attrs.frozen
class NewPost:
    media_ids: Sequence[int]
    caption: str = ""
    location: Location | None = None
    tagged_usernames: Sequence[str] = ()
    filter_name: str | None = None


@attrs.frozen
class PostStores:
    """The stores a post's life touches, grouped to keep constructors readable."""

    posts: PostStore
    media: MediaStore
    users: UserStore


class PostService:
    def __init__(
        self,
        stores: PostStores,
        media_service: MediaService,
        moderator: Moderator,
        gate: AudienceGate,
        views: PostViews,
        limiter: RateLimiter,
        ids: IdGenerator,
        clock: Clock,
        intents: Intents,
        freshness: Freshness,
    ) -> None:
        self._freshness = freshness
        self._s = stores
        self._media_service = media_service
        self._moderator = moderator
        self._gate = gate
        self._views = views
        self._limiter = limiter
        self._ids = ids
        self._clock = clock
        self._intents = intents  # posts live outside the bus's transaction (Cassandra)

    def create(self, author_id: str, new: NewPost) -> Post:
        """Phase one: validate, claim the media and store the post as ``processing``.
        Processing, publishing and fan-out follow asynchronously from ``PostCreated``."""
        post = self._validated(author_id, new)
        enforce(self._limiter, POSTS, author_id)
        self._claim_media(post)
        self._intents.run(PostCreated(post.post_id), lambda: self._s.posts.add(post), always)
        return post

    def get(self, viewer_id: str, post_id: int) -> PostView:
        post = visible_post(self._s.posts, self._s.users, self._gate, viewer_id, post_id)
        return self._views.one(viewer_id, post)

    def delete(self, user_id: str, post_id: int) -> None:
        """Delete one's own post: gone from the store at once, from feeds, counters and the
        blob store by the ``PostDeleted`` handlers. A post the caller may not see is refused
        exactly as reading it is (``NotFound`` or the privacy ``Forbidden``), so the answer
        tells no more than ``get``; ``Forbidden`` for a post they see but did not write."""
        post = visible_post(self._s.posts, self._s.users, self._gate, user_id, post_id)
        if post.author_id != user_id:
            raise Forbidden("only the author can delete a post")
        media = self._s.media.get_many(post.media_ids)
        message = PostDeleted(
            post_id, user_id, post.media_ids, tuple(m.prefix for m in media.values()), post.hashtags
        )

        def delete() -> None:
            self._s.posts.delete(post_id)
            self._freshness.changed([post_key(post_id), timeline_key(user_id)])

        self._intents.run(message, delete, always)

    def _validated(self, author_id: str, new: NewPost) -> Post:
        if not 1 <= len(new.media_ids) <= MAX_MEDIA_PER_POST:
            raise InvalidInput(f"a post needs 1 to {MAX_MEDIA_PER_POST} media ids")
        if len(set(new.media_ids)) != len(new.media_ids):
            raise InvalidInput("media ids must be distinct")
        if len(new.caption) > MAX_CAPTION:
            raise InvalidInput(f"caption must be at most {MAX_CAPTION} characters")
        hashtags = parse_hashtags(new.caption)
        if len(hashtags) > MAX_HASHTAGS:
            raise InvalidInput(f"at most {MAX_HASHTAGS} hashtags per post")
        if new.filter_name is not None and new.filter_name not in self._media_service.filters():
            raise InvalidInput(f"unknown filter {new.filter_name!r}")
        verdict = self._moderator.review_text(new.caption)
        if not verdict.allowed:
            raise InvalidInput(f"caption refused: {verdict.reason}")
        self._media_service.require_usable(author_id, new.media_ids)
        return Post(
            post_id=self._ids.next_id(),
            author_id=author_id,
            media_ids=tuple(new.media_ids),
            created_at=self._clock.now(),
            caption=new.caption,
            hashtags=hashtags,
            mentions=self._mentionable(author_id, parse_mentions(new.caption)),
            tagged_user_ids=self._tagged_ids(author_id, new.tagged_usernames),
            location=new.location,
            filter_name=new.filter_name,
        )

    def _tagged_ids(self, author_id: str, usernames: Sequence[str]) -> tuple[str, ...]:
        """The accounts tagged. A block in either direction refuses the tag with the words
        an unknown name gets, since blocked accounts do not exist for each other; the
        message names both causes, so a blocker is not left puzzled."""
        ids = []
        blocked = self._gate.blocked_ids(author_id) - {author_id} if usernames else set()
        for name in dict.fromkeys(u.strip().lower().lstrip("@") for u in usernames):
            user = self._s.users.by_username(name)
            if user is None or user.user_id in blocked:
                raise InvalidInput(
                    f"cannot tag {name!r}: no such user, or one of you has blocked the other"
                )
            ids.append(user.user_id)
        return tuple(ids)

    def _mentionable(self, author_id: str, mentions: tuple[str, ...]) -> tuple[str, ...]:
        """The mentions kept on the post (and so shown as links and notified): none of an
        account in a block with the author."""
        return mentionable(self._s.users, self._gate, author_id, mentions)

    def _claim_media(self, post: Post) -> None:
        """Attach every media to the post, or none: a lost race releases what was claimed."""
        claimed: list[int] = []
        for media_id in post.media_ids:
            if not self._s.media.attach(media_id, post.post_id):
                self._release(claimed)
                raise InvalidInput(f"media {media_id} is already part of a post")
            claimed.append(media_id)

    def _release(self, media_ids: Sequence[int]) -> None:
        for media in self._s.media.get_many(media_ids).values():
            self._s.media.update(_detached(media))


def _detached(media: Media) -> Media:
    return attrs.evolve(media, post_id=None)
