"""The trained engagement model behind the :class:`EngagementModel` port, two ways.

:class:`OnnxEngagementModel` runs the exported graph with onnxruntime, the serving runtime
the seed names. :class:`NumpyEngagementModel` runs the same weights with numpy alone: the
fallback when onnxruntime (an optional extra) is not installed, and the reference the ONNX
graph is tested against. Both read raw feature rows (the input scaling is folded into the
first layer) and combine the heads with :class:`HeadWeights` after the network, so changing
the weights in configuration needs no re-export.
"""

from __future__ import annotations

import abc
import io
import zipfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from instagram_adapters.ranking.defaults import MODEL_DIR
from instagram_adapters.ranking.features import feature_rows
from instagram_adapters.ranking.network import NetWeights
from instagram_core.domain.ranking import (
    FEATURES,
    HEADS,
    Candidates,
    HeadWeights,
    ViewerHistory,
)
from instagram_core.ports.ranking import EngagementModel

SHIPPED_ONNX = MODEL_DIR / "ranker.onnx"
SHIPPED_WEIGHTS = MODEL_DIR / "ranker.npz"
WEIGHT_ARRAYS = ("w1", "b1", "w2", "b2")

FeatureRows = Sequence[Sequence[float]] | npt.NDArray[np.floating[Any]]


def _rows(features: FeatureRows) -> npt.NDArray[np.float32]:
    """A ``(n, 12)`` float32 array; no rows at all becomes ``(0, 12)``. Raises
    ``ValueError`` for rows of another width (including empty rows)."""
    rows = np.asarray(features, dtype=np.float32)
    if rows.shape == (0,):
        return rows.reshape(0, len(FEATURES))
    if rows.ndim != 2 or rows.shape[1] != len(FEATURES):
        raise ValueError(f"expected rows of {len(FEATURES)} features, got shape {rows.shape}")
    return rows


def _combine(heads: npt.NDArray[np.float32], weights: npt.NDArray[np.float64]) -> list[float]:
    combined: list[float] = (heads.astype(np.float64) @ weights).tolist()
    return combined


def save_weights(weights: NetWeights, path: Path) -> None:
    """An ``.npz`` readable by ``numpy.load``, byte-for-byte the same for the same weights
    (``numpy.savez`` stamps the time, which would make every retrain a diff)."""
    arrays = {name: getattr(weights, name) for name in WEIGHT_ARRAYS}
    arrays |= {"features": np.array(FEATURES), "heads": np.array(HEADS)}
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, array in arrays.items():
            buffer = io.BytesIO()
            np.lib.format.write_array(buffer, array, allow_pickle=False)
            entry = zipfile.ZipInfo(f"{name}.npy", date_time=(1980, 1, 1, 0, 0, 0))
            archive.writestr(entry, buffer.getvalue(), zipfile.ZIP_DEFLATED)


def load_weights(path: Path | str) -> NetWeights:
    """Raises ``ValueError`` when the file was trained for other features or heads than
    the core's contract: a silently misaligned column would rank nonsense."""
    with np.load(path, allow_pickle=False) as archive:
        if tuple(archive["features"]) != FEATURES or tuple(archive["heads"]) != HEADS:
            raise ValueError(f"{path} was trained for other features or heads")
        weights = NetWeights(*(archive[name].astype(np.float32) for name in WEIGHT_ARRAYS))
    if weights.w1.shape[0] != len(FEATURES) or weights.w2.shape[1] != len(HEADS):
        raise ValueError(f"{path} has layers of the wrong shape")
    return weights


class _CombinedHeads(abc.ABC):
    """What both runtimes share: features from the facts, the heads from the network
    (:meth:`heads`, per runtime), one score from the heads by the configured weights."""

    def __init__(self, head_weights: HeadWeights) -> None:
        self._head_weights = np.array(head_weights.as_tuple(), dtype=np.float64)

    @abc.abstractmethod
    def heads(self, features: FeatureRows) -> npt.NDArray[np.float32]:
        """Each head's probability per row, in :data:`HEADS` order."""

    def score(self, viewer: ViewerHistory, candidates: Candidates) -> list[float]:
        return self.predict(feature_rows(viewer, candidates)) if len(candidates) else []

    def predict(self, features: FeatureRows) -> list[float]:
        return _combine(self.heads(features), self._head_weights)


class NumpyEngagementModel(_CombinedHeads):
    """The network as one matmul chain over all rows at once (float32, like the graph).
    Thread-safe: predicting changes no state."""

    def __init__(self, weights_path: Path | str, head_weights: HeadWeights) -> None:
        super().__init__(head_weights)
        self._net = load_weights(weights_path)

    def heads(self, features: FeatureRows) -> npt.NDArray[np.float32]:
        return self._net.heads(_rows(features))


class OnnxEngagementModel(_CombinedHeads):
    """The exported graph on onnxruntime's CPU provider with one thread: ranking runs
    inside a request that already has a core of its own, and a thread pool for a
    500 x 12 input costs more in wake-ups than it saves. Thread-safe, as onnxruntime's
    ``run`` is."""

    def __init__(self, onnx_path: Path | str, head_weights: HeadWeights) -> None:
        import onnxruntime as ort

        super().__init__(head_weights)

        options = ort.SessionOptions()
        options.intra_op_num_threads = 1
        options.inter_op_num_threads = 1
        options.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
        self._session = ort.InferenceSession(
            str(onnx_path), options, providers=["CPUExecutionProvider"]
        )
        declared = self._session.get_modelmeta().custom_metadata_map
        if declared.get("features") != ",".join(FEATURES) or declared.get("heads") != ",".join(
            HEADS
        ):
            raise ValueError(f"{onnx_path} was trained for other features or heads")
        self._input = self._session.get_inputs()[0].name

    def heads(self, features: FeatureRows) -> npt.NDArray[np.float32]:
        rows = _rows(features)
        if len(rows) == 0:  # onnxruntime accepts empty batches, but there is nothing to run
            return np.zeros((0, len(HEADS)), dtype=np.float32)
        (heads,) = self._session.run(None, {self._input: rows})
        return np.asarray(heads, dtype=np.float32)


def load_engagement_model(
    head_weights: HeadWeights, model_dir: Path = MODEL_DIR
) -> EngagementModel:
    """The ONNX model when onnxruntime is installed, else the numpy one (same scores to
    1e-5): the ``ranking`` extra is optional, and a missing one must not stop serving."""
    try:
        import onnxruntime  # noqa: F401
    except ImportError:
        return NumpyEngagementModel(model_dir / SHIPPED_WEIGHTS.name, head_weights)
    return OnnxEngagementModel(model_dir / SHIPPED_ONNX.name, head_weights)
