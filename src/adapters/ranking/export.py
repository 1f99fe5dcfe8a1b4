"""Writing a trained network as the files shipped with the package.

The ONNX graph is built by hand from four operators (MatMul, Add, Relu, Sigmoid) with
``onnx.helper`` rather than converted from a framework: the network is small enough to spell
out, and the graph then has exactly the numpy model's arithmetic. Opset 17 and IR version 8
keep it loadable by every onnxruntime from 1.14 on.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import attrs
import numpy as np

from instagram_adapters.ranking.model import (
    SHIPPED_ONNX,
    SHIPPED_WEIGHTS,
    WEIGHT_ARRAYS,
    save_weights,
)
from instagram_adapters.ranking.network import NetWeights
from instagram_core.domain.ranking import FEATURES, HEADS

OPSET, IR_VERSION = 17, 8
METADATA = "metadata.json"


@attrs.frozen
class ModelFiles:
    onnx: Path
    weights: Path
    metadata: Path


def onnx_graph(weights: NetWeights) -> Any:
    """An ``onnx.ModelProto`` from ``features`` (candidates x 12, float32) to ``heads``
    (candidates x 5 probabilities), checked with ``onnx.checker``."""
    import onnx
    from onnx import TensorProto, helper, numpy_helper

    initializers = [
        numpy_helper.from_array(np.ascontiguousarray(getattr(weights, name)), name)
        for name in WEIGHT_ARRAYS
    ]
    nodes = [
        helper.make_node("MatMul", ["features", "w1"], ["hidden_in"]),
        helper.make_node("Add", ["hidden_in", "b1"], ["hidden_pre"]),
        helper.make_node("Relu", ["hidden_pre"], ["hidden"]),
        helper.make_node("MatMul", ["hidden", "w2"], ["logits_in"]),
        helper.make_node("Add", ["logits_in", "b2"], ["logits"]),
        helper.make_node("Sigmoid", ["logits"], ["heads"]),
    ]
    graph = helper.make_graph(
        nodes,
        "engagement_ranker",
        [helper.make_tensor_value_info("features", TensorProto.FLOAT, ["n", len(FEATURES)])],
        [helper.make_tensor_value_info("heads", TensorProto.FLOAT, ["n", len(HEADS)])],
        initializers,
    )
    model = helper.make_model(
        graph,
        producer_name="instagram-backend",
        opset_imports=[helper.make_opsetid("", OPSET)],
        ir_version=IR_VERSION,
    )
    helper.set_model_props(model, {"features": ",".join(FEATURES), "heads": ",".join(HEADS)})
    onnx.checker.check_model(model, full_check=True)
    return model


def write_model(weights: NetWeights, out_dir: Path) -> ModelFiles:
    """``ranker.onnx`` and ``ranker.npz`` in ``out_dir`` (created if needed); the same
    weights give byte-identical files, so retraining with the same seed shows no diff."""
    out_dir.mkdir(parents=True, exist_ok=True)
    files = ModelFiles(
        onnx=out_dir / SHIPPED_ONNX.name,
        weights=out_dir / SHIPPED_WEIGHTS.name,
        metadata=out_dir / METADATA,
    )
    files.onnx.write_bytes(onnx_graph(weights).SerializeToString())
    save_weights(weights, files.weights)
    return files


def write_metadata(files: ModelFiles, metadata: Mapping[str, Any]) -> None:
    """``metadata.json`` beside the model: the contract it was trained for and how it was
    trained and scored. Keys are sorted and nothing time-dependent is written."""
    document = {"features": list(FEATURES), "heads": list(HEADS), **metadata}
    files.metadata.write_text(json.dumps(document, indent=2, sort_keys=True) + "\n")
