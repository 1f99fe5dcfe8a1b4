"""The schema fuzzing gate: schemathesis generates requests for every operation of
``/schema/openapi.json`` and sends them to the app in-process (embedded profile). It fails on
any 5xx, on any status the operation does not document, and on any answer whose content type,
headers or body the schema does not describe; schema-invalid requests must be refused (4xx).

Bounded for CI: a fixed seed (``derandomize``), a few examples per operation, no shrinking
(the first failing example is reported as generated), and a time budget: the three runs
share :data:`TIME_BUDGET_SECONDS` (four minutes). Each operation gets an even share of what
is left of its run's part; past it, the operation's remaining examples are not sent, but
every operation always sends its first one, so a loaded machine fuzzes less, never fails for
being slow, and never leaves an operation out. Run it alone with ``-m schemathesis``.
"""

from __future__ import annotations

import time
import traceback
from collections.abc import Callable, Iterator
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

# The timeout only stops a hung run: the budget below is what bounds a healthy one.
pytestmark = [pytest.mark.schemathesis, pytest.mark.slow, pytest.mark.timeout(600)]

TIME_BUDGET_SECONDS = 240.0

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
    share: float  # of TIME_BUDGET_SECONDS; negative examples cost more to generate
    extra_checks: tuple[Any, ...] = ()


RUNS = {
    "positive-authenticated": Run(GenerationMode.POSITIVE, True, 20, 0.5),
    "negative-authenticated": Run(
        GenerationMode.NEGATIVE, True, 10, 0.375, (negative_data_rejection,)
    ),
    "positive-anonymous": Run(GenerationMode.POSITIVE, False, 4, 0.125),
}


def run_budget(name: str) -> float:
    """The run's part of :data:`TIME_BUDGET_SECONDS`."""
    return TIME_BUDGET_SECONDS * RUNS[name].share


class Budget:
    """A run's time budget, shared evenly by the operations still to fuzz: an operation may
    send examples until its share is spent, and always sends its first."""

    def __init__(
        self, seconds: float, operations: int, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self._clock = clock
        self._deadline = clock() + seconds
        self._left = operations
        self._until = self._deadline
        self._first = True
        self.sent = 0
        self.withheld = 0

    def next_operation(self) -> None:
        now = self._clock()
        self._until = now + max(0.0, self._deadline - now) / max(1, self._left)
        self._left -= 1
        self._first = True

    def may_send(self) -> bool:
        allowed = self._first or self._clock() < self._until
        self._first = False
        if allowed:
            self.sent += 1
        else:
            self.withheld += 1
        return allowed


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


def _fuzz(operation: Any, run: Run, headers: dict[str, str], budget: Budget) -> None:
    checks = [*CHECKS, *run.extra_checks]
    budget.next_operation()

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
        if budget.may_send():
            case.call_and_validate(headers=headers, checks=checks)

    check()


@pytest.mark.parametrize("name", list(RUNS))
def test_every_operation_answers_as_its_schema_says(target: Target, name: str) -> None:
    run = RUNS[name]
    headers = {"Authorization": f"Bearer {target.token}"} if run.authenticated else {}
    operations = [result.ok() for result in target.schema.get_all_operations()]
    assert len(operations) >= 40  # every operation, not a schema that lost its paths
    budget = Budget(run_budget(name), len(operations))
    failures: dict[str, str] = {}
    for operation in operations:
        try:
            _fuzz(operation, run, headers, budget)
        except Unsatisfiable:
            assert run.mode is GenerationMode.NEGATIVE  # nothing in it can be made invalid
        except Exception as exc:  # every operation's failure, not only the first one's
            failures[operation.label] = "".join(traceback.format_exception(exc))[-4000:]
    assert not failures, "\n\n".join(f"{label}:\n{text}" for label, text in failures.items())
    assert budget.sent >= len(operations)  # the budget never leaves an operation out
    print(f"{name}: {budget.sent} requests sent, {budget.withheld} over the time budget")


class FakeClock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_the_budget_is_a_few_minutes_shared_by_the_runs() -> None:
    assert 60 <= TIME_BUDGET_SECONDS <= 300
    assert sum(run_budget(name) for name in RUNS) == pytest.approx(TIME_BUDGET_SECONDS)


def test_past_its_share_an_operation_sends_only_its_first_example() -> None:
    clock = FakeClock()
    budget = Budget(10.0, operations=2, clock=clock)
    budget.next_operation()  # its share: 5 s
    assert [budget.may_send(), budget.may_send()] == [True, True]
    clock.now = 5.0
    assert budget.may_send() is False
    budget.next_operation()  # the last one gets what is left: 5 s more
    assert budget.may_send() is True
    clock.now = 9.9
    assert budget.may_send() is True
    clock.now = 10.0
    assert budget.may_send() is False
    assert (budget.sent, budget.withheld) == (4, 2)


def test_a_slow_machine_still_sends_every_operation_its_first_example() -> None:
    clock = FakeClock()
    budget = Budget(1.0, operations=3, clock=clock)
    clock.now = 100.0  # the budget is long gone
    for _ in range(3):
        budget.next_operation()
        assert [budget.may_send(), budget.may_send()] == [True, False]
    assert (budget.sent, budget.withheld) == (3, 3)
