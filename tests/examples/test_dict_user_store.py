"""The example adapter passes the imported contract suite: its one fixture is all it takes."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from instagram_core.ports import UserStore
from instagram_core.testing import UserStoreContract
from tests.examples.dict_user_store import DictUserStore


class TestDictUserStore(UserStoreContract):
    @pytest.fixture
    def new_user_store(self) -> Callable[[], UserStore]:
        return DictUserStore
