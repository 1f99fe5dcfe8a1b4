"""Keeping Pillow's complaints about malformed files from escaping as warnings.

Pillow *warns* (``UserWarning``) about corrupt EXIF or MPO data and about images above its
global ``MAX_IMAGE_PIXELS``, then carries on. Those warnings say nothing the processor does
not already handle (bad metadata becomes ``None``, our own pixel limit is checked first),
but a strict warnings filter turns them into exceptions that would refuse a good photo.
So the parsing steps run with them ignored. ``catch_warnings`` swaps process-wide state
before Python 3.14, hence the lock around the (short) sections that use it.
"""

from __future__ import annotations

import contextlib
import threading
import warnings
from collections.abc import Iterator

from PIL import Image

_lock = threading.Lock()


@contextlib.contextmanager
def pillow_warnings_ignored() -> Iterator[None]:
    with _lock, warnings.catch_warnings():
        warnings.filterwarnings("ignore", category=UserWarning, module=r"PIL(\.|$)")
        warnings.filterwarnings("ignore", category=Image.DecompressionBombWarning)
        yield
