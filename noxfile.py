"""Developer and CI tasks. ``python3 -m nox -s tests`` is the README's test command."""

from __future__ import annotations

import shutil
import tomllib
from pathlib import Path

import nox

nox.options.default_venv_backend = "uv|virtualenv"
nox.options.reuse_existing_virtualenvs = True
nox.options.sessions = ["lint", "typecheck", "tests"]

PYTHON = "3.11"
# The installed import packages (pyproject.toml maps each source folder onto one).
PACKAGES = list(
    tomllib.loads(Path("pyproject.toml").read_text())["tool"]["setuptools"]["package-dir"]
)


@nox.session(python=PYTHON)
def tests(session: nox.Session) -> None:
    """The whole test suite: unit, contract and integration. Tests of the production
    adapters start their engines from installed binaries and skip, with the reason, where
    one is missing (``nox -s engines`` installs them; CI requires them)."""
    session.install("-e", ".[test]")
    session.run("pytest", *(session.posargs or ["-q"]))


@nox.session(python=PYTHON)
def lint(session: nox.Session) -> None:
    session.install("ruff>=0.6")
    session.run("ruff", "check", "src", "tests", "benchmarks", "scripts", "noxfile.py", "setup.py")
    session.run(
        "ruff",
        "format",
        "--check",
        "src",
        "tests",
        "benchmarks",
        "scripts",
        "noxfile.py",
        "setup.py",
    )


@nox.session(python=PYTHON)
def typecheck(session: nox.Session) -> None:
    """mypy: strict on the core, checked everywhere else, on the installed packages with their
    ``py.typed``: an editable install maps the prefixed names by an import hook mypy cannot
    follow, so the project is installed as a wheel (rebuilt each run, not from the cache)."""
    session.install(".[all,train,typecheck,testing]")
    shutil.rmtree("build", ignore_errors=True)  # setuptools would pack stale modules left there
    session.install("--force-reinstall", "--no-deps", ".")
    session.run("mypy", *(f"--package={package}" for package in PACKAGES), *session.posargs)
    # The worked example of docs/adapters.md, checked against the ports as another team's.
    session.run("mypy", "--strict", "tests/examples")
    # The README's library block, type-checked as a user would: installed, no config.
    block = f"{session.create_tmp()}/readme_library.py"
    session.run("python", "-m", "tests.docs.readme", "Use it as a library", block)
    session.run("mypy", "--strict", "--config-file=", "--no-incremental", block)


@nox.session(python=PYTHON)
def bench(session: nox.Session) -> None:
    """Benchmarks, each printing our figures beside a baseline measured in the same run."""
    session.install("-e", ".[test,bench]")
    session.run("python", "benchmarks/run_all.py", *session.posargs)


@nox.session(python=PYTHON)
def serve(session: nox.Session) -> None:
    """Run the service on the embedded default: ``nox -s serve -- --port 8080``."""
    session.install("-e", ".[server]")
    session.run("instagram", "serve", *session.posargs)


@nox.session(python=PYTHON)
def demo(session: nox.Session) -> None:
    """Fill an instance with demo data: ``nox -s demo -- --url http://127.0.0.1:8000``."""
    session.install("-e", ".[server]")
    session.run("instagram", "demo", *session.posargs)


@nox.session(python=PYTHON)
def engines(session: nox.Session) -> None:
    """Install (as root, from Debian's packages) Redis and MariaDB, then start them, an S3
    server and Kafka on loopback in the background, writing the production profile's
    settings to ``.engines.env`` (``nox -s engines -- down --env-file .engines.env`` stops
    them)."""
    import os

    missing = [b for b in ("redis-server", "mariadb-install-db") if shutil.which(b) is None]
    if missing and hasattr(os, "geteuid") and os.geteuid() == 0:
        session.run("apt-get", "update", "-qq", external=True)
        session.run(
            "apt-get", "install", "-y", "-qq", "redis-server", "mariadb-server", external=True
        )
    session.install("-e", ".[test]")
    session.run(
        "python", "scripts/engines.py", *(session.posargs or ["up", "--env-file", ".engines.env"])
    )
