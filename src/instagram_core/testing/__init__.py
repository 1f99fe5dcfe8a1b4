"""Contract suites: the single definition of each port's behaviour, for every adapter.

Install the ``testing`` extra (pytest and hypothesis), then in a test module subclass the
port's contract and give it one fixture, the factory of fresh, empty adapters::

    import pytest
    from instagram_core.testing import UserStoreContract

    class TestPostgresUserStore(UserStoreContract):
        @pytest.fixture
        def new_user_store(self, pg):
            return lambda: PostgresUserStore(pg.fresh_schema())

Every test of the contract then runs against that adapter. Call
``pytest.register_assert_rewrite("instagram_core.testing")`` in your ``conftest.py`` before
importing it, so failed asserts explain themselves. ``import instagram_core`` never imports
this package: the core has no test dependency.
"""

from instagram_core.testing.affinity import AffinityStoreContract
from instagram_core.testing.comments import CommentStoreContract
from instagram_core.testing.engagement import EngagementStoreContract
from instagram_core.testing.event_bus import EventBusContract, RunningBus
from instagram_core.testing.explore import ExploreStoreContract, ItemSimilarityContract
from instagram_core.testing.feed_cache import FeedCacheContract
from instagram_core.testing.intents import IntentsContract, IntentsRig
from instagram_core.testing.media import MediaStoreContract
from instagram_core.testing.notifications import NotificationStoreContract
from instagram_core.testing.posts import PostStoreContract
from instagram_core.testing.restrictions import RestrictionsContract
from instagram_core.testing.social_graph import SocialGraphContract
from instagram_core.testing.stories import StoryStoreContract
from instagram_core.testing.trending import TrendingTagsContract
from instagram_core.testing.users import UserStoreContract

__all__ = [
    "AffinityStoreContract",
    "CommentStoreContract",
    "EngagementStoreContract",
    "EventBusContract",
    "ExploreStoreContract",
    "FeedCacheContract",
    "IntentsContract",
    "IntentsRig",
    "ItemSimilarityContract",
    "MediaStoreContract",
    "NotificationStoreContract",
    "PostStoreContract",
    "RestrictionsContract",
    "RunningBus",
    "SocialGraphContract",
    "StoryStoreContract",
    "TrendingTagsContract",
    "UserStoreContract",
]
