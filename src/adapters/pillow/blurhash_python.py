"""BlurHash in pure Python, for installs without numpy: the same output as the numpy encoder
(:mod:`.blurhash_numpy`) and the reference C encoder (woltapp), bit for bit.

Python has no float32, so each C operation on floats is computed in double and rounded to
float32. That gives the float32 result exactly: double has more than twice float's precision
plus two bits, so rounding twice never differs from rounding once for ``+ - * /``
(Figueroa, "When is double rounding innocuous?", 1995). Rounding runs in bulk through
``array('f')``, and the 36 running sums (12 components x 3 channels) advance one pixel at a
time, in the C loop's order. A 150x150 thumbnail takes a few tenths of a second, about a
hundred times numpy's time: :mod:`.blurhash` uses numpy when it is installed.
"""

from __future__ import annotations

import functools
import math
import operator
import struct
from array import array
from collections.abc import Iterable, Sequence

from PIL import Image

X_COMPONENTS = 4
Y_COMPONENTS = 3
COMPONENTS = X_COMPONENTS * Y_COMPONENTS
CHANNELS = 3
BASE83 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz#$%*+,-.:;=?@[]^_{|}~"
_FLOAT32 = struct.Struct("f")


def f32(value: float) -> float:
    """``value`` rounded to the nearest float32 (ties to even), as a C cast does."""
    rounded: float = _FLOAT32.unpack(_FLOAT32.pack(value))[0]
    return rounded


def f32s(values: Iterable[float]) -> array[float]:
    """Many values rounded to float32 at once."""
    return array("f", values)


def powf(base: float, exponent: float) -> float:
    """C ``powf``: computed in double and rounded once, as glibc does."""
    return f32(math.pow(base, f32(exponent)))


def _srgb_to_linear(value: int) -> float:
    v = f32(value / 255)
    if v <= 0.04045:
        return f32(v / 12.92)
    return powf(f32((v + 0.055) / 1.055), 2.4)


TO_LINEAR: tuple[float, ...] = tuple(_srgb_to_linear(value) for value in range(256))


def linear_to_srgb(value: float) -> int:
    v = min(1.0, max(0.0, value))
    if v <= 0.0031308:
        return int(v * 12.92 * 255 + 0.5)
    return int((1.055 * powf(v, 1 / 2.4) - 0.055) * 255 + 0.5)


def cosines(components: int, length: int) -> list[array[float]]:
    """``cosf(M_PI * component * i / length)``: argument in double, cosine in float."""
    return [
        f32s(math.cos(f32(math.pi * component * i / length)) for i in range(length))
        for component in range(components)
    ]


@functools.lru_cache(maxsize=8)
def _basis(width: int, height: int) -> array[float]:
    """``cos_y * cos_x`` (float32) per pixel in reading order, then per component (``y *
    X_COMPONENTS + x``), each repeated for the three channels."""
    cos_x, cos_y = cosines(X_COMPONENTS, width), cosines(Y_COMPONENTS, height)
    per_pixel = (
        cos_y[j][y] * cos_x[i][x]
        for y in range(height)
        for x in range(width)
        for j in range(Y_COMPONENTS)
        for i in range(X_COMPONENTS)
        for _ in range(CHANNELS)
    )
    return f32s(per_pixel)


def _factors(image: Image.Image) -> list[tuple[float, float, float]]:
    """The 12 components' (r, g, b) factors, each a float32 sum in the C loop's order."""
    width, height = image.size
    pixels = width * height
    linear = [TO_LINEAR[byte] for byte in image.tobytes("raw", "RGB")]
    # One pixel's three linear values, once per component: the basis's layout.
    repeated = (
        value
        for start in range(0, len(linear), CHANNELS)
        for value in linear[start : start + CHANNELS] * COMPONENTS
    )
    products = f32s(map(operator.mul, _basis(width, height), repeated))
    width_of_pixel = COMPONENTS * CHANNELS
    sums = products[:width_of_pixel]
    for start in range(width_of_pixel, pixels * width_of_pixel, width_of_pixel):
        sums = f32s(map(operator.add, sums, products[start : start + width_of_pixel]))
    area = f32(pixels)
    scales = [f32(1 / area)] + [f32(2 / area)] * (COMPONENTS - 1)
    return [
        (
            f32(sums[3 * k] * scale),
            f32(sums[3 * k + 1] * scale),
            f32(sums[3 * k + 2] * scale),
        )
        for k, scale in enumerate(scales)
    ]


def _quantise_ac(colour: Sequence[float], maximum: float) -> int:
    quantised = []
    for value in colour:
        scaled = f32(value / maximum)
        rooted = f32(math.copysign(powf(abs(scaled), 0.5), scaled) * 9)
        quantised.append(min(18, max(0, math.floor(f32(rooted + 9.5)))))
    red, green, blue = quantised
    return red * 19 * 19 + green * 19 + blue


def base83(value: int, length: int) -> str:
    return "".join(BASE83[(value // 83 ** (length - i - 1)) % 83] for i in range(length))


def encode(image: Image.Image) -> str:
    """The BlurHash of ``image`` (converted to RGB) with 4x3 components."""
    factors = _factors(image if image.mode == "RGB" else image.convert("RGB"))
    dc, ac = factors[0], factors[1:]
    peak = f32(max(abs(value) for colour in ac for value in colour) * 166)
    quantised_max = int(min(82.0, max(0.0, math.floor(f32(peak - 0.5)))))
    maximum = f32(f32(quantised_max + 1) / 166)
    dc_value = sum(linear_to_srgb(dc[i]) << shift for i, shift in enumerate((16, 8, 0)))
    size_flag = (X_COMPONENTS - 1) + (Y_COMPONENTS - 1) * 9
    return (
        base83(size_flag, 1)
        + base83(quantised_max, 1)
        + base83(dc_value, 4)
        + "".join(base83(_quantise_ac(colour, maximum), 2) for colour in ac)
    )
