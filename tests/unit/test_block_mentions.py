"""Blocks reach tags and mentions: across a block in either direction a tag is refused and a
mention is neither kept on the post (the link a client renders) nor notified, on every
surface that carries one (caption, ``tagged_users``, comments on one's own post or on a
third account's). Stories carry no mentions or tags."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from instagram_core.domain.errors import InvalidInput
from instagram_core.domain.events import PostPublished
from instagram_core.domain.posts import Post, PostStatus
from instagram_core.domain.users import User
from instagram_core.services.posts import NewPost
from tests.unit.conftest import World, new_world

PROPERTY = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
SPELLINGS = st.sampled_from([str.lower, str.upper, str.title])
SURFACES = st.sampled_from(["caption", "comment_on_own_post", "comment_on_third_post"])


def notified_by(world: World, recipient: User, actor: User) -> list[str]:
    page = world.core.notifications().activity(recipient.user_id, None, 50)
    return [
        str(v.notification.kind) for v in page.items if actor.user_id in v.notification.actor_ids
    ]


def blocked_pair(world: World, actor_blocks: bool) -> tuple[User, User]:
    """``actor`` (who tags or mentions) and ``other``, with a block between them."""
    actor, other = world.register("actor"), world.register("other")
    blocker, blocked = (actor, other) if actor_blocks else (other, actor)
    world.core.social().block(blocker.user_id, blocked.username)
    return actor, other


@PROPERTY
@given(actor_blocks=st.booleans(), spell=SPELLINGS, with_friend=st.booleans())
def test_a_tag_across_a_block_is_refused_in_either_direction(
    actor_blocks: bool, spell: object, with_friend: bool
) -> None:
    world = new_world()
    actor, other = blocked_pair(world, actor_blocks)
    friend = world.register("friend")
    tags = [spell(other.username)] + (["friend"] if with_friend else [])  # type: ignore[operator]
    media_id = world.upload(actor)
    with pytest.raises(InvalidInput, match="one of you has blocked the other"):
        world.core.posts().create(actor.user_id, NewPost([media_id], tagged_usernames=tags))
    assert world.adapters.posts().by_author(actor.user_id, None, 10, published_only=False) == []
    assert notified_by(world, other, actor) == []
    assert notified_by(world, friend, actor) == []


@PROPERTY
@given(actor_blocks=st.booleans(), spell=SPELLINGS, surface=SURFACES)
def test_a_mention_across_a_block_is_dropped_and_never_notifies(
    actor_blocks: bool, spell: object, surface: str
) -> None:
    world = new_world()
    actor, other = blocked_pair(world, actor_blocks)
    friend = world.register("friend")
    text = f"hello @{spell(other.username)} and @friend"  # type: ignore[operator]
    if surface == "caption":
        post = world.post(actor, text)
        assert post.mentions == ("friend",)
        assert world.core.posts().get(actor.user_id, post.post_id).mentions == ("friend",)
    else:
        host = actor if surface == "comment_on_own_post" else world.register("host")
        post = world.post(host)
        world.core.comments().add(actor.user_id, post.post_id, text)
    assert notified_by(world, other, actor) == []
    assert notified_by(world, friend, actor) == ["mention"]  # the rule drops only the block


@pytest.mark.parametrize("blocked", [True, False])
def test_a_block_made_before_the_post_publishes_stops_its_tag_and_mention(
    world: World, blocked: bool
) -> None:
    """Publishing (and so notifying) follows creation asynchronously: a block made in
    between must still hold when the notifications are written."""
    actor, other = world.register("actor"), world.register("other")
    post = Post(
        post_id=world.adapters.ids().next_id(),
        author_id=actor.user_id,
        media_ids=(1,),
        created_at=world.clock.now(),
        mentions=("other",),
        tagged_user_ids=(other.user_id,),
        status=PostStatus.PUBLISHED,
    )
    world.adapters.posts().add(post)  # created before the block, not yet announced
    if blocked:
        world.core.social().block(other.user_id, actor.username)
    world.core.notifications().on_post_published(PostPublished(post.post_id, actor.user_id))
    expected = [] if blocked else ["mention", "tag"]
    assert sorted(notified_by(world, other, actor)) == expected


def test_without_a_block_tags_and_mentions_notify(world: World) -> None:
    actor, other = world.register("actor"), world.register("other")
    world.post(actor, "hi @Other", tagged_usernames=["@OTHER"])
    assert sorted(notified_by(world, other, actor)) == ["mention", "tag"]
