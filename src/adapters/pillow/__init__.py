"""Pillow adapter: decodes, orients, filters and resizes photos, and reads their EXIF.

Pillow is a base dependency, so a light install publishes photos; numpy (the ``media`` and
``ml`` extras) only speeds up the BlurHash (:mod:`.blurhash`), and pillow-heif (``media``)
adds HEIC uploads (:func:`.decoding.heif_supported`).
"""

from instagram_adapters.pillow.processor import PillowMediaProcessor

__all__ = ["PillowMediaProcessor"]
