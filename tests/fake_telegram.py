"""A local Telegram Bot API server for tests: python-telegram-bot talks to it through `base_url`.

It speaks the wire protocol (`POST /bot{token}/{method}`, form or JSON bodies, `{"ok": ..., "result": ...}`),
records every call, serves injected updates to `getUpdates` (long-polling briefly), validates HTML
like Telegram does (unknown tags, bare `<`/`&`, more than 4096 characters after parsing -> 400),
and can refuse the token (401) or fail a method on demand.
"""

from __future__ import annotations

import asyncio
import html
import itertools
import json
import re
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from tests.servers import ThreadedServer, free_port  # noqa: F401 - tests import it from here

BOT_USER = {
    "id": 999_000_111,
    "is_bot": True,
    "first_name": "WIL Assistant",
    "username": "wil_test_bot",
    "can_join_groups": True,
    "can_read_all_group_messages": False,
    "supports_inline_queries": False,
}
# Parameters that Telegram treats as strings even when they look like JSON or numbers.
STRING_PARAMS = {
    "text",
    "url",
    "secret_token",
    "parse_mode",
    "action",
    "callback_query_id",
    "inline_message_id",
    "language_code",
}
HTML_TAGS = {
    "b", "strong", "i", "em", "u", "ins", "s", "strike", "del", "a", "code", "pre",
    "tg-spoiler", "span", "blockquote", "tg-emoji",
}  # fmt: skip
ENTITY = re.compile(r"&(?:lt|gt|amp|quot|#\d+|#x[0-9a-fA-F]+);")
TAG = re.compile(r"<(/?)([a-z-]+)((?:\s+[a-z-]+(?:=\"[^\"<>]*\")?)*)\s*>")
MAX_TEXT = 4096
POLL_WAIT_S = 0.5


class BadRequest(Exception):
    """A Telegram 400 answer."""


@dataclass
class Call:
    """One Bot API call the bot made."""

    method: str
    params: dict[str, Any]
    token: str
    at: float = field(default_factory=time.monotonic)


def html_to_text(source: str) -> str:
    """Return the text Telegram would show for an HTML message, or raise BadRequest like Telegram."""
    out: list[str] = []
    stack: list[str] = []
    i = 0
    while i < len(source):
        ch = source[i]
        if ch == "<":
            match = TAG.match(source, i)
            if match is None or match.group(2) not in HTML_TAGS:
                raise BadRequest(f"can't parse entities: unsupported start tag at byte offset {i}")
            closing, name = match.group(1) == "/", match.group(2)
            if closing:
                if not stack or stack[-1] != name:
                    raise BadRequest(f"can't parse entities: unmatched end tag {name!r}")
                stack.pop()
            else:
                stack.append(name)
            i = match.end()
        elif ch == "&":
            match = ENTITY.match(source, i)
            if match is None:
                raise BadRequest(f"can't parse entities: unescaped '&' at byte offset {i}")
            out.append(html.unescape(match.group(0)))
            i = match.end()
        elif ch == ">":
            raise BadRequest(f"can't parse entities: unescaped '>' at byte offset {i}")
        else:
            out.append(ch)
            i += 1
    if stack:
        raise BadRequest(f"can't parse entities: unclosed tag {stack[-1]!r}")
    return "".join(out)


def links_in(source: str) -> list[tuple[str, str]]:
    """Return (href, label) for every <a> in an HTML message."""
    return [
        (html.unescape(href), html_to_text(label))
        for href, label in re.findall(r'<a href="([^"]*)">(.*?)</a>', source, re.S)
    ]


class FakeTelegram:
    """The fake Bot API server; start it with `with FakeTelegram() as tg:` and use `tg.base_url`."""

    def __init__(self, token: str = "123456:TEST-token-abcdef") -> None:
        self.token = token
        self.port = 0  # a free port is taken when it starts, unless a test sets one
        self.calls: list[Call] = []
        self.refuse_token = False
        self.webhook: dict[str, Any] = {}
        self._sent: dict[tuple[int, int], dict[str, Any]] = {}
        self._updates: list[dict[str, Any]] = []
        self._confirmed = 0
        self._update_ids = itertools.count(1)
        self._message_ids = itertools.count(1000)
        self._callback_ids = itertools.count(1)
        self._failures: dict[str, tuple[int, str]] = {}
        self._lock = threading.Lock()
        self._server: ThreadedServer | None = None

    # --- lifecycle -----------------------------------------------------------------------

    @property
    def base_url(self) -> str:
        """Return the server root to put in WIL_TELEGRAM_BASE_URL."""
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> FakeTelegram:
        """Serve in a background thread and return once it accepts connections."""
        self._server = ThreadedServer(self._app(), self.port, "fake Telegram server")
        self.port = self._server.port
        self._server.start()
        return self

    def stop(self) -> None:
        """Stop serving (the port then refuses connections, like a Bot API that is down)."""
        if self._server is not None:
            self._server.stop()
            self._server = None

    def __enter__(self) -> FakeTelegram:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # --- what tests inject -----------------------------------------------------------------

    def user(
        self, user_id: int, first_name: str = "Sam", language_code: str = "en"
    ) -> dict[str, Any]:
        """Return a Telegram User object."""
        return {
            "id": user_id,
            "is_bot": False,
            "first_name": first_name,
            "language_code": language_code,
        }

    def message_update(
        self,
        chat_id: int,
        text: str | None = None,
        *,
        user: dict[str, Any] | None = None,
        chat_type: str = "private",
        reply_to: dict[str, Any] | None = None,
        kind: str = "message",
        extra: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        """Return an update carrying a message (a command when the text starts with '/')."""
        sender = user or self.user(chat_id)
        chat: dict[str, Any] = {"id": chat_id, "type": chat_type}
        if chat_type == "private":
            chat["first_name"] = sender["first_name"]
        else:
            chat["title"] = "Staff"
        message: dict[str, Any] = {
            "message_id": next(self._message_ids),
            "date": int(time.time()),
            "chat": chat,
            "from": sender,
        }
        if text is not None:
            message["text"] = text
            if text.startswith("/"):
                command = text.split()[0]
                message["entities"] = [{"type": "bot_command", "offset": 0, "length": len(command)}]
        if reply_to is not None:
            message["reply_to_message"] = reply_to
        message.update(extra or {})
        return {"update_id": next(self._update_ids), kind: message}

    def callback_update(
        self, message: dict[str, Any], data: str, *, user: dict[str, Any]
    ) -> dict[str, Any]:
        """Return an update for a press on an inline button of a message the bot sent."""
        return {
            "update_id": next(self._update_ids),
            "callback_query": {
                "id": str(next(self._callback_ids)),
                "from": user,
                "chat_instance": "ci-1",
                "message": message,
                "data": data,
            },
        }

    def push(self, update: dict[str, Any]) -> dict[str, Any]:
        """Queue an update for getUpdates and return it."""
        with self._lock:
            self._updates.append(update)
        return update

    def send_text(self, chat_id: int, text: str, **kwargs: Any) -> dict[str, Any]:
        """Queue a message from a person (or a command) and return the update."""
        return self.push(self.message_update(chat_id, text, **kwargs))

    def fail(self, method: str, code: int, description: str) -> None:
        """Make every later call of `method` fail with this Telegram error."""
        self._failures[method] = (code, description)

    # --- what tests assert -----------------------------------------------------------------

    @property
    def sent(self) -> dict[tuple[int, int], dict[str, Any]]:
        """Return the messages the bot sent, by (chat id, message id): a snapshot, safe to iterate."""
        with self._lock:
            return dict(self._sent)

    def calls_of(self, method: str, **where: Any) -> list[Call]:
        """Return the recorded calls of a method whose params match `where`."""
        with self._lock:
            calls = list(self.calls)
        return [
            c
            for c in calls
            if c.method == method and all(_same(c.params.get(k), v) for k, v in where.items())
        ]

    def wait_for(
        self,
        method: str,
        *,
        count: int = 1,
        timeout: float = 20.0,
        where: Callable[[Call], bool] | None = None,
        **params: Any,
    ) -> list[Call]:
        """Wait until `count` matching calls were made and return them (AssertionError on timeout)."""
        deadline = time.monotonic() + timeout
        while True:
            found = [c for c in self.calls_of(method, **params) if where is None or where(c)]
            if len(found) >= count:
                return found
            if time.monotonic() > deadline:
                seen = [(c.method, c.params) for c in self.calls if c.method != "getUpdates"]
                raise AssertionError(f"no {count}x {method} {params}; calls: {seen[-12:]}")
            time.sleep(0.02)

    def texts_to(self, chat_id: int) -> list[str]:
        """Return the visible text of every message the bot sent to a chat, in order."""
        return [
            m["text"]
            for (chat, _), m in sorted(self.sent.items(), key=lambda kv: kv[0][1])
            if chat == chat_id
        ]

    def wait_until_polling(self, timeout: float = 20.0) -> None:
        """Wait for the bot's first getUpdates (it is then ready for updates)."""
        self.wait_for("getUpdates", timeout=timeout)

    # --- the server ------------------------------------------------------------------------

    def _app(self) -> FastAPI:
        app = FastAPI()

        @app.api_route("/bot{token}/{method}", methods=["GET", "POST"])
        async def endpoint(token: str, method: str, request: Request) -> JSONResponse:
            params = await _params(request)
            if method == "getUpdates" and not self.refuse_token and token == self.token:
                with self._lock:
                    self.calls.append(Call(method, params, token))
                if method in self._failures:
                    return _error(*self._failures[method])
                return _ok(await self._get_updates(params))
            # A test that saw the call must also see its effect (a message in `sent`): record the
            # call and apply it in one step.
            with self._lock:
                self.calls.append(Call(method, params, token))
                return self._answer(method, token, params)

        return app

    def _answer(self, method: str, token: str, params: dict[str, Any]) -> JSONResponse:
        if self.refuse_token or token != self.token:
            return _error(401, "Unauthorized")
        if method in self._failures:
            code, description = self._failures[method]
            return _error(code, description)
        handler = getattr(self, "_m_" + method, None)
        if handler is None:
            return _error(404, f"Not Found: method {method} not implemented by the fake")
        try:
            return _ok(handler(params))
        except BadRequest as exc:
            return _error(400, f"Bad Request: {exc}")

    async def _get_updates(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        offset = int(params.get("offset") or 0)
        if offset:
            self._confirmed = max(self._confirmed, offset)
        deadline = time.monotonic() + min(float(params.get("timeout") or 0), POLL_WAIT_S)
        while True:
            with self._lock:
                pending = [u for u in self._updates if u["update_id"] >= self._confirmed]
            if pending or time.monotonic() >= deadline:
                return pending[: int(params.get("limit") or 100)]
            await asyncio.sleep(0.02)

    def _m_getMe(self, _params: dict[str, Any]) -> dict[str, Any]:
        return BOT_USER

    def _m_deleteWebhook(self, _params: dict[str, Any]) -> bool:
        self.webhook = {}
        return True

    def _m_setWebhook(self, params: dict[str, Any]) -> bool:
        self.webhook = dict(params)
        return True

    def _m_getWebhookInfo(self, _params: dict[str, Any]) -> dict[str, Any]:
        return {
            "url": self.webhook.get("url", ""),
            "has_custom_certificate": False,
            "pending_update_count": 0,
        }

    def _m_setMyCommands(self, _params: dict[str, Any]) -> bool:
        return True

    def _m_sendChatAction(self, _params: dict[str, Any]) -> bool:
        return True

    def _m_answerCallbackQuery(self, _params: dict[str, Any]) -> bool:
        return True

    def _m_setMessageReaction(self, _params: dict[str, Any]) -> bool:
        return True

    def _m_deleteMessage(self, params: dict[str, Any]) -> bool:
        self._sent.pop((int(params["chat_id"]), int(params["message_id"])), None)
        return True

    def _m_sendMessage(self, params: dict[str, Any]) -> dict[str, Any]:
        chat_id = int(params["chat_id"])
        message_id = next(self._message_ids)
        message: dict[str, Any] = {
            "message_id": message_id,
            "date": int(time.time()),
            "chat": {"id": chat_id, "type": "private" if chat_id > 0 else "supergroup"},
            "from": BOT_USER,
            "text": self._visible(params),
        }
        if _inline(params.get("reply_markup")):  # Telegram echoes inline keyboards only
            message["reply_markup"] = params["reply_markup"]
        reply = params.get("reply_parameters") or {}
        replied = self._sent.get((chat_id, int(reply.get("message_id", 0))))
        if replied is not None:
            message["reply_to_message"] = {k: v for k, v in replied.items() if k != "raw"}
        self._sent[(chat_id, message_id)] = {**message, "raw": params.get("text", "")}
        return message

    def _m_editMessageText(self, params: dict[str, Any]) -> dict[str, Any]:
        message = self._stored(params)
        message["text"] = self._visible(params)
        message["raw"] = params.get("text", "")
        message.pop("reply_markup", None)
        if _inline(params.get("reply_markup")):
            message["reply_markup"] = params["reply_markup"]
        return {k: v for k, v in message.items() if k != "raw"}

    def _m_editMessageReplyMarkup(self, params: dict[str, Any]) -> dict[str, Any]:
        message = self._stored(params)
        message.pop("reply_markup", None)
        if _inline(params.get("reply_markup")):
            message["reply_markup"] = params["reply_markup"]
        return {k: v for k, v in message.items() if k != "raw"}

    def _stored(self, params: dict[str, Any]) -> dict[str, Any]:
        key = (int(params["chat_id"]), int(params["message_id"]))
        if key not in self._sent:
            raise BadRequest("message to edit not found")
        return self._sent[key]

    @staticmethod
    def _visible(params: dict[str, Any]) -> str:
        text = str(params.get("text", ""))
        if str(params.get("parse_mode", "")).upper() == "HTML":
            text = html_to_text(text)
        if not text.strip():
            raise BadRequest("message text is empty")
        if len(text) > MAX_TEXT:
            raise BadRequest("message is too long")
        return text


@contextmanager
def running(token: str = "123456:TEST-token-abcdef") -> Iterator[FakeTelegram]:
    """Run a fake Bot API server for the duration of the block."""
    fake = FakeTelegram(token)
    with fake:
        yield fake


def _inline(markup: Any) -> bool:
    return isinstance(markup, dict) and "inline_keyboard" in markup


def _same(actual: Any, expected: Any) -> bool:
    if isinstance(expected, int) and not isinstance(expected, bool):
        try:
            return int(actual) == expected
        except (TypeError, ValueError):
            return False
    return bool(actual == expected)


async def _params(request: Request) -> dict[str, Any]:
    if request.headers.get("content-type", "").startswith("application/json"):
        body = await request.body()
        return dict(json.loads(body)) if body else {}
    form = await request.form()
    params: dict[str, Any] = dict(request.query_params)
    for key, value in form.items():
        if not isinstance(value, str):
            continue
        if key in STRING_PARAMS:
            params[key] = value
            continue
        try:
            params[key] = json.loads(value)
        except ValueError:
            params[key] = value
    return params


def _ok(result: Any) -> JSONResponse:
    return JSONResponse({"ok": True, "result": result})


def _error(code: int, description: str) -> JSONResponse:
    return JSONResponse(
        {"ok": False, "error_code": code, "description": description}, status_code=code
    )


@contextmanager
def bot_app(
    settings: Any, runtime: Any = None, *, wait_ready: bool = True, timeout: float = 20.0
) -> Iterator[tuple[Any, Any, Any]]:
    """Run the web app with the Telegram bot started by its startup hook; yield (client, bot, runtime)."""
    from fastapi.testclient import TestClient

    from assistant.runtime import build_runtime
    from channels.telegram import startup_hook
    from channels.web.app import create_app

    rt = runtime or build_runtime(settings, retriever=None)
    app = create_app(runtime=rt, startup_hooks=[startup_hook])
    try:
        with TestClient(app) as client:
            bot = app.state.telegram
            deadline = time.monotonic() + timeout
            while wait_ready and not bot.ready:
                if time.monotonic() > deadline:
                    raise AssertionError("the Telegram bot did not connect to the fake server")
                time.sleep(0.02)
            yield client, bot, rt
    finally:
        if runtime is None:
            rt.db.dispose()
