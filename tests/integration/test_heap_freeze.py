"""``INSTAGRAM_FREEZE_HEAP_AT_START`` (on under ``instagram serve``): the embedded search
index is loaded during start-up, and everything alive then leaves the garbage collector's
walks (``instagram_entrypoints/heap.py``, docs/search.md#benchmark)."""

from __future__ import annotations

import gc
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from litestar.testing import TestClient

from instagram_core.ports.search import UserDocument
from instagram_entrypoints.cli import main
from instagram_entrypoints.config import Settings, load_settings
from instagram_entrypoints.containers import build_container
from instagram_entrypoints.http.app import create_app
from tests.integration.conftest import embedded_settings


@pytest.fixture
def thawed() -> Iterator[None]:
    """This test process builds many apps: give back what a test froze."""
    gc.unfreeze()
    yield
    gc.unfreeze()


def filed(data_dir: Path, count: int) -> None:
    index = build_container(embedded_settings(data_dir)).adapters.search_index()
    for n in range(count):
        index.put_user(UserDocument(f"u{n}", f"carla{n}", "Carla Dubois", False, False, n))


def tracked(obj: object) -> bool:
    """Whether a full collection walks ``obj`` (frozen objects are in no generation)."""
    return any(o is obj for o in gc.get_objects())


def test_start_up_loads_the_search_index_and_freezes_it(tmp_path: Path, thawed: None) -> None:
    filed(tmp_path, 300)
    container = build_container(embedded_settings(tmp_path, freeze_heap_at_start=True))
    with TestClient(create_app(container=container)) as client:
        index = container.adapters.search_index()
        assert index.search_users("carla29", frozenset(), 1)[0].user_id == "u29"
        assert gc.get_freeze_count() > 0
        assert not tracked(index)  # loaded before the freeze, so frozen with the rest
        assert client.get("/healthz").status_code == 200


def test_off_by_default_so_a_process_building_many_apps_freezes_nothing(
    tmp_path: Path, thawed: None
) -> None:
    filed(tmp_path, 10)
    container = build_container(embedded_settings(tmp_path))
    with TestClient(create_app(container=container)):
        assert gc.get_freeze_count() == 0
        assert tracked(container.adapters.search_index())


def test_the_setting_reads_from_the_environment(tmp_path: Path) -> None:
    env = {"INSTAGRAM_DATA_DIR": str(tmp_path), "INSTAGRAM_SECRET_KEY": "s" * 40}
    assert not load_settings(environ=env).freeze_heap_at_start
    on = {**env, "INSTAGRAM_FREEZE_HEAP_AT_START": "true"}
    assert load_settings(environ=on).freeze_heap_at_start


@pytest.mark.parametrize(("env", "frozen"), [({}, True), ({"FREEZE_HEAP_AT_START": "0"}, False)])
def test_serve_turns_it_on_unless_the_environment_turns_it_off(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, env: dict[str, str], frozen: bool
) -> None:
    import uvicorn

    from instagram_entrypoints.http import app as http_app

    built: list[Settings] = []
    monkeypatch.setattr(http_app, "create_app", built.append)
    monkeypatch.setattr(uvicorn, "run", lambda *args, **kwargs: None)
    monkeypatch.delenv("INSTAGRAM_FREEZE_HEAP_AT_START", raising=False)
    for name, value in env.items():
        monkeypatch.setenv("INSTAGRAM_" + name, value)
    result = CliRunner().invoke(main, ["serve", "--data-dir", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert [settings.freeze_heap_at_start for settings in built] == [frozen]
    assert os.environ.get("INSTAGRAM_FREEZE_HEAP_AT_START") == env.get("FREEZE_HEAP_AT_START")
