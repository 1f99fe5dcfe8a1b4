"""One decode feeding every rendition's encoders and the poster picker, frame by frame."""

from __future__ import annotations

import contextlib

from av.audio.frame import AudioFrame
from av.video.frame import VideoFrame

from instagram_adapters.av import sizes
from instagram_adapters.av.poster import PosterPicker
from instagram_adapters.av.rendition import Encoding, FrameSource, Rendition
from instagram_core.ports.processing import RenderedVariant


class Pipeline:
    """Starts the renditions at the first video frame, the first moment the rotation and
    pixel format are known (PyAV exposes the display matrix on frames only). Audio that
    arrives earlier waits in ``_early_audio``: at most the duration limit's worth, since
    the caller refuses frames beyond it."""

    def __init__(self, encoding: Encoding, duration_hint: float) -> None:
        self._encoding = encoding
        self.poster = PosterPicker(duration_hint)
        self.upright_size: sizes.Size | None = None
        self._renditions: list[Rendition] = []
        self._early_audio: list[AudioFrame] = []
        self._cleanup = contextlib.ExitStack()

    def add_video(self, frame: VideoFrame) -> None:
        """Each rendition scales the previous one's output, largest first: small steps
        from an already reduced frame cost far less than each size from the source."""
        if not self._renditions:
            self._start(frame)
        frames = [frame]
        for index, rendition in enumerate(self._renditions):
            frames = [shown for source in frames for shown in rendition.add_video(source)]
            if index == 0:  # the largest rendition has the poster's size
                for shown in frames:
                    self.poster.offer(shown)

    def add_audio(self, frame: AudioFrame) -> None:
        if not self._renditions:
            self._early_audio.append(frame)
        for rendition in self._renditions:
            rendition.add_audio(frame)

    def finish(self) -> tuple[RenderedVariant, ...]:
        """Every rendition, largest first; empty when no video frame ever came."""
        return tuple(rendition.finish() for rendition in self._renditions)

    def close(self) -> None:
        """Release whatever :meth:`finish` did not; safe to call after it."""
        self._cleanup.close()

    def _start(self, first: VideoFrame) -> None:
        if first.time_base is None:
            raise ValueError("the transcoder refuses frames without a time base first")
        self.upright_size = sizes.upright(first.width, first.height, first.rotation)
        source = FrameSource(
            first.width, first.height, first.format.name, first.time_base, first.rotation
        )
        for size in sizes.plan(*self.upright_size):
            rendition = Rendition(size, source, self._encoding)
            self._cleanup.callback(rendition.close)
            self._renditions.append(rendition)
            source = FrameSource(size.width, size.height, "yuv420p", first.time_base)
        for frame in self._early_audio:
            self.add_audio(frame)
        self._early_audio.clear()
