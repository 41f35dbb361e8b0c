"""The API answers what its OpenAPI schema says: every status documented, every error body of the
documented shape, valid input accepted and invalid input refused (schemathesis's checks)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from assistant.liaisons import NewLiaison
from assistant.runtime import Runtime
from channels.web.app import create_app
from tests.handoff_support import WEDNESDAY_10AM_CALGARY, ask_for_human, set_clock, start

schemathesis = pytest.importorskip("schemathesis")
hypothesis = pytest.importorskip("hypothesis")

pytestmark = [pytest.mark.slow, pytest.mark.timeout(900)]

EXAMPLES = 12
# The public API people's clients use, and the liaison calls; event streams never end by design.
SKIP_SUFFIXES = ("/events",)


@pytest.fixture
def world(runtime: Runtime, liaison: NewLiaison) -> Iterator[dict[str, Any]]:
    set_clock(runtime, WEDNESDAY_10AM_CALGARY)
    runtime.settings.rate_conversations_per_hour = 0
    runtime.settings.rate_messages_per_minute = 0
    app = create_app(runtime=runtime)
    with TestClient(app, raise_server_exceptions=False) as client:
        person = start(client)
        other = start(client)
        ticket = ask_for_human(client, other)["handoff"]["id"]
        yield {"app": app, "person": person, "ticket": ticket, "liaison": liaison}


# Where every schema-valid input is also accepted (other operations have rules a schema cannot
# say, e.g. a date range's order, so only the statuses and bodies are checked there).
STRICT_PREFIXES = ("/api/conversations", "/api/handoffs")


def _checks(strict: bool) -> list[Any]:
    from schemathesis.checks import load_all_checks
    from schemathesis.core.registries import Registry  # noqa: F401 - loaded by the call below

    load_all_checks()
    from schemathesis.specs.openapi import checks

    always = [
        checks.status_code_conformance,
        checks.content_type_conformance,
        checks.response_schema_conformance,
        checks.missing_required_header,
    ]
    if not strict:
        return always
    return [*always, checks.negative_data_rejection, checks.positive_data_acceptance]


def _fuzz(operation: Any, world: dict[str, Any], token: str, failures: list[str]) -> None:
    """Call one operation with generated valid and invalid input; record contract failures."""
    st = hypothesis.strategies
    person = world["person"]
    checks = _checks(operation.path.startswith(STRICT_PREFIXES))

    @hypothesis.settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        suppress_health_check=list(hypothesis.HealthCheck),
        phases=[hypothesis.Phase.generate],
    )
    @hypothesis.given(
        case=st.one_of(
            operation.as_strategy(),
            operation.as_strategy(schemathesis.GenerationMode.NEGATIVE),
        )
    )
    def check(case: Any) -> None:
        params = case.path_parameters or {}
        if "conversation_id" in params:
            params["conversation_id"] = person.id
        if "handoff_id" in params:
            params["handoff_id"] = world["ticket"]
        headers = {k: v for k, v in (case.headers or {}).items() if k.lower() != "authorization"}
        case.headers = {**headers, "Authorization": f"Bearer {token}"}
        try:
            case.call_and_validate(checks=checks)
        except Exception as exc:
            failures.append(f"{operation.method.upper()} {operation.path}: {exc}"[:800])

    check()


def test_operations_keep_their_documented_contract(world: dict[str, Any]) -> None:
    schema = schemathesis.openapi.from_asgi("/openapi.json", world["app"])
    failures: list[str] = []
    for result in schema.get_all_operations():
        operation = result.ok()
        if operation.path.endswith(SKIP_SUFFIXES):
            continue
        liaison_call = not operation.path.startswith("/api/conversations")
        token = world["liaison"].token if liaison_call else world["person"].token
        _fuzz(operation, world, token, failures)
    assert not failures, "\n\n".join(sorted(set(failures))[:12])
