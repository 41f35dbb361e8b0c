"""Conversation records: creation with a one-time token, lookup, messages."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from assistant.errors import AuthError, NotFoundError
from assistant.security import hash_token, new_token, token_matches
from assistant.store.db import Database
from assistant.store.models import Conversation, Message, iso_utc
from assistant.text_input import sanitize_text

ROLES = ("user", "assistant", "liaison", "system")


def create_conversation(
    db: Database,
    *,
    channel: str,
    locale: str = "en",
    channel_user_id: str | None = None,
) -> tuple[Conversation, str]:
    """Create a conversation and return it with its access token (shown once, stored hashed)."""
    token = new_token("c_")
    with db.session() as s:
        conv = Conversation(
            token_hash=hash_token(token),
            channel=channel,
            channel_user_id=channel_user_id,
            locale=locale,
            mode="qa",
            state={},
        )
        s.add(conv)
        s.flush()
        s.refresh(conv)
    return conv, token


def get_conversation(db: Database, conversation_id: str) -> Conversation:
    """Return the conversation or raise NotFoundError."""
    with db.session() as s:
        conv = s.get(Conversation, conversation_id)
        if conv is None:
            raise NotFoundError("conversation not found")
        return conv


def authorize(db: Database, conversation_id: str, token: str | None) -> Conversation:
    """Return the conversation when `token` is its own; 404 for unknown ids, 401 otherwise."""
    conv = get_conversation(db, conversation_id)
    if not token or not token_matches(token, conv.token_hash):
        raise AuthError("missing or wrong conversation token")
    return conv


def find_by_channel_user(db: Database, channel: str, channel_user_id: str) -> Conversation | None:
    """Return the conversation mapped to a channel's user (e.g. a Telegram chat), if any."""
    with db.session() as s:
        return s.scalars(
            select(Conversation).where(
                Conversation.channel == channel, Conversation.channel_user_id == channel_user_id
            )
        ).first()


def add_message(
    session: Session,
    conversation_id: str,
    role: str,
    text: str,
    *,
    citations: list[dict[str, Any]] | None = None,
    meta: dict[str, Any] | None = None,
) -> Message:
    """Append a message inside an open session and return it with its id assigned."""
    if role not in ROLES:
        raise ValueError(f"unknown role {role!r}")
    msg = Message(
        conversation_id=conversation_id,
        role=role,
        # Telegram and the CLI bypass the web API's input checks; every channel passes here.
        text=sanitize_text(text),
        citations=citations or [],
        meta=meta or {},
    )
    session.add(msg)
    session.flush()
    return msg


def list_messages(db: Database, conversation_id: str, after: int | None = None) -> list[Message]:
    """Return the conversation's messages in order, only those with id > after when given."""
    with db.session() as s:
        query = select(Message).where(Message.conversation_id == conversation_id)
        if after is not None:
            query = query.where(Message.id > after)
        return list(s.scalars(query.order_by(Message.id)))


def message_dict(msg: Message) -> dict[str, Any]:
    """Return the public JSON shape of a message (a liaison's carries their display name as `author`)."""
    meta = msg.meta or {}
    data: dict[str, Any] = {
        "id": msg.id,
        "role": msg.role,
        "text": msg.text,
        "created_at": iso_utc(msg.created_at),
        "citations": msg.citations or [],
        "suggestions": meta.get("suggestions", []),
    }
    author = meta.get("liaison") or meta.get("author")
    if author and msg.role in ("liaison", "system"):
        data["author"] = str(author)
    return data
