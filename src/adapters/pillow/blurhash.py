"""The BlurHash of a thumbnail, with 4x3 components.

Two encoders give the reference C encoder's output bit for bit: numpy's (a millisecond or
a few for a 150x150 thumbnail) when numpy is installed, as the ``media`` and ``ml`` extras
bring it, and otherwise the pure-Python one (about a hundred times slower), so that
``pip install instagram-backend`` with no extra still publishes photos.
"""

from __future__ import annotations

import importlib.util

if importlib.util.find_spec("numpy") is not None:
    from instagram_adapters.pillow.blurhash_numpy import encode
else:  # pragma: no cover - the light install; tests/packaging runs it
    from instagram_adapters.pillow.blurhash_python import encode

__all__ = ["encode"]
