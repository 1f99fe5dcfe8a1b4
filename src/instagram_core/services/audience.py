"""Whose posts one viewer's feed shows: the accounts they actively follow and themselves,
less anyone muted by or blocked with them (the cached feed keeps such posts: a mute can be
undone). A feed read asks only about its candidates' authors, so its cost follows the
candidates rather than the follow count (docs/feed-miss-path.md)."""

from __future__ import annotations

from collections.abc import Iterable

from instagram_core.ports.social_graph import SocialGraph


class Audience:
    """One read's answers, remembered: a page asked again about its own authors (after
    noting their versions) gets the answer its candidates got, read under the same
    ``relations:`` version."""

    def __init__(self, graph: SocialGraph, viewer_id: str, hidden: set[str]) -> None:
        self._graph = graph
        self._viewer_id = viewer_id
        self._hidden = hidden
        self._known: dict[str, bool] = {}

    def among(self, authors: Iterable[str]) -> set[str]:
        """Those of ``authors`` whose posts the viewer is shown."""
        known, wanted = self._known, set(authors)
        asked = [a for a in wanted - self._hidden if a not in known]
        if asked:
            followed = self._graph.followed_among(self._viewer_id, asked)
            for author in asked:
                known[author] = author in followed or author == self._viewer_id
        return {a for a in wanted if known.get(a, False)}

    def everyone(self) -> set[str]:
        """Every account shown, from the whole followed set: for the paths that must pull
        from each author (a feed rebuilt or served without its cache)."""
        following = {*self._graph.following_ids(self._viewer_id), self._viewer_id}
        return following - self._hidden
