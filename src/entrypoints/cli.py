"""The ``instagram`` command: serve the API, run a worker, fill an instance with demo data."""

from __future__ import annotations

import logging
import signal
import threading
from datetime import timedelta
from pathlib import Path

import click

from instagram_entrypoints.config import PROFILES, load_settings

STUCK_AFTER = timedelta(minutes=10)  # photos take seconds: a post processing longer is stuck


def _configure_logging(level: str) -> None:
    logging.basicConfig(level=level.upper(), format="%(levelname)s %(name)s: %(message)s")


@click.group()
def main() -> None:
    """Photo-sharing backend: API server, workers and tools."""


@main.command()
@click.option("--host", help="Interface to bind (INSTAGRAM_HOST, default 127.0.0.1).")
@click.option("--port", type=int, help="Port to listen on (INSTAGRAM_PORT, default 8000).")
@click.option("--data-dir", type=click.Path(path_type=Path), help="INSTAGRAM_DATA_DIR.")
@click.option("--profile", type=click.Choice(PROFILES), help="INSTAGRAM_PROFILE.")
@click.option("--workers", type=int, help="In-process event-bus threads (INSTAGRAM_WORKERS).")
def serve(
    host: str | None,
    port: int | None,
    data_dir: Path | None,
    profile: str | None,
    workers: int | None,
) -> None:
    """Serve the HTTP API (and, in the embedded profile, its background workers)."""
    import uvicorn

    from instagram_entrypoints.http.app import create_app

    # load_settings leaves out the flags not given (None): the environment decides those.
    flags = {"host": host, "port": port, "data_dir": data_dir, "profile": profile}
    settings = load_settings({**flags, "workers": workers})
    _configure_logging(settings.log_level)
    click.echo(
        f"serving the {settings.profile} profile on {settings.base_url} "
        f"(data in {settings.data_dir.resolve()}; API docs at {settings.base_url}/schema)"
    )
    uvicorn.run(
        create_app(settings), host=settings.host, port=settings.port, log_level=settings.log_level
    )


@main.command()
@click.argument("name", type=click.Choice(["recovery"]))
@click.option("--data-dir", type=click.Path(path_type=Path), help="INSTAGRAM_DATA_DIR.")
@click.option("--profile", type=click.Choice(PROFILES), help="INSTAGRAM_PROFILE.")
@click.option("--every", default=60.0, show_default=True, help="Seconds between sweeps.")
def worker(name: str, data_dir: Path | None, profile: str | None, every: float) -> None:
    """Run a background worker without the HTTP API, until interrupted.

    ``recovery`` sweeps for posts left ``processing`` (a crashed process, a lost message)
    and processes them again, every ``--every`` seconds. The event handlers themselves
    (media processing, fan-out, notifications, search) run inside ``instagram serve`` while
    the event bus is in-process; they move to their own workers with the Kafka bus."""
    from instagram_entrypoints.containers import build_container

    settings = load_settings({"data_dir": data_dir, "profile": profile})
    _configure_logging(settings.log_level)
    container = build_container(settings)
    container.init_resources()
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    click.echo(f"worker {name} running on the {settings.profile} profile; Ctrl-C stops it")
    try:
        while not stop.is_set():
            resumed = container.core.publishing().recover_interrupted(older_than=STUCK_AFTER)
            if resumed:
                click.echo(f"resumed {resumed} interrupted posts")
            container.core.running_bus().drain(timeout=every)
            stop.wait(every)
    finally:
        container.shutdown_resources()


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
    required=True,
    help="mysql://user:password@host:port/database of the production profile.",
)
def migrate(mysql_url: str) -> None:
    """Apply pending MySQL schema migrations, in order; safe to run again."""
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


def _register_train_ranker() -> None:
    """``instagram train-ranker`` lives in its own module: it imports the training stack
    only when it runs."""
    from instagram_entrypoints.train_ranker import train_ranker_command

    main.add_command(train_ranker_command)


_register_train_ranker()
