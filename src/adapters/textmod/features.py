"""Hashed character n-grams: text to a fixed-size vector, with no vocabulary to ship.

Each n-gram of the normalised text (with a space at either end, so word starts and ends
count) and each whole word is hashed with CRC-32, a hash stable across processes and
platforms unlike :func:`hash`. The low bits pick a bucket and the top bit a sign, so
collisions tend to cancel rather than pile up. Vectors have unit length.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterator, Sequence

import numpy as np
import numpy.typing as npt

from instagram_adapters.text_folding import (
    fold as normalize,  # NFKC, case folded, white space collapsed
)

Vector = npt.NDArray[np.float32]
NGRAM_SIZES = (3, 4, 5)  # chosen by grouped cross-validation (see train.py)
BUCKETS = 2**14


def features(text: str, sizes: Sequence[int] = NGRAM_SIZES) -> Iterator[str]:
    """The character n-grams of ``sizes`` and the words (prefixed ``w:``) of ``text``."""
    padded = f" {normalize(text)} "
    for size in sizes:
        for start in range(len(padded) - size + 1):
            yield padded[start : start + size]
    for word in padded.split():
        yield f"w:{word}"


def vectorize(text: str, buckets: int = BUCKETS, sizes: Sequence[int] = NGRAM_SIZES) -> Vector:
    """The unit-length signed count vector of ``text``; all zeros for empty text.

    ``buckets`` must be a power of two (the bucket is the hash's low bits).
    """
    hashes = np.fromiter(
        (zlib.crc32(feature.encode("utf-8")) for feature in features(text, sizes)),
        dtype=np.uint32,
    )
    signs = np.where(hashes >> 31, -1.0, 1.0)
    vector = np.bincount(hashes & (buckets - 1), weights=signs, minlength=buckets)
    norm = np.linalg.norm(vector)
    return (vector / norm if norm else vector).astype(np.float32)


def vectorize_all(
    texts: Sequence[str], buckets: int = BUCKETS, sizes: Sequence[int] = NGRAM_SIZES
) -> npt.NDArray[np.float32]:
    """One row per text."""
    matrix = np.zeros((len(texts), buckets), dtype=np.float32)
    for row, text in enumerate(texts):
        matrix[row] = vectorize(text, buckets, sizes)
    return matrix
