"""Policies: the rules that every read and write path shares (visibility, limits, batching)."""
