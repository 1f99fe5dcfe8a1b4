"""The core's one composition function: every port and the settings in, the use cases out.

A process (the HTTP service, a worker, a test, another team's application) fills
:class:`Ports` with adapters, calls :func:`bootstrap` and uses the :class:`UseCases`; mypy
checks each adapter against its port where the fields are filled.

The event bus is a port like any other, but its handlers are the use cases that publish to
it. :attr:`UseCases.handlers` is the map to give the bus: a bus that runs them in this
process and declares :class:`~instagram_core.ports.events.LocalEventBus` is bound by
:func:`bootstrap` itself; any other (a worker pool, a broker's consumers) is given the map
by the process that starts it.
"""

from __future__ import annotations

import attrs

from instagram_core.policies.fanout import FanoutPolicy
from instagram_core.policies.visibility import AudienceGate
from instagram_core.ports.bundle import Ports
from instagram_core.ports.events import LocalEventBus
from instagram_core.ports.intents import Intents
from instagram_core.services.accounts import AccountService
from instagram_core.services.cleanup import CleanupService
from instagram_core.services.closeness import Closeness
from instagram_core.services.comment_counts import KeptCommentCounts
from instagram_core.services.comments import CommentService
from instagram_core.services.discovery import DiscoveryService
from instagram_core.services.engagement import EngagementService
from instagram_core.services.explore import ExploreService, ExploreStores
from instagram_core.services.explore_build import ExploreBuilder
from instagram_core.services.fanout import FanoutService
from instagram_core.services.feed import FeedService, FeedStores
from instagram_core.services.freshness import Freshness
from instagram_core.services.handlers import (
    DeadLetterRouter,
    Workers,
    dead_letter_handlers,
    message_handlers,
)
from instagram_core.services.highlights import HighlightService
from instagram_core.services.intents import IntentSweep, Outcomes, OutcomeStores, PublishAfterWrite
from instagram_core.services.media import MediaService
from instagram_core.services.media_types import KeptMediaTypes
from instagram_core.services.media_views import MediaViews
from instagram_core.services.notifications import NotificationService, NotificationStores
from instagram_core.services.post_rows import PostRows
from instagram_core.services.posts import PostService, PostStores
from instagram_core.services.profiles import ProfileService
from instagram_core.services.publishing import MediaPipeline, PublishingService
from instagram_core.services.pulled_timelines import PulledTimelines
from instagram_core.services.push_devices import PushDevices
from instagram_core.services.ranking import ModelRanker
from instagram_core.services.search import SearchService
from instagram_core.services.social import SocialService
from instagram_core.services.stories import StoryService
from instagram_core.services.story_audience import StoryAudience
from instagram_core.services.story_views import StoryViews
from instagram_core.services.tracked_feed_cache import TrackedFeedCache
from instagram_core.services.units import PublishAfterWork
from instagram_core.services.upload_sweeper import UploadSweeper
from instagram_core.services.use_cases import UseCases
from instagram_core.services.views import DOWNLOAD_URL_TTL, PostViews
from instagram_core.settings import Settings

__all__ = ["Ports", "UseCases", "bootstrap"]


@attrs.frozen
class _Shared:
    """What several services share: built once per bootstrap."""

    freshness: Freshness
    feeds: TrackedFeedCache
    gate: AudienceGate
    comment_counts: KeptCommentCounts
    views: PostViews
    media: MediaService
    pipeline: MediaPipeline
    fanout_policy: FanoutPolicy
    closeness: Closeness
    story_views: StoryViews


def bootstrap(ports: Ports, settings: Settings | None = None) -> UseCases:
    """Build every use case over ``ports``. Nothing is started and no port is called."""
    settings = settings or Settings()
    shared = _shared(ports, settings)
    intents = ports.intents or PublishAfterWrite(ports.events)
    engagement = EngagementService(
        ports.posts,
        ports.users,
        ports.engagement,
        shared.gate,
        intents,
        shared.freshness,
        ports.clock,
    )
    # One per process, shared: the feed reads its candidates through it, and the ranker
    # finds their counts kept with them.
    post_rows = PostRows(ports.posts, ports.change_versions, ports.clock)
    model_ranker = ModelRanker(
        posts=ports.posts,
        # Types never change once issued: kept per process, not read per candidate.
        media=KeptMediaTypes(ports.media),
        engagement=ports.engagement,
        comments=shared.comment_counts,
        graph=ports.graph,
        affinity=ports.affinity,
        model=ports.engagement_model,
        clock=ports.clock,
        rows=post_rows,
    )
    unit = ports.unit or PublishAfterWork(ports.events)
    ranker = model_ranker if settings.ranker == "model" else ports.ranker
    explore = ExploreService(
        ports.explore,
        ExploreStores(
            posts=ports.posts,
            users=ports.users,
            graph=ports.graph,
            restrictions=ports.restrictions,
            index=ports.search_index,
            snapshots=ports.feed_snapshots,
        ),
        ranker,
        shared.views,
        ports.ids,
        ports.clock,
    )
    workers = _workers(ports, settings, shared, model_ranker, intents, explore)
    handlers = message_handlers(workers)
    give_up = DeadLetterRouter(dead_letter_handlers(workers))
    if isinstance(ports.events, LocalEventBus):
        ports.events.bind(handlers, give_up)
    return UseCases(
        accounts=AccountService(
            users=ports.users,
            graph=ports.graph,
            hasher=ports.hasher,
            tokens=ports.tokens,
            limiter=ports.limiter,
            ids=ports.ids,
            clock=ports.clock,
            freshness=shared.freshness,
            unit=unit,
            reserved_usernames=settings.reserved_usernames,
        ),
        social=SocialService(
            ports.users,
            ports.graph,
            ports.restrictions,
            shared.gate,
            ports.clock,
            shared.freshness,
            unit,
        ),
        profiles=ProfileService(
            ports.users,
            ports.graph,
            ports.posts,
            shared.gate,
            shared.views,
            ports.events,
            ports.ids,
        ),
        media=shared.media,
        posts=PostService(
            stores=PostStores(posts=ports.posts, media=ports.media, users=ports.users),
            media_service=shared.media,
            moderator=ports.moderator,
            gate=shared.gate,
            views=shared.views,
            limiter=ports.limiter,
            ids=ports.ids,
            clock=ports.clock,
            intents=intents,
            freshness=shared.freshness,
        ),
        engagement=engagement,
        comments=CommentService(
            engagement=engagement,
            gate=shared.gate,
            comments=ports.comments,
            users=ports.users,
            moderator=ports.moderator,
            limiter=ports.limiter,
            ids=ports.ids,
            clock=ports.clock,
            intents=intents,
            freshness=shared.freshness,
        ),
        feed=FeedService(
            FeedStores(
                feeds=shared.feeds,
                snapshots=ports.feed_snapshots,
                graph=ports.graph,
                restrictions=ports.restrictions,
                posts=ports.posts,
            ),
            ranker,
            shared.views,
            ports.ids,
            ports.events,
            shared.freshness,
            shared.fanout_policy,
            PulledTimelines(ports.posts, ports.clock),
            post_rows,
        ),
        notifications=workers.notifications,
        push_devices=PushDevices(ports.devices, ports.ids, ports.clock, settings.private_webhooks),
        search=workers.search,
        discovery=DiscoveryService(
            search=workers.search,
            index=ports.search_index,
            posts=ports.posts,
            users=ports.users,
            engagement=ports.engagement,
            comments=ports.comments,
            views=shared.views,
            gate=shared.gate,
        ),
        explore=explore,
        explore_builder=ExploreBuilder(
            ports.explore, ports.item_similarity, ports.clock, settings.explore_build_interval
        ),
        stories=workers.stories,
        story_views=shared.story_views,
        story_audience=StoryAudience(
            stories=ports.stories,
            views=ports.story_views,
            polls=ports.story_polls,
            users=ports.users,
            gate=shared.gate,
            clock=ports.clock,
            intents=intents,
        ),
        highlights=HighlightService(
            highlights=ports.highlights,
            stories=ports.stories,
            views=shared.story_views,
            users=ports.users,
            gate=shared.gate,
            ids=ports.ids,
            clock=ports.clock,
        ),
        closeness=shared.closeness,
        publishing=workers.publishing,
        fanout=workers.fanout,
        cleanup=workers.cleanup,
        upload_sweeper=UploadSweeper(
            clock=ports.clock,
            media=ports.media,
            blobs=ports.blobs,
            uploads=ports.stale_uploads,
            multipart=ports.multipart,
            max_age=settings.abandoned_upload_age,
            interval=settings.upload_sweep_interval,
        ),
        model_ranker=model_ranker,
        views=shared.views,
        freshness=shared.freshness,
        feeds=shared.feeds,
        gate=shared.gate,
        workers=workers,
        handlers=handlers,
        give_up=give_up,
        intent_sweep=IntentSweep(
            intents,
            Outcomes(
                OutcomeStores(
                    posts=ports.posts,
                    engagement=ports.engagement,
                    comments=ports.comments,
                    stories=ports.stories,
                    story_views=ports.story_views,
                ),
                ports.clock,
            ),
            settings.intent_grace,
        ),
    )


def _shared(ports: Ports, settings: Settings) -> _Shared:
    freshness = Freshness(ports.change_versions)
    media_views = MediaViews(
        media=ports.media, blobs=ports.blobs, clock=ports.clock, url_ttl=DOWNLOAD_URL_TTL
    )
    # Under the posts' versions, as the feed keeps their rows (services.post_rows): the
    # ranker counts a miss's candidates, and the page's views find their counts kept.
    comment_counts = KeptCommentCounts(ports.comments, ports.change_versions, ports.clock)
    return _Shared(
        freshness=freshness,
        # Every feed write goes through this wrapper, which marks the feed changed.
        feeds=TrackedFeedCache(ports.feeds, freshness),
        gate=AudienceGate(ports.graph, ports.restrictions),
        comment_counts=comment_counts,
        views=PostViews(
            users=ports.users,
            media_views=media_views,
            engagement=ports.engagement,
            comments=comment_counts,
        ),
        media=MediaService(
            media=ports.media,
            blobs=ports.blobs,
            processor=ports.processor,
            limiter=ports.limiter,
            ids=ports.ids,
            clock=ports.clock,
            max_upload_bytes=settings.max_upload_bytes,
            multipart=ports.multipart,
            transcoder=ports.transcoder,
        ),
        pipeline=MediaPipeline(
            ports.media, ports.blobs, ports.processor, ports.moderator, ports.transcoder
        ),
        fanout_policy=FanoutPolicy(
            chunk_size=settings.fanout_chunk_size,
            celebrity_threshold=settings.fanout_celebrity_threshold,
        ),
        closeness=Closeness(ports.affinity, ports.clock),
        story_views=StoryViews(ports.media, ports.blobs, ports.story_views, ports.story_polls),
    )


def _workers(
    ports: Ports,
    settings: Settings,
    shared: _Shared,
    model_ranker: ModelRanker,
    intents: Intents,
    explore: ExploreService,
) -> Workers:
    """The services that react to events."""
    return Workers(
        publishing=PublishingService(
            ports.posts,
            ports.media,
            shared.pipeline,
            ports.clock,
            ports.events,
            shared.freshness,
        ),
        fanout=FanoutService(
            shared.feeds, ports.graph, ports.posts, ports.events, shared.fanout_policy
        ),
        notifications=NotificationService(
            NotificationStores(
                notifications=ports.notifications,
                devices=ports.devices,
                settings=ports.notification_settings,
                users=ports.users,
                posts=ports.posts,
                claims=ports.claims,
            ),
            ports.ids,
            ports.clock,
            ports.limiter,
            ports.push,
            shared.gate,
            ports.events,
        ),
        search=SearchService(
            ports.search_index,
            ports.users,
            ports.posts,
            ports.graph,
            ports.affinity,
            ports.trending,
            ports.clock,
            shared.gate,
        ),
        cleanup=CleanupService(ports.engagement, ports.comments, ports.media, ports.blobs),
        stories=StoryService(
            stories=ports.stories,
            media_service=shared.media,
            media=ports.media,
            views=shared.story_views,
            pipeline=shared.pipeline,
            graph=ports.graph,
            gate=shared.gate,
            restrictions=ports.restrictions,
            closeness=shared.closeness,
            users=ports.users,
            trays=ports.story_trays,
            ids=ports.ids,
            clock=ports.clock,
            bus=ports.events,
            intents=intents,
            lifetime=settings.story_lifetime,
        ),
        ranking=model_ranker,
        closeness=shared.closeness,
        explore=explore,
    )
