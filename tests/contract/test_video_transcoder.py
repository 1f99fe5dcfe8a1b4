"""Contract of :class:`~instagram_core.ports.processing.VideoTranscoder`, run against every
adapter on short clips the tests make themselves with PyAV: a coloured background, a
moving square, a red marker in the stored top-left corner and a 440 Hz tone."""

from __future__ import annotations

import io
import struct
from collections.abc import Callable
from fractions import Fraction
from functools import cache

import av
import numpy as np
import pytest
from av.video.stream import VideoStream
from PIL import Image

from instagram_adapters.av import PyAvVideoTranscoder
from instagram_core.domain.errors import UnprocessableMedia
from instagram_core.ports.processing import ProcessedVideo, RenderedVariant, VideoTranscoder

ADAPTERS: dict[str, Callable[..., VideoTranscoder]] = {"pyav": PyAvVideoTranscoder}
FPS, SECONDS, RATE = 15, 2.0, 48000
BASE83 = set("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz#$%*+,-.:;=?@[]^_{|}~")
# name: (stored width, stored height, muxer, display rotation, with audio, codec)
CLIPS: dict[str, tuple[int, int, str, int, bool, str]] = {
    "landscape.mp4": (1280, 720, "mp4", 0, True, "libx264"),
    "landscape.mov": (1280, 720, "mov", 0, True, "libx264"),
    "portrait.mp4": (720, 1280, "mp4", 0, True, "libx264"),
    "small.mp4": (640, 360, "mp4", 0, True, "libx264"),
    "rotated.mp4": (640, 360, "mp4", 90, True, "libx264"),
    "silent.mp4": (320, 240, "mp4", 0, False, "libx264"),
    "odd-rgb.mov": (321, 241, "mov", 0, False, "png"),
}
# name: (upright size, rendition name -> size)
EXPECTED: dict[str, tuple[tuple[int, int], dict[str, tuple[int, int]]]] = {
    "landscape.mp4": ((1280, 720), {"video_1080": (1080, 608), "video_720": (720, 404)}),
    "landscape.mov": ((1280, 720), {"video_1080": (1080, 608), "video_720": (720, 404)}),
    "portrait.mp4": ((720, 1280), {"video_1080": (608, 1080), "video_720": (404, 720)}),
    "small.mp4": ((640, 360), {"video_720": (640, 360)}),
    "rotated.mp4": ((360, 640), {"video_720": (360, 640)}),
    "silent.mp4": ((320, 240), {"video_720": (320, 240)}),
    "odd-rgb.mov": ((321, 241), {"video_720": (320, 240)}),
}


@cache
def clip(name: str) -> bytes:
    width, height, muxer, rotation, audible, codec = CLIPS[name]
    buffer = io.BytesIO()
    with av.open(buffer, mode="w", format=muxer) as out:
        video = out.add_stream(codec, rate=FPS)
        assert isinstance(video, VideoStream)
        video.width, video.height = width, height
        video.pix_fmt = "yuv420p" if codec == "libx264" else "rgb24"
        video.codec_context.options = {"preset": "ultrafast"} if codec == "libx264" else {}
        if rotation:
            if not hasattr(video, "set_display_rotation"):
                pytest.skip("this PyAV cannot write a display matrix (set_display_rotation)")
            video.set_display_rotation(rotation)
        audio = out.add_stream("aac", rate=RATE) if audible else None
        for index in range(round(SECONDS * FPS)):
            frame = _picture(width, height, index / (SECONDS * FPS))
            frame.pts = index
            out.mux(video.encode(frame))
        out.mux(video.encode(None))
        if audio is not None:
            for start in range(0, round(SECONDS * RATE), 1024):
                out.mux(audio.encode(_tone(start)))
            out.mux(audio.encode(None))
    return buffer.getvalue()


def _picture(width: int, height: int, progress: float) -> av.VideoFrame:
    pixels = np.empty((height, width, 3), np.uint8)
    pixels[:] = (40, 80, 160)
    side = min(width, height) // 4
    left = int((width - side) * progress)
    pixels[height // 2 - side // 2 : height // 2 + side // 2, left : left + side] = (250, 200, 20)
    pixels[: height // 8, : width // 8] = (230, 20, 20)  # the marker: stored top-left
    return av.VideoFrame.from_ndarray(pixels, format="rgb24")


def _tone(start: int) -> av.AudioFrame:
    t = np.arange(start, start + 1024) / RATE
    wave = (0.3 * np.sin(2 * np.pi * 440 * t)).astype(np.float32)
    frame = av.AudioFrame.from_ndarray(np.stack([wave, wave]), format="fltp", layout="stereo")
    frame.sample_rate, frame.pts, frame.time_base = RATE, start, Fraction(1, RATE)
    return frame


@pytest.fixture(scope="module", params=list(ADAPTERS))
def make(request: pytest.FixtureRequest) -> Callable[..., VideoTranscoder]:
    return ADAPTERS[request.param]


@pytest.fixture(scope="module")
def transcoded(make: Callable[..., VideoTranscoder]) -> Callable[[str], ProcessedVideo]:
    """Transcodes a clip once per module: that is the slow part."""
    transcoder = make()
    return cache(lambda name: transcoder.transcode(clip(name)))


def renditions(video: ProcessedVideo) -> list[RenderedVariant]:
    return [v for v in video.variants if v.name != "poster"]


def top_level_boxes(data: bytes) -> list[bytes]:
    boxes, offset = [], 0
    while offset + 8 <= len(data):
        size, kind = struct.unpack(">I4s", data[offset : offset + 8])
        boxes.append(kind)
        if size < 8:  # 64-bit or to-the-end sizes: the renditions have neither
            break
        offset += size
    return boxes


@pytest.mark.parametrize("name", list(CLIPS))
def test_renditions_are_streamable_h264_aac_mp4_never_upscaled(
    transcoded: Callable[[str], ProcessedVideo], name: str
) -> None:
    video = transcoded(name)
    upright, sizes = EXPECTED[name]
    assert (video.width, video.height) == upright
    assert {v.name: (v.width, v.height) for v in renditions(video)} == sizes
    for variant in renditions(video):
        assert (variant.content_type, variant.extension) == ("video/mp4", "mp4")
        boxes = top_level_boxes(variant.data)
        assert boxes.index(b"moov") < boxes.index(b"mdat")  # +faststart
        with av.open(io.BytesIO(variant.data), "r") as container:
            stream = container.streams.video[0]
            assert stream.codec_context.name == "h264"
            assert stream.codec_context.pix_fmt == "yuv420p"
            assert (stream.codec_context.width, stream.codec_context.height) == sizes[variant.name]
            codecs = [a.codec_context.name for a in container.streams.audio]
            assert codecs == (["aac"] if CLIPS[name][4] else [])
            assert (container.duration or 0) / 1e6 == pytest.approx(SECONDS, abs=0.1)
            assert len(list(container.decode(stream))) == SECONDS * FPS


@pytest.mark.parametrize(
    ("name", "content_type"),
    [("landscape.mp4", "video/mp4"), ("landscape.mov", "video/quicktime")],
)
def test_source_type_and_duration_come_from_the_file(
    transcoded: Callable[[str], ProcessedVideo], name: str, content_type: str
) -> None:
    video = transcoded(name)
    assert video.source_content_type == content_type
    assert video.duration_seconds == pytest.approx(SECONDS, abs=0.1)


@pytest.mark.parametrize("name", ["landscape.mp4", "portrait.mp4", "small.mp4", "rotated.mp4"])
def test_poster_is_a_jpeg_and_a_webp_of_the_largest_rendition_with_a_blurhash(
    transcoded: Callable[[str], ProcessedVideo], name: str
) -> None:
    video = transcoded(name)
    largest = renditions(video)[0]
    posters = [v for v in video.variants if v.name == "poster"]
    assert {(p.content_type, p.extension) for p in posters} == {
        ("image/jpeg", "jpg"),
        ("image/webp", "webp"),
    }
    for poster in posters:
        with Image.open(io.BytesIO(poster.data)) as image:
            assert image.format == poster.extension.replace("jpg", "jpeg").upper()
            assert image.size == (poster.width, poster.height) == (largest.width, largest.height)
    assert video.blurhash is not None
    assert len(video.blurhash) == 28  # 4x3 components
    assert set(video.blurhash) <= BASE83


@pytest.mark.parametrize(
    ("name", "corner"), [("landscape.mp4", "top-left"), ("rotated.mp4", "bottom-left")]
)
def test_output_is_upright_as_players_show_it(
    transcoded: Callable[[str], ProcessedVideo], name: str, corner: str
) -> None:
    """A display matrix turning 90 degrees counter-clockwise shows the stored top-left
    corner at the bottom left, as players and ``ffmpeg``'s autorotate do."""
    poster = next(v for v in transcoded(name).variants if v.extension == "jpg")
    pixels = np.asarray(Image.open(io.BytesIO(poster.data)).convert("RGB")).astype(int)
    red = (pixels[..., 0] > 180) & (pixels[..., 1] < 80) & (pixels[..., 2] < 80)
    rows, columns = np.nonzero(red)
    vertical = "top" if rows.mean() < poster.height / 2 else "bottom"
    horizontal = "left" if columns.mean() < poster.width / 2 else "right"
    assert f"{vertical}-{horizontal}" == corner


def test_a_clip_over_the_duration_limit_is_refused(make: Callable[..., VideoTranscoder]) -> None:
    with pytest.raises(UnprocessableMedia, match=r"lasts 2 s, more than the limit of 1 s"):
        make(max_duration_seconds=1).transcode(clip("small.mp4"))


def test_the_limit_holds_while_decoding_when_the_header_lies(
    make: Callable[..., VideoTranscoder],
) -> None:
    data = bytearray(clip("small.mp4"))
    for box in (b"mvhd", b"mdhd"):  # every movie and track header claims a quarter
        at = data.find(box)
        while at != -1:
            duration = at + 20  # after the type, version and flags, two dates, time scale
            (value,) = struct.unpack(">I", data[duration : duration + 4])
            data[duration : duration + 4] = struct.pack(">I", value // 4)
            at = data.find(box, at + 4)
    with pytest.raises(UnprocessableMedia, match="lasts at least"):
        make(max_duration_seconds=1).transcode(bytes(data))


def _image(fmt: str) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), (10, 200, 30)).save(buffer, fmt)
    return buffer.getvalue()


def _remuxed(muxer: str, keep: str) -> bytes:
    """``small.mp4``'s video or audio packets, unchanged, in another container."""
    buffer = io.BytesIO()
    source = av.open(io.BytesIO(clip("small.mp4")), "r")
    with source, av.open(buffer, "w", muxer) as out:
        stream = source.streams.audio[0] if keep == "audio" else source.streams.video[0]
        copy = out.add_stream_from_template(stream)
        for packet in source.demux(stream):
            if packet.dts is not None:
                packet.stream = copy
                out.mux(packet)
    return buffer.getvalue()


REFUSALS: dict[str, Callable[[], bytes]] = {
    "empty": lambda: b"",
    "random bytes": lambda: np.random.default_rng(7).bytes(50_000),
    "truncated": lambda: clip("small.mp4")[: len(clip("small.mp4")) // 2],
    "a PNG": lambda: _image("PNG"),
    "a JPEG": lambda: _image("JPEG"),
    "audio only": lambda: _remuxed("mp4", keep="audio"),
    "Matroska": lambda: _remuxed("matroska", keep="video"),
    "an unknown codec": lambda: clip("small.mp4").replace(b"avc1", b"zzzz"),
}


@pytest.mark.parametrize("case", list(REFUSALS))
def test_what_is_no_supported_video_is_refused(
    make: Callable[..., VideoTranscoder], case: str
) -> None:
    with pytest.raises(UnprocessableMedia):
        make().transcode(REFUSALS[case]())


def test_a_truncated_rendition_is_refused_wherever_the_cut_falls(
    transcoded: Callable[[str], ProcessedVideo], make: Callable[..., VideoTranscoder]
) -> None:
    """Its index comes first, so FFmpeg alone would decode the frames before the cut."""
    data = renditions(transcoded("small.mp4"))[0].data
    for fraction in (0.5, 0.7, 0.9, 0.99):
        with pytest.raises(UnprocessableMedia, match="truncated"):
            make().transcode(data[: int(len(data) * fraction)])


def test_a_spliced_clip_that_changes_frame_size_keeps_every_frame(
    make: Callable[..., VideoTranscoder],
) -> None:
    """Half the frames are 320x240, half 640x360 (as in a clip joined from two)."""
    buffer = io.BytesIO()
    with av.open(buffer, "w", "mov") as out:
        stream = out.add_stream("png", rate=FPS)
        stream.width, stream.height, stream.pix_fmt = 320, 240, "rgb24"
        larger = av.CodecContext.create("png", "w")  # a second encoder, for the 2nd half
        assert isinstance(larger, av.VideoCodecContext)
        larger.width, larger.height, larger.pix_fmt = 640, 360, "rgb24"
        stream.codec_context.time_base = larger.time_base = Fraction(1, FPS)
        for index in range(2 * FPS):
            frame = _picture(*((320, 240) if index < FPS else (640, 360)), index / (2 * FPS))
            frame.pts = index
            packets = stream.encode(frame) if index < FPS else larger.encode(frame)
            for packet in packets:
                packet.stream = stream
                out.mux(packet)
        out.mux(stream.encode(None))
    video = make().transcode(buffer.getvalue())
    (rendition,) = renditions(video)
    assert (rendition.width, rendition.height) == (320, 240)
    with av.open(io.BytesIO(rendition.data), "r") as container:
        assert len(list(container.decode(video=0))) == 2 * FPS


def test_probe_reads_type_and_size_from_the_headers(make: Callable[..., VideoTranscoder]) -> None:
    header = make().probe(clip("portrait.mp4"))
    assert (header.content_type, header.width, header.height) == ("video/mp4", 720, 1280)
    with pytest.raises(UnprocessableMedia, match="limit"):
        make(max_duration_seconds=1).probe(clip("small.mp4"))
    with pytest.raises(UnprocessableMedia):
        make().probe(b"not a video at all" * 10)
