"""Query parameters shared by many routes, declared once with their bounds: the OpenAPI
schema shows the bounds, and :mod:`instagram_entrypoints.http.request_guard` enforces them (422)."""

from __future__ import annotations

from typing import Annotated

from litestar.params import QueryParameter

from instagram_core.domain.pagination import MAX_PAGE_SIZE
from instagram_core.services.search import MAX_RESULTS, MAX_TRENDING

PageLimit = Annotated[
    int,
    QueryParameter(ge=1, le=MAX_PAGE_SIZE, description=f"Page size, 1 to {MAX_PAGE_SIZE}."),
]
SearchLimit = Annotated[
    int,
    QueryParameter(ge=1, le=MAX_RESULTS, description=f"Results per list, 1 to {MAX_RESULTS}."),
]
SearchKind = Annotated[
    str,
    QueryParameter(
        description="users, hashtags, places, or top (all three); anything else is a 422."
    ),
]
TrendingLimit = Annotated[
    int,
    QueryParameter(ge=1, le=MAX_TRENDING, description=f"Hashtags, 1 to {MAX_TRENDING}."),
]
