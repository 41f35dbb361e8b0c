"""Liaisons on Telegram: tickets posted to the staff group, claimed, answered and resolved from there."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import re
from typing import TYPE_CHECKING, Any

from sqlalchemy.exc import SQLAlchemyError
from telegram import LinkPreviewOptions, Message, Update
from telegram.constants import ParseMode
from telegram.error import BadRequest, TelegramError
from telegram.ext import (
    BaseHandler,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

from assistant.errors import ConflictError, NotFoundError, UserInputError
from assistant.events import LIAISON_TOPIC, InMemoryBus
from assistant.queue_view import enrich
from channels.telegram.chats import handoff_service
from channels.telegram.render import Outgoing, escape
from channels.telegram.staff_threads import TicketThreads, notifiers, relay_for
from channels.telegram.tickets import (
    LinkedLiaison,
    intake_keyboard,
    intake_text,
    liaison_for,
    link_liaison,
    ticket_by_prefix,
    ticket_keyboard,
    ticket_text,
)

if TYPE_CHECKING:
    from channels.telegram.bot import TelegramBot

logger = logging.getLogger(__name__)

CALLBACK = re.compile(r"^(claim|resolve):([0-9a-f]{32})$")
TAG = re.compile(r"#([0-9a-f]{8})\b")
NO_PREVIEW = LinkPreviewOptions(is_disabled=True)
MAX_RELAYED = 3800
LINK_FIRST = (
    "Link your liaison account first: open a private chat with me and send "
    "/link followed by your API token."
)


class StaffDesk:
    """The staff group: ticket messages with buttons, replies relayed to people, status kept current."""

    def __init__(self, owner: TelegramBot) -> None:
        self.owner = owner
        self.runtime = owner.runtime
        self.settings = owner.settings
        assert self.settings.telegram_staff_chat_id is not None  # built only when configured
        self.chat_id: int = self.settings.telegram_staff_chat_id
        self.threads = TicketThreads(self.runtime.db, self.chat_id)
        self._shown: dict[str, str] = {}
        self._sent_from_group: set[Any] = set()
        self._bus_task: asyncio.Task[None] | None = None

    def handlers(self) -> list[BaseHandler[Any, Any, Any]]:
        """Return the staff handlers (buttons, /link, ticket commands, replies in the group)."""
        in_group = filters.Chat(self.chat_id) & filters.UpdateType.MESSAGE
        return [
            CallbackQueryHandler(self.on_button, pattern=CALLBACK),
            CommandHandler("link", self.on_link, filters=filters.UpdateType.MESSAGE),
            CommandHandler(["note", "claim", "resolve"], self.on_command, filters=in_group),
            MessageHandler(
                in_group & filters.REPLY & filters.TEXT & ~filters.COMMAND, self.on_reply
            ),
        ]

    def start(self) -> None:
        """Listen for new tickets (notifier) and for queue events (bus)."""
        for notifier in notifiers(self.runtime):
            relay_for(self.runtime, notifier)
        self.runtime.extras["telegram_staff"] = self
        self._bus_task = asyncio.create_task(self._watch_bus(), name="telegram-staff-bus")

    async def stop(self) -> None:
        """Stop listening."""
        if self.runtime.extras.get("telegram_staff") is self:
            self.runtime.extras.pop("telegram_staff", None)
        if self._bus_task is not None:
            self._bus_task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._bus_task

    # Events from the assistant ---------------------------------------------------------

    async def on_notification(self, kind: str, payload: dict[str, Any]) -> None:
        """Post a new ticket, or a submitted intake, to the staff group."""
        if kind == "ticket_created":
            await self.post_ticket(payload)
        elif kind == "intake_submitted":
            await self.post_intake(payload)

    async def post_intake(self, item: dict[str, Any]) -> None:
        """Send a card for a submitted intake (who, key fields, routed institutions, console link)."""
        short = str(item.get("id", ""))[:8]
        if not self.owner.ready:
            logger.warning("intake %s not posted to the staff group: Telegram not connected", short)
            return
        try:
            await self.owner.bot.send_message(
                self.chat_id,
                intake_text(item),
                parse_mode=ParseMode.HTML,
                reply_markup=intake_keyboard(public_url=self.settings.public_url),
                link_preview_options=NO_PREVIEW,
            )
        except TelegramError as exc:
            logger.warning("could not post intake %s (%s)", short, type(exc).__name__)

    async def post_ticket(self, item: dict[str, Any]) -> None:
        """Send the ticket message with its buttons and remember it for threading."""
        handoff_id = str(item.get("id", ""))
        posted = self.threads.posting(handoff_id)
        try:
            if not self.owner.ready:
                logger.warning(
                    "handoff %s not posted to the staff group: Telegram not connected",
                    handoff_id[:8],
                )
                return
            text = await self._ticket_text(item)
            message = await self.owner.bot.send_message(
                self.chat_id,
                text,
                parse_mode=ParseMode.HTML,
                reply_markup=ticket_keyboard(item, public_url=self.settings.public_url),
                link_preview_options=NO_PREVIEW,
            )
            self._shown[handoff_id] = text
            await self.threads.remember(handoff_id, message.message_id)
        except TelegramError as exc:
            logger.warning(
                "could not post handoff %s to the staff group (%s)",
                handoff_id[:8],
                type(exc).__name__,
            )
        finally:
            posted.set()

    async def relay_user_message(self, data: dict[str, Any]) -> None:
        """Post the person's message into the group, as a reply to its ticket."""
        handoff_id = str(data.get("handoff_id", ""))
        message = data.get("message") or {}
        text = str(message.get("text") or data.get("text") or "").strip()
        if not handoff_id or not text:
            return
        reply_to = await self.threads.message_id(handoff_id, wait=True)
        body = f"👤 <b>#{escape(handoff_id[:8])}</b> person: {escape(text[:MAX_RELAYED])}"
        await self._post(body, reply_to)

    async def relay_liaison_message(self, data: dict[str, Any]) -> None:
        """Show in the group what a liaison answered from the console (replies from here are not echoed)."""
        message = data.get("message") or {}
        if message.get("id") in self._sent_from_group:
            self._sent_from_group.discard(message.get("id"))
            return
        handoff_id = str(data.get("handoff_id", ""))
        author = str(message.get("author") or "A liaison")
        text = str(message.get("text") or "").strip()
        if not text:
            return
        reply_to = await self.threads.message_id(handoff_id, wait=True)
        body = (
            f"↪️ <b>#{escape(handoff_id[:8])}</b> {escape(author)} (console): "
            f"{escape(text[:MAX_RELAYED])}"
        )
        await self._post(body, reply_to)

    async def refresh(self, item: dict[str, Any], message_id: int | None = None) -> None:
        """Edit the ticket message to show the ticket's current status."""
        handoff_id = str(item.get("id", ""))
        message_id = message_id or await self.threads.message_id(handoff_id, wait=True)
        if message_id is None or not self.owner.ready:
            return
        text = await self._ticket_text(item)
        if self._shown.get(handoff_id) == text:
            return
        self._shown[handoff_id] = text
        try:
            await self.owner.bot.edit_message_text(
                text,
                chat_id=self.chat_id,
                message_id=message_id,
                parse_mode=ParseMode.HTML,
                reply_markup=ticket_keyboard(item, public_url=self.settings.public_url),
                link_preview_options=NO_PREVIEW,
            )
        except BadRequest as exc:
            if "not modified" not in str(exc).lower():
                logger.warning(
                    "could not update handoff %s in the staff group (%s)", handoff_id[:8], exc
                )
        except TelegramError as exc:
            logger.warning(
                "could not update handoff %s in the staff group (%s)",
                handoff_id[:8],
                type(exc).__name__,
            )

    async def _watch_bus(self) -> None:
        one_worker = isinstance(self.runtime.bus, InMemoryBus)
        async for event in self.runtime.bus.subscribe(LIAISON_TOPIC):
            kind = event.get("type")
            data = event.get("data") or {}
            try:
                # With several workers (Redis bus) every worker hears the event; one posts it.
                posts = kind in ("user_message", "liaison_message")
                if (
                    posts
                    and not one_worker
                    and not await self.threads.claim(str(kind), data, event)
                ):
                    continue
                if kind == "user_message":
                    await self.relay_user_message(data)
                elif kind == "liaison_message":
                    await self.relay_liaison_message(data)
                elif kind in ("handoff_claimed", "handoff_released", "handoff_resolved"):
                    await self.refresh(data)
            except Exception:  # one bad event must not stop the staff desk
                logger.exception("staff group could not show a %s event", kind)

    # Liaisons acting in Telegram -----------------------------------------------------------

    async def on_link(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Link the sender's Telegram account to their liaison account (private chat only)."""
        message, chat, user = update.effective_message, update.effective_chat, update.effective_user
        if message is None or chat is None or user is None:
            return
        if chat.type != "private":
            if context.args:  # a token posted in a group is compromised: hide it and say so
                with contextlib.suppress(TelegramError):
                    await message.delete()
                await self.owner.bot.send_message(
                    chat.id,
                    "Never post your API token in a group: ask an admin for a new one, "
                    "then send /link to me in a private chat.",
                )
            return
        if not context.args:
            await message.reply_text("Send /link followed by your liaison API token.")
            return
        with contextlib.suppress(TelegramError):
            await message.delete()  # the token should not stay in the chat history
        linked = await asyncio.to_thread(link_liaison, self.runtime.db, context.args[0], user.id)
        if linked is None:
            await self.owner.bot.send_message(
                chat.id, "That token does not match an active liaison account."
            )
            return
        logger.info("liaison %s linked a Telegram account", linked.id)
        await self.owner.bot.send_message(
            chat.id, f"Linked: in the staff group you act as {linked.name}."
        )

    async def on_button(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Claim or resolve a ticket from its buttons."""
        query = update.callback_query
        match = CALLBACK.match(query.data or "") if query else None
        if query is None or match is None:
            return
        action, handoff_id = match.groups()
        who = await asyncio.to_thread(liaison_for, self.runtime.db, query.from_user.id)
        if who is None:
            await query.answer(LINK_FIRST, show_alert=True)
            return
        ticket_message = query.message.message_id if isinstance(query.message, Message) else None
        outcome = await self._act(action, handoff_id, who, ticket_message)
        await query.answer(outcome, show_alert=not outcome.startswith(("It's yours", "Resolved")))

    async def on_command(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Handle /note, /claim and /resolve sent as a reply to a ticket in the staff group."""
        message, user = update.effective_message, update.effective_user
        if message is None or user is None or not message.text:
            return
        command = message.text.split()[0][1:].split("@")[0].lower()
        handoff_id, ticket_message = await self._ticket_of(message.reply_to_message)
        if handoff_id is None:
            await message.reply_text(f"Reply to a ticket message with /{command}.")
            return
        who = await asyncio.to_thread(liaison_for, self.runtime.db, user.id)
        if who is None:
            await message.reply_text(LINK_FIRST)
            return
        if command != "note":
            await message.reply_text(await self._act(command, handoff_id, who, ticket_message))
            return
        note = " ".join(context.args or []).strip()
        if not note:
            await message.reply_text(
                "Write the note after the command: /note called back, will email Friday."
            )
            return
        await handoff_service(self.runtime).add_note(handoff_id, who.id, note)
        await _react(message)

    async def on_reply(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Send a liaison's reply to a ticket (or to a relayed message) to the person."""
        message, user = update.effective_message, update.effective_user
        if message is None or user is None or not message.text:
            return
        handoff_id, _ = await self._ticket_of(message.reply_to_message)
        if handoff_id is None:
            return
        who = await asyncio.to_thread(liaison_for, self.runtime.db, user.id)
        if who is None:
            await message.reply_text(LINK_FIRST)
            return
        try:
            sent = await handoff_service(self.runtime).reply(handoff_id, who.id, message.text)
        except ConflictError:
            await message.reply_text("Not sent. " + await self._held_by(handoff_id))
            return
        except (UserInputError, NotFoundError) as exc:
            await message.reply_text(f"Not sent: {exc}")
            return
        self._sent_from_group.add(sent.get("id"))
        await _react(message)

    # Helpers ---------------------------------------------------------------------------

    async def _act(
        self, action: str, handoff_id: str, who: LinkedLiaison, ticket_message: int | None
    ) -> str:
        service = handoff_service(self.runtime)
        try:
            if action == "claim":
                item = await service.claim(handoff_id, who.id)
            else:
                item = await service.resolve(handoff_id, who.id)
        except ConflictError:
            detail = await asyncio.to_thread(service.get, handoff_id)
            await self.refresh(detail, ticket_message)
            return await self._held_by(handoff_id, detail)
        except NotFoundError:
            return "This ticket no longer exists."
        await self.refresh(item, ticket_message)
        if action == "claim":
            return "It's yours: reply to the ticket message to write to the person."
        return "Resolved: the assistant is back with the person."

    async def _held_by(self, handoff_id: str, detail: dict[str, Any] | None = None) -> str:
        info: dict[str, Any] = (
            detail
            if detail is not None
            else await asyncio.to_thread(handoff_service(self.runtime).get, handoff_id)
        )
        holder = info.get("claimed_by_name") or "another liaison"
        if info.get("status") == "resolved":
            return f"Already resolved by {holder}."
        return f"Already claimed by {holder}."

    async def _ticket_of(self, replied: Message | None) -> tuple[str | None, int | None]:
        """Return (ticket id, message id) for a bot message about a ticket, else (None, None)."""
        if (
            replied is None
            or replied.from_user is None
            or replied.from_user.id != self.owner.bot.id
        ):
            return None, None
        markup = replied.reply_markup
        for row in markup.inline_keyboard if markup else ():
            for button in row:
                match = CALLBACK.match(str(button.callback_data or ""))
                if match:
                    return match.group(2), replied.message_id
        tag = TAG.search(replied.text or "")
        if tag is None:
            return None, None
        handoff_id = await asyncio.to_thread(ticket_by_prefix, self.runtime.db, tag.group(1))
        ticket_message = await self.threads.message_id(handoff_id) if handoff_id else None
        return handoff_id, ticket_message

    async def _post(self, body: str, reply_to: int | None) -> None:
        if not self.owner.ready:
            return
        try:
            await self.owner.send(self.chat_id, [Outgoing(body)], reply_to=reply_to)
        except TelegramError as exc:
            logger.warning("could not post to the staff group (%s)", type(exc).__name__)

    async def _ticket_text(self, item: dict[str, Any]) -> str:
        try:  # who the person is now (name, organization, email), read from the database
            item = (await asyncio.to_thread(enrich, self.runtime.db, [item]))[0]
        except SQLAlchemyError as exc:
            logger.warning("ticket post without the person's details (%s)", type(exc).__name__)
        return ticket_text(item, public_url=self.settings.public_url, tz=self.settings.tz)


async def _react(message: Message) -> None:
    """Acknowledge a liaison's message with a reaction (best effort)."""
    with contextlib.suppress(TelegramError):
        await message.set_reaction("👍")
