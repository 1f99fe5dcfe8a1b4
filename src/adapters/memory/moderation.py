"""Text moderation by a list of blocked words and phrases."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from importlib import resources

from instagram_core.ports.moderation import ModerationVerdict

# Common look-alike characters for letters, so "fr33 f0llowers" is caught too.
_LOOKALIKES = {"a": "@4", "e": "3", "i": "1!|", "l": "1|", "o": "0", "s": "$5", "t": "7"}
_INSIDE_WORD = r"(?:[^\w\s]|_)*"  # punctuation between letters: "f.r.e.e"
_BETWEEN_WORDS = r"[\W_]*"  # spaces or punctuation, or nothing: "buyfollowers"
_NOT_WORD_BEFORE = r"(?<![^\W_])"
_NOT_WORD_AFTER = r"(?![^\W_])"


def _normalize(text: str) -> str:
    return unicodedata.normalize("NFKC", text).casefold()


def _letter_pattern(letter: str) -> str:
    """One letter, repeatable ("freeee"), or any look-alike of it."""
    choices = letter + _LOOKALIKES.get(letter, "")
    return f"[{re.escape(choices)}]+" if len(choices) > 1 else f"{re.escape(letter)}+"


def _phrase_pattern(phrase: str) -> str:
    words = [_INSIDE_WORD.join(map(_letter_pattern, word)) for word in phrase.split()]
    return _NOT_WORD_BEFORE + _BETWEEN_WORDS.join(words) + _NOT_WORD_AFTER


def default_blocked_words() -> list[str]:
    """The packaged list (``blocked_words.txt``): blank lines and ``#`` comments skipped."""
    text = resources.files("adapters.memory").joinpath("blocked_words.txt").read_text("utf-8")
    lines = (line.strip() for line in text.splitlines())
    return [line for line in lines if line and not line.startswith("#")]


class WordListModerator:
    """Refuses text containing a blocked word or phrase; the embedded profile's moderator.

    Matching is on whole words after NFKC normalisation and case folding, and sees through
    repeated letters, punctuation between letters and a few digit look-alikes. It cannot
    judge meaning, so it is a floor, not a classifier. ``blocked_words=None`` uses the
    packaged list; an empty iterable allows everything.

    This adapter classifies no images: :meth:`review_image` allows every image. Image
    moderation belongs to the ONNX adapter of the media pipeline.
    """

    def __init__(self, blocked_words: Iterable[str] | None = None) -> None:
        words = default_blocked_words() if blocked_words is None else blocked_words
        phrases = sorted({_normalize(word).strip() for word in words} - {""})
        self._pattern = (
            re.compile("|".join(_phrase_pattern(phrase) for phrase in phrases)) if phrases else None
        )

    def review_text(self, text: str) -> ModerationVerdict:
        if self._pattern is None or not self._pattern.search(_normalize(text)):
            return ModerationVerdict.allow()
        return ModerationVerdict(allowed=False, reason="text contains a blocked word or phrase")

    def review_image(self, data: bytes) -> ModerationVerdict:
        """Always allows: this adapter classifies no images (see the class docstring)."""
        return ModerationVerdict.allow()
