"""Entrypoints: the HTTP app, workers and CLI, wired by dependency-injector containers."""
