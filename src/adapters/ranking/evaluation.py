"""Offline quality: AUC per head for the model and for the rankers it must beat.

AUC is the probability that a random engaged impression scores above a random ignored one,
so it judges the order a feed would show, not the calibration of the probabilities.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from instagram_adapters.ranking.simulator import EngagementLog
from instagram_core.domain.ranking import FEATURES, HEADS

Scores = npt.NDArray[np.floating]
AucTable = dict[str, dict[str, float]]  # ranker -> head -> AUC


def auc(scores: Scores, labels: Scores) -> float:
    """Mann-Whitney AUC; tied scores share their average rank, so a constant score gets
    0.5. NaN when the labels hold only one class."""
    positive = np.asarray(labels) > 0.5
    positives = int(positive.sum())
    negatives = len(positive) - positives
    if positives == 0 or negatives == 0:
        return float("nan")
    _, inverse, counts = np.unique(scores, return_inverse=True, return_counts=True)
    ends = np.cumsum(counts)
    mean_rank = (ends - counts + 1 + ends) / 2.0
    rank_sum = float(mean_rank[inverse][positive].sum())
    return (rank_sum - positives * (positives + 1) / 2.0) / (positives * negatives)


def baseline_scores(features: npt.NDArray[np.float32]) -> dict[str, Scores]:
    """The orders a feed could use without a model: newest first, most liked first, and
    fastest-rising first."""
    column = {name: features[:, index] for index, name in enumerate(FEATURES)}
    return {
        "chronological": -column["age_hours"],
        "popularity": column["log_likes"],
        "velocity": column["velocity"],
    }


def auc_table(log: EngagementLog, model_heads: Scores) -> AucTable:
    """AUC per head of each baseline, the model (one column of ``model_heads`` per head)
    and the ceiling: the simulator's true probabilities, which no model can beat."""
    table: AucTable = {}
    for name, scores in baseline_scores(log.features).items():
        table[name] = {head: auc(scores, log.labels[:, i]) for i, head in enumerate(HEADS)}
    for name, heads in (("model", model_heads), ("ceiling", log.probabilities)):
        table[name] = {head: auc(heads[:, i], log.labels[:, i]) for i, head in enumerate(HEADS)}
    return table
