"""Spam and abuse in captions and comments: the word list first, then a trained classifier."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

import numpy as np

from instagram_adapters.memory.moderation import WordListModerator
from instagram_adapters.textmod.features import vectorize
from instagram_core.ports.moderation import ModerationVerdict

DEFAULT_THRESHOLD = 0.6
_REASONS = {"spam": "text looks like spam", "abuse": "text looks abusive"}


def packaged_weights() -> Path:
    """The packaged ``weights.npz``, written by ``python -m instagram_adapters.textmod.train``."""
    return Path(str(resources.files("instagram_adapters.textmod").joinpath("weights.npz")))


class TextClassifier:
    """Multinomial logistic regression over hashed character n-grams.

    Immutable after loading, so safe to share between threads. Label ``"ok"`` is the
    harmless class; every other label is a reason to refuse.
    """

    def __init__(self, weights_path: Path | None = None) -> None:
        with np.load(weights_path or packaged_weights(), allow_pickle=False) as saved:
            self._weights = saved["weights"].astype(np.float32)
            self._bias = saved["bias"].astype(np.float32)
            self.labels: tuple[str, ...] = tuple(str(label) for label in saved["labels"])
            self._sizes = tuple(int(size) for size in saved["ngram_sizes"])
        if "ok" not in self.labels or self._weights.shape != (
            self._weights.shape[0],
            len(self.labels),
        ):
            raise ValueError("the text classifier's weights do not match its labels")

    def probabilities(self, text: str) -> dict[str, float]:
        """Each label's probability for ``text``; they sum to 1."""
        vector = vectorize(text, self._weights.shape[0], self._sizes)
        logits = vector @ self._weights + self._bias
        exp = np.exp(logits - logits.max())
        return dict(zip(self.labels, (exp / exp.sum()).tolist(), strict=True))


class TextClassifierModerator:
    """Refuses blocked words (:class:`WordListModerator`) and text the classifier finds
    likely to be spam or abuse: when ``1 - P(ok)`` reaches ``threshold``.

    The reason names the likelier of the two. Empty or blank text is always allowed. Like the
    word list, this adapter classifies no images: :meth:`review_image` allows every image.
    """

    def __init__(
        self,
        threshold: float = DEFAULT_THRESHOLD,
        *,
        word_list: WordListModerator | None = None,
        classifier: TextClassifier | None = None,
    ) -> None:
        if not 0.0 < threshold <= 1.0:
            raise ValueError(f"threshold must be in (0, 1], not {threshold}")
        self._threshold = threshold
        self._word_list = word_list if word_list is not None else WordListModerator()
        self._classifier = classifier if classifier is not None else TextClassifier()

    def review_text(self, text: str) -> ModerationVerdict:
        if not text.strip():
            return ModerationVerdict.allow()
        verdict = self._word_list.review_text(text)
        if not verdict.allowed:
            return verdict
        harmful = self._classifier.probabilities(text)
        if 1.0 - harmful.pop("ok") < self._threshold:
            return ModerationVerdict.allow()
        label = max(harmful, key=harmful.__getitem__)
        return ModerationVerdict(allowed=False, reason=_REASONS.get(label, f"text looks {label}"))

    def review_image(self, data: bytes) -> ModerationVerdict:
        """Always allows: this adapter classifies no images."""
        return ModerationVerdict.allow()
