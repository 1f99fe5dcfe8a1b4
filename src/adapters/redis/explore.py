"""Explore's stores in Redis: the seed's "cached in Redis" half of Explore.

Keys:

- ``explore:log``: the engagement log, a sorted set scored by time (microseconds); each
  member is the engagement as JSON, led by its event id (so members are unique). Trimmed to
  ``LOG_RETENTION`` on every write.
- ``explore:user:{id}``: the same members for one user, newest ``USER_KEPT`` kept.
- ``explore:post:{id}``: the members of one post, so a deletion finds them.
- ``explore:event:{id}``: the claim that makes a redelivered event count once.
- ``explore:nb:{id}`` (sorted set neighbour -> similarity) and ``explore:rnb:{id}`` (the
  posts whose list holds this one, so a deletion leaves no list pointing at it).
- ``explore:trending``, ``explore:seen:{viewer}`` (post -> last shown, trimmed and expiring
  after ``SEEN_RETENTION``) and ``explore:built``.

A record is one script: the claim and the writes happen together or not at all.
"""

from __future__ import annotations

import json
from collections.abc import Collection, Iterable, Mapping, Sequence
from datetime import datetime
from typing import cast

import redis

from instagram_adapters.redis.client import as_text, translate_errors
from instagram_adapters.rows.codecs import from_micros, to_micros
from instagram_core.ports.explore import LOG_RETENTION, SEEN_RETENTION, Engagement, Neighbours

USER_KEPT = 500  # per user: more than Explore reads (services.explore.HISTORY)
_LOG = "explore:log"
_TRENDING = "explore:trending"
_BUILT = "explore:built"
_RETENTION = int(LOG_RETENTION.total_seconds())
_SEEN_SECONDS = int(SEEN_RETENTION.total_seconds())

# KEYS: event claim, log, user list, post members. ARGV: retention (s), member, score (us),
# horizon (us), users kept.
_RECORD = """
if redis.call('SET', KEYS[1], '1', 'NX', 'EX', ARGV[1]) == false then
    return 0
end
redis.call('ZADD', KEYS[2], ARGV[3], ARGV[2])
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', '(' .. ARGV[4])
redis.call('ZADD', KEYS[3], ARGV[3], ARGV[2])
redis.call('ZREMRANGEBYRANK', KEYS[3], 0, -tonumber(ARGV[5]) - 1)
redis.call('ZREMRANGEBYSCORE', KEYS[3], '-inf', '(' .. ARGV[4])
redis.call('EXPIRE', KEYS[3], ARGV[1])
redis.call('SADD', KEYS[4], ARGV[2])
redis.call('EXPIRE', KEYS[4], ARGV[1])
return 1
"""


class RedisExploreStore:
    def __init__(self, client: redis.Redis) -> None:
        self._client = client
        self._record = client.register_script(_RECORD)

    def record(self, engagement: Engagement, event_id: str) -> bool:
        at = to_micros(engagement.at)
        member = json.dumps(
            [
                event_id,
                engagement.user_id,
                engagement.post_id,
                engagement.author_id,
                engagement.weight,
                at,
                list(engagement.hashtags),
            ]
        )
        with translate_errors():
            added = self._record(
                keys=[
                    f"explore:event:{event_id}",
                    _LOG,
                    _user(engagement.user_id),
                    _post(engagement.post_id),
                ],
                args=[
                    _RETENTION,
                    member,
                    at,
                    to_micros(engagement.at - LOG_RETENTION),
                    USER_KEPT,
                ],
            )
        return bool(added)

    def window(self, since: datetime) -> Sequence[Engagement]:
        with translate_errors():
            members = self._client.zrangebyscore(_LOG, to_micros(since), "+inf")
        return [_engagement(m) for m in _texts(members)]

    def recent_by(self, user_ids: Collection[str], limit: int) -> Sequence[Engagement]:
        users = list(dict.fromkeys(user_ids))
        if not users or limit < 1:
            return []
        with translate_errors():
            pipe = self._client.pipeline(transaction=False)
            for user in users:
                pipe.zrevrange(_user(user), 0, limit - 1)
            found = pipe.execute()
        engagements = [_engagement(as_text(m)) for members in found for m in members]
        engagements.sort(key=lambda e: e.at, reverse=True)
        return engagements[:limit]

    def forget_post(self, post_id: int) -> None:
        with translate_errors():
            members = _texts(self._client.smembers(_post(post_id)))
            listing = _texts(self._client.smembers(_reverse(post_id)))
            listed = _texts(self._client.zrange(_neighbours(post_id), 0, -1))
            pipe = self._client.pipeline(transaction=True)
            for member in members:
                pipe.zrem(_LOG, member)
                pipe.zrem(_user(_engagement(member).user_id), member)
            for other in listing:
                pipe.zrem(_neighbours(int(other)), post_id)
            for neighbour in listed:
                pipe.srem(_reverse(int(neighbour)), post_id)
            pipe.delete(_post(post_id), _neighbours(post_id), _reverse(post_id))
            pipe.zrem(_TRENDING, post_id)
            pipe.execute()

    def put_neighbours(self, neighbours: Mapping[int, Neighbours]) -> None:
        posts = list(neighbours)
        if not posts:
            return
        with translate_errors():
            pipe = self._client.pipeline(transaction=False)
            for post_id in posts:
                pipe.zrange(_neighbours(post_id), 0, -1)
            old_lists = pipe.execute()
            pipe = self._client.pipeline(transaction=True)
            for post_id, old in zip(posts, old_lists, strict=True):
                for other in old:
                    pipe.srem(_reverse(int(other)), post_id)
                pipe.delete(_neighbours(post_id))
                items = neighbours[post_id]
                if items:
                    pipe.zadd(_neighbours(post_id), {str(o): s for o, s in items})
                    for other, _ in items:
                        pipe.sadd(_reverse(other), post_id)
            pipe.execute()

    def neighbours(self, post_ids: Iterable[int], per_post: int) -> Mapping[int, Neighbours]:
        posts = list(dict.fromkeys(post_ids))
        if not posts or per_post < 1:
            return {}
        with translate_errors():
            pipe = self._client.pipeline(transaction=False)
            for post_id in posts:
                # Whole lists (the build keeps them short): ties order by id, which Redis's
                # lexical order of members does not.
                pipe.zrange(_neighbours(post_id), 0, -1, withscores=True)
            found = pipe.execute()
        return {
            post_id: _ordered(entries)[:per_post]
            for post_id, entries in zip(posts, found, strict=True)
            if entries
        }

    def put_trending(self, ranked: Neighbours) -> None:
        with translate_errors():
            pipe = self._client.pipeline(transaction=True)
            pipe.delete(_TRENDING)
            if ranked:
                pipe.zadd(_TRENDING, {str(post_id): score for post_id, score in ranked})
            pipe.execute()

    def trending(self, limit: int) -> Neighbours:
        if limit < 1:
            return []
        with translate_errors():
            top = self._client.zrevrange(_TRENDING, 0, limit - 1, withscores=True)
            if not top:
                return []
            # Members tied with the last one may sit beyond the cut in Redis's lexical order.
            lowest = top[-1][1]
            tied = self._client.zrangebyscore(_TRENDING, lowest, lowest, withscores=True)
        return _ordered([*top, *tied])[:limit]

    def mark_seen(self, viewer_id: str, post_ids: Iterable[int], at: datetime) -> None:
        ids = set(post_ids)
        if not ids:
            return
        key = _seen(viewer_id)
        moment = to_micros(at)
        with translate_errors():
            pipe = self._client.pipeline(transaction=True)
            pipe.zadd(key, {str(post_id): moment for post_id in ids}, gt=True)
            pipe.zremrangebyscore(key, "-inf", f"({to_micros(at - SEEN_RETENTION)}")
            pipe.expire(key, _SEEN_SECONDS)
            pipe.execute()

    def seen_since(self, viewer_id: str, since: datetime) -> set[int]:
        with translate_errors():
            found = self._client.zrangebyscore(_seen(viewer_id), to_micros(since), "+inf")
        return {int(post_id) for post_id in _texts(found)}

    def last_build(self) -> datetime | None:
        with translate_errors():
            raw = self._client.get(_BUILT)
        return None if raw is None else from_micros(int(raw))

    def set_last_build(self, at: datetime) -> None:
        with translate_errors():
            self._client.set(_BUILT, to_micros(at))


def _texts(reply: object) -> list[str]:
    """A reply that lists members, as ``str`` (the client's stubs type it loosely)."""
    return [as_text(m) for m in cast("Iterable[str | bytes]", reply)]


def _ordered(entries: Iterable[tuple[str | int, float]]) -> list[tuple[int, float]]:
    unique = {int(member): float(score) for member, score in entries}
    return sorted(unique.items(), key=lambda item: (-item[1], -item[0]))


def _engagement(member: str) -> Engagement:
    _, user_id, post_id, author_id, weight, at_us, hashtags = json.loads(member)
    return Engagement(
        user_id=user_id,
        post_id=int(post_id),
        author_id=author_id,
        weight=float(weight),
        at=from_micros(int(at_us)),
        hashtags=tuple(hashtags),
    )


def _user(user_id: str) -> str:
    return f"explore:user:{user_id}"


def _post(post_id: int) -> str:
    return f"explore:post:{post_id}"


def _neighbours(post_id: int) -> str:
    return f"explore:nb:{post_id}"


def _reverse(post_id: int) -> str:
    return f"explore:rnb:{post_id}"


def _seen(viewer_id: str) -> str:
    return f"explore:seen:{viewer_id}"
