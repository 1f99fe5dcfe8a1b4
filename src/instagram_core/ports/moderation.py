from __future__ import annotations

from typing import Protocol

import attrs


@attrs.frozen
class ModerationVerdict:
    allowed: bool
    reason: str | None = None

    @classmethod
    def allow(cls) -> ModerationVerdict:
        return cls(allowed=True)


class Moderator(Protocol):
    def review_text(self, text: str) -> ModerationVerdict:
        """Judge a caption or comment; empty text is allowed."""
        ...

    def review_image(self, data: bytes) -> ModerationVerdict:
        """Judge a rendered image (a variant, already decoded once)."""
        ...
