"""Reading back an MP4 being written to memory, which ``+faststart`` needs.

To put the index first, FFmpeg's MP4 muxer reopens its output *by name* when it closes
and copies the media forward. An in-memory output has no name, so the output container
gets an ``io_open`` hook that answers with a reader over the same buffer, keeping its own
position (the writer's must not move under it).
"""

from __future__ import annotations

import io
import os
from collections.abc import Callable

_AVIO_FLAG_WRITE = 2  # libavformat/avio.h


class ReadBack:
    """A read-only, seekable view of ``buffer`` that sees every write made to it."""

    def __init__(self, buffer: io.BytesIO) -> None:
        self._buffer = buffer
        self._position = 0

    def read(self, size: int = -1) -> bytes:
        # The view is released at once: a BytesIO cannot grow while one is held.
        with self._buffer.getbuffer() as view:
            end = view.nbytes if size < 0 else self._position + size
            data = bytes(view[self._position : end])
        self._position += len(data)
        return data

    def seek(self, offset: int, whence: int = os.SEEK_SET) -> int:
        with self._buffer.getbuffer() as view:
            size = view.nbytes
        base = {os.SEEK_SET: 0, os.SEEK_CUR: self._position, os.SEEK_END: size}[whence]
        self._position = base + offset
        return self._position

    def tell(self) -> int:
        return self._position

    def close(self) -> None:
        """Nothing to release: the buffer belongs to the writer."""


def opener(buffer: io.BytesIO) -> Callable[[str, int, dict[str, str]], ReadBack]:
    """An ``io_open`` hook for :func:`av.open` that reopens ``buffer`` for reading."""

    def io_open(url: str, flags: int, options: dict[str, str]) -> ReadBack:
        if flags & _AVIO_FLAG_WRITE:  # the MP4 muxer only ever reads back
            raise OSError(f"cannot open {url!r} for writing: the output lives in memory")
        return ReadBack(buffer)

    return io_open
