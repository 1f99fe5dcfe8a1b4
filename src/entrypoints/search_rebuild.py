"""``instagram search reindex``: rebuild the search index from the stores.

On the production profile this has no downtime: new Elasticsearch indexes are created and
filled while the aliases still serve the old ones, then one ``_aliases`` call swaps them and
the old indexes are deleted. Changes the indexer applies while the rebuild runs go to the old
generation; the rebuild reads the stores after they happened or re-reads them, except for a
change made to an account or post already copied, which the next event for it (or another
rebuild) repairs. The embedded profile's index is a SQLite table set that is cleared and
refilled in place (stop ``serve`` first, or restart it afterwards).
"""

from __future__ import annotations

from typing import Any

from instagram_entrypoints.config import Settings


def rebuild(container: Any, settings: Settings) -> tuple[int, int]:
    """Refill the index; the numbers of accounts and posts filed."""
    search = container.core.search()
    if settings.profile == "production":
        from instagram_adapters.elasticsearch.search import (
            ElasticsearchSearchIndex,
            ensure_indexes,
            new_generation,
            promote,
        )

        client = container.adapters.elasticsearch()
        prefix = settings.elasticsearch_index_prefix
        ensure_indexes(client, prefix)
        names = new_generation(client, prefix)
        counts: tuple[int, int] = search.reindex_into(
            ElasticsearchSearchIndex(client, names[0], names[1])
        )
        promote(client, prefix, names)
        return counts
    index = container.adapters.search_index()
    index.clear()
    filled: tuple[int, int] = search.reindex_into(index)
    return filled
