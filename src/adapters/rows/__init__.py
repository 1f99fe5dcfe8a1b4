"""What the SQL and Cassandra adapters share about rows: value codecs, the field lists of
posts and media records, and the push-device and settings rows, so every store encodes a
record the same way."""
