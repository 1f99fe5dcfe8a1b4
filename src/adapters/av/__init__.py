"""PyAV (FFmpeg) adapter: transcodes uploaded MP4 and MOV clips for streaming."""

from adapters.av.transcoder import PyAvVideoTranscoder

__all__ = ["PyAvVideoTranscoder"]
