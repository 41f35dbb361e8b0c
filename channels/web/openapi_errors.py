"""Document every error status the API answers, with the one error body it uses.

Every error is `{"detail": "<a sentence>"}` (validation problems are joined into one sentence),
so the schema says so once (`ErrorOut`) and each operation lists the statuses it can answer,
derived from what it depends on: a credential (401), a body (400 unreadable, 413 too large), a liaison's console session whose unsafe
calls need the CSRF token (403), the admin role (403), a rate limit (429), a path id (404), a
body or parameters (422), the database (503). A status a route documents itself keeps its
description and gains the body schema.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from fastapi import FastAPI
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute
from pydantic import BaseModel, Field

from channels.web.deps import bearer_token, require_admin, require_liaison
from channels.web.ratelimit import limit_messages, limit_new_conversations


class ErrorOut(BaseModel):
    """Why the request failed, as a sentence that can be shown to a person."""

    detail: str = Field(description="What went wrong, for people (in their language when known).")


UNSAFE = {"POST", "PUT", "PATCH", "DELETE"}
DESCRIPTIONS = {
    400: "The body could not be read (not UTF-8 JSON).",
    401: "Missing or invalid credentials.",
    403: "Not allowed: the account lacks the role, or a console session lacks its CSRF token.",
    404: "Not found.",
    409: "Conflicts with the current state.",
    413: "Request body too large.",
    422: "Invalid input: `detail` says which field and why.",
    429: "Too many requests; see Retry-After.",
    503: "Temporarily unavailable (database unreachable or server saturated); see Retry-After.",
}


def _calls(dependant: Dependant) -> Iterator[Callable[..., Any]]:
    for dep in dependant.dependencies:
        if dep.call is not None:
            yield dep.call
        yield from _calls(dep)


def _statuses(route: APIRoute) -> set[int]:
    calls = set(_calls(route.dependant))
    statuses = {503}
    if bearer_token in calls or require_liaison in calls:
        statuses.add(401)
    staff = bearer_token in calls and not route.path.startswith("/api/conversations")
    if (
        require_admin in calls
        or staff
        or (require_liaison in calls and set(route.methods or ()) & UNSAFE)
    ):
        statuses.add(403)  # a staff account without the role, or a console call without CSRF
    if calls & {limit_messages, limit_new_conversations}:
        statuses.add(429)
    if route.path.startswith("/console/api/"):
        statuses.add(401)  # no console session (or a wrong password at login)
        if set(route.methods or ()) & UNSAFE and not route.path.endswith("/login"):
            statuses.add(403)  # a session without its CSRF token
    if route.path.endswith("/login"):
        statuses |= {401, 429}  # a wrong password; too many failures per email or address
    if route.dependant.path_params:
        statuses.add(404)
    has_params = route.dependant.query_params or route.dependant.header_params
    if route.body_field is not None or route.dependant.path_params or has_params:
        statuses.add(422)
    if route.body_field is not None:
        statuses |= {400, 413}  # a body that is not UTF-8 JSON at all; one over 1 MiB
    return statuses


def document_errors(app: FastAPI) -> None:
    """Make the app's schema list, per operation, the error statuses it can answer (`ErrorOut`)."""
    build = app.openapi

    def openapi() -> dict[str, Any]:
        fresh = app.openapi_schema is None
        schema = build()
        if fresh:
            _document(schema, _api_routes(app.routes))
        return schema

    app.openapi = openapi  # type: ignore[method-assign]


def _api_routes(routes: list[Any]) -> Iterator[APIRoute]:
    """Yield every API route, also those of included routers (nested in FastAPI >= 0.16x)."""
    for route in routes:
        if isinstance(route, APIRoute):
            yield route
        elif (router := getattr(route, "original_router", None)) is not None:
            yield from _api_routes(router.routes)


def _document(schema: dict[str, Any], routes: Iterator[APIRoute]) -> None:
    components = schema.setdefault("components", {}).setdefault("schemas", {})
    components["ErrorOut"] = ErrorOut.model_json_schema()
    body = {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorOut"}}}
    paths = schema.get("paths", {})
    for route in routes:
        if not route.path.startswith(("/api/", "/console/api/", "/telegram/")):
            continue
        for method in route.methods or ():
            operation = paths.get(route.path, {}).get(method.lower())
            if operation is None:
                continue
            responses = operation.setdefault("responses", {})
            documented = {int(code) for code in responses if str(code).isdigit()}
            for status in _statuses(route) | {c for c in documented if c >= 400}:
                entry = responses.setdefault(str(status), {})
                if not entry.get("description") or (status == 422 and "content" in entry):
                    entry["description"] = DESCRIPTIONS.get(status, "Error.")
                entry["content"] = body
