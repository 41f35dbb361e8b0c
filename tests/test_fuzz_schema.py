"""Schema-driven fuzzing: every operation of /openapi.json, valid and invalid input, with and
without credentials; no 5xx, no stack trace and no credential in any answer.

Needs schemathesis (a dev-only tool); skipped when it is not installed.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from assistant.liaisons import NewLiaison
from assistant.runtime import Runtime
from channels.web.app import create_app
from tests.handoff_support import WEDNESDAY_10AM_CALGARY, Person, ask_for_human, set_clock, start

schemathesis = pytest.importorskip("schemathesis")
hypothesis = pytest.importorskip("hypothesis")

# Hundreds of generated requests: about a minute on an idle 2-core machine, three times that
# on a busy one, so it gets more than the suite's 300 s per-test limit (meant to catch hangs).
pytestmark = [pytest.mark.slow, pytest.mark.timeout(900)]

EXAMPLES = 25


@pytest.fixture
def world(runtime: Runtime, liaison: NewLiaison, admin: NewLiaison) -> Iterator[dict[str, Any]]:
    set_clock(runtime, WEDNESDAY_10AM_CALGARY)
    app = create_app(runtime=runtime)
    with TestClient(app, raise_server_exceptions=False) as client:
        person = start(client)
        other = start(client)
        ticket = ask_for_human(client, other)["handoff"]["id"]
        yield {
            "app": app,
            "person": person,
            "ticket": ticket,
            "secrets": [liaison.token, admin.token, liaison.password, admin.password, other.token],
            "auth": {
                "none": {},
                "bad": {"Authorization": "Bearer nope"},
                "conversation": person.headers,
                "liaison": {"Authorization": f"Bearer {liaison.token}"},
                "admin": {"Authorization": f"Bearer {admin.token}"},
            },
        }


def _operations(app: Any) -> list[Any]:
    schema = schemathesis.openapi.from_asgi("/openapi.json", app)
    return [result.ok() for result in schema.get_all_operations()]


def test_no_operation_answers_5xx_to_generated_input(world: dict[str, Any]) -> None:
    person: Person = world["person"]
    st = hypothesis.strategies
    failures: list[str] = []
    operations = _operations(world["app"])
    assert len(operations) >= 15
    for operation in operations:
        for mode, credentials in world["auth"].items():
            streams = operation.path.endswith("/events")
            if streams and mode in ("conversation", "liaison", "admin"):
                continue  # a valid token opens an endless event stream
            strategy = st.one_of(
                operation.as_strategy(),
                operation.as_strategy(schemathesis.GenerationMode.NEGATIVE),
            )

            @hypothesis.settings(
                max_examples=EXAMPLES,
                deadline=None,
                database=None,
                suppress_health_check=list(hypothesis.HealthCheck),
                phases=[hypothesis.Phase.generate],
            )
            @hypothesis.given(
                case=strategy, real_ids=st.booleans(), credentials=st.just(credentials)
            )
            def check(case: Any, real_ids: bool, credentials: dict[str, str]) -> None:
                headers = {
                    k: v for k, v in (case.headers or {}).items() if k.lower() != "authorization"
                }
                case.headers = {**headers, **credentials}
                params = case.path_parameters or {}
                if real_ids and "conversation_id" in params:
                    params["conversation_id"] = person.id
                if real_ids and "handoff_id" in params:
                    params["handoff_id"] = world["ticket"]
                response = case.call(timeout=10)
                body = response.text
                problem = None
                if response.status_code >= 500:
                    problem = f"status {response.status_code}"
                elif "Traceback" in body:
                    problem = "stack trace"
                elif any(secret in body for secret in world["secrets"]):
                    problem = "credential in the answer"
                if problem:
                    failures.append(f"{problem}: {case.as_curl_command()[:500]} -> {body[:200]}")

            check()
    assert not failures, "\n".join(failures[:10])
