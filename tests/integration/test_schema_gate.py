"""The schema fuzzing gate: schemathesis generates requests for every operation of
``/schema/openapi.json`` and sends them to the app in-process (embedded profile). It fails on
any 5xx, on any status the operation does not document, and on any answer whose content type,
headers or body the schema does not describe; schema-invalid requests must be refused (4xx).

Bounded for CI: a fixed seed (``derandomize``), a few examples per operation, no shrinking
(the first failing example is reported as generated). Run it alone with ``-m schemathesis``.
"""

from __future__ import annotations

import traceback
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.python.asgi import shutdown_lifespans
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from instagram_entrypoints.containers import Application, build_container
from instagram_entrypoints.http.app import create_app
from tests.integration.conftest import embedded_settings

pytestmark = [pytest.mark.schemathesis, pytest.mark.slow, pytest.mark.timeout(600)]

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]


@dataclass(frozen=True)
class Run:
    mode: GenerationMode
    authenticated: bool
    max_examples: int
    extra_checks: tuple[Any, ...] = ()


RUNS = {
    "positive-authenticated": Run(GenerationMode.POSITIVE, True, 20),
    "negative-authenticated": Run(GenerationMode.NEGATIVE, True, 10, (negative_data_rejection,)),
    "positive-anonymous": Run(GenerationMode.POSITIVE, False, 4),
}


@dataclass
class Target:
    schema: schemathesis.BaseSchema
    container: Application
    token: str


@pytest.fixture
def target(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Target]:
    """One app per run: schemathesis ends an ASGI app's lifespan when a run ends, which
    closes the container's resources, so the next run gets an app of its own."""
    container = build_container(embedded_settings(tmp_path_factory.mktemp("fuzzed")))
    app = create_app(container=container)
    # Loading the schema starts the app's lifespan, so the container's resources are up.
    schema = schemathesis.openapi.from_asgi("/schema/openapi.json", app)
    accounts = container.core.accounts()
    accounts.register("fuzzer", "correct horse")
    yield Target(schema, container, accounts.log_in("fuzzer", "correct horse").token)
    shutdown_lifespans()


def _fuzz(operation: Any, run: Run, headers: dict[str, str]) -> None:
    checks = [*CHECKS, *run.extra_checks]

    @given(case=operation.as_strategy(generation_mode=run.mode))
    @settings(
        max_examples=run.max_examples,
        deadline=None,
        derandomize=True,
        database=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    def check(case: Any) -> None:
        case.call_and_validate(headers=headers, checks=checks)

    check()


@pytest.mark.parametrize("name", list(RUNS))
def test_every_operation_answers_as_its_schema_says(target: Target, name: str) -> None:
    run = RUNS[name]
    headers = {"Authorization": f"Bearer {target.token}"} if run.authenticated else {}
    operations = [result.ok() for result in target.schema.get_all_operations()]
    assert len(operations) >= 40  # every operation, not a schema that lost its paths
    failures: dict[str, str] = {}
    for operation in operations:
        try:
            _fuzz(operation, run, headers)
        except Unsatisfiable:
            assert run.mode is GenerationMode.NEGATIVE  # nothing in it can be made invalid
        except Exception as exc:  # every operation's failure, not only the first one's
            failures[operation.label] = "".join(traceback.format_exception(exc))[-4000:]
    assert not failures, "\n\n".join(f"{label}:\n{text}" for label, text in failures.items())
