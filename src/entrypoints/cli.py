"""The ``instagram`` command: serve the API, run a worker, fill an instance with demo data."""

from __future__ import annotations

import contextlib
import logging
import os
import signal
import threading
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import click

from instagram_core.domain.errors import DomainError
from instagram_core.services.explore_build import BuildReport
from instagram_core.services.intents import IntentReport
from instagram_core.services.upload_sweeper import SweepReport
from instagram_entrypoints.config import ENV_PREFIX, PROFILES, Settings, load_settings

STUCK_AFTER = timedelta(minutes=10)
_DEFAULTS = Settings()  # photos take seconds: a post processing longer is stuck


def _configure_logging(level: str) -> None:
    logging.basicConfig(level=level.upper(), format="%(levelname)s %(name)s: %(message)s")
    logging.getLogger("kafka").setLevel(max(logging.WARNING, logging.getLogger().level))


@click.group()
def main() -> None:
    """Photo-sharing backend: API server, workers and tools."""


@main.command()
@click.option("--host", help="Interface to bind (INSTAGRAM_HOST, default 127.0.0.1).")
@click.option("--port", type=int, help="Port to listen on (INSTAGRAM_PORT, default 8000).")
@click.option("--data-dir", type=click.Path(path_type=Path), help="INSTAGRAM_DATA_DIR.")
@click.option("--profile", type=click.Choice(PROFILES), help="INSTAGRAM_PROFILE.")
@click.option("--workers", type=int, help="In-process event-bus threads (INSTAGRAM_WORKERS).")
@click.option(
    "--processes",
    type=click.IntRange(min=1),
    default=1,
    show_default=True,
    help="API processes sharing the port (production profile only).",
)
def serve(
    host: str | None,
    port: int | None,
    data_dir: Path | None,
    profile: str | None,
    workers: int | None,
    processes: int,
) -> None:
    """Serve the HTTP API (and, in the embedded profile, its background workers)."""
    import uvicorn

    from instagram_entrypoints.http.app import create_app

    # load_settings leaves out the flags not given (None): the environment decides those.
    flags = {"host": host, "port": port, "data_dir": data_dir, "profile": profile}
    # A server lives long: freeze its start-up heap unless the environment says otherwise.
    if not os.environ.get(ENV_PREFIX + "FREEZE_HEAP_AT_START"):
        flags["freeze_heap_at_start"] = "true"
    settings = load_settings({**flags, "workers": workers})
    if processes > 1 and settings.profile != "production":
        raise click.UsageError(
            "--processes above 1 needs the production profile: the embedded profile keeps "
            "its event queue and caches in this one process",
            ctx=click.get_current_context(),
        )
    _configure_logging(settings.log_level)
    click.echo(
        f"serving the {settings.profile} profile on {settings.base_url} "
        f"(data in {settings.data_dir.resolve()}; API docs at {settings.base_url}/schema)"
    )
    if processes > 1:
        # The children build their app from the environment: hand them the flags there.
        for name, value in {**flags, "workers": workers}.items():
            if value is not None:
                os.environ[ENV_PREFIX + name.upper()] = str(value)
        os.environ[ENV_PREFIX + "SECRET_KEY"] = settings.secret_key
        uvicorn.run(
            "instagram_entrypoints.http.app:create_app",
            factory=True,
            host=settings.host,
            port=settings.port,
            workers=processes,
            log_level=settings.log_level,
        )
        return
    uvicorn.run(
        create_app(settings), host=settings.host, port=settings.port, log_level=settings.log_level
    )


WORKER_NAMES = ("recovery", "media", "fanout", "notifications", "indexer", "all")


@main.command()
@click.argument("name", type=click.Choice(WORKER_NAMES))
@click.option("--data-dir", type=click.Path(path_type=Path), help="INSTAGRAM_DATA_DIR.")
@click.option("--profile", type=click.Choice(PROFILES), help="INSTAGRAM_PROFILE.")
@click.option("--every", default=60.0, show_default=True, help="Seconds between sweeps.")
def worker(name: str, data_dir: Path | None, profile: str | None, every: float) -> None:
    """Run a background worker without the HTTP API, until interrupted (SIGTERM or Ctrl-C).

    ``recovery`` sweeps for posts left ``processing`` (a crashed process, a lost message)
    and processes them again, and settles the messages a killed process left held between
    a Cassandra or Redis write and its release, every ``--every`` seconds; every
    ``INSTAGRAM_UPLOAD_SWEEP_SECONDS``, removes what abandoned uploads left behind; and
    every ``INSTAGRAM_EXPLORE_BUILD_SECONDS`` rebuilds Explore (as ``explore-build``).
    ``media``, ``fanout``, ``notifications`` and ``indexer`` (or ``all`` of them) consume the
    Kafka topics of the production profile, each kind in its own consumer group; start as
    many processes of a kind as its load needs. SIGTERM finishes the message in hand,
    commits, and hands the rest back to the group."""
    from instagram_entrypoints.containers import build_container

    settings = load_settings({"data_dir": data_dir, "profile": profile})
    _configure_logging(settings.log_level)
    if name != "recovery" and not settings.kafka_bootstrap_servers:
        raise click.UsageError(
            f"worker {name} consumes Kafka: set INSTAGRAM_PROFILE=production and "
            "INSTAGRAM_KAFKA_BOOTSTRAP_SERVERS (the embedded profile runs its handlers "
            "inside instagram serve)",
            ctx=click.get_current_context(),
        )
    if name == "recovery":
        container = build_container(settings)
    else:
        from instagram_entrypoints.kafka_bus import worker_container

        container = worker_container(settings, name)
    container.init_resources()
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    click.echo(f"worker {name} running on the {settings.profile} profile; Ctrl-C stops it")
    try:
        if name == "recovery":
            _sweep(container, stop, every)
        else:
            from instagram_core.services.handlers import WORKER_KINDS
            from instagram_entrypoints.kafka_bus import run_workers

            kinds = list(WORKER_KINDS) if name == "all" else [name]
            run_workers(container, settings, kinds, stop)
    finally:
        container.shutdown_resources()


def _sweep(container: Any, stop: threading.Event, every: float) -> None:
    while not stop.is_set():
        resumed = container.core.publishing().recover_interrupted(older_than=STUCK_AFTER)
        if resumed:
            click.echo(f"resumed {resumed} interrupted posts")
        settled = container.core.intent_sweep().recover()
        if settled != IntentReport():
            click.echo(f"settled messages left between a write and its outbox row: {settled}")
        if container.config.upload_sweep_seconds() > 0:
            swept = container.core.upload_sweeper().sweep_if_due()
            if swept is not None and swept != SweepReport():
                click.echo(f"swept abandoned uploads: {swept}")
        if container.config.explore_build_seconds() > 0:
            try:
                built = container.core.explore_builder().build_if_due()
            except DomainError as exc:  # a store down: the next round tries again
                click.echo(f"explore build failed: {exc.message}")
            else:
                if built is not None:
                    click.echo(f"explore built: {_build_line(built)}")
        bus = container.core.running_bus()
        if hasattr(bus, "drain"):  # the in-process bus runs the resumed work here
            bus.drain(timeout=every)
        stop.wait(every)


@main.command()
@click.option("--url", help="A running instance, e.g. http://127.0.0.1:8000; default: embedded.")
@click.option("--data-dir", type=click.Path(path_type=Path), help="Data dir of the embedded run.")
@click.option("--users", "user_count", default=200, show_default=True, type=int)
@click.option("--photos", type=click.Path(path_type=Path, exists=True, file_okay=False))
@click.option("--seed", default=7, show_default=True, type=int)
def demo(
    url: str | None, data_dir: Path | None, user_count: int, photos: Path | None, seed: int
) -> None:
    """Fill an instance with users, follows, posts of real photos, likes and comments."""
    from instagram_entrypoints.demo import run_demo

    run_demo(url=url, data_dir=data_dir, user_count=user_count, photos=photos, seed=seed)


@main.command()
@click.option(
    "--mysql-url",
    envvar="INSTAGRAM_MYSQL_URL",
    show_envvar=True,
    help="mysql://user:password@host:port/database of the production profile.",
)
@click.option(
    "--cassandra-contact-points",
    envvar="INSTAGRAM_CASSANDRA_CONTACT_POINTS",
    show_envvar=True,
    help="host1,host2 of the production profile's Cassandra cluster.",
)
@click.option(
    "--cassandra-port", envvar="INSTAGRAM_CASSANDRA_PORT", default=_DEFAULTS.cassandra_port
)
@click.option(
    "--cassandra-keyspace",
    envvar="INSTAGRAM_CASSANDRA_KEYSPACE",
    default=_DEFAULTS.cassandra_keyspace,
)
@click.option(
    "--cassandra-local-dc",
    envvar="INSTAGRAM_CASSANDRA_LOCAL_DC",
    default=_DEFAULTS.cassandra_local_dc,
)
@click.option(
    "--cassandra-replication",
    envvar="INSTAGRAM_CASSANDRA_REPLICATION",
    default=_DEFAULTS.cassandra_replication,
    help="SimpleStrategy:<n> or NetworkTopologyStrategy:<dc>=<n>,...",
)
@click.option(
    "--kafka-bootstrap-servers",
    envvar="INSTAGRAM_KAFKA_BOOTSTRAP_SERVERS",
    show_envvar=True,
    help="Also create the Kafka topics (partitions and retention from INSTAGRAM_KAFKA_*).",
)
def migrate(
    mysql_url: str | None,
    cassandra_contact_points: str | None,
    cassandra_port: int,
    cassandra_keyspace: str,
    cassandra_local_dc: str,
    cassandra_replication: str,
    kafka_bootstrap_servers: str | None,
) -> None:
    """Apply pending MySQL and Cassandra schema migrations, in order, and create missing
    Kafka topics; safe to run again."""
    if not mysql_url and not cassandra_contact_points and not kafka_bootstrap_servers:
        raise click.UsageError(
            "give --mysql-url, --cassandra-contact-points, --kafka-bootstrap-servers or several"
        )
    if mysql_url:
        _migrate_mysql(mysql_url)
    if cassandra_contact_points:
        _migrate_cassandra(
            cassandra_contact_points,
            cassandra_port,
            cassandra_keyspace,
            cassandra_local_dc,
            cassandra_replication,
        )
    if kafka_bootstrap_servers:
        _create_topics(kafka_bootstrap_servers)


def _migrate_cassandra(
    contact_points: str, port: int, keyspace: str, local_dc: str, replication: str
) -> None:
    from instagram_adapters.cassandra.migrate import apply_migrations
    from instagram_adapters.cassandra.settings import CassandraSettings
    from instagram_core.domain.errors import DomainError

    try:
        cassandra = CassandraSettings.from_config(
            contact_points,
            port,
            keyspace,
            local_dc,
            replication,
            _DEFAULTS.cassandra_timeout_seconds,
        )
        applied = apply_migrations(cassandra)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="INSTAGRAM_CASSANDRA_*") from exc
    except DomainError as exc:
        raise click.ClickException(exc.message) from exc
    for version in applied:
        click.echo(f"cassandra: applied {version}")
    if not applied:
        click.echo(f"cassandra: the schema of keyspace {cassandra.keyspace} is up to date")


def _migrate_mysql(mysql_url: str) -> None:
    from instagram_adapters.mysql.migrate import apply_migrations
    from instagram_adapters.mysql.pool import MySqlPool
    from instagram_core.domain.errors import DomainError

    try:
        pool = MySqlPool.from_url(mysql_url, size=1)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--mysql-url") from exc
    try:
        applied = apply_migrations(pool)
    except DomainError as exc:
        raise click.ClickException(exc.message) from exc
    finally:
        pool.close()
    for version in applied:
        click.echo(f"applied {version}")
    if not applied:
        click.echo("the schema is up to date")


def _create_topics(bootstrap_servers: str) -> None:
    from instagram_entrypoints.kafka_bus import create_topics

    # The topic settings only: no secret is read or made for this.
    overrides = {"kafka_bootstrap_servers": bootstrap_servers, "secret_key": "-"}
    settings = load_settings({**overrides, "profile": "embedded"})
    created = create_topics(settings)
    for topic in created:
        click.echo(f"created topic {topic}")
    if not created:
        click.echo("the Kafka topics exist")


@main.group()
def dlq() -> None:
    """Dead letters of the Kafka bus: messages a handler gave up on, with the error."""


@contextlib.contextmanager
def _dead_letter_queue() -> Iterator[Any]:
    """The queue over a producer this command owns and closes when done. Left to the
    garbage collector, the producer was closed whenever it ran, in whatever thread: under a
    send (a failed send), or from its own network thread (a hang)."""
    from instagram_entrypoints.kafka_bus import dead_letter_queue

    settings = load_settings()
    if not settings.kafka_bootstrap_servers:
        raise click.UsageError("set INSTAGRAM_KAFKA_BOOTSTRAP_SERVERS (production profile)")
    with dead_letter_queue(settings) as queue:
        yield queue


@dlq.command("list")
def dlq_list() -> None:
    """Every open letter: id, worker group, handler, attempts, error, message."""
    with _dead_letter_queue() as queue:
        letters = queue.letters()
    for letter in letters:
        message = letter.message()
        click.echo(
            f"{letter.id}\n  group {letter.group}, handler {letter.handler or '(any)'}, "
            f"{letter.attempts} attempts\n  error {letter.error}\n"
            f"  message {message if message is not None else letter.envelope!r}"
        )
    click.echo(f"{len(letters)} open dead letters")


def _ids_or_all(ids: tuple[str, ...], every: bool) -> list[str] | None:
    if bool(ids) == every:
        raise click.UsageError("name letter ids, or give --all")
    return None if every else list(ids)


@dlq.command("replay")
@click.argument("ids", nargs=-1)
@click.option("--all", "every", is_flag=True, help="Every open letter.")
def dlq_replay(ids: tuple[str, ...], every: bool) -> None:
    """Send letters back to their worker group (attempt 1) and close them."""
    from instagram_core.domain.errors import DomainError

    chosen = _ids_or_all(ids, every)
    try:
        with _dead_letter_queue() as queue:
            done = queue.replay(chosen)
    except DomainError as exc:
        raise click.ClickException(exc.message) from exc
    click.echo(f"replayed {len(done)} dead letters")


@dlq.command("drop")
@click.argument("ids", nargs=-1)
@click.option("--all", "every", is_flag=True, help="Every open letter.")
def dlq_drop(ids: tuple[str, ...], every: bool) -> None:
    """Close letters without running them again."""
    from instagram_core.domain.errors import DomainError

    chosen = _ids_or_all(ids, every)
    try:
        with _dead_letter_queue() as queue:
            done = queue.drop(chosen)
    except DomainError as exc:
        raise click.ClickException(exc.message) from exc
    click.echo(f"dropped {len(done)} dead letters")


@main.group()
def search() -> None:
    """The search index (Elasticsearch on production, SQLite on embedded)."""


@search.command("reindex")
def search_reindex() -> None:
    """Rebuild the index from the stores: on production into new indexes, then swap the
    aliases (no downtime). See docs/search.md."""
    from instagram_core.domain.errors import DomainError
    from instagram_entrypoints.containers import build_container
    from instagram_entrypoints.search_rebuild import rebuild

    settings = load_settings()
    container = build_container(settings)
    container.init_resources()
    try:
        users, posts = rebuild(container, settings)
    except DomainError as exc:
        raise click.ClickException(exc.message) from exc
    finally:
        container.shutdown_resources()
    click.echo(f"reindexed {users} accounts and {posts} posts")


@main.command("explore-build")
@click.option("--full", is_flag=True, help="Recompute every post's neighbours, not only new ones.")
def explore_build(full: bool) -> None:
    """Recompute Explore's item-item neighbours (of the posts engaged with since the last
    build) and its trending list from the engagement log. ``serve`` (embedded) and ``worker
    recovery`` (production) also run it on a schedule. See docs/explore.md."""
    from instagram_entrypoints.containers import build_container

    settings = load_settings()
    container = build_container(settings)
    container.init_resources()
    try:
        report = container.core.explore_builder().build(full=full)
    except DomainError as exc:
        raise click.ClickException(exc.message) from exc
    finally:
        container.shutdown_resources()
    click.echo(f"explore built: {_build_line(report)}")


def _build_line(report: BuildReport) -> str:
    kind = "full" if report.full else "incremental"
    return (
        f"{kind}, {report.engagements} engagements read, {report.updated} posts' neighbours "
        f"recomputed, {report.trending} trending"
    )


@main.command()
@click.argument("username")
@click.option("--off", is_flag=True, help="Remove the verified mark instead.")
def verify(username: str, off: bool) -> None:
    """Mark an account verified (a search ranking signal), or not with --off."""
    from instagram_core.domain.errors import DomainError
    from instagram_entrypoints.containers import build_container

    settings = load_settings()
    container = build_container(settings)
    container.init_resources()
    try:
        user = container.core.accounts().set_verified(username, not off)
        drain = getattr(container.core.running_bus(), "drain", None)
        if drain is not None:  # the in-process bus re-indexes the account before exit
            drain(30)
    except DomainError as exc:
        raise click.ClickException(exc.message) from exc
    finally:
        container.shutdown_resources()
    click.echo(f"@{user.username} is {'verified' if user.is_verified else 'not verified'}")


def _register_train_ranker() -> None:
    """``instagram train-ranker`` lives in its own module: it imports the training stack
    only when it runs."""
    from instagram_entrypoints.train_ranker import train_ranker_command

    main.add_command(train_ranker_command)


_register_train_ranker()
