"""Which renditions a video gets, and at what size."""

from __future__ import annotations

import attrs

Size = tuple[int, int]


@attrs.frozen
class RenditionSize:
    name: str
    width: int
    height: int


RENDITION_LONG_SIDES: tuple[tuple[str, int], ...] = (("video_1080", 1080), ("video_720", 720))


def upright(width: int, height: int, rotation: int) -> Size:
    """The size shown to viewers: a quarter turn swaps the axes."""
    return (height, width) if rotation % 180 == 90 else (width, height)


def fitted(width: int, height: int, long_side: int) -> Size:
    """``width`` x ``height`` with the long side scaled down to ``long_side`` (never up),
    both sides even as yuv420p needs, and at least 2."""
    scale = min(1.0, long_side / max(width, height))
    return _even(width * scale, width), _even(height * scale, height)


def _even(side: float, source_side: int) -> int:
    """The nearest even number to ``side``, but no more pixels than the source has."""
    return max(2, min(round(side / 2) * 2, source_side // 2 * 2))


def plan(
    width: int, height: int, long_sides: tuple[tuple[str, int], ...] = RENDITION_LONG_SIDES
) -> tuple[RenditionSize, ...]:
    """One rendition per long side, largest first, never upscaled. A source smaller than
    some of them gets each distinct size once, under the smallest name that reaches it:
    a 640x360 clip yields only ``video_720`` at 640x360; a 1000x560 one yields
    ``video_1080`` at 1000x560 and ``video_720`` at 720x404."""
    seen: set[Size] = set()
    chosen: list[RenditionSize] = []
    for name, long_side in sorted(long_sides, key=lambda item: item[1]):
        size = fitted(width, height, long_side)
        if size not in seen:
            seen.add(size)
            chosen.append(RenditionSize(name, *size))
    return tuple(reversed(chosen))
