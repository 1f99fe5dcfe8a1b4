"""Cassandra adapters: the seed's wide-column stores (posts and author grids, media records,
comments, stories, notifications, affinity) on ``cassandra-driver``."""
