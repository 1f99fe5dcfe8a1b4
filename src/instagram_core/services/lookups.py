"""Reads several services begin with: an account by name, a post the viewer may see."""

from __future__ import annotations

from instagram_core.domain.errors import NotFound
from instagram_core.domain.posts import Post
from instagram_core.domain.users import User
from instagram_core.policies.visibility import AudienceGate
from instagram_core.ports.posts import PostStore
from instagram_core.ports.users import UserStore


def user_named(users: UserStore, username: str) -> User:
    """The account called ``username`` (any letter case), or ``NotFound``."""
    user = users.by_username(username.strip().lower())
    if user is None:
        raise NotFound(f"no user named {username!r}")
    return user


def visible_post(
    posts: PostStore, users: UserStore, gate: AudienceGate, viewer_id: str, post_id: int
) -> Post:
    """The post if the viewer may see it, ``NotFound`` otherwise (whatever the reason)."""
    post = posts.get(post_id)
    author = users.get(post.author_id) if post else None
    if post is None or author is None:
        raise NotFound("post not found")
    gate.require_post(viewer_id, post, author)
    return post


def mentionable(
    users: UserStore, gate: AudienceGate, author_id: str, mentions: tuple[str, ...]
) -> tuple[str, ...]:
    """``mentions`` without the accounts in a block with ``author_id``: those are neither
    linked nor notified. Unknown names stay (plain text to a client); one lookup of the
    author's blocks, then one per mentioned name."""
    if not mentions:
        return mentions
    blocked = gate.blocked_ids(author_id) - {author_id}
    if not blocked:
        return mentions
    kept = []
    for name in mentions:
        user = users.by_username(name)
        if user is None or user.user_id not in blocked:
            kept.append(name)
    return tuple(kept)
