"""BlurHash encoding with numpy, matching the reference C encoder (woltapp) bit for bit, as
the pure-Python encoder of installs without numpy (:mod:`.blurhash_python`) does.

The reference sums in single precision, so a float64 port disagrees on a character now and
then when a value lands next to a quantisation step. This port reproduces the C arithmetic:
float32 values, double-precision literals where C promotes, and sequential float32
accumulation. The sum runs over axis 0 of a C-ordered (pixels, components x channels)
array, which numpy reduces row after row (pairwise summation applies only along the
contiguous axis), so each of the 48 running sums adds its terms in the C loop's order.
Every array in that sum is contiguous and wide, and the cosine basis is cached per size:
the thumbnail (at most 150x150) encodes in under a millisecond.
"""

from __future__ import annotations

import functools

import numpy as np
from numpy.typing import NDArray
from PIL import Image

from instagram_adapters.pillow.blurhash_python import X_COMPONENTS, Y_COMPONENTS, base83

_COMPONENTS = X_COMPONENTS * Y_COMPONENTS

_F32 = np.float32
Floats = NDArray[np.float32]


def _powf(base: Floats | np.float32, exponent: float) -> Floats:
    """C ``powf``: computed in double and rounded once, as glibc does."""
    result: Floats = np.power(np.asarray(base, np.float64), float(_F32(exponent))).astype(_F32)
    return result


def _srgb_to_linear_table() -> Floats:
    v = np.arange(256, dtype=_F32) / _F32(255)
    low = (v.astype(np.float64) / 12.92).astype(_F32)
    high = _powf(((v.astype(np.float64) + 0.055) / 1.055).astype(_F32), 2.4)
    return np.where(v.astype(np.float64) <= 0.04045, low, high)


_TO_LINEAR = _srgb_to_linear_table()


def _linear_to_srgb(value: np.float32) -> int:
    v = min(_F32(1), max(_F32(0), value))
    if v <= 0.0031308:
        return int(float(v) * 12.92 * 255 + 0.5)
    return int((1.055 * float(_powf(v, 1 / 2.4)) - 0.055) * 255 + 0.5)


def _cosines(components: int, length: int) -> Floats:
    """``cosf(M_PI * component * i / length)``: argument in double, cosine in float."""
    argument = np.pi * np.arange(components)[:, None] * np.arange(length)[None, :] / length
    return np.cos(argument.astype(_F32).astype(np.float64)).astype(_F32)


@functools.lru_cache(maxsize=8)
def _basis(width: int, height: int) -> Floats:
    """``cos_y * cos_x`` per pixel (rows) and component, each repeated for 4 channels:
    shape (height * width, Y_COMPONENTS * X_COMPONENTS * 4), read-only."""
    cos_x, cos_y = _cosines(X_COMPONENTS, width), _cosines(Y_COMPONENTS, height)
    per_pixel = (cos_y[:, :, None, None] * cos_x[None, None, :, :]).transpose(1, 3, 0, 2)
    basis = np.repeat(per_pixel.reshape(height * width, _COMPONENTS), 4, axis=1)
    basis.flags.writeable = False
    return basis


def _factors(image: Image.Image) -> Floats:
    """Factors of shape (Y_COMPONENTS * X_COMPONENTS, 3), summed in the C loop's order.

    Pixels are read as RGBX so that one pixel's four linear values form a 16-byte unit,
    copied once per component by a single broadcast (a fourth, ignored channel is cheaper
    than copying three-float rows one by one)."""
    width, height = image.size
    rgbx = np.frombuffer(image.tobytes("raw", "RGBX"), dtype=np.uint8)
    linear = np.ascontiguousarray(_TO_LINEAR[rgbx]).view(np.complex128)  # one per pixel
    terms = np.broadcast_to(linear[:, None], (width * height, _COMPONENTS)).copy()
    products = terms.view(_F32)
    np.multiply(products, _basis(width, height), out=products)
    sums = np.add.reduce(products, axis=0).reshape(_COMPONENTS, 4)[:, :3]
    normalisation = np.full((_COMPONENTS, 1), 2, dtype=_F32)
    normalisation[0] = 1
    result: Floats = sums * (normalisation / _F32(width * height))
    return result


def _quantise_ac(ac: Floats, maximum: np.float32) -> NDArray[np.int64]:
    scaled = ac / maximum
    rooted = np.copysign(_powf(np.abs(scaled), 0.5), scaled) * _F32(9)
    stepped = np.floor((rooted.astype(np.float64) + 9.5).astype(_F32))
    quant = np.clip(stepped, 0, 18).astype(np.int64)
    packed: NDArray[np.int64] = quant[:, 0] * 19 * 19 + quant[:, 1] * 19 + quant[:, 2]
    return packed


def encode(image: Image.Image) -> str:
    """The BlurHash of ``image`` (converted to RGB) with 4x3 components."""
    factors = _factors(image if image.mode == "RGB" else image.convert("RGB"))
    dc, ac = factors[0], factors[1:]
    peak = np.abs(ac).max() * _F32(166)
    quantised_max = int(min(82.0, max(0.0, np.floor(float(_F32(float(peak) - 0.5))))))
    maximum = (_F32(quantised_max) + _F32(1)) / _F32(166)
    dc_value = sum(_linear_to_srgb(dc[i]) << shift for i, shift in enumerate((16, 8, 0)))
    size_flag = (X_COMPONENTS - 1) + (Y_COMPONENTS - 1) * 9
    return (
        base83(size_flag, 1)
        + base83(quantised_max, 1)
        + base83(dc_value, 4)
        + "".join(base83(int(v), 2) for v in _quantise_ac(ac, maximum))
    )
