"""Text moderation adapter: the word list plus a small trained classifier of spam and abuse
in captions and comments (hashed character n-grams, logistic regression in numpy).

The weights (``weights.npz``) are trained by ``python -m instagram_adapters.textmod.train`` on the
made-up lines of ``captions.tsv``, both shipped in this package.
"""

from instagram_adapters.extras import require

require(__name__, numpy="ml")

from instagram_adapters.textmod.classifier import TextClassifier, TextClassifierModerator  # noqa: E402

__all__ = ["TextClassifier", "TextClassifierModerator"]
