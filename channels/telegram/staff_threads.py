"""How the staff desk keeps up: notifier listeners, and which group message shows each ticket."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import Any

from sqlalchemy.exc import SQLAlchemyError

from channels.telegram.chats import handoff_service
from channels.telegram.tickets import claim_relay, save_staff_message, staff_message

logger = logging.getLogger(__name__)

POSTED_WAIT_S = 3.0


class TicketThreads:
    """The ticket↔message links of one staff group, so replies thread after a restart and on any worker."""

    def __init__(self, db: Any, chat_id: int) -> None:
        self.db = db
        self.chat_id = chat_id
        self._messages: dict[str, int] = {}
        self._posting: dict[str, asyncio.Event] = {}

    def posting(self, handoff_id: str) -> asyncio.Event:
        """Return the event set once this worker has tried to post the ticket (relays wait for it)."""
        return self._posting.setdefault(handoff_id, asyncio.Event())

    def posted_here(self, handoff_id: str) -> bool:
        """Return True when this worker posted (or is posting) the ticket."""
        return handoff_id in self._posting

    async def remember(self, handoff_id: str, message_id: int) -> None:
        """Keep the link in memory and in the ticket's meta (a database error only logs)."""
        self._messages[handoff_id] = message_id
        try:
            await asyncio.to_thread(
                save_staff_message, self.db, handoff_id, self.chat_id, message_id
            )
        except SQLAlchemyError as exc:
            logger.warning("staff message of %s kept in memory only (%s)", handoff_id[:8], exc)

    async def message_id(self, handoff_id: str, *, wait: bool = False) -> int | None:
        """Return the ticket's message in the group, from memory or else from the ticket's meta."""
        if not handoff_id:
            return None
        if wait:
            await self._wait_posted(handoff_id)
        if handoff_id not in self._messages:
            try:
                found = await asyncio.to_thread(staff_message, self.db, handoff_id, self.chat_id)
            except SQLAlchemyError as exc:
                logger.warning("staff message of %s unknown (%s)", handoff_id[:8], exc)
                return None
            if found is None:
                return None
            self._messages[handoff_id] = found
        return self._messages[handoff_id]

    async def claim(self, kind: str, data: dict[str, Any], event: dict[str, Any]) -> bool:
        """Return True when this worker should post the event: the first to mark it on the ticket."""
        handoff_id = str(data.get("handoff_id") or "")
        message_id = (data.get("message") or {}).get("id") or event.get("id")
        if not handoff_id or message_id is None:
            return self.posted_here(handoff_id)
        await self._wait_posted(handoff_id)
        try:
            return bool(
                await asyncio.to_thread(claim_relay, self.db, handoff_id, f"{kind}:{message_id}")
            )
        except SQLAlchemyError as exc:
            logger.warning("relay of %s undecided (%s)", handoff_id[:8], exc)
            return self.posted_here(handoff_id)

    async def _wait_posted(self, handoff_id: str) -> None:
        posting = self._posting.get(handoff_id)
        if posting is not None and not posting.is_set():
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(posting.wait(), POSTED_WAIT_S)


def notifiers(runtime: Any) -> list[Any]:
    """Return the distinct notifiers that may announce tickets (the engine's and the API's)."""
    found: list[Any] = []
    candidates = [getattr(runtime, "notifier", None)]
    service = handoff_service(runtime)
    candidates.append(getattr(service, "notifier", None))
    for notifier in candidates:
        if notifier is not None and all(notifier is not n for n in found):
            found.append(notifier)
    return found


def relay_for(runtime: Any, notifier: Any) -> None:
    """Add (once per notifier) a listener that forwards to the staff desk currently running."""
    registered: list[Any] = runtime.extras.setdefault("telegram_notifiers", [])
    if any(notifier is n for n in registered):
        return

    async def relay(kind: str, payload: dict[str, Any]) -> None:
        desk = runtime.extras.get("telegram_staff")
        if desk is not None:
            await desk.on_notification(kind, payload)

    notifier.add_listener(relay)
    registered.append(notifier)
