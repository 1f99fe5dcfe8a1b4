"""The learned feed ranker's engagement model: a user-behaviour simulator to train on, a
small multi-task network trained in numpy, exported to ONNX, and served by onnxruntime or,
without it, by numpy with the same scores. See ``docs/ranking.md``."""

from instagram_adapters.extras import require

require(__name__, numpy="ml")
