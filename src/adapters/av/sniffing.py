"""Recognising an upload as MP4 or QuickTime from its bytes, and opening it safely.

The declared content type is never trusted. The bytes must start with an ISO base media
box; the demuxer is then forced to FFmpeg's ``mov`` rather than probed, so a playlist
(HLS, concat), an image or any of FFmpeg's other formats never reaches its parser: a
playlist could make FFmpeg read local files or URLs. External data references stay off
(``enable_drefs`` defaults to 0) for the same reason.
"""

from __future__ import annotations

import io

import av
from av.container import InputContainer

from instagram_core.domain.errors import UnprocessableMedia

# Box types a QuickTime/MP4 file may begin with; only MP4 and QuickTime files have them.
_FIRST_BOXES = frozenset({b"ftyp", b"moov", b"mdat", b"wide", b"free", b"skip", b"pnot"})
_QUICKTIME_BRAND = b"qt  "
NOT_A_VIDEO = "not a supported video: expected MP4 or MOV (QuickTime)"
DAMAGED = "the video file is damaged or truncated"

# What PyAV raises on hostile bytes: its FFmpeg errors, plus what its Python layer lets
# through on nonsense values (a zero frame rate, an undecodable metadata string).
DECODE_ERRORS: tuple[type[Exception], ...] = (
    av.FFmpegError,
    ValueError,
    ZeroDivisionError,
    OverflowError,
    UnicodeDecodeError,
    EOFError,
)


def content_type(data: bytes) -> str:
    """``video/quicktime`` for a QuickTime brand or a pre-``ftyp`` QuickTime file, else
    ``video/mp4``. Raises ``UnprocessableMedia`` when the first box is no MP4/MOV box,
    or when a top-level box runs past the end of the data: a cut-off upload, which FFmpeg
    might otherwise decode, silently shorter, when the cut falls between two frames."""
    if len(data) < 8 or data[4:8] not in _FIRST_BOXES:
        raise UnprocessableMedia(NOT_A_VIDEO)
    if _truncated(data):
        raise UnprocessableMedia(DAMAGED)
    if data[4:8] == b"ftyp" and data[8:12] != _QUICKTIME_BRAND:
        return "video/mp4"
    return "video/quicktime"


def _truncated(data: bytes) -> bool:
    """Whether a top-level box claims more bytes than there are. Sizes that make no
    sense end the walk instead: judging those is the demuxer's job."""
    offset = 0
    while len(data) - offset >= 8:
        size = int.from_bytes(data[offset : offset + 4], "big")
        if size == 1 and len(data) - offset >= 16:  # a 64-bit size follows the type
            size = int.from_bytes(data[offset + 8 : offset + 16], "big")
        if size < 8:  # 0 means "to the end of the file"
            return False
        if offset + size > len(data):
            return True
        offset += size
    return False


def open_input(data: bytes) -> InputContainer:
    """The upload opened from memory with the ``mov`` demuxer (MP4 and MOV alike)."""
    try:
        return av.open(io.BytesIO(data), mode="r", format="mov")
    except DECODE_ERRORS as exc:
        raise UnprocessableMedia(DAMAGED) from exc


def declared_duration(container: InputContainer) -> float:
    """The longest duration the container or any of its streams claims, in seconds; 0
    when none says. Read before any packet is decoded, so an over-long upload is refused
    at once; decoding checks again in case the header lies."""
    claims = [container.duration / av.time_base] if container.duration else []
    for stream in container.streams:
        if stream.duration and stream.time_base:
            claims.append(float(stream.duration * stream.time_base))
    return max(claims, default=0.0)
