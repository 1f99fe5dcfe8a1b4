"""Training the ranker end to end: simulate, split, fit, export, evaluate, document.

Everything random flows from one seed, so ``instagram train-ranker --seed 7`` rebuilds the
shipped files byte for byte. The held-out set is a fifth of the simulated *people*, not of
the impressions: a model must rank well for viewers it has never seen, as in production.
"""

from __future__ import annotations

from pathlib import Path

import attrs
import numpy as np

from instagram_adapters.ranking.defaults import DEFAULT_IMPRESSIONS, DEFAULT_SEED, MODEL_DIR
from instagram_adapters.ranking.evaluation import AucTable, auc_table
from instagram_adapters.ranking.export import ModelFiles, write_metadata, write_model
from instagram_adapters.ranking.model import NumpyEngagementModel
from instagram_adapters.ranking.network import TrainingPlan, fit
from instagram_adapters.ranking.report import render_docs
from instagram_adapters.ranking.simulator import EngagementLog, simulate
from instagram_core.domain.ranking import HEADS, HeadWeights

HELD_OUT_EVERY = 5  # viewers whose id is a multiple of this are held out


@attrs.frozen
class TrainingReport:
    seed: int
    impressions: int
    train_rows: int
    held_out_rows: int
    base_rates: dict[str, float]
    auc: AucTable
    onnx_max_abs_diff: float | None  # None when onnxruntime is not installed
    plan: TrainingPlan
    files: ModelFiles


def split(log: EngagementLog) -> tuple[EngagementLog, EngagementLog]:
    """Training and held-out logs, split by viewer."""
    held = log.viewers % HELD_OUT_EVERY == 0

    def part(mask: np.ndarray) -> EngagementLog:
        return EngagementLog(
            log.features[mask], log.labels[mask], log.probabilities[mask], log.viewers[mask]
        )

    return part(~held), part(held)


def train_ranker(
    seed: int = DEFAULT_SEED,
    out_dir: Path | None = None,
    impressions: int = DEFAULT_IMPRESSIONS,
    docs_path: Path | None = None,
    plan: TrainingPlan | None = None,
) -> TrainingReport:
    """Train on ``impressions`` simulated impressions and write the model files to
    ``out_dir`` (default: the package's shipped model) and, if given, the generated
    ``docs/ranking.md`` to ``docs_path``."""
    plan = plan or TrainingPlan()
    train, held_out = split(simulate(seed, impressions))
    weights = fit(train.features, train.labels, seed=seed, plan=plan)
    table = auc_table(held_out, weights.heads(held_out.features))
    files = write_model(weights, out_dir or MODEL_DIR)
    report = TrainingReport(
        seed=seed,
        impressions=len(train.viewers) + len(held_out.viewers),
        train_rows=len(train.viewers),
        held_out_rows=len(held_out.viewers),
        base_rates=_rounded(dict(zip(HEADS, held_out.labels.mean(axis=0), strict=True))),
        auc={name: _rounded(by_head) for name, by_head in table.items()},
        onnx_max_abs_diff=_onnx_agreement(files, held_out),
        plan=plan,
        files=files,
    )
    write_metadata(files, attrs.asdict(report, filter=lambda field, _: field.name != "files"))
    if docs_path is not None:
        docs_path.parent.mkdir(parents=True, exist_ok=True)
        docs_path.write_text(render_docs(report))
    return report


def _rounded(values: dict[str, float]) -> dict[str, float]:
    return {key: round(float(value), 4) for key, value in values.items()}


def _onnx_agreement(files: ModelFiles, held_out: EngagementLog) -> float | None:
    """Largest difference between the exported graph's and numpy's head probabilities on
    the held-out rows: the fallback promise (1e-5), checked on every export."""
    try:
        from instagram_adapters.ranking.model import OnnxEngagementModel

        graph = OnnxEngagementModel(files.onnx, HeadWeights())
    except ImportError:
        return None
    reference = NumpyEngagementModel(files.weights, HeadWeights())
    return float(np.abs(graph.heads(held_out.features) - reference.heads(held_out.features)).max())
