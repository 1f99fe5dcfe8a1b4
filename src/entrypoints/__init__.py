"""Entrypoints: the HTTP app, workers and CLI, wired by dependency-injector containers."""

from instagram_adapters.extras import require

require(__name__, litestar="server", uvicorn="server", dependency_injector="server", click="server")
