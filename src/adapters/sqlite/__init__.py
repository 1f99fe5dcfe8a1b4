"""SQLite adapters: the durable stores of the embedded profile (one file in the data dir)."""
