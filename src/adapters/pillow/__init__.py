"""Pillow adapter: decodes, orients, filters and resizes photos, and reads their EXIF."""

from adapters.pillow.processor import PillowMediaProcessor

__all__ = ["PillowMediaProcessor"]
