"""The knobs of the use cases, each with its one default.

The service's own settings (``instagram_entrypoints.config``) take these defaults from here;
an application embedding the core passes its own :class:`Settings` to
:func:`~instagram_core.bootstrap.bootstrap`.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Literal

import attrs

from instagram_core.domain.stories import STORY_LIFETIME
from instagram_core.policies.fanout import CELEBRITY_THRESHOLD, FANOUT_CHUNK
from instagram_core.services.intents import INTENT_GRACE
from instagram_core.services.media import DEFAULT_MAX_UPLOAD_BYTES
from instagram_core.services.upload_sweeper import DEFAULT_INTERVAL, DEFAULT_MAX_AGE, URL_LIFETIME

__all__ = ["RANKERS", "RankerName", "Settings"]

RANKERS = ("model", "chronological")
EXPLORE_BUILD_INTERVAL = timedelta(minutes=5)  # how stale trending and neighbours may get
RankerName = Literal["model", "chronological"]


def _longer_than_an_upload_url(
    _: object, attribute: attrs.Attribute[timedelta], age: timedelta
) -> None:
    if age <= URL_LIFETIME:
        raise ValueError(f"{attribute.name} must exceed {URL_LIFETIME}, the life of an upload URL")


def _positive(_: object, attribute: attrs.Attribute[timedelta], span: timedelta) -> None:
    if span <= timedelta(0):
        raise ValueError(f"{attribute.name} must be positive")


@attrs.frozen(kw_only=True)
class Settings:
    """What the use cases need to know beyond their ports.

    ``ranker`` picks the home feed's order: ``"model"`` ranks by the engagement model port,
    ``"chronological"`` hands the feed to the ranker port (newest first in the shipped one).
    ``reserved_usernames`` are names no account may take (the service reserves its route
    words). The upload sweeper removes what uploads abandoned ``abandoned_upload_age`` ago
    left behind, at most once per ``upload_sweep_interval``. Explore's offline build runs
    at most once per ``explore_build_interval`` when asked on a timer. A message recorded
    before its write (:class:`~instagram_core.ports.intents.Intents`) and not released after
    ``intent_grace`` is settled by the recovery sweep: keep it above every store's timeout.
    ``private_webhooks`` lets webhook devices name loopback and private addresses (off: a
    user could otherwise make the server call its own network).
    """

    max_upload_bytes: int = attrs.field(
        default=DEFAULT_MAX_UPLOAD_BYTES, validator=attrs.validators.gt(0)
    )
    fanout_celebrity_threshold: int = attrs.field(
        default=CELEBRITY_THRESHOLD, validator=attrs.validators.ge(0)
    )
    fanout_chunk_size: int = attrs.field(default=FANOUT_CHUNK, validator=attrs.validators.gt(0))
    ranker: RankerName = attrs.field(default="model", validator=attrs.validators.in_(RANKERS))
    story_lifetime: timedelta = attrs.field(default=STORY_LIFETIME, validator=_positive)
    abandoned_upload_age: timedelta = attrs.field(
        default=DEFAULT_MAX_AGE, validator=_longer_than_an_upload_url
    )
    upload_sweep_interval: timedelta = attrs.field(default=DEFAULT_INTERVAL, validator=_positive)
    explore_build_interval: timedelta = attrs.field(
        default=EXPLORE_BUILD_INTERVAL, validator=_positive
    )
    reserved_usernames: frozenset[str] = attrs.field(default=frozenset(), converter=frozenset)
    intent_grace: timedelta = attrs.field(default=INTENT_GRACE, validator=_positive)
    private_webhooks: bool = False
