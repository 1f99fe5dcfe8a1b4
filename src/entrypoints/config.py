"""Settings from ``INSTAGRAM_*`` environment variables, overridable by CLI flags."""

from __future__ import annotations

import os
import secrets
from collections.abc import Mapping
from datetime import timedelta
from pathlib import Path
from typing import Any

import attrs

from instagram_core.domain.ranking import HEADS, HeadWeights
from instagram_core.services.upload_sweeper import URL_LIFETIME
from instagram_core.settings import RANKERS
from instagram_core.settings import Settings as CoreSettings

ENV_PREFIX = "INSTAGRAM_"
PROFILES = ("embedded", "production")
SECRET_FILE = "secret_key"
MAX_FEED_PAGE_CACHE_SECONDS = 600.0
# The core's defaults are the service's: each is defined once, where it is used.
_CORE = CoreSettings()
_DEFAULT_RANK_WEIGHTS = ",".join(
    f"{head}={weight:g}" for head, weight in zip(HEADS, HeadWeights().as_tuple(), strict=True)
)


@attrs.frozen
class Settings:
    profile: str = "embedded"
    host: str = "127.0.0.1"
    port: int = 8000
    data_dir: Path = Path(".instagram-data")
    secret_key: str = ""
    public_url: str = ""  # base of absolute URLs handed to clients; derived from host/port
    max_upload_bytes: int = _CORE.max_upload_bytes
    max_image_pixels: int = 100_000_000
    max_video_seconds: int = 60
    moderation_threshold: float = 0.5
    token_ttl_seconds: int = 86_400
    workers: int = 2  # in-process event-bus worker threads
    media_workers: int = -1  # image processes: -1 one per core, 0 none (in-thread)
    fanout_celebrity_threshold: int = _CORE.fanout_celebrity_threshold  # docs/feed-at-scale.md
    fanout_chunk: int = _CORE.fanout_chunk_size  # followers per fan-out job
    ranker: str = _CORE.ranker  # "model" (the learned engagement model) or "chronological"
    rank_weights: str = _DEFAULT_RANK_WEIGHTS
    feed_inactive_days: int = 7
    # First feed pages kept encoded and served again while nothing on them changed: at most
    # this many seconds (ranking drift), within this much memory. 0 seconds turns it off.
    feed_page_cache_seconds: float = 30.0
    feed_page_cache_mb: int = 64
    # Uploads never completed, and media no post claimed, are removed once this old (more
    # than the 15 minutes an upload URL lives); `serve` and `worker` sweep this often (0: off).
    abandoned_upload_hours: float = _CORE.abandoned_upload_age / timedelta(hours=1)
    upload_sweep_seconds: float = _CORE.upload_sweep_interval.total_seconds()
    # Explore's offline build (docs/explore.md): `serve` on embedded and `worker recovery` on
    # production rebuild neighbours and trending this often (0: only `instagram explore-build`).
    explore_build_seconds: float = _CORE.explore_build_interval.total_seconds()
    log_level: str = "info"
    # After start-up, move every object alive into the collector's permanent generation
    # (instagram_entrypoints/heap.py): `instagram serve` turns it on, a library user or a
    # test building many apps in one process leaves it off.
    freeze_heap_at_start: bool = False
    # Push (docs/notifications.md). Webhooks need nothing; FCM needs a Google service
    # account's JSON key and the Firebase project; APNs a .p8 key, its id, the team id and
    # the app's bundle id. A platform left unconfigured logs its pushes instead.
    push_timeout_seconds: float = 5.0
    fcm_project_id: str = ""
    fcm_service_account_file: str = ""
    apns_key_file: str = ""
    apns_key_id: str = ""
    apns_team_id: str = ""
    apns_topic: str = ""
    apns_sandbox: bool = False
    # Webhook URLs may name loopback and private addresses (docs/notifications.md): only for
    # receivers on the deployment's own network, never with untrusted users.
    private_webhooks: bool = False
    # How long a story lives (the seed's 24 h; Cassandra's TTL follows it). Tests shorten it.
    story_lifetime_seconds: int = int(_CORE.story_lifetime.total_seconds())
    # The production profile's engines.
    redis_url: str = ""
    mysql_url: str = ""
    mysql_pool_size: int = 8
    s3_endpoint_url: str = ""  # empty: AWS's own endpoint for the region
    s3_bucket: str = "instagram-media"
    s3_region: str = "us-east-1"
    s3_access_key_id: str = ""
    s3_secret_access_key: str = ""
    # Cassandra: comma-separated contact points; replication as SimpleStrategy:<n> or
    # NetworkTopologyStrategy:<dc>=<n>,<dc>=<n> (see docs/data-model.md).
    cassandra_contact_points: str = ""
    cassandra_port: int = 9042
    cassandra_keyspace: str = "instagram"
    cassandra_local_dc: str = "datacenter1"
    cassandra_replication: str = "SimpleStrategy:1"
    cassandra_timeout_seconds: float = 5.0
    # Kafka, the production profile's event bus when set (else the in-process bus).
    kafka_bootstrap_servers: str = ""
    kafka_topic_prefix: str = "instagram"
    kafka_partitions: int = 6
    kafka_retention_hours: int = 168
    # Elasticsearch (7.10+, 8.x or OpenSearch), the production profile's search index: its
    # URL, and the prefix of the aliases `instagram search reindex` swaps.
    elasticsearch_url: str = ""
    elasticsearch_index_prefix: str = "instagram"
    elasticsearch_timeout_seconds: float = 5.0
    bus_max_attempts: int = 5
    bus_backoff_seconds: float = 1.0

    def missing_engines(self) -> list[str]:
        """The production settings that are not set, by variable name."""
        needed = {
            "redis_url": self.redis_url,
            "mysql_url": self.mysql_url,
            "cassandra_contact_points": self.cassandra_contact_points,
            "elasticsearch_url": self.elasticsearch_url,
        }
        return [ENV_PREFIX + name.upper() for name, value in needed.items() if not value]

    @property
    def base_url(self) -> str:
        if self.public_url:
            return self.public_url.rstrip("/")
        host = "127.0.0.1" if self.host in {"0.0.0.0", "::", ""} else self.host
        return f"http://{host}:{self.port}"

    @property
    def database_path(self) -> Path:
        return self.data_dir / "instagram.sqlite3"

    @property
    def blob_root(self) -> Path:
        return self.data_dir / "media"


def _flag(raw: str) -> bool:
    """A strict boolean: 1/true/yes/on or 0/false/no/off; anything else is a ``ValueError``."""
    word = raw.strip().lower()
    if word in {"1", "true", "yes", "on"}:
        return True
    if word in {"0", "false", "no", "off"}:
        return False
    raise ValueError(raw)


_CONVERTERS: dict[str, Any] = {
    "port": int,
    "max_upload_bytes": int,
    "max_image_pixels": int,
    "max_video_seconds": int,
    "moderation_threshold": float,
    "token_ttl_seconds": int,
    "workers": int,
    "media_workers": int,
    "mysql_pool_size": int,
    "cassandra_port": int,
    "cassandra_timeout_seconds": float,
    "fanout_celebrity_threshold": int,
    "fanout_chunk": int,
    "feed_inactive_days": int,
    "feed_page_cache_seconds": float,
    "feed_page_cache_mb": int,
    "abandoned_upload_hours": float,
    "upload_sweep_seconds": float,
    "explore_build_seconds": float,
    "story_lifetime_seconds": int,
    "kafka_partitions": int,
    "elasticsearch_timeout_seconds": float,
    "kafka_retention_hours": int,
    "bus_max_attempts": int,
    "bus_backoff_seconds": float,
    "push_timeout_seconds": float,
    "apns_sandbox": _flag,
    "private_webhooks": _flag,
    "freeze_heap_at_start": _flag,
    "data_dir": Path,
}


def load_settings(
    overrides: Mapping[str, Any] | None = None, environ: Mapping[str, str] | None = None
) -> Settings:
    """Defaults < environment < explicit overrides (CLI flags). Unknown profile names and
    non-numeric numbers are refused with a clear ``ValueError``."""
    env = os.environ if environ is None else environ
    values: dict[str, Any] = {}
    for field in attrs.fields(Settings):
        raw = env.get(ENV_PREFIX + field.name.upper())
        if raw is not None and raw != "":
            values[field.name] = _convert(field.name, raw)
    for name, value in (overrides or {}).items():
        if value is not None:
            values[name] = _convert(name, value) if isinstance(value, str) else value
    settings = Settings(**values)
    _check(settings)
    if not settings.secret_key:
        settings = attrs.evolve(settings, secret_key=_stored_secret(settings.data_dir))
    return settings


def _check(settings: Settings) -> None:
    """Refuse a setting out of its range, with the variable that sets it."""
    if settings.profile not in PROFILES:
        raise ValueError(f"INSTAGRAM_PROFILE must be one of {', '.join(PROFILES)}")
    if not 0 <= settings.feed_page_cache_seconds <= MAX_FEED_PAGE_CACHE_SECONDS:
        raise ValueError(
            f"INSTAGRAM_FEED_PAGE_CACHE_SECONDS must be within 0..{MAX_FEED_PAGE_CACHE_SECONDS}"
        )
    if settings.story_lifetime_seconds < 1:
        raise ValueError("INSTAGRAM_STORY_LIFETIME_SECONDS must be at least 1")
    if settings.feed_page_cache_mb < 0:
        raise ValueError("INSTAGRAM_FEED_PAGE_CACHE_MB must not be negative")
    if timedelta(hours=settings.abandoned_upload_hours) <= URL_LIFETIME:
        raise ValueError(
            f"INSTAGRAM_ABANDONED_UPLOAD_HOURS must exceed {URL_LIFETIME / timedelta(hours=1):g}"
            ", the lifetime of an upload URL"
        )
    if settings.upload_sweep_seconds < 0:
        raise ValueError("INSTAGRAM_UPLOAD_SWEEP_SECONDS must not be negative")
    if settings.explore_build_seconds < 0:
        raise ValueError("INSTAGRAM_EXPLORE_BUILD_SECONDS must not be negative")
    if settings.ranker not in RANKERS:
        raise ValueError(f"INSTAGRAM_RANKER must be one of {', '.join(RANKERS)}")
    head_weights(settings.rank_weights)  # refuses a malformed INSTAGRAM_RANK_WEIGHTS early
    missing_engines = settings.missing_engines() if settings.profile == "production" else []
    if missing_engines:
        missing = ", ".join(missing_engines)
        raise ValueError(f"the production profile needs {missing}")
    if settings.profile == "production":
        _check_cassandra(settings)


def _check_cassandra(settings: Settings) -> None:
    """A malformed keyspace or replication spec is refused at start, with its variable."""
    from instagram_adapters.cassandra.settings import check_keyspace, replication_map

    try:
        replication_map(settings.cassandra_replication)
        check_keyspace(settings.cassandra_keyspace)
    except ValueError as exc:
        raise ValueError(f"INSTAGRAM_CASSANDRA_*: {exc}") from exc


def _convert(name: str, raw: str) -> Any:
    convert = _CONVERTERS.get(name, str)
    try:
        return convert(raw)
    except ValueError as exc:
        raise ValueError(f"{ENV_PREFIX}{name.upper()}={raw!r} is not valid") from exc


def _stored_secret(data_dir: Path) -> str:
    """The secret kept in the data dir, made on first use (readable by the owner only), so
    tokens and signed URLs survive a restart."""
    path = data_dir / SECRET_FILE
    if path.exists():
        return path.read_text().strip()
    data_dir.mkdir(parents=True, exist_ok=True)
    secret = secrets.token_urlsafe(48)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(secret)
    return secret


def head_weights(spec: str) -> HeadWeights:
    """``like=1,comment=2,...`` as :class:`HeadWeights`; unnamed heads keep their default."""
    values: dict[str, float] = {}
    for part in filter(None, (p.strip() for p in spec.split(","))):
        name, _, raw = part.partition("=")
        if name.strip() not in HEADS:
            raise ValueError(f"INSTAGRAM_RANK_WEIGHTS: unknown head {name.strip()!r}")
        try:
            values[name.strip()] = float(raw)
        except ValueError as exc:
            raise ValueError(f"INSTAGRAM_RANK_WEIGHTS: {part!r} is not head=number") from exc
    return HeadWeights(**values)
