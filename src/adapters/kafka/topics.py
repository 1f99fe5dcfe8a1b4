"""Which topic and key carry each message type, and creating those topics.

One topic per message family. The key is the field whose messages must stay in order: a
post's messages (created, published, fanned out, deleted) share the post id, a user's
follows share the follower id. Kafka keeps order per partition and the key picks the
partition, so one post's or one user's messages are consumed in the order written.
Retries leave that order on purpose (a failing message must not hold its partition): they
go to the consumer group's retry topic, and every handler is idempotent.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable, Mapping

import attrs
from kafka import KafkaAdminClient
from kafka.errors import TopicAlreadyExistsError

from instagram_core.domain import events
from instagram_core.domain.events import Message

DAY_MS = 86_400_000


@attrs.frozen
class Route:
    family: str
    key_field: str


DOMAIN_ROUTES: Mapping[type[Message], Route] = {
    events.PostCreated: Route("posts", "post_id"),
    events.PostPublished: Route("posts", "post_id"),
    events.PostDeleted: Route("posts", "post_id"),
    events.FanOutPost: Route("posts", "post_id"),
    events.PostLiked: Route("engagement", "post_id"),
    events.PostSaved: Route("engagement", "post_id"),
    events.PostUnsaved: Route("engagement", "post_id"),
    events.CommentAdded: Route("engagement", "post_id"),
    events.FeedPageShown: Route("engagement", "viewer_id"),
    events.FollowCreated: Route("social-graph", "follower_id"),
    events.FollowApproved: Route("social-graph", "follower_id"),
    events.FollowRemoved: Route("social-graph", "follower_id"),
    events.StoryCreated: Route("stories", "author_id"),
    events.StoryViewed: Route("stories", "author_id"),
    events.StoryMentioned: Route("stories", "author_id"),
    events.ProfileVisited: Route("engagement", "viewer_id"),
    events.UserRegistered: Route("profile", "user_id"),
    events.ProfileUpdated: Route("profile", "user_id"),
    events.PushDelivery: Route("push", "device_id"),
}


@attrs.frozen
class Topology:
    """Topic names under ``prefix`` and how many partitions and how long they keep data.

    Dead letters live in one compacted topic keyed by letter id: dropping or replaying a
    letter writes a tombstone for its key, so the topic holds only open letters."""

    prefix: str = "instagram"
    partitions: int = 6
    retention_ms: int = 7 * DAY_MS
    dead_letter_retention_ms: int = 30 * DAY_MS
    replication: int = 1
    routes: Mapping[type[Message], Route] = DOMAIN_ROUTES

    def route(self, kind: type[Message]) -> Route | None:
        return self.routes.get(kind)

    def topic(self, family: str) -> str:
        return f"{self.prefix}.{family}"

    def families(self) -> list[str]:
        return sorted({route.family for route in self.routes.values()})

    def family_topics(self) -> list[str]:
        return [self.topic(family) for family in self.families()]

    def retry_topic(self, group: str) -> str:
        return f"{self.prefix}.retry.{group}"

    @property
    def dead_letter_topic(self) -> str:
        return f"{self.prefix}.dead-letters"

    def key(self, message: Message) -> bytes:
        route = self.routes[type(message)]
        return str(getattr(message, route.key_field)).encode()


def ensure_topics(
    bootstrap_servers: str, topology: Topology, groups: Iterable[str] = ()
) -> list[str]:
    """Create the family topics, the retry topics of ``groups`` and the dead-letter topic,
    with the topology's partitions and retention; returns the ones created (existing topics
    are left as they are: growing partitions would move keys, so it is never automatic)."""
    wanted: dict[str, dict[str, object]] = {}
    retention = {"retention.ms": str(topology.retention_ms)}
    for topic in [*topology.family_topics(), *map(topology.retry_topic, groups)]:
        wanted[topic] = _spec(topology.partitions, topology.replication, retention)
    wanted[topology.dead_letter_topic] = _spec(
        1,
        topology.replication,
        {"cleanup.policy": "compact", "retention.ms": str(topology.dead_letter_retention_ms)},
    )
    admin = KafkaAdminClient(bootstrap_servers=bootstrap_servers, request_timeout_ms=30_000)
    try:
        existing = set(admin.list_topics())
        missing = {name: spec for name, spec in wanted.items() if name not in existing}
        if missing:
            # another process may create some of them at the same time
            with contextlib.suppress(TopicAlreadyExistsError):
                admin.create_topics(missing, wait_for_metadata=True)
        return sorted(missing)
    finally:
        admin.close()


def _spec(partitions: int, replication: int, configs: dict[str, str]) -> dict[str, object]:
    return {"num_partitions": partitions, "replication_factor": replication, "configs": configs}
