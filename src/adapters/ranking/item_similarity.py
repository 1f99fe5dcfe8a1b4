"""Item-item cosine similarity with numpy: the offline half of Explore's collaborative
filtering.

Only the rows of the users who engaged with a requested post take part, so an incremental
build (the posts engaged with since the last one) costs in proportion to what changed: a
dense ``users x posts`` block of those users, multiplied by the requested columns."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence

import numpy as np

from instagram_core.ports.explore import Engagement, Neighbours

CHUNK = 512  # requested posts per matrix product: bounds the memory of one product


class NumpyItemSimilarity:
    def neighbours(
        self, log: Sequence[Engagement], items: Collection[int], k: int
    ) -> Mapping[int, Neighbours]:
        if not log:
            return {post_id: [] for post_id in items}
        users = {u: n for n, u in enumerate(dict.fromkeys(e.user_id for e in log))}
        posts = {p: n for n, p in enumerate(dict.fromkeys(e.post_id for e in log))}
        rows = np.fromiter((users[e.user_id] for e in log), dtype=np.int64, count=len(log))
        cols = np.fromiter((posts[e.post_id] for e in log), dtype=np.int64, count=len(log))
        weights = np.fromiter((e.weight for e in log), dtype=np.float64, count=len(log))
        post_ids = np.fromiter(posts, dtype=np.int64, count=len(posts))
        # Norms need the per-(user, post) sums first: two likes of one user are one weight.
        cell = rows * len(posts) + cols
        cells, inverse = np.unique(cell, return_inverse=True)
        summed = np.bincount(inverse, weights=weights)
        cell_rows, cell_cols = cells // len(posts), cells % len(posts)
        norms = np.sqrt(np.bincount(cell_cols, weights=summed * summed, minlength=len(posts)))
        found: dict[int, Neighbours] = {p: [] for p in items if p not in posts}
        wanted = [p for p in dict.fromkeys(items) if p in posts]
        for start in range(0, len(wanted), CHUNK):
            chunk = np.array([posts[p] for p in wanted[start : start + CHUNK]], dtype=np.int64)
            involved = np.unique(cell_rows[np.isin(cell_cols, chunk)])
            keep = np.isin(cell_rows, involved)
            block = np.zeros((len(involved), len(posts)))
            block[np.searchsorted(involved, cell_rows[keep]), cell_cols[keep]] = summed[keep]
            dots = block[:, chunk].T @ block  # (chunk, posts)
            scale = np.outer(norms[chunk], norms)
            sims = np.divide(dots, scale, out=np.zeros_like(dots), where=scale > 0)
            sims[np.arange(len(chunk)), chunk] = 0.0  # a post is not its own neighbour
            for row, column in enumerate(chunk.tolist()):
                found[int(post_ids[column])] = _top(sims[row], post_ids, k)
        return found


def _top(similarities: np.ndarray, post_ids: np.ndarray, k: int) -> Neighbours:
    positive = np.flatnonzero(similarities > 0)
    if k <= 0 or positive.size == 0:
        return []
    # Highest similarity first, then the higher post id (lexsort: last key is primary).
    order = np.lexsort((-post_ids[positive], -similarities[positive]))[:k]
    return [(int(post_ids[positive[i]]), float(similarities[positive[i]])) for i in order]
