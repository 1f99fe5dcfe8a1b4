"""The wheel as a user installs it: built from this tree, installed with no extras into a fresh
venv beside the PyPI package ``entrypoints``. Both import, the wheel installs no top-level
``adapters`` or ``entrypoints``, the light install stays under its size budget, imports no
heavy library until it needs one, runs the README's library block as written (a photo
published without numpy) and type-checks it with ``mypy --strict``, and an adapter that
needs an extra names it.

Needs the network (PyPI) on a cold uv cache; the wheel is built once per session.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

import pytest

from tests.docs.readme import LIBRARY_SECTION, python_block

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
PYPI_MODULE = "entrypoints"  # the PyPI package (entrypoints 0.4, used by jupyter and others)
OUR_PACKAGES = list(
    tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["package-dir"]
)
FORBIDDEN_TOP_LEVEL = {"adapters", "entrypoints"}
BUDGET_MB = 60  # a fresh `python -m venv` + `pip install instagram-backend`, no extras
# Not imported by the light modules: PIL is installed, but loaded at the first photo only.
HEAVY = ["numpy", "PIL", "onnxruntime", "av", "litestar", "dependency_injector", "redis"]
NOT_INSTALLED = ["numpy", "rapidfuzz", "onnxruntime", "av", "pillow_heif", "litestar"]

# Run inside the fresh venv; prints what it found as JSON.
PROBE = """
import importlib, importlib.util, json, pkgutil, sys
pypi_name, ours, heavy = sys.argv[1], sys.argv[2].split(","), sys.argv[3].split(",")
absent = sys.argv[4].split(",")
found = {"installed": [name for name in absent if importlib.util.find_spec(name) is not None]}
pypi = importlib.import_module(pypi_name)
found["pypi_file"] = pypi.__file__
found["pypi_api"] = callable(getattr(pypi, "get_group_all", None))
found["ours"] = {name: importlib.util.find_spec(name).origin for name in ours}
core, adapters, entrypoints = ours
light = [core] + [f"{adapters}.{n}" for n in ("memory", "sqlite", "local_disk", "argon2", "jwt")]
count = 0
for name in light:
    package = importlib.import_module(name)
    for module in pkgutil.walk_packages(package.__path__, name + "."):
        if module.name.startswith(core + ".testing"):
            continue  # the contract suites: the testing extra (pytest, hypothesis)
        importlib.import_module(module.name)
        count += 1
found["light_modules"] = count
found["heavy_loaded"] = [name for name in heavy if name in sys.modules]
for name in (f"{adapters}.av", f"{adapters}.ranking", entrypoints):
    try:
        importlib.import_module(name)
    except ImportError as exc:
        found[name] = [type(exc).__name__, str(exc)]
blocked = importlib.import_module(f"{adapters}.memory.moderation").default_blocked_words()
found["blocked_words"] = len(blocked)
print(json.dumps(found))
"""


def _uv() -> list[str]:
    uv = shutil.which("uv") or str(Path(sys.executable).with_name("uv"))
    if not Path(uv).exists():
        return [sys.executable, "-m", "uv"]
    return [uv]


def _run(*args: str | Path) -> str:
    command = [str(a) for a in args]
    done = subprocess.run(command, check=False, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, f"{args}: {done.stdout}\n{done.stderr}"
    return done.stdout


@pytest.fixture(scope="session")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Built as a release is: the sdist, then the wheel from it, never from this tree's
    ``build/`` folder (setuptools would pack modules left there by an earlier build)."""
    out = tmp_path_factory.mktemp("wheel")
    _run(*_uv(), "build", "--quiet", "--out-dir", out, ROOT)
    (built,) = out.glob("instagram_backend-*.whl")
    return built


@pytest.fixture(scope="session")
def venv(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """``python -m venv`` (with pip, as the budget is measured) holding the wheel, no
    extras, and the PyPI ``entrypoints``; installed by uv for speed and its cache, compiled
    to bytecode as pip does, so that its size does not grow when the tests run it."""
    path = tmp_path_factory.mktemp("venv") / "venv"
    _run(sys.executable, "-m", "venv", path)
    python = path / "bin" / "python"
    install = ("pip", "install", "--quiet", "--compile-bytecode", "--python", python)
    _run(*_uv(), *install, wheel, PYPI_MODULE)
    return path


def test_the_wheel_installs_only_prefixed_top_level_packages(wheel: Path) -> None:
    with zipfile.ZipFile(wheel) as archive:
        top = {name.split("/")[0] for name in archive.namelist()}
        names = archive.namelist()
    ours = {name for name in top if not name.endswith(".dist-info")}
    assert ours == set(OUR_PACKAGES)
    assert not FORBIDDEN_TOP_LEVEL & top
    assert all(name.startswith("instagram_") for name in ours)
    for package in OUR_PACKAGES:
        assert f"{package}/py.typed" in names
    adapters = OUR_PACKAGES[1]
    data = [
        f"{adapters}/memory/blocked_words.txt",
        f"{adapters}/mysql/migrations/0001_users_and_follows.sql",
        f"{adapters}/ranking/model/ranker.onnx",
        f"{adapters}/ranking/model/ranker.npz",
        f"{adapters}/ranking/model/metadata.json",
        f"{adapters}/textmod/weights.npz",
        f"{adapters}/textmod/captions.tsv",
        f"{adapters}/mysql/migrations/0002_blocks_and_mutes.sql",
        f"{adapters}/mysql/migrations/0003_outbox.sql",
        f"{adapters}/cassandra/migrations/0001_wide_column_stores.cql",
        f"{adapters}/cassandra/migrations/0002_unclaimed_media.cql",
        f"{adapters}/cassandra/migrations/0004_affinity_events.cql",
        f"{OUR_PACKAGES[2]}/http/web/index.html",
        f"{OUR_PACKAGES[2]}/http/web/app.js",
        f"{OUR_PACKAGES[2]}/http/web/vendor/blurhash.mjs",
    ]
    assert not [name for name in data if name not in names]


def test_installed_beside_pypi_entrypoints_both_import(venv: Path) -> None:
    python = venv / "bin" / "python"
    found = json.loads(
        _run(
            *(python, "-c", PROBE, PYPI_MODULE, ",".join(OUR_PACKAGES)),
            *(",".join(HEAVY), ",".join(NOT_INSTALLED)),
        )
    )
    assert found["installed"] == []
    assert Path(found["pypi_file"]).name == "entrypoints.py"  # PyPI's, a single module
    assert found["pypi_api"]
    site = Path(found["pypi_file"]).parent
    for name, file in found["ours"].items():
        assert Path(file) == site / name / "__init__.py"
    assert found["light_modules"] > 50
    assert found["heavy_loaded"] == []
    assert found["blocked_words"] > 0  # package data readable from the installed wheel
    adapters = OUR_PACKAGES[1]
    needs = {f"{adapters}.av": "media", f"{adapters}.ranking": "ml", OUR_PACKAGES[2]: "server"}
    for package, extra in needs.items():
        kind, message = found[package]
        assert kind == "MissingExtra"
        assert f"pip install 'instagram-backend[{extra}]'" in message


def test_no_top_level_adapters_module_is_installed(venv: Path) -> None:
    python = venv / "bin" / "python"
    done = subprocess.run(
        [python, "-c", "import adapters"], check=False, capture_output=True, text=True, timeout=60
    )
    assert done.returncode != 0
    assert "No module named 'adapters'" in done.stderr


def test_the_light_install_fits_the_budget(venv: Path) -> None:
    files = [p for p in venv.rglob("*") if p.is_file() and not p.is_symlink()]
    megabytes = sum(p.stat().st_size for p in files) / 1e6  # MB, not the larger MiB
    assert megabytes < BUDGET_MB, f"the light venv is {megabytes:.1f} MB"


# Run inside the light venv: building the ports and the use cases loads no heavy library,
# search forgives a typo (a swap: pure-Python OSA, rapidfuzz is not installed), and the
# shipped ranking model names its extra.
LIBRARY = """
import json, sys
from datetime import UTC, datetime

from instagram_adapters.extras import MissingExtra
from instagram_adapters.memory import ManualClock, memory_ports
from instagram_core import Settings, bootstrap

ports = memory_ports(clock=ManualClock(datetime(2026, 1, 1, 12, tzinfo=UTC)))
app = bootstrap(ports, Settings())
alice = app.accounts.register("alice", "correct horse")
bob = app.accounts.register("bob", "correct horse")
status = app.social.follow(bob.user_id, "alice")
following = app.social.following(bob.user_id, "bob", None, 10)
found = {
    "status": status.value,
    "following": [user.username for user in following.items],
    "feed": len(app.feed.home(bob.user_id, None, 10).items),
    "typo": [hit.user.username for hit in app.search.search(bob.user_id, "alcie").users],
    "heavy_loaded": [name for name in sys.argv[1].split(",") if name in sys.modules],
}
try:
    ports.engagement_model.predict([[0.0]])
except MissingExtra as exc:
    found["model"] = str(exc)
print(json.dumps(found))
"""


def test_the_in_memory_library_runs_with_no_extra(venv: Path) -> None:
    """``memory_ports()`` and ``bootstrap`` work in the light install and import nothing
    heavy; the shipped ranking model, loaded at its first use, names the extra it needs."""
    found = json.loads(_run(venv / "bin" / "python", "-c", LIBRARY, ",".join(HEAVY)))
    assert (found["status"], found["following"], found["feed"]) == ("active", ["alice"], 0)
    assert found["typo"] == ["alice"]
    assert found["heavy_loaded"] == []
    assert "pip install 'instagram-backend[ml]'" in found["model"]


@pytest.fixture(scope="session")
def readme_block(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The README's library block, as a user copies it, in a folder of its own."""
    path = tmp_path_factory.mktemp("readme") / "readme_library.py"
    path.write_text(python_block(LIBRARY_SECTION))
    return path


def test_the_readme_library_block_publishes_a_photo_with_no_extra(
    venv: Path, readme_block: Path
) -> None:
    """Run from its own folder, so only the installed wheel can be imported; numpy is not
    installed (test_installed_beside_pypi_entrypoints_both_import), so the photo's BlurHash
    comes from the pure-Python encoder."""
    done = subprocess.run(
        [venv / "bin" / "python", readme_block],
        cwd=readme_block.parent,
        check=False,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == [
        "alice Sunset #nature published ['large_1080', 'medium_640', 'small_320', 'thumb_150']"
    ]


def test_the_readme_library_block_passes_mypy_strict_against_the_light_install(
    venv: Path, readme_block: Path
) -> None:
    """mypy (of the test environment) reads the packages installed in the light venv, as
    it would in a user's, through their ``py.typed``; no configuration file of ours."""
    mypy = [sys.executable, "-m", "mypy", "--strict", "--config-file=", "--no-incremental"]
    done = subprocess.run(
        [*mypy, "--python-executable", venv / "bin" / "python", readme_block],
        cwd=readme_block.parent,
        check=False,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.startswith("Success: no issues found in 1 source file"), done.stdout
