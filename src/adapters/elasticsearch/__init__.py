"""Adapters on Elasticsearch (7.10+, 8.x, OpenSearch): the search index."""
