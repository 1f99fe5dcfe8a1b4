"""Home feeds in Redis sorted sets: the seed's ``feed:{user_id}``.

Post ids are 64-bit snowflakes, and a sorted-set score is a double, exact only up to 2**53;
ids as scores would collide and misorder. So the score is the id's millisecond part
(``id >> 22``, 41 bits, exact) and the member the id as 19 zero-padded digits: Redis orders
equal scores by member bytes, which for equal-length digit strings is numeric order. A feed's
order by ``(score, member)`` is then exactly its order by id, for ranges and for trimming.

Redis deletes a sorted set with no members, yet the port needs "present but empty" (a rebuilt
feed of a user who follows nobody). Every present feed therefore holds a sentinel member at
score -1, below every post: the key exists exactly while the feed does, each post-ranged read
skips the sentinel, and trimming by rank starts above it.

A feed may hold up to ``trim_slack`` entries over its capacity: trimming on every push was a
``ZREMRANGEBYRANK`` per follower, so a push trims only a feed that is that far over, and a
read never shows more than the ``capacity`` newest (the page script clamps at the
capacity-th entry). A removal trims the feed to capacity first, so an entry a write-time
trim would have dropped never comes back: what readers see is exactly what trimming on
every write would leave.

Given the service's :class:`RedisChangeVersions` (the same server), every write marks the
feeds it touched changed in the same script call (``MARK_LUA``): a fan-out chunk is one
round trip, and the core's ``TrackedFeedCache`` adds no second one (``marks_changes``).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import redis

from instagram_adapters.redis.change_versions import MARK_LUA, RedisChangeVersions, new_token
from instagram_adapters.redis.client import chunked, translate_errors
from instagram_core.domain.ids import MAX_ID, TIMESTAMP_SHIFT
from instagram_core.ports.feed_cache import FEED_CAPACITY

_SENTINEL = "present"
_SENTINEL_SCORE = -1

# Every write script ends by marking its KEYS changed when ARGV[1] (a token) is not empty,
# ARGV[2] being the change versions' period; the marked field of ``feed:{user}`` is the
# key itself, which is also the freshness vocabulary's name for that feed.
_MARKED = (
    MARK_LUA
    + """
local function marked(keys)
  if ARGV[1] ~= '' then mark(keys, ARGV[1], tonumber(ARGV[2])) end
end
local cap = tonumber(ARGV[3])
"""
)

# KEYS: feeds. ARGV[4..6]: slack, score, member. Only present feeds change (ZCARD 0:
# absent; else it counts the sentinel too, so one call both skips cold users and sizes the
# feed); a feed more than ``slack`` over capacity is trimmed back to it, keeping rank 0
# (the sentinel) and the ``cap`` highest entries.
_ADD = (
    _MARKED
    + """
local slack, score, member = tonumber(ARGV[4]), ARGV[5], ARGV[6]
for _, key in ipairs(KEYS) do
  local held = redis.call('ZCARD', key)
  if held > 0 and redis.call('ZADD', key, score, member) == 1 and held > cap + slack then
    redis.call('ZREMRANGEBYRANK', key, 1, -(cap + 1))
  end
end
marked(KEYS)
return 0
"""
)

# KEYS[1]: the feed. ARGV[4]: idle TTL (0: none), ARGV[5..]: score, member pairs. Makes the
# feed present (the sentinel), adds the entries and trims to capacity at once.
_ADD_MANY = (
    _MARKED
    + """
local key = KEYS[1]
redis.call('ZADD', key, -1, '"""
    + _SENTINEL
    + """')
for first = 5, #ARGV, 1000 do
  redis.call('ZADD', key, unpack(ARGV, first, math.min(first + 999, #ARGV)))
end
redis.call('ZREMRANGEBYRANK', key, 1, -(cap + 1))
if tonumber(ARGV[4]) > 0 then redis.call('EXPIRE', key, ARGV[4]) end
marked(KEYS)
return 0
"""
)

# KEYS: feeds. ARGV[4..]: members. Trims each feed to capacity first, so that what a read
# clamped away cannot surface once an entry above it goes. ZREM never creates a key.
_REMOVE = (
    _MARKED
    + """
for _, key in ipairs(KEYS) do
  if redis.call('ZCARD', key) > cap + 1 then
    redis.call('ZREMRANGEBYRANK', key, 1, -(cap + 1))
  end
  redis.call('ZREM', key, unpack(ARGV, 4))
end
marked(KEYS)
return 0
"""
)

_DROP = (
    _MARKED
    + """
redis.call('DEL', KEYS[1])
marked(KEYS)
return 0
"""
)

# KEYS[1]: the feed. ARGV: the cursor's score ('' from the top), limit, idle TTL (0: none;
# a read renews it, so only feeds nobody reads expire), capacity. Returns nil for an absent
# feed, else {ties, lower, floor}: every entry at the cursor's score (ascending; the caller
# keeps those below the cursor), up to ``limit`` entries at lower scores (descending), and
# the lowest entry a reader may see ('' when the feed is within capacity).
_PAGE = """
local held = redis.call('ZCARD', KEYS[1])
if held == 0 then return false end
if tonumber(ARGV[3]) > 0 then redis.call('EXPIRE', KEYS[1], ARGV[3]) end
local cap, floor = tonumber(ARGV[4]), ''
if held > cap + 1 then floor = redis.call('ZRANGE', KEYS[1], cap - 1, cap - 1, 'REV')[1] end
if ARGV[1] == '' then
  local top = redis.call('ZRANGE', KEYS[1], '+inf', 0, 'BYSCORE', 'REV', 'LIMIT', 0, ARGV[2])
  return {{}, top, floor}
end
return {
  redis.call('ZRANGE', KEYS[1], ARGV[1], ARGV[1], 'BYSCORE'),
  redis.call('ZRANGE', KEYS[1], '(' .. ARGV[1], 0, 'BYSCORE', 'REV', 'LIMIT', 0, ARGV[2]),
  floor,
}
"""


def _score(post_id: int) -> int:
    return post_id >> TIMESTAMP_SHIFT


def _member(post_id: int) -> str:
    if not 0 <= post_id <= MAX_ID:
        raise ValueError(f"post id {post_id} is not a 63-bit id")
    return f"{post_id:019d}"


class RedisFeedCache:
    """The production :class:`~instagram_core.ports.FeedCache`.

    A fan-out runs one Lua script per 1,000 followers: per feed, one ``ZCARD`` (present?
    how full?) and one ``ZADD``, atomically, so a racing ``drop`` can never leave a partial
    feed behind, and a retried chunk changes nothing (members are unique). The script names
    every key it touches, but one call spans many hash slots: on Redis Cluster, group keys
    by slot first.
    """

    def __init__(
        self,
        client: redis.Redis,
        capacity: int = FEED_CAPACITY,
        idle_ttl_seconds: int | None = None,
        *,
        versions: RedisChangeVersions | None = None,
        trim_slack: int | None = None,
    ) -> None:
        """``idle_ttl_seconds``: a feed unread that long expires (Redis's own key expiry),
        so fan-out skips inactive followers until they come back. ``versions``: mark every
        written feed changed there, in the write's own call (it must use the same server).
        ``trim_slack``: entries a feed may hold over capacity before a push trims it
        (default a tenth of the capacity; 0 trims on every push)."""
        if capacity < 1:
            raise ValueError("capacity must be at least 1")
        slack = capacity // 10 if trim_slack is None else trim_slack
        if slack < 0:
            raise ValueError("trim_slack must not be negative")
        self._client = client
        self._capacity = capacity
        self._slack = slack
        self._ttl = idle_ttl_seconds or 0
        self._period = 0 if versions is None else versions.period_seconds
        # Read by TrackedFeedCache: marks made here need not be made again.
        self.marks_changes = versions is not None
        self._add = client.register_script(_ADD)
        self._add_many = client.register_script(_ADD_MANY)
        self._remove = client.register_script(_REMOVE)
        self._drop = client.register_script(_DROP)
        self._page = client.register_script(_PAGE)

    def _marking(self) -> list[int | str]:
        """The three arguments every write script starts with: token, period, capacity."""
        token = new_token() if self.marks_changes else ""
        return [token, self._period, self._capacity]

    def add(self, user_ids: Iterable[str], post_id: int) -> None:
        post: list[int | str] = [self._slack, _score(post_id), _member(post_id)]
        with translate_errors():
            for keys in chunked(map(_key, user_ids)):
                self._add(keys=keys, args=[*self._marking(), *post])

    def add_many(self, user_id: str, post_ids: Iterable[int]) -> None:
        """One script call: the sentinel, the posts, the trim. Only the ``capacity`` newest
        of ``post_ids`` can survive the trim, so only they are sent."""
        newest = sorted(set(post_ids))[-self._capacity :]
        entries: list[int | str] = [x for p in newest for x in (_score(p), _member(p))]
        with translate_errors():
            self._add_many(keys=[_key(user_id)], args=[*self._marking(), self._ttl, *entries])

    def remove(self, user_ids: Iterable[str], post_ids: Iterable[int]) -> None:
        """``ZREM`` never creates a key, and never takes the sentinel: an emptied feed stays
        present, an absent one stays absent. An id outside 63 bits is in no feed: ignored."""
        members = [_member(p) for p in set(post_ids) if 0 <= p <= MAX_ID]
        if not members:
            return
        with translate_errors():
            for keys in chunked(map(_key, user_ids)):
                for some in chunked(members):  # Lua unpacks at most ~8,000 values
                    self._remove(keys=keys, args=[*self._marking(), *some])

    def page(self, user_id: str, before: int | None, limit: int) -> Sequence[int] | None:
        """One script call. Entries in the cursor's own millisecond come back whole and are
        filtered here, since a score range cannot cut inside one score, and so are entries
        below the capacity-th (members compare as ids: equal-length digit strings); a limit
        of zero or less gives an empty page of a present feed."""
        count = max(limit, 0)
        cursor = "" if before is None else str(_score(max(before, 0)))
        with translate_errors():
            found = self._page(
                keys=[_key(user_id)], args=[cursor, count, self._ttl, self._capacity]
            )
        if found is None:
            return None
        ties, lower, floor = found
        newer = [] if before is None else [m for m in reversed(ties) if int(m) < before]
        return [int(m) for m in [*newer, *lower][:count] if m >= floor]

    def drop(self, user_id: str) -> None:
        with translate_errors():
            self._drop(keys=[_key(user_id)], args=self._marking())


def _key(user_id: str) -> str:
    return f"feed:{user_id}"
