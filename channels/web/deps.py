"""FastAPI dependencies: the runtime's services and the two kinds of credentials."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Header, Request

from assistant.conversations import authorize
from assistant.engine import Assistant
from assistant.errors import AuthError, ForbiddenError
from assistant.liaisons import active_liaison_by_token
from assistant.runtime import Runtime
from assistant.store.models import Conversation, Liaison


def get_runtime(request: Request) -> Runtime:
    """Return the runtime built in the app's lifespan."""
    return request.app.state.runtime  # type: ignore[no-any-return]


RuntimeDep = Annotated[Runtime, Depends(get_runtime)]


def get_assistant(runtime: RuntimeDep) -> Assistant:
    """Return the conversation engine."""
    return runtime.assistant


AssistantDep = Annotated[Assistant, Depends(get_assistant)]


def bearer_token(authorization: Annotated[str | None, Header()] = None) -> str | None:
    """Return the token of an `Authorization: Bearer <token>` header, or None."""
    if not authorization:
        return None
    scheme, _, token = authorization.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    return token.strip()


TokenDep = Annotated[str | None, Depends(bearer_token)]


def authorized_conversation(
    conversation_id: str, runtime: RuntimeDep, token: TokenDep
) -> Conversation:
    """Return the conversation whose token the request carries; 404 unknown, 401 otherwise.

    A dependency, so FastAPI runs it once per request (in its thread pool, off the event loop)
    for every part that needs it: the message rate limit and the route share one database read.
    """
    return authorize(runtime.db, conversation_id, token)


ConversationDep = Annotated[Conversation, Depends(authorized_conversation)]


def require_liaison(runtime: RuntimeDep, token: TokenDep, request: Request) -> Liaison:
    """Return the liaison whose API token (or console session) authenticates this request; 401 otherwise."""
    console_liaison = getattr(request.state, "console_liaison", None)
    if console_liaison is not None:
        return console_liaison  # type: ignore[no-any-return]
    if not token:
        raise AuthError("liaison token required")
    liaison = active_liaison_by_token(runtime.db, token)
    if liaison is None:
        raise AuthError("invalid liaison token")
    return liaison


LiaisonDep = Annotated[Liaison, Depends(require_liaison)]


def require_admin(liaison: LiaisonDep) -> Liaison:
    """Return the liaison when they are an admin; 403 otherwise."""
    if liaison.role != "admin":
        raise ForbiddenError("admin role required")
    return liaison


AdminDep = Annotated[Liaison, Depends(require_admin)]
