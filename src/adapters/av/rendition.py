"""One MP4 rendition being written: frames scaled, turned upright, encoded H.264/AAC."""

from __future__ import annotations

import contextlib
import io
from fractions import Fraction

import attrs
import av
from av.audio.frame import AudioFrame
from av.audio.stream import AudioStream
from av.container import OutputContainer
from av.filter import Graph
from av.video.format import VideoFormat
from av.video.frame import VideoFrame
from av.video.stream import VideoStream

from instagram_adapters.av import readback
from instagram_adapters.av.sizes import RenditionSize, upright
from instagram_core.ports.processing import RenderedVariant

# Rotation (degrees counter-clockwise, as FFmpeg's display matrix says) -> the filters
# that turn the stored picture upright, as the ``ffmpeg`` command's autorotate does.
_UPRIGHT: dict[int, tuple[tuple[str, str | None], ...]] = {
    90: (("transpose", "cclock"),),
    -90: (("transpose", "clock"),),
    270: (("transpose", "clock"),),
    180: (("hflip", None), ("vflip", None)),
    -180: (("hflip", None), ("vflip", None)),
}
# Bitrate caps by long side: CRF alone can balloon on noisy footage, and a capped rate
# keeps a rendition streamable on a phone connection.
_MAX_RATES = ((720, "3M"), (1080, "6M"))
_AAC_RATES = frozenset({44100, 48000})
AAC_BIT_RATE = 128_000


@attrs.frozen
class FrameSource:
    """The frames a rendition is fed: the decoder's, or the previous rendition's."""

    width: int
    height: int
    pixel_format: str
    time_base: Fraction
    rotation: int = 0  # counter-clockwise degrees still to undo


@attrs.frozen
class Encoding:
    frame_rate: Fraction | None
    audio: tuple[int, int] | None  # (sample rate, channels) of the source audio
    crf: int
    preset: str


class Rendition:
    """An in-memory MP4 fed one frame at a time; only encoder and muxer state is held,
    so memory stays bounded whatever the clip's length. ``+faststart`` moves the index
    (``moov``) before the media so playback starts before the download ends."""

    def __init__(self, size: RenditionSize, source: FrameSource, encoding: Encoding) -> None:
        self.size = size
        self._finished = False
        self._buffer = io.BytesIO()
        self._output = av.open(
            self._buffer,
            mode="w",
            format="mp4",
            container_options={"movflags": "+faststart"},
            io_open=readback.opener(self._buffer),
        )
        self._graph = _graph(source, size)
        self._video = _video_stream(self._output, size, source.time_base, encoding)
        self._audio = _audio_stream(self._output, encoding.audio)

    def add_video(self, frame: VideoFrame) -> list[VideoFrame]:
        """Encode ``frame``; the upright, scaled frames it became (one, as a rule). A frame
        of another size than the first (a spliced clip) is scaled to the same output:
        FFmpeg's buffer source reconfigures the graph by itself."""
        self._graph.vpush(frame)
        return self._drain()

    def add_audio(self, frame: AudioFrame) -> None:
        """Encode ``frame``; PyAV resamples it to the encoder's format and frame size."""
        if self._audio is not None:
            self._output.mux(self._audio.encode(frame))

    def finish(self) -> RenderedVariant:
        """Flush the encoders and write the index; the rendition as stored."""
        self._graph.vpush(None)
        self._drain()
        self._output.mux(self._video.encode(None))
        if self._audio is not None:
            self._output.mux(self._audio.encode(None))
        self._finished = True
        self._output.close()
        return RenderedVariant(
            name=self.size.name,
            data=self._buffer.getvalue(),
            width=self.size.width,
            height=self.size.height,
            content_type="video/mp4",
            extension="mp4",
        )

    def close(self) -> None:
        """Release the encoders after a failure; harmless after :meth:`finish`. Writing the
        trailer of a half-made file may fail too; the original failure matters, not that."""
        if not self._finished:
            self._finished = True
            with contextlib.suppress(av.FFmpegError):
                self._output.close()

    def _drain(self) -> list[VideoFrame]:
        frames: list[VideoFrame] = []
        while True:
            try:
                frame = self._graph.vpull()
            except (BlockingIOError, av.EOFError):
                return frames
            frames.append(frame)
            self._output.mux(self._video.encode(frame))


def _video_stream(
    output: OutputContainer, size: RenditionSize, time_base: Fraction, encoding: Encoding
) -> VideoStream:
    """H.264 High, constant quality with a bitrate cap, source frame timing kept."""
    stream = output.add_stream("libx264", rate=encoding.frame_rate)
    stream.width, stream.height, stream.pix_fmt = size.width, size.height, "yuv420p"
    stream.codec_context.time_base = time_base
    if encoding.frame_rate:  # a key frame every 2 s: seeking lands near where asked
        stream.codec_context.gop_size = max(1, round(2 * encoding.frame_rate))
    cap = next((rate for side, rate in _MAX_RATES if max(size.width, size.height) <= side), "6M")
    stream.codec_context.options = {
        "crf": str(encoding.crf),
        "preset": encoding.preset,
        "profile": "high",
        "maxrate": cap,
        "bufsize": cap,
    }
    return stream


def _audio_stream(output: OutputContainer, source: tuple[int, int] | None) -> AudioStream | None:
    """AAC at the source's rate when AAC players all take it, mono or stereo."""
    if source is None:
        return None
    sample_rate, channels = source
    stream = output.add_stream("aac", rate=sample_rate if sample_rate in _AAC_RATES else 48000)
    stream.layout = "mono" if channels == 1 else "stereo"
    stream.bit_rate = AAC_BIT_RATE
    return stream


def _graph(source: FrameSource, size: RenditionSize) -> Graph:
    """Scale, then turn upright (fewer pixels to move), then convert to yuv420p."""
    # The size before the turn: upright() swaps back exactly what a quarter turn swaps.
    width, height = upright(size.width, size.height, source.rotation)
    graph = Graph()
    buffer = graph.add_buffer(
        width=source.width,
        height=source.height,
        format=VideoFormat(source.pixel_format),
        time_base=source.time_base,
    )
    turns = (graph.add(name, args) for name, args in _UPRIGHT.get(source.rotation, ()))
    scale = graph.add("scale", f"{width}:{height}:flags=bicubic")
    graph.link_nodes(buffer, scale, *turns, graph.add("format", "yuv420p"), graph.add("buffersink"))
    graph.configure()
    return graph
