"""``instagram search reindex`` and ``instagram verify``: on the embedded profile through the
CLI, and on production as a new Elasticsearch generation swapped in behind the aliases."""

from __future__ import annotations

import time

import pytest
from click.testing import CliRunner

from instagram_entrypoints.cli import main
from instagram_entrypoints.config import Settings
from instagram_entrypoints.search_rebuild import rebuild
from tests.integration.conftest import Api
from tests.support import photo

pytestmark = pytest.mark.timeout(600)  # the production profile starts its engines
V1 = "/api/v1"


def usernames(api: Api, auth: dict[str, str], q: str) -> list[str]:
    answer = api.client.get(f"{V1}/search", params={"q": q, "type": "users"}, headers=auth)
    assert answer.status_code == 200, answer.text
    return [u["username"] for u in answer.json()["users"]]


def test_embedded_reindex_and_verify_through_the_cli(api: Api) -> None:
    ann = api.register("ann_one")
    api.register("ann_two")
    api.publish(ann, photo("mobile_jolla.jpg"), caption="#alps")
    env = {"INSTAGRAM_DATA_DIR": str(api.container.config.data_dir())}
    runner = CliRunner()
    rebuilt = runner.invoke(main, ["search", "reindex"], env=env)
    assert rebuilt.exit_code == 0, rebuilt.output
    assert rebuilt.output == "reindexed 2 accounts and 1 posts\n"
    verified = runner.invoke(main, ["verify", "ann_two"], env=env)
    assert verified.exit_code == 0, verified.output
    assert verified.output == "@ann_two is verified\n"
    unknown = runner.invoke(main, ["verify", "nobody"], env=env)
    assert unknown.exit_code == 1
    assert "no user named 'nobody'" in unknown.output


def test_production_reindex_swaps_a_new_generation_in(
    prod_settings: Settings, prod_api: Api
) -> None:
    api, settings = prod_api, prod_settings
    ann = api.register("bo_one")
    api.register("bo_two")
    api.publish(ann, photo("mobile_jolla.jpg"), caption="#fjord")
    client = api.container.adapters.elasticsearch()
    prefix = settings.elasticsearch_index_prefix
    deadline = time.monotonic() + 20
    while usernames(api, ann, "bo_") != ["bo_one", "bo_two"] and time.monotonic() < deadline:
        time.sleep(0.2)
    before = client.transport.perform_request("GET", f"/_alias/{prefix}-users")
    assert list(before) == [f"{prefix}-users-1"]

    assert rebuild(api.container, settings) == (2, 1)
    after = client.transport.perform_request("GET", f"/_alias/{prefix}-*")
    assert sorted(after) == [f"{prefix}-posts-2", f"{prefix}-users-2"]  # the old ones deleted
    assert usernames(api, ann, "bo_") == ["bo_one", "bo_two"]
    tag = api.client.get(f"{V1}/hashtags/fjord", headers=ann).json()
    assert tag == {"tag": "fjord", "post_count": 1}
