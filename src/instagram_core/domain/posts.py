"""Posts and their two-phase life: ``processing`` until every variant exists, then
``published`` (and only then fanned out), or ``failed`` / ``rejected``."""

from __future__ import annotations

import enum
from datetime import datetime

import attrs

from instagram_core.domain.errors import InvalidInput

MAX_MEDIA_PER_POST = 10


class PostStatus(enum.StrEnum):
    PROCESSING = "processing"
    PUBLISHED = "published"
    FAILED = "failed"  # processing failed for good; the owner sees ``failure_reason``
    REJECTED = "rejected"  # moderation refused it; the owner sees ``failure_reason``


@attrs.frozen
class Location:
    lat: float
    lng: float
    name: str

    def __attrs_post_init__(self) -> None:
        if not -90.0 <= self.lat <= 90.0 or not -180.0 <= self.lng <= 180.0:
            raise InvalidInput("location lat must be within ±90 and lng within ±180")
        if not 1 <= len(self.name) <= 200:
            raise InvalidInput("location name must be 1-200 characters")


@attrs.frozen
class Post:
    post_id: int
    author_id: str
    media_ids: tuple[int, ...]
    created_at: datetime
    caption: str = ""
    hashtags: tuple[str, ...] = ()
    mentions: tuple[str, ...] = ()
    tagged_user_ids: tuple[str, ...] = ()
    location: Location | None = None
    filter_name: str | None = None
    status: PostStatus = PostStatus.PROCESSING
    failure_reason: str | None = None
    published_at: datetime | None = None

    @property
    def is_published(self) -> bool:
        return self.status is PostStatus.PUBLISHED
