"""NudeNet's detector model run directly through onnxruntime.

The ``.onnx`` file is read from the installed ``nudenet`` distribution's files; the package
itself is never imported (it would pull in OpenCV). Its label set is read from the model's
own metadata (the ``names`` map Ultralytics writes at export), so a larger NudeNet model
passed by path brings its labels along.
"""

from __future__ import annotations

import ast
import importlib.metadata
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np

from instagram_adapters.onnx.letterbox import Pixels, letterbox_blob

MODEL_FILE = "nudenet/320n.onnx"
EXTRA_HINT = "install the 'moderation' extra: pip install 'instagram-backend[moderation]'"


class ModerationModelMissing(RuntimeError):
    """The image model or its runtime is not installed, or the model file cannot be loaded."""


def packaged_model_path() -> Path:
    """Where the ``nudenet`` wheel put ``320n.onnx``; raises if the package is missing."""
    try:
        distribution = importlib.metadata.distribution("nudenet")
    except importlib.metadata.PackageNotFoundError as exc:
        raise ModerationModelMissing(f"the NudeNet model is not installed: {EXTRA_HINT}") from exc
    path = Path(str(distribution.locate_file(MODEL_FILE)))
    if not path.is_file():
        raise ModerationModelMissing(f"nudenet {distribution.version} has no {MODEL_FILE}")
    return path


def _session(path: Path) -> Any:
    try:
        import onnxruntime
    except ImportError as exc:
        raise ModerationModelMissing(f"onnxruntime is not installed: {EXTRA_HINT}") from exc
    options = onnxruntime.SessionOptions()
    options.intra_op_num_threads = 1  # one image per worker thread; workers scale out
    options.inter_op_num_threads = 1
    options.log_severity_level = 3  # errors only: no warnings on stderr per session
    try:
        return onnxruntime.InferenceSession(
            str(path), sess_options=options, providers=["CPUExecutionProvider"]
        )
    except Exception as exc:  # onnxruntime raises its own unexported exception types
        raise ModerationModelMissing(f"cannot load the image model {path}: {exc}") from exc


def _labels(metadata: Mapping[str, str]) -> tuple[str, ...]:
    names = ast.literal_eval(metadata.get("names", "{}"))
    if not isinstance(names, dict) or sorted(names) != list(range(len(names))) or not names:
        raise ModerationModelMissing("the image model's metadata has no class names")
    return tuple(str(names[index]) for index in range(len(names)))


def _input_side(metadata: Mapping[str, str]) -> int:
    """The side the model was exported for (its graph input is dynamic): ``imgsz``."""
    imgsz = ast.literal_eval(metadata.get("imgsz", "[320, 320]"))
    return int(imgsz[0])


class NudityDetector:
    """Per-class confidence of NudeNet's YOLOv8 detector for one image.

    Thread-safe: onnxruntime sessions may be run from several threads at once.
    """

    def __init__(self, model_path: Path | None = None) -> None:
        self._session = _session(model_path or packaged_model_path())
        self.labels = _labels(self._session.get_modelmeta().custom_metadata_map)
        self._input_name: str = self._session.get_inputs()[0].name
        self._side = _input_side(self._session.get_modelmeta().custom_metadata_map)

    def class_scores(self, rgb: Pixels) -> dict[str, float]:
        """Each class's best confidence over the candidate boxes, as NudeNet scores them.

        A box counts only for its own likeliest class, as in NudeNet's post-processing, and
        non-maximum suppression never drops a class's best box: so this is the score of the
        class's top detection, without NudeNet's 0.2 cut-off. A class that is no box's
        likeliest is absent.
        """
        blob = letterbox_blob(rgb, self._side)
        (output,) = self._session.run(None, {self._input_name: blob})
        class_probs = np.asarray(output)[0, 4:, :]  # rows: 4 box numbers, then classes
        best_class = class_probs.argmax(axis=0)
        best_score = class_probs.max(axis=0)
        scores: dict[str, float] = {}
        for index in np.unique(best_class):
            scores[self.labels[int(index)]] = float(best_score[best_class == index].max())
        return scores
