"""Redis adapters: the production caches and counters (feeds, story trays, likes and saves,
rate limits). Each takes a built client (see
:func:`adapters.redis.client.redis_client`) and turns every driver error into
:class:`~instagram_core.domain.errors.Unavailable`."""

from adapters.extras import require

require(__name__, redis="production")
