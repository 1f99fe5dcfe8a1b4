"""Explicit conversion from the core's read models to wire schemas."""

from __future__ import annotations

from instagram_core.domain.stickers import (
    HashtagSticker,
    LocationSticker,
    MentionSticker,
    Sticker,
)
from instagram_core.domain.users import Profile, User
from instagram_core.ports.search import NearbyPlace, PlaceHit
from instagram_core.services.comments import CommentView
from instagram_core.services.highlights import HighlightView
from instagram_core.services.notifications import NotificationView
from instagram_core.services.search import UserResult
from instagram_core.services.stories import StoryTrayView
from instagram_core.services.story_audience import ViewerEntry
from instagram_core.services.story_views import StoryView
from instagram_core.services.views import MediaView, PostView, VariantView
from instagram_entrypoints.http import schemas as s


def account(user: User) -> s.Account:
    return s.Account(user.user_id, user.username, user.display_name, user.is_private)


def user_summary(user: User) -> s.UserSummary:
    return s.UserSummary(
        user.user_id, user.username, user.display_name, user.avatar_url, user.is_private
    )


def user_search_hit(hit: UserResult) -> s.UserSearchHit:
    u = hit.user
    return s.UserSearchHit(
        user_id=u.user_id,
        username=u.username,
        display_name=u.display_name,
        avatar_url=u.avatar_url,
        is_private=u.is_private,
        is_verified=u.is_verified,
        follower_count=hit.follower_count,
        mutual_count=hit.mutual_count,
    )


def place(hit: PlaceHit) -> s.PlaceOut:
    p = hit.place
    return s.PlaceOut(p.place_id, p.name, p.lat, p.lng, hit.post_count)


def nearby_place(near: NearbyPlace) -> s.NearbyPlaceOut:
    p = near.place
    return s.NearbyPlaceOut(
        p.place_id, p.name, p.lat, p.lng, near.post_count, round(near.distance_km, 3)
    )


def author(user: User) -> s.AuthorOut:
    return s.AuthorOut(user.user_id, user.username)


def profile(p: Profile) -> s.ProfileOut:
    u = p.user
    return s.ProfileOut(
        user_id=u.user_id,
        username=u.username,
        display_name=u.display_name,
        bio=u.bio,
        avatar_url=u.avatar_url,
        is_private=u.is_private,
        post_count=p.post_count,
        follower_count=p.follower_count,
        following_count=p.following_count,
        follow_status=p.follow_status,
    )


def media(m: MediaView) -> s.MediaOut:
    meta = m.metadata
    return s.MediaOut(
        media_id=str(m.media_id),
        type=m.type,
        width=m.width,
        height=m.height,
        blurhash=m.blurhash,
        variants={name: variant(views) for name, views in m.variants.items()},
        metadata=None
        if meta is None
        else s.MetadataOut(
            camera=meta.camera,
            lens=meta.lens,
            taken_at=meta.taken_at,
            gps=s.GeoOut(meta.gps.lat, meta.gps.lng) if meta.gps else None,
        ),
        duration_seconds=m.duration_seconds,
    )


def variant(views: tuple[VariantView, ...]) -> s.VariantOut:
    first = views[0]
    return s.VariantOut(
        url=first.url,
        width=first.width,
        height=first.height,
        format=first.format,
        content_type=first.content_type,
        # Only the other formats: the first one's fields are the variant's own, and listing
        # it again doubled every URL on a feed page (issue 17).
        formats=[
            s.RenditionOut(v.url, v.width, v.height, v.format, v.content_type) for v in views[1:]
        ],
    )


def post(p: PostView) -> s.PostOut:
    loc = p.location
    return s.PostOut(
        post_id=str(p.post_id),
        author=author(p.author),
        caption=p.caption,
        hashtags=list(p.hashtags),
        mentions=list(p.mentions),
        tagged_users=[author(u) for u in p.tagged_users],
        location=s.LocationOut(loc.lat, loc.lng, loc.name) if loc else None,
        filter=p.filter_name,
        status=str(p.status),
        failure_reason=p.failure_reason,
        created_at=p.created_at,
        like_count=p.like_count,
        comment_count=p.comment_count,
        liked_by_viewer=p.liked_by_viewer,
        saved_by_viewer=p.saved_by_viewer,
        media=[media(m) for m in p.media],
    )


def comment(c: CommentView) -> s.CommentOut:
    return s.CommentOut(
        comment_id=str(c.comment.comment_id),
        post_id=str(c.comment.post_id),
        text=c.comment.text,
        author=author(c.author),
        created_at=c.comment.created_at,
    )


def notification(v: NotificationView) -> s.NotificationOut:
    n = v.notification
    return s.NotificationOut(
        notification_id=str(n.notification_id),
        kind=str(n.kind),
        actors=[author(a) for a in v.actors],
        actor_count=v.actor_count,
        post_id=str(n.post_id) if n.post_id is not None else None,
        comment_id=str(n.comment_id) if n.comment_id is not None else None,
        created_at=n.created_at,
        text=v.text,
        read=v.read,
    )


def story_tray(t: StoryTrayView) -> s.StoryTrayOut:
    return s.StoryTrayOut(
        user=user_summary(t.user), stories=[story(v) for v in t.stories], seen=t.seen
    )


def story(v: StoryView) -> s.StoryOut:
    return s.StoryOut(
        story_id=str(v.story.story_id),
        media_url=v.media_url,
        status=str(v.story.status),
        created_at=v.story.created_at,
        expires_at=v.story.expires_at,
        stickers=[sticker(st, v) for st in v.story.stickers],
        music_id=v.story.music_id,
        view_count=v.view_count,
        seen=v.seen,
    )


def sticker(st: Sticker, v: StoryView) -> s.StickerOut:
    where = s.PositionOut(st.position.x, st.position.y)
    if isinstance(st, MentionSticker):
        return s.StickerOut("mention", where, username=st.username, user_id=st.user_id)
    if isinstance(st, HashtagSticker):
        return s.StickerOut("hashtag", where, tag=st.tag)
    if isinstance(st, LocationSticker):
        return s.StickerOut("location", where, place=st.place, name=st.name, lat=st.lat, lng=st.lng)
    return s.StickerOut(
        "poll",
        where,
        question=st.question,
        options=list(st.options),
        counts=list(v.poll_counts) if v.poll_counts is not None else None,
        my_vote=v.my_vote,
    )


def story_viewer(entry: ViewerEntry) -> s.StoryViewerOut:
    u = entry.user
    return s.StoryViewerOut(
        u.user_id, u.username, u.display_name, u.avatar_url, u.is_private, entry.viewed_at
    )


def highlight(h: HighlightView) -> s.HighlightOut:
    return s.HighlightOut(
        highlight_id=str(h.highlight.highlight_id),
        title=h.highlight.title,
        created_at=h.highlight.created_at,
        stories=[story(v) for v in h.stories],
    )
