"""Redis adapters: the production caches and counters (feeds, story trays, likes and saves,
rate limits). Each takes a built client (see
:func:`instagram_adapters.redis.client.redis_client`) and turns every driver error into
:class:`~instagram_core.domain.errors.Unavailable`."""

from instagram_adapters.extras import require

require(__name__, redis="production")
