"""The labelled captions and comments the text classifier learns from (``captions.tsv``)."""

from __future__ import annotations

import random
from collections.abc import Sequence
from importlib import resources

import attrs

LABELS = ("ok", "spam", "abuse")  # the classifier's output order; "ok" first


@attrs.frozen
class Example:
    label: str
    group: str  # lines generated from one template share a group
    text: str


def load_examples() -> list[Example]:
    """Every line of the packaged ``captions.tsv``; ``#`` comments and blank lines skipped."""
    data = resources.files("instagram_adapters.textmod").joinpath("captions.tsv").read_text("utf-8")
    examples = []
    for line in data.splitlines():
        if line.strip() and not line.startswith("#"):
            label, group, text = line.split("\t", 2)
            if label not in LABELS:
                raise ValueError(f"unknown label {label!r} in captions.tsv")
            examples.append(Example(label, group, text))
    return examples


def split(
    examples: Sequence[Example], held_out: float = 0.2, seed: int = 7
) -> tuple[list[Example], list[Example]]:
    """``(training, held_out)``, holding out whole groups, about ``held_out`` of each label's.

    Lines of one template differ only in their slot fills, so a random split of lines would
    test the model on near-copies of what it learnt; holding out templates does not.
    """
    rng = random.Random(seed)
    held: set[str] = set()
    for label in LABELS:
        groups = sorted({e.group for e in examples if e.label == label})
        rng.shuffle(groups)
        held.update(groups[: round(len(groups) * held_out)])
    training = [e for e in examples if e.group not in held]
    return training, [e for e in examples if e.group in held]
