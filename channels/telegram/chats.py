"""People on Telegram: one chat is one conversation; commands and messages go to the engine."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import weakref
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlalchemy.exc import IntegrityError
from telegram import BotCommand, BotCommandScopeAllPrivateChats, Update, User
from telegram.constants import ChatAction
from telegram.error import TelegramError
from telegram.ext import BaseHandler, CommandHandler, ContextTypes, MessageHandler, filters

from assistant.conversations import add_message, create_conversation, find_by_channel_user
from assistant.errors import UserInputError
from assistant.store.models import Conversation
from assistant.text_input import MAX_TEXT  # the engine's limit; Telegram allows 4096
from channels.telegram.render import render_reply, render_turn
from channels.telegram.texts import COMMANDS, locale_from_language_code
from channels.telegram.texts import text as channel_text

if TYPE_CHECKING:
    from channels.telegram.bot import TelegramBot

logger = logging.getLogger(__name__)

CHANNEL = "telegram"

LOCALES = ("en", "fr")
PRIVATE_MESSAGE = filters.UpdateType.MESSAGE & filters.ChatType.PRIVATE


@dataclass(frozen=True)
class ChatConversation:
    """The conversation a Telegram chat maps to."""

    id: str
    locale: str
    mode: str
    created: bool


def conversation_for_chat(db: Any, chat_id: int, language_code: str | None) -> ChatConversation:
    """Return the chat's conversation, creating it (in the user's language) on first contact."""
    key = str(chat_id)
    conv = find_by_channel_user(db, CHANNEL, key)
    created = False
    if conv is None:
        try:
            conv, _token = create_conversation(
                db,
                channel=CHANNEL,
                locale=locale_from_language_code(language_code),
                channel_user_id=key,
            )
            created = True
        except IntegrityError:  # another worker created it a moment ago
            conv = find_by_channel_user(db, CHANNEL, key)
            if conv is None:
                raise
    return ChatConversation(conv.id, conv.locale, conv.mode, created)


def set_locale(db: Any, conversation_id: str, locale: str) -> None:
    """Store the conversation's language."""
    with db.session() as s:
        conv = s.get(Conversation, conversation_id)
        if conv is not None:
            conv.locale = locale


def store_greeting(db: Any, conversation_id: str, text: str, suggestions: list[str]) -> None:
    """Add the greeting to the transcript, as the web widget does."""
    with db.session() as s:
        add_message(s, conversation_id, "assistant", text, meta={"suggestions": suggestions})


class PersonChats:
    """Handlers for people writing to the bot in private chats."""

    def __init__(self, bot: TelegramBot) -> None:
        self.owner = bot
        self.runtime = bot.runtime
        self._locks: weakref.WeakValueDictionary[int, asyncio.Lock] = weakref.WeakValueDictionary()

    def handlers(self) -> list[BaseHandler[Any, Any, Any]]:
        """Return the handlers for private chats (commands first, then text, then anything else)."""
        return [
            CommandHandler("start", self.on_start, filters=PRIVATE_MESSAGE),
            CommandHandler("help", self.on_help, filters=PRIVATE_MESSAGE),
            CommandHandler("human", self.on_human, filters=PRIVATE_MESSAGE),
            CommandHandler("cancel", self.on_cancel, filters=PRIVATE_MESSAGE),
            CommandHandler("language", self.on_language, filters=PRIVATE_MESSAGE),
            MessageHandler(PRIVATE_MESSAGE & filters.TEXT & ~filters.COMMAND, self.on_text),
            MessageHandler(PRIVATE_MESSAGE & filters.COMMAND, self.on_help),
            MessageHandler(
                PRIVATE_MESSAGE & ~filters.TEXT & ~filters.StatusUpdate.ALL, self.on_other
            ),
        ]

    async def publish_commands(self) -> None:
        """Show the command menu in the person's language (best effort)."""
        bot = self.owner.bot
        scope = BotCommandScopeAllPrivateChats()
        try:
            for locale in LOCALES:
                commands = [BotCommand(name, about) for name, about in COMMANDS[locale]]
                await bot.set_my_commands(
                    commands, scope=scope, language_code=None if locale == "en" else locale
                )
        except TelegramError as exc:
            logger.warning("could not publish the bot's commands (%s)", type(exc).__name__)

    # Handlers -------------------------------------------------------------------------

    async def on_start(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Greet the person in their language and offer starter suggestions."""
        async with self._chat(update) as conv:
            locale = conv.locale
            if context.args and context.args[0].lower()[:2] in LOCALES:
                locale = context.args[0].lower()[:2]
                await asyncio.to_thread(set_locale, self.runtime.db, conv.id, locale)
            text, suggestions = self.runtime.assistant.greeting(locale)
            await asyncio.to_thread(store_greeting, self.runtime.db, conv.id, text, suggestions)
            await self.owner.send(
                _chat_id(update), render_reply(text, locale, suggestions=suggestions)
            )

    async def on_help(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Explain what the bot does and list the commands."""
        async with self._chat(update) as conv:
            await self.owner.send(
                _chat_id(update), render_reply(channel_text("help", conv.locale), conv.locale)
            )

    async def on_human(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Ask the engine for a person, as if the person had typed the request."""
        async with self._chat(update) as conv:
            await self._turn(update, conv, channel_text("human_request", conv.locale))

    async def on_cancel(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Stop the current intake, or leave the queue when waiting for a person."""
        async with self._chat(update) as conv:
            await self._turn(update, conv, channel_text("cancel_request", conv.locale))

    async def on_language(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Switch the conversation's language (toggle, or `/language fr`)."""
        async with self._chat(update) as conv:
            if context.args:
                wanted = context.args[0].lower()[:2]
                if wanted not in LOCALES:
                    await self.owner.send(
                        _chat_id(update),
                        render_reply(channel_text("language_unknown", conv.locale), conv.locale),
                    )
                    return
            else:
                wanted = "en" if conv.locale == "fr" else "fr"
            await asyncio.to_thread(set_locale, self.runtime.db, conv.id, wanted)
            _, suggestions = self.runtime.assistant.greeting(wanted)
            await self.owner.send(
                _chat_id(update),
                render_reply(channel_text("language_set", wanted), wanted, suggestions=suggestions),
            )

    async def on_text(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Send what the person typed to the engine and show its reply (nothing while a liaison holds it)."""
        message = update.effective_message
        if message is None or not message.text or not message.text.strip():
            return
        async with self._chat(update) as conv:
            await self._turn(update, conv, message.text)

    async def on_other(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Tell the person that only text is understood (stickers, photos, voice...)."""
        async with self._chat(update) as conv:
            await self.owner.send(
                _chat_id(update), render_reply(channel_text("text_only", conv.locale), conv.locale)
            )

    # Helpers --------------------------------------------------------------------------

    async def locale_of(self, chat_id: int, user: User | None) -> str:
        """Return the chat's conversation language (or the client's when it has none yet)."""
        conv = await asyncio.to_thread(find_by_channel_user, self.runtime.db, CHANNEL, str(chat_id))
        if conv is not None:
            return conv.locale
        return locale_from_language_code(user.language_code if user else None)

    @contextlib.asynccontextmanager
    async def _chat(self, update: Update) -> AsyncIterator[ChatConversation]:
        """Hold the chat's lock (one turn at a time per chat) and yield its conversation."""
        chat_id = _chat_id(update)
        lock = self._locks.get(chat_id)
        if lock is None:
            lock = asyncio.Lock()
            self._locks[chat_id] = lock
        async with lock:
            user = update.effective_user
            conv = await asyncio.to_thread(
                conversation_for_chat,
                self.runtime.db,
                chat_id,
                user.language_code if user else None,
            )
            yield conv

    async def _turn(self, update: Update, conv: ChatConversation, text: str) -> None:
        chat_id = _chat_id(update)
        with contextlib.suppress(TelegramError):
            await self.owner.bot.send_chat_action(chat_id, ChatAction.TYPING)
        try:
            # Telegram delivers an unacknowledged message again (webhook retries, polling after a
            # restart); its id makes the second delivery a replay of the first turn, not a copy.
            sent = update.effective_message
            turn = await self.runtime.assistant.handle(
                conv.id,
                text.strip()[:MAX_TEXT],
                client_message_id=f"tg-{sent.message_id}" if sent is not None else None,
            )
        except UserInputError as exc:
            logger.debug("engine refused a Telegram message: %s", exc)
            return
        messages = render_turn(turn)
        if messages:
            await self.owner.send(chat_id, messages)


def _chat_id(update: Update) -> int:
    chat = update.effective_chat
    if chat is None:  # handlers are filtered to messages, which always have a chat
        raise ValueError("update without a chat")
    return chat.id


def handoff_service(runtime: Any) -> Any:
    """Return the runtime's handoff service (the engine's own), or None when handoff is absent."""
    service = getattr(runtime, "handoffs", None)
    if service is not None:
        return service
    try:
        from assistant.handoff import get_handoff_service
    except ImportError:
        return None
    return get_handoff_service(runtime)
