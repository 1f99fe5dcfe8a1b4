"""Text moderation by a list of blocked words and phrases."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from importlib import resources
from itertools import groupby

from instagram_core.ports.moderation import ModerationVerdict

# Digits standing in for letters, so "fr33 f0llowers" is caught too. Only word characters:
# a look-alike that is also punctuation would make the pattern ambiguous (and slow).
_LOOKALIKES = {"a": "4", "e": "3", "i": "1", "o": "0", "s": "5", "t": "7"}
_INSIDE_WORD = r"(?:[^\w\s]|_)*+"  # punctuation between letters: "f.r.e.e"
_BETWEEN_WORDS = r"[\W_]*+"  # spaces or punctuation, or nothing: "buyfollowers"
_NOT_WORD_BEFORE = r"(?<![^\W_])"
_NOT_WORD_AFTER = r"(?![^\W_])"


def _normalize(text: str) -> str:
    return unicodedata.normalize("NFKC", text).casefold()


def _run_pattern(letter: str, count: int) -> str:
    """``count`` or more of ``letter`` (or its look-alike), punctuation allowed between.

    Possessive quantifiers never give back what they matched: with adjacent runs of
    different letters and separators disjoint from letters, backtracking could not find
    another match anyway, and without it the search stays linear per start position.
    """
    one = f"[{letter}{_LOOKALIKES[letter]}]" if letter in _LOOKALIKES else re.escape(letter)
    return f"{one}(?:{_INSIDE_WORD}{one}){{{count - 1},}}+"


def _phrase_pattern(phrase: str) -> str:
    """Whole words; characters of ``phrase`` that are not letters or digits are ignored."""
    words = []
    for word in phrase.split():
        runs = [(letter, len(list(run))) for letter, run in groupby(filter(str.isalnum, word))]
        if runs:
            words.append(_INSIDE_WORD.join(_run_pattern(*run) for run in runs))
    return _NOT_WORD_BEFORE + _BETWEEN_WORDS.join(words) + _NOT_WORD_AFTER if words else ""


def default_blocked_words() -> list[str]:
    """The packaged list (``blocked_words.txt``): blank lines and ``#`` comments skipped."""
    text = (
        resources.files("instagram_adapters.memory")
        .joinpath("blocked_words.txt")
        .read_text("utf-8")
    )
    lines = (line.strip() for line in text.splitlines())
    return [line for line in lines if line and not line.startswith("#")]


class WordListModerator:
    """Refuses text containing a blocked word or phrase; the embedded profile's moderator.

    Matching is on whole words after NFKC normalisation and case folding, and sees through
    repeated letters, punctuation between letters and digit look-alikes (``0`` for ``o``).
    It cannot judge meaning, so it is a floor, not a classifier. ``blocked_words=None`` uses the
    packaged list; an empty iterable allows everything.

    This adapter classifies no images: :meth:`review_image` allows every image. Image
    moderation belongs to the ONNX adapter of the media pipeline.
    """

    def __init__(self, blocked_words: Iterable[str] | None = None) -> None:
        words = default_blocked_words() if blocked_words is None else blocked_words
        patterns = sorted({_phrase_pattern(_normalize(word)) for word in words} - {""})
        self._pattern = re.compile("|".join(patterns)) if patterns else None

    def review_text(self, text: str) -> ModerationVerdict:
        if self._pattern is None or not self._pattern.search(_normalize(text)):
            return ModerationVerdict.allow()
        return ModerationVerdict(allowed=False, reason="text contains a blocked word or phrase")

    def review_image(self, data: bytes) -> ModerationVerdict:
        """Always allows: this adapter classifies no images (see the class docstring)."""
        return ModerationVerdict.allow()
