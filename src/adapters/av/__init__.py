"""PyAV (FFmpeg) adapter: transcodes uploaded MP4 and MOV clips for streaming."""

from adapters.extras import require

require(__name__, av="media", PIL="media")

from adapters.av.transcoder import PyAvVideoTranscoder  # noqa: E402

__all__ = ["PyAvVideoTranscoder"]
