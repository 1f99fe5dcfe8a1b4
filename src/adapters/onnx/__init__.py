"""ONNX adapter: image moderation by NudeNet's nudity detector on onnxruntime (optional
``moderation`` extra; importing this package needs neither onnxruntime nor nudenet)."""

from adapters.onnx.detector import ModerationModelMissing
from adapters.onnx.image_moderator import EXPLICIT_CLASSES, OnnxImageModerator

__all__ = ["EXPLICIT_CLASSES", "ModerationModelMissing", "OnnxImageModerator"]
