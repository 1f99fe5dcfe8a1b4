"""Who may see an account's content: the one rule behind every read path.

A private account's posts, comments, grids and follower lists are visible to the account
itself and to its *active* followers only; a pending request grants nothing.
"""

from __future__ import annotations

from instagram_core.domain.errors import Forbidden, NotFound
from instagram_core.domain.posts import Post
from instagram_core.domain.users import User
from instagram_core.ports.social_graph import SocialGraph


class AudienceGate:
    def __init__(self, graph: SocialGraph) -> None:
        self._graph = graph

    def allows(self, viewer_id: str, author: User) -> bool:
        if viewer_id == author.user_id or not author.is_private:
            return True
        follow = self._graph.get(viewer_id, author.user_id)
        return follow is not None and follow.is_active

    def require(self, viewer_id: str, author: User) -> None:
        """Raise ``Forbidden`` unless ``viewer_id`` may see ``author``'s content."""
        if not self.allows(viewer_id, author):
            raise Forbidden(f"@{author.username} is private; follow them to see their content")

    def require_post(self, viewer_id: str, post: Post, author: User) -> None:
        """Unpublished posts exist only for their author; others get ``NotFound``."""
        if not post.is_published and viewer_id != post.author_id:
            raise NotFound("post not found")
        self.require(viewer_id, author)
