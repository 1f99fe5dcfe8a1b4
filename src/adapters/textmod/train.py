"""Trains the text classifier and writes the packaged ``weights.npz``; run it with
``python -m instagram_adapters.textmod.train``.

Multinomial logistic regression with L2 regularisation, fitted by full-batch Adam from zero
weights: with the seeded split of ``corpus.split`` the run is reproducible. The shipped
weights are fitted on the training split only, so the held-out lines stay unseen and the
printed held-out accuracy (and the tests that use those lines) mean something.
"""

from __future__ import annotations

import argparse
import random
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import numpy.typing as npt

from instagram_adapters.textmod.classifier import packaged_weights
from instagram_adapters.textmod.corpus import LABELS, Example, load_examples, split
from instagram_adapters.textmod.features import BUCKETS, NGRAM_SIZES, vectorize_all

Matrix = npt.NDArray[np.float32]


def _softmax(logits: Matrix) -> Matrix:
    exp = np.exp(logits - logits.max(axis=1, keepdims=True))
    probabilities: Matrix = exp / exp.sum(axis=1, keepdims=True)
    return probabilities


def fit(
    x: Matrix, y: npt.NDArray[np.intp], *, l2: float = 1e-6, steps: int = 300, rate: float = 0.05
) -> tuple[Matrix, Matrix]:
    """Weights ``(features, labels)`` and bias minimising class-balanced cross-entropy.

    Only buckets some training text uses are fitted (with L2, the rest would stay zero).
    """
    used = np.flatnonzero(np.abs(x).sum(axis=0))
    weights, bias = _fit_dense(x[:, used], y, l2=l2, steps=steps, rate=rate)
    full = np.zeros((x.shape[1], len(LABELS)), np.float32)
    full[used] = weights
    return full, bias


def _fit_dense(
    x: Matrix, y: npt.NDArray[np.intp], *, l2: float, steps: int, rate: float
) -> tuple[Matrix, Matrix]:
    classes = len(LABELS)
    onehot = np.eye(classes, dtype=np.float32)[y]
    balance = (len(y) / (classes * np.bincount(y, minlength=classes))).astype(np.float32)
    sample_weight = balance[y][:, None] / len(y)
    params = [np.zeros((x.shape[1], classes), np.float32), np.zeros(classes, np.float32)]
    moments = [(np.zeros_like(p), np.zeros_like(p)) for p in params]
    for step in range(1, steps + 1):
        error = (_softmax(x @ params[0] + params[1]) - onehot) * sample_weight
        grads = [x.T @ error + l2 * params[0], error.sum(axis=0)]
        for param, grad, (mean, square) in zip(params, grads, moments, strict=True):
            mean[:] = 0.9 * mean + 0.1 * grad
            square[:] = 0.999 * square + 0.001 * grad**2
            corrected = mean / (1 - 0.9**step)
            step_size = rate * corrected / (np.sqrt(square / (1 - 0.999**step)) + 1e-8)
            np.subtract(param, step_size, out=param)
    return params[0], params[1]


def _encode(examples: Sequence[Example]) -> tuple[Matrix, npt.NDArray[np.intp]]:
    x = vectorize_all([e.text for e in examples], BUCKETS, NGRAM_SIZES)
    return x, np.array([LABELS.index(e.label) for e in examples], dtype=np.intp)


def evaluate(weights: Matrix, bias: Matrix, examples: Sequence[Example]) -> dict[str, float]:
    """Accuracy over ``examples`` and recall of each label (argmax decisions)."""
    x, y = _encode(examples)
    predicted = (x @ weights + bias).argmax(axis=1)
    scores = {"accuracy": float((predicted == y).mean())}
    for index, label in enumerate(LABELS):
        scores[f"recall {label}"] = float((predicted[y == index] == index).mean())
    return scores


def cross_validate(examples: Sequence[Example], folds: int = 5, seed: int = 7) -> list[float]:
    """Accuracy on each of ``folds`` folds of whole groups, trained on the others."""
    groups = sorted({e.group for e in examples})
    random.Random(seed).shuffle(groups)
    fold_of = {group: index % folds for index, group in enumerate(groups)}
    accuracies = []
    for fold in range(folds):
        training = [e for e in examples if fold_of[e.group] != fold]
        tested = [e for e in examples if fold_of[e.group] == fold]
        weights, bias = fit(*_encode(training))
        accuracies.append(evaluate(weights, bias, tested)["accuracy"])
    return accuracies


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=7, help="seed of the held-out split")
    parser.add_argument("--out", type=Path, default=packaged_weights())
    parser.add_argument("--folds", type=int, default=0, help="also cross-validate (about 10 s)")
    args = parser.parse_args(argv)
    examples = load_examples()
    if args.folds:
        accuracies = cross_validate(examples, args.folds, args.seed)
        print(f"{args.folds}-fold grouped accuracy: {np.mean(accuracies):.3f}", end=" ")
        print(f"(from {min(accuracies):.3f} to {max(accuracies):.3f})")
    training, held_out = split(examples, seed=args.seed)
    weights, bias = fit(*_encode(training))
    for name, value in evaluate(weights, bias, held_out).items():
        print(f"held-out {name}: {value:.3f} ({len(held_out)} lines, {len(training)} trained)")
    np.savez_compressed(
        args.out,
        weights=weights.astype(np.float16),  # halves the file; scores change by < 1e-3
        bias=bias,
        labels=np.array(LABELS),
        ngram_sizes=np.array(NGRAM_SIZES),
    )
    print(f"wrote {args.out} ({args.out.stat().st_size} bytes)")


if __name__ == "__main__":
    main()
