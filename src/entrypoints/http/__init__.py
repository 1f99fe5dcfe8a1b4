"""The Litestar HTTP edge: thin controllers over the core's use cases."""
