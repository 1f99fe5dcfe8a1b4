"""The multi-task network: one shared ReLU layer, one sigmoid output per head.

The heads share a layer because they share causes (taste, closeness, quality, recency):
what one head learns about a feature helps the rarer ones (shares, comments) that have few
positive examples. Training standardises the inputs and then folds that scaling into the
first layer, so the served model reads raw feature rows and needs no preprocessing step.
"""

from __future__ import annotations

import attrs
import numpy as np
import numpy.typing as npt

from instagram_core.domain.ranking import FEATURES, HEADS

Matrix = npt.NDArray[np.float64]


@attrs.frozen
class NetWeights:
    """``heads = sigmoid(relu(x @ w1 + b1) @ w2 + b2)`` on raw feature rows ``x``."""

    w1: npt.NDArray[np.float32]  # features x hidden
    b1: npt.NDArray[np.float32]
    w2: npt.NDArray[np.float32]  # hidden x heads
    b2: npt.NDArray[np.float32]

    def heads(self, rows: npt.NDArray[np.float32]) -> npt.NDArray[np.float32]:
        """One probability per head and row, computed in float32 like the ONNX graph."""
        hidden = np.maximum(rows @ self.w1 + self.b1, np.float32(0.0))
        logits = hidden @ self.w2 + self.b2
        probabilities: npt.NDArray[np.float32] = np.float32(0.5) * (
            np.float32(1.0) + np.tanh(np.float32(0.5) * logits)
        )
        return probabilities


@attrs.frozen
class TrainingPlan:
    """Mini-batch Adam on the summed binary cross-entropy of the heads; the learning rate
    halves for the last third of the epochs to settle into the minimum."""

    hidden: int = 32
    epochs: int = 12
    batch_size: int = 512
    learning_rate: float = 3e-3


def fit(
    features: npt.NDArray[np.float32],
    labels: npt.NDArray[np.float32],
    seed: int,
    plan: TrainingPlan = TrainingPlan(),
) -> NetWeights:
    """Train on rows in :data:`FEATURES` order with 0/1 labels in :data:`HEADS` order.

    Everything random (initialisation, batch order) comes from ``seed``, so the same data
    and seed give the same weights.
    """
    if features.shape[1:] != (len(FEATURES),) or labels.shape != (len(features), len(HEADS)):
        raise ValueError(f"expected rows of {len(FEATURES)} features and {len(HEADS)} labels")
    rng = np.random.default_rng(seed)
    mean = features.mean(axis=0, dtype=np.float64)
    scale = features.std(axis=0, dtype=np.float64)
    scale[scale < 1e-9] = 1.0  # a constant column carries no signal; leave it unscaled
    inputs = (features - mean) / scale
    targets = labels.astype(np.float64)
    params = _initial(rng, plan.hidden, targets.mean(axis=0))
    optimiser = _Adam(params)
    steps_per_epoch = -(-len(inputs) // plan.batch_size)
    for epoch in range(plan.epochs):
        rate = plan.learning_rate * (0.5 if epoch >= 2 * plan.epochs // 3 else 1.0)
        order = rng.permutation(len(inputs))
        for step in range(steps_per_epoch):
            batch = order[step * plan.batch_size : (step + 1) * plan.batch_size]
            optimiser.step(params, _gradients(params, inputs[batch], targets[batch]), rate)
    w1, b1, w2, b2 = params
    return NetWeights(
        w1=(w1 / scale[:, None]).astype(np.float32),
        b1=(b1 - (mean / scale) @ w1).astype(np.float32),
        w2=w2.astype(np.float32),
        b2=b2.astype(np.float32),
    )


def _initial(rng: np.random.Generator, hidden: int, base_rates: Matrix) -> list[Matrix]:
    """He initialisation; output biases start at the base rates' log-odds, so the first
    steps learn structure rather than the average."""
    rates = np.clip(base_rates, 1e-4, 1 - 1e-4)
    return [
        rng.normal(0.0, np.sqrt(2.0 / len(FEATURES)), (len(FEATURES), hidden)),
        np.zeros(hidden),
        rng.normal(0.0, np.sqrt(1.0 / hidden), (hidden, len(HEADS))),
        np.log(rates / (1.0 - rates)),
    ]


def _gradients(params: list[Matrix], inputs: Matrix, targets: Matrix) -> list[Matrix]:
    w1, b1, w2, b2 = params
    pre = inputs @ w1 + b1
    hidden = np.maximum(pre, 0.0)
    probabilities = 0.5 * (1.0 + np.tanh(0.5 * (hidden @ w2 + b2)))
    d_logits = (probabilities - targets) / len(inputs)  # cross-entropy through a sigmoid
    d_pre = (d_logits @ w2.T) * (pre > 0.0)
    return [inputs.T @ d_pre, d_pre.sum(axis=0), hidden.T @ d_logits, d_logits.sum(axis=0)]


class _Adam:
    """Adam (Kingma & Ba, 2015) with the usual constants."""

    def __init__(self, params: list[Matrix]) -> None:
        self._first = [np.zeros_like(p) for p in params]
        self._second = [np.zeros_like(p) for p in params]
        self._steps = 0

    def step(self, params: list[Matrix], grads: list[Matrix], rate: float) -> None:
        self._steps += 1
        correction = np.sqrt(1 - 0.999**self._steps) / (1 - 0.9**self._steps)
        for index, grad in enumerate(grads):
            self._first[index] = 0.9 * self._first[index] + 0.1 * grad
            self._second[index] = 0.999 * self._second[index] + 0.001 * grad * grad
            step = correction * self._first[index] / (np.sqrt(self._second[index]) + 1e-8)
            params[index] -= rate * step
