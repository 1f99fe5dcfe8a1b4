"""Whether an answer is one the OpenAPI document declares, for the tests that reach states
the schema fuzzer cannot (a spent upload, a private post, a limit run out)."""

from __future__ import annotations

import re
from functools import cache
from typing import Any

import httpx
from litestar.testing import TestClient


@cache
def _operations(document: str) -> list[tuple[str, re.Pattern[str], frozenset[str]]]:
    import json

    paths: dict[str, Any] = json.loads(document)["paths"]
    found = []
    for template, item in paths.items():
        pattern = re.compile("^" + re.sub(r"\{[^/}]+\}", "[^/]+", template) + "$")
        if template.startswith("/blobs/"):  # {key} is a path: it spans slashes
            pattern = re.compile("^/blobs/.+$")
        for method, operation in item.items():
            found.append((method.upper(), pattern, frozenset(operation.get("responses", {}))))
    return found


def declared_statuses(client: TestClient[Any], method: str, path: str) -> frozenset[str]:
    """The statuses the running app's schema declares for ``method path``."""
    document = client.get("/schema/openapi.json").text
    matches = [
        statuses
        for verb, pattern, statuses in _operations(document)
        if verb == method.upper() and pattern.match(path)
    ]
    assert len(matches) == 1, (method, path, len(matches))
    return matches[0]


def assert_declared(client: TestClient[Any], response: httpx.Response) -> None:
    """``response``'s status is one its operation declares in ``/schema/openapi.json``."""
    request = response.request
    statuses = declared_statuses(client, request.method, request.url.path)
    assert str(response.status_code) in statuses, (
        f"{request.method} {request.url.path} answered {response.status_code}, "
        f"the schema declares only {sorted(statuses)}"
    )
