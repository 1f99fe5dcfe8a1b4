"""Image moderation by NudeNet's nudity detector, run through onnxruntime.

Optional: the model comes from the ``nudenet`` wheel and the runtime from ``onnxruntime``
(the ``moderation`` extra). NudeNet and its model are AGPL-3.0, unlike this MIT project, so
they are never a required dependency; without them construction fails with
:class:`ModerationModelMissing`.
"""

from __future__ import annotations

import io
from collections.abc import Collection, Mapping
from pathlib import Path

import numpy as np
from PIL import Image

from instagram_adapters.memory.moderation import WordListModerator
from instagram_adapters.onnx.detector import ModerationModelMissing, NudityDetector
from instagram_adapters.onnx.letterbox import Pixels
from instagram_adapters.pillow.decoding import DECODE_ERRORS
from instagram_adapters.pillow.quiet import pillow_warnings_ignored
from instagram_core.domain.errors import Unavailable
from instagram_core.ports.moderation import ModerationVerdict, Moderator

# Exposed parts that no post may show. Covered parts, faces, feet, bellies, armpits and
# male chests are left alone: beach and gym photos are ordinary posts.
EXPLICIT_CLASSES = frozenset(
    {
        "FEMALE_GENITALIA_EXPOSED",
        "MALE_GENITALIA_EXPOSED",
        "FEMALE_BREAST_EXPOSED",
        "BUTTOCKS_EXPOSED",
        "ANUS_EXPOSED",
    }
)
DEFAULT_THRESHOLD = 0.5
UNREADABLE_REASON = "the image could not be read for review"

__all__ = [
    "DEFAULT_THRESHOLD",
    "EXPLICIT_CLASSES",
    "ModerationModelMissing",
    "OnnxImageModerator",
    "explicit_verdict",
]


def explicit_verdict(
    scores: Mapping[str, float],
    threshold: float,
    refused_classes: Collection[str] = EXPLICIT_CLASSES,
) -> ModerationVerdict:
    """Refuses when a refused class scores above ``threshold``; the reason names the
    highest-scoring such class. Classes not refused never count, however high."""
    over = {
        label: score
        for label, score in scores.items()
        if label in refused_classes and score > threshold
    }
    if not over:
        return ModerationVerdict.allow()
    label = max(over, key=over.__getitem__)
    shown = label.lower().replace("_", " ")
    return ModerationVerdict(
        allowed=False, reason=f"nudity detected: {shown} (score {over[label]:.2f})"
    )


def decode_rgb(data: bytes) -> Pixels | None:
    """The image's pixels as ``(h, w, 3)`` RGB, or ``None`` if the bytes cannot be decoded.

    Alpha is dropped, as NudeNet drops it; EXIF orientation is not applied, because the
    images reviewed are rendered variants that are already upright.
    """
    try:
        with pillow_warnings_ignored(), Image.open(io.BytesIO(data)) as image:
            return np.asarray(image.convert("RGB"))
    except DECODE_ERRORS:
        return None


class OnnxImageModerator:
    """Refuses images in which NudeNet detects explicit nudity above ``threshold``.

    ``model_path=None`` uses the 320n model shipped in the ``nudenet`` wheel; a path may name
    another NudeNet export (such as 640m), whose labels and input size come from its metadata.
    Text goes to ``text_moderator`` (the word list by default). Bytes that cannot be decoded
    are refused, since an image nobody could check must not be published. The model runs on
    one CPU thread per call and is safe to share between threads.
    """

    def __init__(
        self,
        model_path: Path | None = None,
        threshold: float = DEFAULT_THRESHOLD,
        *,
        text_moderator: Moderator | None = None,
        refused_classes: Collection[str] = EXPLICIT_CLASSES,
    ) -> None:
        if not 0.0 < threshold < 1.0:
            raise ValueError(f"threshold must be between 0 and 1, not {threshold}")
        self._detector = NudityDetector(model_path)
        unknown = set(refused_classes) - set(self._detector.labels)
        if unknown:
            raise ValueError(f"the image model has no classes {sorted(unknown)}")
        self._threshold = threshold
        self._refused = frozenset(refused_classes)
        self._text = text_moderator if text_moderator is not None else WordListModerator()

    def scores(self, data: bytes) -> dict[str, float] | None:
        """Each detected class's best score, or ``None`` if the bytes cannot be decoded.

        Raises :class:`~instagram_core.domain.errors.Unavailable` if the model fails to run.
        """
        rgb = decode_rgb(data)
        if rgb is None:
            return None
        try:
            return self._detector.class_scores(rgb)
        except Exception as exc:  # onnxruntime's errors share no base class of their own
            raise Unavailable(f"the image model failed: {exc}") from exc

    def review_image(self, data: bytes) -> ModerationVerdict:
        scores = self.scores(data)
        if scores is None:
            return ModerationVerdict(allowed=False, reason=UNREADABLE_REASON)
        return explicit_verdict(scores, self._threshold, self._refused)

    def review_text(self, text: str) -> ModerationVerdict:
        """Delegated to the text moderator given at construction."""
        return self._text.review_text(text)
