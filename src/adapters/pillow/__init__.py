"""Pillow adapter: decodes, orients, filters and resizes photos, and reads their EXIF."""

from instagram_adapters.extras import require

require(__name__, PIL="media", numpy="media")

from instagram_adapters.pillow.processor import PillowMediaProcessor  # noqa: E402

__all__ = ["PillowMediaProcessor"]
