"""PyAV (FFmpeg) adapter: transcodes uploaded MP4 and MOV clips for streaming."""

from instagram_adapters.extras import require

require(__name__, av="media")

from instagram_adapters.av.transcoder import PyAvVideoTranscoder  # noqa: E402

__all__ = ["PyAvVideoTranscoder"]
