"""Conversation API used by the web widget and integrators (a contract: keep paths and fields)."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Header, Query, Request
from fastapi.responses import JSONResponse, Response, StreamingResponse
from pydantic import BaseModel, Field, field_validator

from assistant.conversations import (
    add_message,
    authorize,
    create_conversation,
    list_messages,
    message_dict,
)
from assistant.engine import Turn
from assistant.errors import WilError
from assistant.events import conversation_topic
from assistant.text_input import validate_message_text
from channels.web.deps import AssistantDep, RuntimeDep, TokenDep
from channels.web.ratelimit import limit_messages, limit_new_conversations
from channels.web.sse import (
    MAX_STREAMS_PER_CONVERSATION,
    SSE_HEADERS,
    limited_bus_stream,
    sse,
    stream_slots,
    streams_busy,
)

logger = logging.getLogger(__name__)

router = APIRouter(prefix="/api/conversations", tags=["conversations"])

# Message ids are 64-bit; a larger `after=` cannot match and would overflow the database driver.
MAX_MESSAGE_ID = 2**63 - 1


class CitationOut(BaseModel):
    """A knowledge passage the reply relies on; `[n]` in the text points to the n-th citation."""

    title: str = Field(description="Page title and section heading.")
    source: str = Field(description="Where the fact comes from.")
    url: str | None = Field(default=None, description="Link to the source, when there is one.")
    snippet: str = Field(default="", description="The sentence(s) of the passage that matter.")
    key: str | None = Field(default=None, description="Knowledge section key '<page>#<anchor>'.")


class ReplyOut(BaseModel):
    """The assistant's message."""

    id: int | None = Field(description="Message id (use with `GET .../messages?after=`).")
    role: Literal["assistant"] = "assistant"
    text: str
    locale: Literal["en", "fr"] = Field(description="Language of the reply (follows the person's).")
    citations: list[CitationOut] = Field(default_factory=list)
    suggestions: list[str] = Field(default_factory=list, description="Quick replies to offer.")


class TurnOut(BaseModel):
    """The reply to one message, with the conversation state a client renders."""

    reply: ReplyOut | None = Field(description="Null while a liaison holds the conversation.")
    mode: Literal["qa", "intake", "handoff"] = Field(
        description="qa: questions; intake: a form is being filled; handoff: a liaison is involved."
    )
    intake: dict[str, Any] | None = Field(
        default=None,
        description="Intake in progress or just submitted: id, kind, status, fields, missing, asking.",
    )
    handoff: dict[str, Any] | None = Field(
        default=None,
        description="The liaison ticket when one exists: id, status (waiting, active, resolved).",
    )


class MessageOut(BaseModel):
    """A stored message."""

    id: int
    role: Literal["user", "assistant", "liaison", "system"]
    text: str
    created_at: str
    citations: list[dict[str, Any]] = Field(default_factory=list)
    suggestions: list[str] = Field(default_factory=list)
    author: str | None = Field(
        default=None, description="The liaison's display name, on their messages."
    )


class MessagesOut(BaseModel):
    """Messages in order."""

    messages: list[MessageOut]


class ConversationOut(BaseModel):
    """A new conversation: its id, its bearer token (shown once) and the greeting."""

    id: str
    token: str = Field(
        description="Bearer token for every later call on this conversation; shown once."
    )
    locale: Literal["en", "fr"]
    messages: list[MessageOut]


class CreateConversation(BaseModel):
    """Start a conversation on a channel, optionally in a given language."""

    channel: Literal["web", "api", "cli"] = "web"
    locale: Literal["en", "fr"] | None = None


class PostMessage(BaseModel):
    """A message from the person: 1 to 4,000 characters after trimming."""

    text: str = Field(..., description="What the person typed (1-4000 characters after trimming).")

    @field_validator("text")
    @classmethod
    def _trim(cls, value: str) -> str:
        return validate_message_text(value)


def _pick_locale(requested: str | None, accept_language: str | None) -> str:
    if requested:
        return requested
    if accept_language and accept_language.strip().lower().startswith("fr"):
        return "fr"
    return "en"


@router.post(
    "",
    status_code=201,
    summary="Start a conversation",
    response_model=ConversationOut,
    dependencies=[Depends(limit_new_conversations)],
    responses={
        429: {"description": "Too many new conversations from this address; see Retry-After."}
    },
)
def start_conversation(
    runtime: RuntimeDep,
    body: CreateConversation | None = None,
    accept_language: Annotated[str | None, Header()] = None,
) -> dict[str, Any]:
    """Create a conversation; the token in the answer is shown once and authorises every later call."""
    body = body or CreateConversation()
    locale = _pick_locale(body.locale, accept_language)
    conv, token = create_conversation(runtime.db, channel=body.channel, locale=locale)
    text, suggestions = runtime.assistant.greeting(locale)
    with runtime.db.session() as s:
        msg = add_message(s, conv.id, "assistant", text, meta={"suggestions": suggestions})
        greeting = message_dict(msg)
    return {"id": conv.id, "token": token, "locale": locale, "messages": [greeting]}


def turn_payload(turn: Turn) -> dict[str, Any]:
    """Return the JSON reply of a turn (the API contract)."""
    reply = None
    if not turn.silent:
        reply = {
            "id": turn.message_id,
            "role": "assistant",
            "text": turn.text,
            "locale": turn.locale,
            "citations": [c.model_dump(exclude_none=True) for c in turn.citations],
            "suggestions": turn.suggestions,
        }
    return {"reply": reply, "mode": turn.mode, "intake": turn.intake, "handoff": turn.handoff}


@router.post(
    "/{conversation_id}/messages",
    summary="Send a message and get the assistant's reply",
    description=(
        "Returns the reply as JSON, or with `Accept: text/event-stream` as server-sent events: "
        '`delta` events carrying `{"text": ...}` fragments, then one `final` event with the same JSON '
        "(its text is authoritative: if a language model fails mid-answer, the final text replaces "
        'the fragments). An `error` event with `{"detail": ...}` replaces `final` if the turn fails. '
        "`reply` is null while a liaison holds the conversation. Text: 1-4000 characters after trimming."
    ),
    response_model=TurnOut,
    responses={
        200: {
            "content": {
                "text/event-stream": {
                    "schema": {"type": "string"},
                    "example": (
                        'event: delta\ndata: {"text": "The SWPP "}\n\n'
                        'event: final\ndata: {"reply": {}, "mode": "qa", "intake": null, "handoff": null}\n\n'
                    ),
                }
            }
        },
        401: {"description": "Missing or wrong conversation token."},
        404: {"description": "Unknown conversation."},
        422: {"description": "Empty, too long or malformed message."},
        429: {"description": "Too many messages in this conversation; see Retry-After."},
    },
    dependencies=[Depends(limit_messages)],
)
async def post_message(
    conversation_id: str,
    body: PostMessage,
    runtime: RuntimeDep,
    assistant: AssistantDep,
    token: TokenDep,
    accept: Annotated[str | None, Header()] = None,
) -> Any:
    """Handle one message from the person."""
    authorize(runtime.db, conversation_id, token)
    if accept and "text/event-stream" in accept:
        return StreamingResponse(
            _stream_turn(assistant, conversation_id, body.text),
            media_type="text/event-stream",
            headers=SSE_HEADERS,
        )
    turn = await assistant.handle(conversation_id, body.text)
    return JSONResponse(turn_payload(turn))


_RUNNING: set[asyncio.Task[Any]] = set()


async def _stream_turn(assistant: Any, conversation_id: str, text: str) -> AsyncIterator[str]:
    queue: asyncio.Queue[str | None] = asyncio.Queue()

    async def on_delta(fragment: str) -> None:
        await queue.put(fragment)

    async def run() -> Turn:
        try:
            return await assistant.handle(conversation_id, text, on_delta=on_delta)  # type: ignore[no-any-return]
        finally:
            await queue.put(None)

    task = asyncio.create_task(run())
    # If the client goes away mid-answer, the turn still completes and is stored, so the
    # history has the answer after a reload; keep a reference until it is done.
    _RUNNING.add(task)
    task.add_done_callback(_RUNNING.discard)
    try:
        while True:
            fragment = await queue.get()
            if fragment is None:
                break
            yield sse("delta", {"text": fragment})
        try:
            turn = await task
        except WilError as exc:
            detail = str(exc) if exc.status_code < 500 and str(exc) else exc.public_message
            yield sse("error", {"detail": detail, "status": exc.status_code})
            return
        except Exception:
            logger.exception("turn failed while streaming")
            yield sse(
                "error", {"detail": "Sorry, something went wrong. Please try again.", "status": 500}
            )
            return
        yield sse("final", turn_payload(turn))
    finally:
        if not task.done():
            logger.debug("client left mid-answer; the turn completes in the background")


@router.get(
    "/{conversation_id}/messages",
    summary="List messages, optionally only those after an id",
    response_model=MessagesOut,
)
def get_messages(
    conversation_id: str,
    runtime: RuntimeDep,
    token: TokenDep,
    after: Annotated[
        int | None,
        Query(ge=0, le=MAX_MESSAGE_ID, description="Only messages with a greater id"),
    ] = None,
) -> dict[str, Any]:
    """Return the conversation's messages (history, or what was missed after a given id)."""
    authorize(runtime.db, conversation_id, token)
    msgs = list_messages(runtime.db, conversation_id, after=after)
    return {"messages": [message_dict(m) for m in msgs]}


@router.get(
    "/{conversation_id}/events",
    summary="Event stream of messages that arrive outside a request",
    description=(
        "Server-sent events: `message` (a liaison's or system message: the message JSON), "
        "`status` (handoff or mode changes), and keep-alive comments every 15 s."
    ),
    response_class=StreamingResponse,
    responses={429: {"description": "Too many event streams open on this conversation."}},
)
async def conversation_events(
    conversation_id: str, request: Request, runtime: RuntimeDep, token: TokenDep
) -> Response:
    """Stream the conversation's events until the client disconnects."""
    authorize(runtime.db, conversation_id, token)
    release = stream_slots(runtime.extras).acquire(
        f"conversation:{conversation_id}", MAX_STREAMS_PER_CONVERSATION
    )
    if release is None:
        return streams_busy()
    return StreamingResponse(
        limited_bus_stream(runtime.bus, conversation_topic(conversation_id), request, release),
        media_type="text/event-stream",
        headers=SSE_HEADERS,
    )
