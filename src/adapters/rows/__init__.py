"""What the SQLite and Cassandra adapters share about rows: value codecs and the field lists
of posts and media records, so both stores encode a record the same way."""
