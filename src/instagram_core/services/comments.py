"""Commenting (rate-limited and moderated) and reading comments, oldest first."""

from __future__ import annotations

import attrs

from instagram_core.domain.captions import parse_mentions
from instagram_core.domain.comments import Comment, check_comment_text
from instagram_core.domain.errors import InvalidInput, NotFound
from instagram_core.domain.events import CommentAdded
from instagram_core.domain.ids import parse_cursor_id
from instagram_core.domain.pagination import Page, check_limit, page_from_overfetch
from instagram_core.domain.users import User
from instagram_core.policies.rate_limits import COMMENTS, enforce
from instagram_core.policies.visibility import AudienceGate
from instagram_core.ports.clock import Clock
from instagram_core.ports.comments import CommentStore
from instagram_core.ports.ids import IdGenerator
from instagram_core.ports.intents import Intents
from instagram_core.ports.moderation import Moderator
from instagram_core.ports.rate_limit import RateLimiter
from instagram_core.ports.users import UserStore
from instagram_core.services.engagement import EngagementService
from instagram_core.services.freshness import Freshness, post_key
from instagram_core.services.intents import always
from instagram_core.services.lookups import mentionable


@attrs.frozen
class CommentView:
    comment: Comment
    author: User


class CommentService:
    def __init__(
        self,
        engagement: EngagementService,
        gate: AudienceGate,
        comments: CommentStore,
        users: UserStore,
        moderator: Moderator,
        limiter: RateLimiter,
        ids: IdGenerator,
        clock: Clock,
        intents: Intents,
        freshness: Freshness,
    ) -> None:
        self._freshness = freshness
        self._engagement = engagement
        self._gate = gate
        self._comments = comments
        self._users = users
        self._moderator = moderator
        self._limiter = limiter
        self._ids = ids
        self._clock = clock
        self._intents = intents  # comments live outside the bus's transaction (Cassandra)

    def add(self, viewer_id: str, post_id: int, text: str) -> CommentView:
        """Comment on a visible post: at most 20 a minute per user (the seed's anti-spam
        rule), and text the moderator refuses is a 422, not stored."""
        text = check_comment_text(text)
        post = self._engagement.visible_post(viewer_id, post_id)
        enforce(self._limiter, COMMENTS, viewer_id)
        verdict = self._moderator.review_text(text)
        if not verdict.allowed:
            raise InvalidInput(f"comment refused: {verdict.reason}")
        comment = Comment(self._ids.next_id(), post_id, viewer_id, text, self._clock.now())
        mentions = mentionable(self._users, self._gate, viewer_id, parse_mentions(text))
        message = CommentAdded(
            comment.comment_id, post_id, viewer_id, post.author_id, mentions, comment.created_at
        )

        def add() -> None:
            self._comments.add(comment)
            self._freshness.changed([post_key(post_id)])

        self._intents.run(message, add, always)
        author = self._users.get(viewer_id)
        if author is None:
            raise NotFound("your account no longer exists")
        return CommentView(comment, author)

    def thread(
        self, viewer_id: str, post_id: int, cursor: str | None, limit: int
    ) -> Page[CommentView]:
        self._engagement.visible_post(viewer_id, post_id)
        after = parse_cursor_id(cursor) if cursor else None
        limit = check_limit(limit)
        found = self._comments.list(post_id, after, limit + 1)
        page = page_from_overfetch(found, limit, lambda c: str(c.comment_id))
        authors = self._users.get_many({c.author_id for c in page.items})
        hidden = self._gate.blocked_ids(viewer_id) - {viewer_id}
        shown = [
            CommentView(c, authors[c.author_id])
            for c in page.items
            if c.author_id in authors and c.author_id not in hidden
        ]
        return Page(items=shown, next_cursor=page.next_cursor)
