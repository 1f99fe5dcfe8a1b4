"""NudeNet's input tensor, built with Pillow and numpy instead of OpenCV.

NudeNet 3.4 (``nudenet/nudenet.py``, ``_read_image``) pads the image with black on the right
or bottom to a square, resizes the square to the model's side with OpenCV's bilinear
interpolation (``cv2.dnn.blobFromImage``: half-pixel centres, no antialiasing, 8-bit result)
and scales to [0, 1]. Its two colour conversions (``COLOR_RGBA2BGR`` on a BGR image, then
``swapRB``) leave the channels in **BGR** order, so that is what the network is fed here too:
scores then agree with the package's own detector to about 0.01.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

Pixels = npt.NDArray[np.uint8]
Blob = npt.NDArray[np.float32]
Indices = npt.NDArray[np.intp]
Weights = npt.NDArray[np.float32]


def _sampling(valid: int, side: int, size: int) -> tuple[Indices, Indices, Weights, Weights]:
    """Source indices and weights along one axis of the padded square.

    Follows ``cv::resize`` with ``INTER_LINEAR``: the centre of output pixel ``d`` maps to
    ``(d + 0.5) * side / size - 0.5``, clamped to the square. Pixels past ``valid`` are the
    black padding: their weight becomes zero, so they need not exist in memory.
    """
    centres = (np.arange(size, dtype=np.float64) + 0.5) * (side / size) - 0.5
    centres = np.clip(centres, 0.0, side - 1)
    first = np.floor(centres).astype(np.intp)
    second = np.minimum(first + 1, side - 1)
    frac = centres - first
    weight_first = np.where(first < valid, 1.0 - frac, 0.0).astype(np.float32)
    weight_second = np.where(second < valid, frac, 0.0).astype(np.float32)
    # Clamped into the image; a padding pixel's weight is already zero.
    return (
        np.minimum(first, valid - 1),
        np.minimum(second, valid - 1),
        weight_first,
        weight_second,
    )


def letterbox_blob(rgb: Pixels, size: int) -> Blob:
    """An ``(h, w, 3)`` RGB image as NudeNet's ``(1, 3, size, size)`` float32 BGR tensor."""
    height, width = rgb.shape[:2]
    side = max(height, width)
    rows = _sampling(height, side, size)
    cols = _sampling(width, side, size)
    picked = rgb[np.concatenate(rows[:2])].astype(np.float32)  # only the rows we sample
    top, bottom = picked[:size], picked[size:]
    vertical = top * rows[2][:, None, None] + bottom * rows[3][:, None, None]
    square = (
        vertical[:, cols[0]] * cols[2][None, :, None]
        + vertical[:, cols[1]] * cols[3][None, :, None]
    )
    resized = np.clip(np.rint(square), 0, 255)  # OpenCV resizes in 8 bits
    bgr = resized[:, :, ::-1].transpose(2, 0, 1)
    return np.ascontiguousarray(bgr[None] / np.float32(255.0), dtype=np.float32)
