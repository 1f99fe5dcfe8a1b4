"""Envelopes written by every earlier version still open; the current one round-trips."""

from __future__ import annotations

from datetime import UTC, datetime

import msgspec
import pytest
from hypothesis import given
from hypothesis import strategies as st

from instagram_adapters.kafka.envelope import (
    CURRENT_VERSION,
    Envelope,
    UnknownMessageType,
    decode,
    encode,
    open_message,
    wrap,
)
from instagram_core.domain import events

# Frozen bytes as each version wrote them. Never edit these: add the next version's.
V1_POST_DELETED = (
    b'{"v":1,"type":"PostDeleted","body":{"post_id":42,"author_id":"u1",'
    b'"media_ids":[7,8],"media_prefixes":["posts/42"]}}'
)
V2_FOLLOW_RETRY = (
    b'{"v":2,"type":"FollowCreated","body":{"follower_id":"a","followee_id":"b",'
    b'"pending":false},"id":"0f1e","attempt":3,"handler":"svc.on_follow","not_before":12.5}'
)


def test_a_version_1_message_still_opens_with_defaults_for_later_fields() -> None:
    envelope = decode(V1_POST_DELETED)
    assert (envelope.attempt, envelope.handler, envelope.not_before) == (1, None, 0.0)
    assert open_message(envelope) == events.PostDeleted(42, "u1", (7, 8), ("posts/42",), ())
    assert decode(V1_POST_DELETED).id == envelope.id  # a stable id for its dead letter


def test_a_version_2_retry_keeps_its_attempt_handler_and_due_time() -> None:
    envelope = decode(V2_FOLLOW_RETRY)
    assert (envelope.id, envelope.attempt, envelope.handler, envelope.not_before) == (
        "0f1e",
        3,
        "svc.on_follow",
        12.5,
    )
    assert open_message(envelope) == events.FollowCreated("a", "b", pending=False)


def test_fields_a_newer_writer_added_are_ignored() -> None:
    newer = (
        b'{"v":2,"type":"PostLiked","body":{"post_id":1,"user_id":"u","author_id":"a",'
        b'"reaction":"heart"},"id":"x"}'
    )
    assert open_message(decode(newer)) == events.PostLiked(1, "u", "a")


def test_a_profile_visit_written_before_visit_ids_opens_without_one() -> None:
    older = b'{"v":2,"type":"ProfileVisited","body":{"viewer_id":"a","user_id":"b"},"id":"x"}'
    assert open_message(decode(older)) == events.ProfileVisited("a", "b", visit_id="")


def test_actions_written_before_they_carried_a_time_open_without_one() -> None:
    older = [
        b'{"v":2,"type":"PostLiked","body":{"post_id":1,"user_id":"u","author_id":"a"},"id":"x"}',
        b'{"v":2,"type":"CommentAdded","body":{"comment_id":3,"post_id":1,"commenter_id":"u",'
        b'"post_author_id":"a","mentions":[]},"id":"x"}',
        b'{"v":1,"type":"FollowApproved","body":{"follower_id":"u","followee_id":"a"}}',
    ]
    assert [open_message(decode(raw)) for raw in older] == [
        events.PostLiked(1, "u", "a", occurred_at=None),
        events.CommentAdded(3, 1, "u", "a", (), occurred_at=None),
        events.FollowApproved("u", "a", occurred_at=None),
    ]
    assert open_message(decode(V2_FOLLOW_RETRY)) == events.FollowCreated("a", "b", False, None)


def test_the_time_of_an_action_round_trips_to_the_microsecond() -> None:
    at = datetime(2026, 12, 3, 17, 45, 1, 123456, tzinfo=UTC)
    for message in (
        events.PostLiked(1, "u", "a", at),
        events.CommentAdded(3, 1, "u", "a", ("bob",), at),
        events.FollowCreated("u", "a", True, at),
        events.FollowApproved("u", "a", at),
    ):
        assert open_message(decode(encode(wrap(message)))) == message


def test_an_unknown_type_or_version_is_refused_clearly() -> None:
    with pytest.raises(UnknownMessageType, match="Teleported"):
        open_message(decode(b'{"v":2,"type":"Teleported","body":{},"id":"x"}'))
    with pytest.raises(msgspec.ValidationError):
        decode(b'{"v":99,"type":"PostCreated","body":{"post_id":1}}')


def test_the_current_version_is_written() -> None:
    assert msgspec.json.decode(encode(wrap(events.PostCreated(5))))["v"] == CURRENT_VERSION


@given(
    post_id=st.integers(min_value=0, max_value=2**63 - 1),
    author=st.text(max_size=20),
    media=st.lists(st.integers(min_value=0, max_value=2**63 - 1), max_size=5),
    tags=st.lists(st.text(max_size=10), max_size=5),
)
def test_every_message_round_trips(
    post_id: int, author: str, media: list[int], tags: list[str]
) -> None:
    message = events.PostDeleted(post_id, author, tuple(media), tuple(tags), tuple(tags))
    envelope = decode(encode(wrap(message)))
    assert isinstance(envelope, Envelope)
    assert open_message(envelope) == message
