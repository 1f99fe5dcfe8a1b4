"""Video transcoding with PyAV (FFmpeg): MP4/MOV in, upright H.264/AAC MP4 renditions out."""

from __future__ import annotations

from collections.abc import Iterator

import av
from av.audio.frame import AudioFrame
from av.audio.stream import AudioStream
from av.container import InputContainer
from av.video.frame import VideoFrame
from av.video.stream import VideoStream

from instagram_adapters.av import poster, sniffing
from instagram_adapters.av.pipeline import Pipeline
from instagram_adapters.av.rendition import Encoding
from instagram_core.domain.errors import UnprocessableMedia
from instagram_core.ports.processing import MediaHeader, ProcessedVideo

# Headers round, and AAC pads its last frame: a clip this much over the limit still passes.
DURATION_SLACK_SECONDS = 0.25


class PyAvVideoTranscoder:
    """:class:`~instagram_core.ports.processing.VideoTranscoder` backed by PyAV.

    One decode feeds every rendition and the poster; frames are streamed, never collected,
    so memory depends on the frame size, not the clip's length. ``crf`` and ``preset`` are
    libx264's: 23 is its default quality; ``veryfast`` transcodes a 1080p clip in less
    than its running time on two cores, for somewhat larger files than ``medium``.
    ``max_pixels`` (per frame, 8K by default) refuses absurd frame sizes before decoding.
    Not handled: HDR (10-bit PQ/HLG is converted to 8-bit without tone mapping) and
    mirroring in the display matrix (only its rotation is applied).
    """

    def __init__(
        self,
        max_duration_seconds: float = 60.0,
        *,
        max_pixels: int = 7680 * 4320,
        crf: int = 23,
        preset: str = "veryfast",
        poster_quality: int = 85,
    ) -> None:
        if max_duration_seconds <= 0 or max_pixels < 1 or not 0 <= crf <= 51:
            raise ValueError("limits must be positive and crf within 0..51")
        self._max_duration = max_duration_seconds
        self._max_pixels = max_pixels
        self._crf, self._preset = crf, preset
        self._poster_quality = poster_quality

    def probe(self, data: bytes) -> MediaHeader:
        """Headers only: the check ``POST /posts`` makes before accepting a video."""
        content_type = sniffing.content_type(data)
        container = sniffing.open_input(data)
        try:
            video, _ = self._streams(container)
            self._check_duration(sniffing.declared_duration(container))
            context = video.codec_context
            return MediaHeader(content_type, context.width, context.height)
        finally:
            container.close()

    def transcode(self, data: bytes) -> ProcessedVideo:
        content_type = sniffing.content_type(data)
        container = sniffing.open_input(data)
        try:
            return self._transcode(container, content_type)
        finally:
            container.close()

    def _transcode(self, container: InputContainer, content_type: str) -> ProcessedVideo:
        video, audio = self._streams(container)
        declared = sniffing.declared_duration(container)
        self._check_duration(declared)
        encoding = Encoding(
            frame_rate=video.average_rate or video.guessed_rate,
            audio=(audio.sample_rate, audio.channels) if audio is not None else None,
            crf=self._crf,
            preset=self._preset,
        )
        pipeline = Pipeline(encoding, declared)
        try:
            duration = self._decode(container, video, audio, pipeline)
            variants = pipeline.finish()
        finally:
            pipeline.close()
        image = pipeline.poster.image()
        if image is None or pipeline.upright_size is None:
            raise UnprocessableMedia(f"{sniffing.NOT_A_VIDEO}: no decodable video frame")
        posters, placeholder = poster.render(image, self._poster_quality)
        return ProcessedVideo(
            source_content_type=content_type,
            width=pipeline.upright_size[0],
            height=pipeline.upright_size[1],
            duration_seconds=round(duration, 3),
            variants=(*variants, *posters),
            blurhash=placeholder,
        )

    def _streams(self, container: InputContainer) -> tuple[VideoStream, AudioStream | None]:
        """The first video and audio streams, refused when FFmpeg has no decoder for
        either (an audio track is not silently dropped) or the frames are too large."""
        if not container.streams.video:
            raise UnprocessableMedia(f"{sniffing.NOT_A_VIDEO}: the file has no video stream")
        video = container.streams.video[0]
        audio = container.streams.audio[0] if container.streams.audio else None
        for stream in (video, audio):
            if stream is not None and stream.codec_context is None:
                raise UnprocessableMedia(f"the file's {stream.type} codec is not supported")
        pixels = video.codec_context.width * video.codec_context.height
        if pixels > self._max_pixels:
            raise UnprocessableMedia(
                f"the video has {pixels} pixels per frame, more than the limit of "
                f"{self._max_pixels}"
            )
        video.thread_type = "AUTO"  # frame threads: decoding is half the work
        return video, audio

    def _check_duration(self, seconds: float, *, decoding: bool = False) -> None:
        if seconds > self._max_duration + DURATION_SLACK_SECONDS:
            lasts = "lasts at least" if decoding else "lasts"
            raise UnprocessableMedia(
                f"the video {lasts} {round(seconds, 1):g} s, more than the limit of "
                f"{self._max_duration:g} s"
            )

    def _decode(
        self,
        container: InputContainer,
        video: VideoStream,
        audio: AudioStream | None,
        pipeline: Pipeline,
    ) -> float:
        """Feed every frame to ``pipeline``; the clip's decoded length in seconds."""
        origin = (container.start_time or 0) / av.time_base
        end = 0.0
        for frame in _frames(container, video, audio):
            seconds = _shift(frame, origin)
            self._check_duration(seconds, decoding=True)  # in case the header lied
            if isinstance(frame, VideoFrame):
                pipeline.add_video(frame)
            else:
                pipeline.add_audio(frame)
            end = max(end, seconds + _length(frame))
        return end


def _frames(
    container: InputContainer, video: VideoStream, audio: AudioStream | None
) -> Iterator[VideoFrame | AudioFrame]:
    """Decoded frames in file order; a damaged file's error becomes ``UnprocessableMedia``.
    (Errors raised by the consumer between frames never pass through here.)"""
    streams = (video, audio) if audio is not None else (video,)
    try:
        for packet in container.demux(streams):
            for frame in packet.decode():
                if isinstance(frame, VideoFrame | AudioFrame):
                    yield frame
    except sniffing.DECODE_ERRORS as exc:
        raise UnprocessableMedia(sniffing.DAMAGED) from exc


def _shift(frame: VideoFrame | AudioFrame, origin: float) -> float:
    """Move ``frame`` so the clip starts at 0, as renditions do; its new time in seconds."""
    if frame.pts is None or frame.time_base is None:
        raise UnprocessableMedia(f"{sniffing.NOT_A_VIDEO}: a frame has no timestamp")
    frame.pts -= round(origin / frame.time_base)
    return float(frame.pts * frame.time_base)


def _length(frame: VideoFrame | AudioFrame) -> float:
    if isinstance(frame, AudioFrame):
        return frame.samples / frame.sample_rate
    return float(frame.duration * frame.time_base) if frame.time_base else 0.0
