"""The Telegram bot: build the PTB Application, connect with retries, feed updates, send messages."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import re
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from telegram import LinkPreviewOptions, Message, ReplyParameters, Update
from telegram.error import InvalidToken, NetworkError, TelegramError
from telegram.ext import Application, ContextTypes

from assistant.config import Settings
from assistant.conversations import get_conversation
from channels.telegram.chats import PersonChats
from channels.telegram.render import Outgoing, render_event_message
from channels.telegram.request import SanitizingRequest
from channels.telegram.staff import StaffDesk
from channels.telegram.texts import text as channel_text

if TYPE_CHECKING:
    from assistant.runtime import Runtime

logger = logging.getLogger(__name__)

RETRY_MIN_S = 1.0
RETRY_MAX_S = 300.0
POLL_TIMEOUT_S = 10
WEBHOOK_PATH = "/telegram/webhook"
NO_PREVIEW = LinkPreviewOptions(is_disabled=True)
# Loggers that print URLs (which hold the token); filters on a parent do not apply to children.
REDACTED_LOGGERS = (
    "httpx",
    "telegram.Bot",
    "telegram.ext.ExtBot",
    "telegram.ext.Application",
    "telegram.ext.Updater",
    "telegram.request.HTTPXRequest",
    "telegram.request.BaseRequest",
)


class RedactToken(logging.Filter):
    """Replace a secret in log records (httpx logs every request URL, bot token included; PTB logs
    the parameters of each Bot API call at DEBUG, the webhook secret of `setWebhook` included)."""

    def __init__(self, token: str, placeholder: str = "<token>") -> None:
        super().__init__()
        self.token = token
        self.placeholder = placeholder

    def filter(self, record: logging.LogRecord) -> bool:
        """Rewrite the record's message without the secret; always keep the record."""
        message = record.getMessage()
        if self.token in message:
            record.msg = message.replace(self.token, self.placeholder)
            record.args = ()
        return True


# Liaison API tokens (`l_` + 43 URL-safe characters) reach the bot in `/link <token>`, and PTB logs
# every update it fetches or processes at DEBUG.
LIAISON_TOKEN = re.compile(r"(?<![A-Za-z0-9_-])l_[A-Za-z0-9_-]{20,}")


class RedactLiaisonTokens(logging.Filter):
    """Replace anything shaped like a liaison API token in log records."""

    def filter(self, record: logging.LogRecord) -> bool:
        """Rewrite the record's message without liaison tokens; always keep the record."""
        message = record.getMessage()
        redacted = LIAISON_TOKEN.sub("l_<redacted>", message)
        if redacted != message:
            record.msg = redacted
            record.args = ()
        return True


def build_application(settings: Settings) -> Application[Any, Any, Any, Any, Any, Any]:
    """Return a PTB Application for the configured token, Bot API server and mode (not started)."""
    if settings.telegram_token is None:
        raise ValueError("WIL_TELEGRAM_TOKEN is not set")
    _install_redaction(settings.telegram_token.get_secret_value())
    if settings.telegram_webhook_secret is not None:
        _install_redaction(settings.telegram_webhook_secret.get_secret_value(), "<webhook-secret>")
    # Concurrent updates: people do not wait on each other (PersonChats keeps one chat in order).
    builder = (
        Application.builder()
        .token(settings.telegram_token.get_secret_value())
        .concurrent_updates(16)
    )
    if settings.telegram_mode == "polling":
        builder = builder.get_updates_request(SanitizingRequest(connection_pool_size=1))
    if settings.telegram_base_url:
        builder = builder.base_url(f"{settings.telegram_base_url}/bot").base_file_url(
            f"{settings.telegram_base_url}/file/bot"
        )
    if settings.telegram_mode == "webhook":
        builder = builder.updater(None)
    return builder.build()


class TelegramBot:
    """One bot serving people (private chats) and, when configured, liaisons in the staff group."""

    def __init__(
        self,
        runtime: Runtime,
        application: Application[Any, Any, Any, Any, Any, Any] | None = None,
        *,
        retry_min_s: float | None = None,
        retry_max_s: float | None = None,
    ) -> None:
        self.runtime = runtime
        self.settings = runtime.settings
        self.application = application or build_application(runtime.settings)
        self.retry_min_s = RETRY_MIN_S if retry_min_s is None else retry_min_s
        self.retry_max_s = RETRY_MAX_S if retry_max_s is None else retry_max_s
        self.ready = False
        self.chats = PersonChats(self)
        self.staff = StaffDesk(self) if self.settings.telegram_staff_chat_id is not None else None
        self._task: asyncio.Task[None] | None = None
        if self.staff is not None:  # first: /link and staff-group updates are theirs
            self.application.add_handlers(self.staff.handlers())
        self.application.add_handlers(self.chats.handlers())
        self.application.add_error_handler(self._on_error)

    @property
    def bot(self) -> Any:
        """Return the PTB Bot (sends messages)."""
        return self.application.bot

    @property
    def webhook_url(self) -> str:
        """Return the URL Telegram posts updates to in webhook mode."""
        return self.settings.public_url + WEBHOOK_PATH

    # Lifecycle ----------------------------------------------------------------------

    async def start(self) -> None:
        """Connect in the background (retrying with backoff); never raises when Telegram is down."""
        if self.staff is not None:
            self.staff.start()
        self._task = asyncio.create_task(self._supervise(), name="telegram-connect")

    async def stop(self) -> None:
        """Stop polling and update processing, and release the HTTP clients."""
        if self._task is not None and not self._task.done():
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        if self.staff is not None:
            await self.staff.stop()
        await self._disconnect()
        self.ready = False

    async def wait_ready(self, timeout: float) -> bool:
        """Wait until the bot is connected; return False on timeout (used by tests and the CLI)."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while not self.ready and loop.time() < deadline:
            await asyncio.sleep(0.02)
        return self.ready

    async def _supervise(self) -> None:
        delay = self.retry_min_s
        where = self.settings.telegram_base_url or "the Telegram Bot API"
        while True:
            try:
                await self._connect()
            except InvalidToken:
                logger.error(
                    "%s refused the bot token (401 Unauthorized): check WIL_TELEGRAM_TOKEN; "
                    "retrying in %g s",
                    where,
                    delay,
                )
            except NetworkError as exc:  # includes TimedOut
                logger.warning(
                    "cannot reach %s (%s); retrying in %g s", where, type(exc).__name__, delay
                )
            except TelegramError as exc:
                logger.error(
                    "Telegram bot failed to start (%s: %s); retrying in %g s",
                    type(exc).__name__,
                    self._redacted(str(exc)),
                    delay,
                )
            else:
                self.ready = True
                logger.info(
                    "Telegram bot @%s connected (%s mode)",
                    self.bot.username,
                    self.settings.telegram_mode,
                )
                return
            await self._disconnect()
            await asyncio.sleep(delay)
            delay = min(delay * 2, self.retry_max_s)

    async def _connect(self) -> None:
        app = self.application
        await app.initialize()  # getMe: fails fast on a refused token or a dead server
        if self.settings.telegram_mode == "webhook":
            secret = self.settings.telegram_webhook_secret
            await self.bot.set_webhook(
                self.webhook_url,
                secret_token=secret.get_secret_value() if secret else None,
                allowed_updates=Update.ALL_TYPES,
            )
        else:
            assert app.updater is not None  # built with an updater in polling mode
            await app.updater.start_polling(
                timeout=POLL_TIMEOUT_S,
                allowed_updates=Update.ALL_TYPES,
                error_callback=self._on_polling_error,
            )
        await app.start()
        await self.chats.publish_commands()

    async def _disconnect(self) -> None:
        app = self.application
        try:
            if app.updater is not None and app.updater.running:
                await app.updater.stop()
            if app.running:
                await app.stop()
            await app.shutdown()
        except (TelegramError, RuntimeError) as exc:
            logger.warning("Telegram bot did not stop cleanly (%s)", type(exc).__name__)

    def _on_polling_error(self, exc: TelegramError) -> None:
        logger.warning("Telegram polling failed (%s); PTB retries with backoff", type(exc).__name__)

    # Updates and messages -----------------------------------------------------------

    async def feed(self, payload: dict[str, Any]) -> bool:
        """Queue one webhook update for processing; return False when it is not a usable update."""
        try:
            update = Update.de_json(payload, self.bot)
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            logger.warning("ignoring a malformed Telegram update (%s)", type(exc).__name__)
            return False
        await self.application.update_queue.put(update)
        return True

    async def send(
        self, chat_id: int, messages: Sequence[Outgoing], *, reply_to: int | None = None
    ) -> list[Message]:
        """Send rendered messages to a chat, in order; return what Telegram stored."""
        sent: list[Message] = []
        for i, out in enumerate(messages):
            sent.append(
                await self.bot.send_message(
                    chat_id,
                    out.text,
                    parse_mode=out.parse_mode,
                    reply_markup=out.reply_markup,
                    link_preview_options=NO_PREVIEW,
                    reply_parameters=(
                        ReplyParameters(reply_to, allow_sending_without_reply=True)
                        if reply_to and i == 0
                        else None
                    ),
                )
            )
        return sent

    async def deliver(self, conversation_id: str, event: dict[str, Any]) -> None:
        """Push a message to the person's Telegram chat (the Outbound sender for "telegram")."""
        if event.get("type") != "message":
            return
        if not self.ready:
            raise ConnectionError("the Telegram bot is not connected")
        conv = await asyncio.to_thread(get_conversation, self.runtime.db, conversation_id)
        if conv.channel != "telegram" or not conv.channel_user_id:
            raise LookupError("conversation is not a Telegram chat")
        data = dict(event.get("data") or {})
        await self.send(int(conv.channel_user_id), render_event_message(data, conv.locale))

    async def _on_error(self, update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Log a failed update and, in a private chat, tell the person something went wrong."""
        logger.error(
            "handling a Telegram update failed (%s)",
            type(context.error).__name__,
            exc_info=context.error,
        )
        if not isinstance(update, Update) or update.effective_chat is None:
            return
        chat = update.effective_chat
        if chat.type != "private" or update.effective_message is None:
            return
        locale = await self.chats.locale_of(chat.id, update.effective_user)
        with contextlib.suppress(TelegramError):
            await self.bot.send_message(chat.id, channel_text("error", locale))

    def _redacted(self, text: str) -> str:
        token = self.settings.telegram_token
        return text.replace(token.get_secret_value(), "<token>") if token else text


def _install_redaction(token: str, placeholder: str = "<token>") -> None:
    """Attach the redaction filter to every logger that may print request URLs (once per secret)."""
    names = set(REDACTED_LOGGERS) | {
        name
        for name in logging.root.manager.loggerDict
        if name.split(".")[0] in ("telegram", "httpx", "httpcore")
    }
    for name in sorted(names):
        target = logging.getLogger(name)
        if not any(isinstance(f, RedactToken) and f.token == token for f in target.filters):
            target.addFilter(RedactToken(token, placeholder))
        if not any(isinstance(f, RedactLiaisonTokens) for f in target.filters):
            target.addFilter(RedactLiaisonTokens())
