"""Handoff tickets: open, relay, claim, reply, note, resolve; the person's side and the liaison's side."""

from __future__ import annotations

import asyncio
import builtins
import logging
from collections.abc import Callable, Coroutine
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session

from assistant.config import Settings
from assistant.conversations import add_message, message_dict
from assistant.errors import ConflictError, NotFoundError, UserInputError
from assistant.events import LIAISON_TOPIC, EventBus, Outbound, conversation_topic
from assistant.handoff import texts
from assistant.handoff.detect import REASONS, SENSITIVE
from assistant.handoff.hours import BusinessHours
from assistant.handoff.intake_view import EMAIL_RE, contact_email, find_intake
from assistant.handoff.notify import Notifier
from assistant.handoff.summary import merge_citations, summarize
from assistant.handoff.views import (
    OPEN_STATUSES,
    STATUSES,
    handoff_detail,
    handoff_item,
    message_event,
    note_dict,
    public_ticket,
    status_event,
)
from assistant.store.db import Database
from assistant.store.models import Conversation, Handoff, HandoffNote, Liaison, Message, utcnow
from assistant.text_input import MAX_TEXT, sanitize_text

logger = logging.getLogger(__name__)

Clock = Callable[[], datetime]
# Channels where the person reads the event stream themselves; others need a push through Outbound.
STREAMED_CHANNELS = frozenset({"web", "api", "cli"})


def clean_text(text: str) -> str:
    """Return the trimmed text, or raise UserInputError when empty or longer than 4,000 characters."""
    text = sanitize_text(text or "").strip()
    if not text:
        raise UserInputError("text must not be empty")
    if len(text) > MAX_TEXT:
        raise UserInputError(f"text must be at most {MAX_TEXT} characters")
    return text


@dataclass(frozen=True)
class OpenedHandoff:
    """A ticket that is open for the conversation, and what to tell the person."""

    handoff: dict[str, Any]
    reply: str
    suggestions: list[str] = field(default_factory=list)
    created: bool = True


class HandoffService:
    """The ticket lifecycle shared by the engine (person's side) and the liaison API and console."""

    def __init__(
        self,
        settings: Settings,
        db: Database,
        bus: EventBus,
        outbound: Outbound,
        notifier: Notifier | None = None,
        clock: Clock | None = None,
    ) -> None:
        self.settings = settings
        self.db = db
        self.bus = bus
        self.outbound = outbound
        self.notifier = notifier or Notifier(settings)
        self.clock: Clock = clock or utcnow
        self.hours = BusinessHours.from_settings(settings)
        self._background: set[asyncio.Task[None]] = set()

    # The person's side --------------------------------------------------------------

    async def open(
        self,
        conversation_id: str,
        reason: str,
        *,
        locale: str,
        cited: list[dict[str, Any]] | None = None,
    ) -> OpenedHandoff:
        """Open a ticket for the conversation (or return the one already open) and say what happens next.

        Args:
            conversation_id: the person's conversation.
            reason: one of detect.REASONS (why the person goes to a liaison).
            locale: the language to answer in ("en" or "fr").
            cited: knowledge passages already shown to the person (added to those in the transcript).

        Returns:
            The ticket's public dict {"id", "status"}, the reply for the person and suggestions.
            The caller stores and sends the reply; this method does not add it to the transcript.
        """
        if reason not in REASONS:
            raise UserInputError(f"unknown handoff reason {reason!r}")
        now = self.clock()
        with self.db.session() as s:
            conv = self._conversation(s, conversation_id)
            existing = self._open_ticket(s, conv)
            if existing is not None:
                held = existing.status == "active"
                reply = texts.say(texts.ALREADY_HELD if held else texts.ALREADY_OPEN, locale)
                return OpenedHandoff(public_ticket(existing), reply, [], created=False)
            transcript = [message_dict(m) for m in self._messages(s, conv.id)]
            intake = find_intake(s, conv)
            ticket = Handoff(
                conversation_id=conv.id,
                status="waiting",
                reason=reason,
                summary=summarize(
                    transcript, intake, reason=reason, locale=locale, channel=conv.channel
                ),
                meta={
                    "cited": merge_citations(cited, *(m["citations"] for m in transcript)),
                    "locale": locale,
                    "acks": 0,
                    "contact_email": contact_email(intake),
                },
                created_at=now,
                updated_at=now,
            )
            s.add(ticket)
            s.flush()
            conv.mode = "handoff"
            conv.state = {**(conv.state or {}), "handoff_id": ticket.id}
            reply = self._open_reply(
                reason, locale, conv.channel, ticket.meta.get("contact_email"), now
            )
            item = handoff_item(s, ticket, now=now)
            public = public_ticket(ticket)
        logger.info("handoff %s opened (%s, %s)", public["id"], reason, locale)
        await self.bus.publish(conversation_topic(conversation_id), status_event("handoff", public))
        await self.bus.publish(LIAISON_TOPIC, {"type": "handoff_created", "data": item})
        self._spawn(self.notifier.ticket_created(item))
        return OpenedHandoff(public, reply, [])

    def _open_reply(
        self, reason: str, locale: str, channel: str, email: str | None, now: datetime
    ) -> str:
        parts: list[str] = []
        if reason == "safety":
            parts.append(texts.say(texts.SAFETY_PREFACE, locale))
        if reason in SENSITIVE:
            parts.append(texts.say(texts.SENSITIVE_PREFACE, locale))
        if self.hours.is_open(now):
            parts.append(texts.say(texts.OPEN_IN_HOURS, locale))
        else:
            when = self.hours.describe_next_opening(now, locale)
            parts.append(texts.say(texts.OPEN_AFTER_HOURS, locale, when=when))
            if channel not in STREAMED_CHANNELS:
                parts.append(texts.say(texts.PUSH_CHANNEL, locale))
            elif email:
                parts.append(texts.say(texts.EMAIL_KNOWN, locale, email=email))
            else:
                parts.append(texts.say(texts.ASK_EMAIL, locale))
        return " ".join(parts)

    async def on_user_message(
        self, conversation_id: str, message: dict[str, Any]
    ) -> tuple[dict[str, Any], str | None]:
        """Relay the person's message to liaisons; return the ticket and an acknowledgement, or None once claimed.

        When the ticket was resolved in the meantime (a liaison closed it while this message was in
        flight), return the resolved ticket and no acknowledgement: the person was just told they are
        back with the assistant.
        """
        now = self.clock()
        ack: str | None = None
        with self.db.session() as s:
            conv = self._conversation(s, conversation_id)
            ticket = self._open_ticket(s, conv)
            if ticket is None:
                latest = s.scalars(
                    select(Handoff)
                    .where(Handoff.conversation_id == conv.id)
                    .order_by(Handoff.created_at.desc())
                ).first()
                logger.debug("message after the handoff closed in %s", conversation_id)
                return (
                    public_ticket(latest) if latest else {"id": None, "status": "resolved"}
                ), None
            meta = dict(ticket.meta or {})
            locale = conv.locale or meta.get("locale", "en")
            found = EMAIL_RE.search(str(message.get("text", "")))
            if ticket.status == "waiting":
                if found and not meta.get("contact_email"):
                    meta["contact_email"] = found.group(0)
                    ack = texts.say(texts.ACK_EMAIL, locale, email=found.group(0))
                elif meta.get("acks", 0) == 0:
                    ack = texts.say(texts.ACK_FIRST, locale)
                else:
                    ack = texts.say(texts.ACK_BRIEF, locale)
                meta["acks"] = int(meta.get("acks", 0)) + 1
            elif found and not meta.get("contact_email"):
                meta["contact_email"] = found.group(0)
            meta["last_user_message_at"] = now.isoformat()
            ticket.meta = meta
            ticket.updated_at = now
            public = public_ticket(ticket)
        event = {
            "type": "user_message",
            "id": message.get("id"),
            "data": {
                "handoff_id": public["id"],
                "conversation_id": conversation_id,
                "message": message,
            },
        }
        await self.bus.publish(LIAISON_TOPIC, event)
        return public, ack

    # The liaison's side -------------------------------------------------------------

    def list(self, status: str | None = None, *, limit: int = 200) -> list[dict[str, Any]]:
        """Return tickets (waiting first, oldest first; then active; then the latest resolved)."""
        if status is not None and status not in STATUSES:
            raise UserInputError(f"status must be one of {', '.join(STATUSES)}")
        now = self.clock()
        statuses = [status] if status else list(STATUSES)
        items: list[dict[str, Any]] = []
        with self.db.session() as s:
            for st in statuses:
                order = (
                    Handoff.created_at.asc() if st in OPEN_STATUSES else Handoff.created_at.desc()
                )
                rows = s.scalars(
                    select(Handoff).where(Handoff.status == st).order_by(order).limit(limit)
                )
                items.extend(handoff_item(s, row, now=now) for row in rows)
        return items[:limit]

    def get(self, handoff_id: str) -> dict[str, Any]:
        """Return one ticket with its transcript, notes, cited passages and marked intake."""
        with self.db.session() as s:
            return handoff_detail(s, self._ticket(s, handoff_id), now=self.clock())

    async def claim(self, handoff_id: str, liaison_id: int) -> dict[str, Any]:
        """Take the ticket (409 when another liaison holds it); the person is told who joined."""
        now = self.clock()
        with self.db.session() as s:
            ticket = self._ticket(s, handoff_id)
            liaison = self._liaison(s, liaison_id)
            if ticket.status == "resolved":
                raise ConflictError("this handoff is already resolved")
            if ticket.claimed_by == liaison_id:
                return handoff_item(s, ticket, now=now)
            taken = s.execute(
                update(Handoff)
                .where(
                    Handoff.id == handoff_id,
                    Handoff.status != "resolved",
                    or_(Handoff.claimed_by.is_(None), Handoff.claimed_by == liaison_id),
                )
                .values(status="active", claimed_by=liaison_id, claimed_at=now, updated_at=now)
                .execution_options(synchronize_session=False)
            )
            if getattr(taken, "rowcount", 0) != 1:
                raise ConflictError("another liaison has already claimed this handoff")
            s.refresh(ticket)
            conv = self._conversation(s, ticket.conversation_id)
            text = texts.say(texts.JOINED, conv.locale, name=liaison.name)
            msg = add_message(s, conv.id, "system", text, meta={"liaison": liaison.name})
            event = message_event(msg, author=liaison.name)
            item = handoff_item(s, ticket, now=now)
            channel = conv.channel
        logger.info("handoff %s claimed by liaison %s", handoff_id, liaison_id)
        await self._announce(
            channel,
            item,
            event,
            status_event("handoff", {"id": handoff_id, "status": "active"}, liaison=liaison.name),
            "handoff_claimed",
        )
        return item

    async def reply(self, handoff_id: str, liaison_id: int, text: str) -> dict[str, Any]:
        """Send the liaison's message to the person (claiming a waiting ticket first)."""
        text = clean_text(text)
        with self.db.session() as s:
            ticket = self._ticket(s, handoff_id)
            self._check_holder(ticket, liaison_id)
            needs_claim = ticket.status == "waiting"
        if needs_claim:
            await self.claim(handoff_id, liaison_id)
        with self.db.session() as s:
            ticket = self._ticket(s, handoff_id)
            self._check_holder(ticket, liaison_id)
            liaison = self._liaison(s, liaison_id)
            conv = self._conversation(s, ticket.conversation_id)
            msg = add_message(
                s,
                conv.id,
                "liaison",
                text,
                meta={"liaison": liaison.name, "liaison_id": liaison.id},
            )
            ticket.updated_at = self.clock()
            event = message_event(msg, author=liaison.name)
            channel, conversation_id = conv.channel, conv.id
        await self._to_person(channel, conversation_id, event)
        await self.bus.publish(
            LIAISON_TOPIC,
            {
                "type": "liaison_message",
                "id": event["id"],
                "data": {
                    "handoff_id": handoff_id,
                    "conversation_id": conversation_id,
                    "message": event["data"],
                },
            },
        )
        return dict(event["data"])

    async def add_note(self, handoff_id: str, liaison_id: int, text: str) -> dict[str, Any]:
        """Add an internal note to the ticket (never shown to the person)."""
        text = clean_text(text)
        with self.db.session() as s:
            ticket = self._ticket(s, handoff_id)
            liaison = self._liaison(s, liaison_id)
            note = HandoffNote(
                handoff_id=ticket.id, liaison_id=liaison.id, text=text, created_at=self.clock()
            )
            s.add(note)
            s.flush()
            data = note_dict(note, liaison.name)
        await self.bus.publish(
            LIAISON_TOPIC, {"type": "note_added", "data": {"handoff_id": handoff_id, "note": data}}
        )
        return data

    async def resolve(self, handoff_id: str, liaison_id: int) -> dict[str, Any]:
        """Close the ticket and give the conversation back to the assistant."""
        now = self.clock()
        with self.db.session() as s:
            ticket = self._ticket(s, handoff_id)
            liaison = self._liaison(s, liaison_id)
            if ticket.status == "resolved":
                return handoff_item(s, ticket, now=now)
            if ticket.claimed_by not in (None, liaison_id) and liaison.role != "admin":
                raise ConflictError("another liaison holds this handoff")
            ticket.status = "resolved"
            ticket.resolved_at = now
            ticket.updated_at = now
            if ticket.claimed_by is None:
                ticket.claimed_by = liaison_id
            conv = self._conversation(s, ticket.conversation_id)
            conv.mode = "qa"
            conv.state = {k: v for k, v in (conv.state or {}).items() if k != "handoff_id"}
            msg = add_message(s, conv.id, "assistant", texts.say(texts.RESOLVED, conv.locale))
            event = message_event(msg)
            item = handoff_item(s, ticket, now=now)
            channel = conv.channel
        logger.info("handoff %s resolved by liaison %s", handoff_id, liaison_id)
        await self._announce(
            channel,
            item,
            event,
            status_event("qa", {"id": handoff_id, "status": "resolved"}),
            "handoff_resolved",
        )
        return item

    async def release(self, handoff_id: str, liaison_id: int, note: str) -> dict[str, Any] | None:
        """Put a ticket the liaison holds back in the waiting queue (e.g. their account was disabled).

        The ticket gets an internal note (`note`), the person is told another liaison will join;
        return the queue entry, or None when the liaison no longer holds an open ticket there.
        The holder's account may already be inactive.
        """
        note = clean_text(note)
        now = self.clock()
        with self.db.session() as s:
            ticket = self._ticket(s, handoff_id)
            holder = s.get(Liaison, liaison_id)
            released = s.execute(
                update(Handoff)
                .where(
                    Handoff.id == handoff_id,
                    Handoff.status == "active",
                    Handoff.claimed_by == liaison_id,
                )
                .values(status="waiting", claimed_by=None, claimed_at=None, updated_at=now)
                .execution_options(synchronize_session=False)
            )
            if getattr(released, "rowcount", 0) != 1:
                return None
            s.refresh(ticket)
            s.add(HandoffNote(handoff_id=ticket.id, liaison_id=None, text=note, created_at=now))
            conv = self._conversation(s, ticket.conversation_id)
            name = holder.name if holder else "The liaison"
            text = texts.say(texts.REQUEUED, conv.locale, name=name)
            msg = add_message(s, conv.id, "system", text, meta={"requeued": True})
            event = message_event(msg)
            item = handoff_item(s, ticket, now=now)
            channel = conv.channel
        logger.info("handoff %s released by liaison %s", handoff_id, liaison_id)
        await self._announce(
            channel,
            item,
            event,
            status_event("handoff", {"id": handoff_id, "status": "waiting"}),
            "handoff_released",
        )
        return item

    async def _announce(
        self,
        channel: str,
        item: dict[str, Any],
        event: dict[str, Any],
        status: dict[str, Any],
        kind: str,
    ) -> None:
        """Tell the person (message, then status) and the liaisons (`kind`) about a ticket change."""
        await self._to_person(channel, item["conversation_id"], event)
        await self.bus.publish(conversation_topic(item["conversation_id"]), status)
        await self.bus.publish(LIAISON_TOPIC, {"type": kind, "data": item})

    async def release_all(self, liaison_id: int, note: str) -> builtins.list[dict[str, Any]]:
        """Put every open ticket the liaison holds back in the waiting queue; return them."""
        with self.db.session() as s:
            held = builtins.list(
                s.scalars(
                    select(Handoff.id)
                    .where(Handoff.claimed_by == liaison_id, Handoff.status == "active")
                    .order_by(Handoff.created_at)
                )
            )
        items = [await self.release(handoff_id, liaison_id, note) for handoff_id in held]
        return [item for item in items if item is not None]

    async def withdraw(
        self, conversation_id: str, *, locale: str
    ) -> tuple[str, builtins.list[str]]:
        """Cancel the person's open request for a liaison (their choice) and hand back to the assistant.

        Returns what to tell the person; the caller stores it (the engine does, as its reply).
        """
        now = self.clock()
        with self.db.session() as s:
            conv = self._conversation(s, conversation_id)
            ticket = self._open_ticket(s, conv)
            locale = conv.locale or locale
            conv.mode = "qa"
            conv.state = {k: v for k, v in (conv.state or {}).items() if k != "handoff_id"}
            if ticket is None:
                return texts.say(texts.WITHDRAWN, locale), []
            ticket.status = "resolved"
            ticket.resolved_at = now
            ticket.updated_at = now
            ticket.meta = {**(ticket.meta or {}), "withdrawn_by_person": True}
            text = texts.say(texts.WITHDRAWN, locale)
            item = handoff_item(s, ticket, now=now)
        logger.info("handoff %s withdrawn by the person", item["id"])
        await self.bus.publish(
            conversation_topic(conversation_id),
            status_event("qa", {"id": item["id"], "status": "resolved"}),
        )
        await self.bus.publish(LIAISON_TOPIC, {"type": "handoff_resolved", "data": item})
        return text, []

    async def aclose(self) -> None:
        """Wait for pending notifications (call on shutdown)."""
        if self._background:
            await asyncio.gather(*self._background, return_exceptions=True)

    # Helpers ------------------------------------------------------------------------

    async def _to_person(self, channel: str, conversation_id: str, event: dict[str, Any]) -> None:
        await self.bus.publish(conversation_topic(conversation_id), event)
        if channel not in STREAMED_CHANNELS:
            delivered = await self.outbound.deliver(channel, conversation_id, event)
            if not delivered:
                logger.warning("could not push a message to %s conversation", channel)

    def _spawn(self, coro: Coroutine[Any, Any, None]) -> None:
        task = asyncio.get_running_loop().create_task(coro)
        self._background.add(task)
        task.add_done_callback(self._background.discard)

    @staticmethod
    def _check_holder(ticket: Handoff, liaison_id: int) -> None:
        if ticket.status == "resolved":
            raise ConflictError("this handoff is already resolved")
        if ticket.claimed_by is not None and ticket.claimed_by != liaison_id:
            raise ConflictError("another liaison holds this handoff")

    @staticmethod
    def _conversation(s: Session, conversation_id: str) -> Conversation:
        conv = s.get(Conversation, conversation_id)
        if conv is None:
            raise NotFoundError("conversation not found")
        return conv

    @staticmethod
    def _ticket(s: Session, handoff_id: str) -> Handoff:
        ticket = s.get(Handoff, handoff_id)
        if ticket is None:
            raise NotFoundError("handoff not found")
        return ticket

    @staticmethod
    def _liaison(s: Session, liaison_id: int) -> Liaison:
        liaison = s.get(Liaison, liaison_id)
        if liaison is None or not liaison.active:
            raise NotFoundError("liaison not found")
        return liaison

    @staticmethod
    def _open_ticket(s: Session, conv: Conversation) -> Handoff | None:
        return s.scalars(
            select(Handoff)
            .where(Handoff.conversation_id == conv.id, Handoff.status.in_(OPEN_STATUSES))
            .order_by(Handoff.created_at.desc())
        ).first()

    @staticmethod
    def _messages(s: Session, conversation_id: str) -> builtins.list[Message]:
        return builtins.list(
            s.scalars(
                select(Message)
                .where(Message.conversation_id == conversation_id)
                .order_by(Message.id)
            )
        )
