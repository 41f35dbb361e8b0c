"""Conversation API used by the web widget and integrators (a contract: keep paths and fields)."""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import AsyncIterator, Callable
from typing import Annotated, Any, Literal

import anyio
from fastapi import APIRouter, Depends, Header, Query, Request
from fastapi.responses import JSONResponse, Response, StreamingResponse
from pydantic import BaseModel, Field, field_validator
from sqlalchemy.exc import SQLAlchemyError

from assistant.conversations import (
    add_message,
    authorize,
    create_conversation,
    list_messages,
    message_dict,
)
from assistant.engine import Turn
from assistant.errors import StoreUnavailableError, WilError
from assistant.events import conversation_topic
from assistant.store.locks import ConversationLocks
from assistant.text_input import MAX_TEXT, validate_message_text
from channels.web.backpressure import UNAVAILABLE_TEXT, say, turn_gate
from channels.web.deps import AssistantDep, ConversationDep, RuntimeDep, TokenDep
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
LOCKS_KEY = "conversation_locks"


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


# Characters that do not count as text: spaces of every kind, line breaks and control characters
# (dropped before storing). A message needs at least one other character; the schema says so too.
_BLANK = "\x00-\x20\x7f\x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff"
CLIENT_ID_PATTERN = r"^[A-Za-z0-9._:-]{1,64}$"


_HAS_TEXT = re.compile(f"[^{_BLANK}]")


def message_text(description: str) -> Any:
    """Return the schema of a message's text: 1 to 4,000 characters, not only spaces.

    The server checks exactly what the schema says (`check_message_text`), with sentences for
    people instead of a regular expression in the error.
    """
    return Field(
        ...,
        description=description,
        json_schema_extra={"minLength": 1, "maxLength": MAX_TEXT, "pattern": _HAS_TEXT.pattern},
    )


def check_message_text(value: str) -> str:
    """Return the text trimmed and cleaned; raise ValueError where the schema refuses it."""
    cleaned = validate_message_text(value)  # unpaired surrogates, empty, too long once trimmed
    if len(value) > MAX_TEXT:
        raise ValueError(f"text must be at most {MAX_TEXT} characters")
    if not _HAS_TEXT.search(value):
        raise ValueError("text must not be empty")
    return cleaned


class PostMessage(BaseModel):
    """A message from the person: 1 to 4,000 characters, at least one of them not a space."""

    text: str = message_text("What the person typed (1-4000 characters, not only spaces).")
    client_message_id: str | None = Field(
        default=None,
        pattern=CLIENT_ID_PATTERN,
        description=(
            "An id the client gives this message (1-64 letters, digits, `.`, `_`, `:`, `-`) and "
            "sends again when it retries: the message is stored once and a retry gets the same "
            "turn back. The `Idempotency-Key` header does the same; the field wins if both are set."
        ),
    )

    @field_validator("text")
    @classmethod
    def _trim(cls, value: str) -> str:
        return check_message_text(value)


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
        503: {
            "description": (
                "The worker is saturated, the conversation's previous message is still being "
                "answered, or the database is unreachable; `detail` says so in the person's "
                "language. Send the same message again (same client id) after Retry-After."
            )
        },
    },
    dependencies=[Depends(limit_messages)],
)
async def post_message(
    conversation_id: str,
    body: PostMessage,
    request: Request,
    runtime: RuntimeDep,
    assistant: AssistantDep,
    conv: ConversationDep,
    accept: Annotated[str | None, Header()] = None,
    idempotency_key: Annotated[
        str | None,
        Header(
            alias="Idempotency-Key",
            pattern=CLIENT_ID_PATTERN,
            description="Same as `client_message_id` in the body.",
        ),
    ] = None,
) -> Any:
    """Handle one message from the person."""
    client_id = body.client_message_id or idempotency_key
    release = await turn_gate(runtime.extras).enter(conv.locale)
    if accept and "text/event-stream" in accept:
        return StreamingResponse(
            _stream_turn(runtime, assistant, conversation_id, body.text, client_id, release),
            media_type="text/event-stream",
            headers=SSE_HEADERS,
        )
    try:
        async with conversation_locks(runtime).hold(conversation_id):
            if await request.is_disconnected():
                # Nobody is waiting for this answer: the client sends the message again if it
                # still wants one, and nothing was stored.
                logger.debug("client left before its turn started; not running it")
                return Response(status_code=204)
            turn = await assistant.handle(conversation_id, body.text, client_message_id=client_id)
    finally:
        release()
    return JSONResponse(turn_payload(turn))


def conversation_locks(runtime: Any) -> ConversationLocks:
    """Return the worker's per-conversation turn locks (created on first use)."""
    locks = runtime.extras.get(LOCKS_KEY)
    if locks is None:
        locks = runtime.extras.setdefault(LOCKS_KEY, ConversationLocks(runtime.db))
    return locks  # type: ignore[no-any-return]


_RUNNING: set[asyncio.Task[Any]] = set()


def _stream_turn(
    runtime: Any,
    assistant: Any,
    conversation_id: str,
    text: str,
    client_id: str | None,
    release: Callable[[], None],
) -> AsyncIterator[str]:
    """Start the turn now and return the SSE frames of its answer.

    The turn runs in its own task, started before the response is: a client that goes away, even
    before the first frame, does not stop it, and its slot in the gate is given back when it ends.
    """
    queue: asyncio.Queue[str | None] = asyncio.Queue()

    async def on_delta(fragment: str) -> None:
        await queue.put(fragment)

    async def run() -> Turn:
        try:
            async with conversation_locks(runtime).hold(conversation_id):
                return await assistant.handle(  # type: ignore[no-any-return]
                    conversation_id, text, on_delta=on_delta, client_message_id=client_id
                )
        finally:
            release()
            await queue.put(None)

    task = asyncio.create_task(run())
    # If the client goes away mid-answer, the turn still completes and is stored, so the
    # history has the answer after a reload (and a retry gets it back); keep a reference.
    _RUNNING.add(task)
    task.add_done_callback(_RUNNING.discard)
    task.add_done_callback(_consume_error)
    return _frames(queue, task)


def _consume_error(task: asyncio.Task[Any]) -> None:
    """Mark a background turn's failure as seen (its frames reported it, or nobody was there)."""
    if not task.cancelled():
        task.exception()


async def _frames(queue: asyncio.Queue[str | None], task: asyncio.Task[Turn]) -> AsyncIterator[str]:
    try:
        while True:
            fragment = await queue.get()
            if fragment is None:
                break
            yield sse("delta", {"text": fragment})
        try:
            turn = await task
        except Exception as exc:
            status, detail = public_error(exc)
            if status >= 500 and not isinstance(exc, WilError):
                logger.exception("turn failed while streaming")
            yield sse("error", {"detail": detail, "status": status})
            return
        yield sse("final", turn_payload(turn))
    finally:
        if not task.done():
            logger.debug("client left mid-answer; the turn completes in the background")


def public_error(exc: BaseException, locale: str | None = None) -> tuple[int, str]:
    """Return the status and the sentence a person sees for a failed turn."""
    if isinstance(exc, StoreUnavailableError | SQLAlchemyError):
        return 503, say(UNAVAILABLE_TEXT, locale)
    if isinstance(exc, WilError):
        if exc.status_code < 500 or exc.status_code == 503:
            return exc.status_code, str(exc) or exc.public_message
        return exc.status_code, exc.public_message
    return 500, "Sorry, something went wrong. Please try again."


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
    await anyio.to_thread.run_sync(authorize, runtime.db, conversation_id, token)
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
