"""ONNX adapter: image moderation by NudeNet's nudity detector on onnxruntime (the ``ml``
extra). The model comes from the optional, AGPL ``moderation`` extra: importing this package
does not need it, and without it image moderation is off."""

from instagram_adapters.extras import require

require(__name__, numpy="ml", onnxruntime="ml")

from instagram_adapters.onnx.detector import ModerationModelMissing  # noqa: E402
from instagram_adapters.onnx.image_moderator import EXPLICIT_CLASSES, OnnxImageModerator  # noqa: E402

__all__ = ["EXPLICIT_CLASSES", "ModerationModelMissing", "OnnxImageModerator"]
