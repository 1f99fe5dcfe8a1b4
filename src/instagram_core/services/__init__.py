"""Use cases: each service method is one thing a user or a worker does."""
