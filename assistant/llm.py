"""The language-model seam: a small `ChatModel` protocol and its LangChain `ChatOpenAI` implementation.

Every vendor failure (timeout, connection error, 5xx, malformed output) is translated into
`LLMError` here, so callers fall back to the extractive path with one `except LLMError`.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import threading
import time
import weakref
from collections.abc import AsyncIterator, Callable, Sequence
from dataclasses import dataclass
from typing import Any, Literal, Protocol, TypeVar

import httpx
from pydantic import BaseModel, ValidationError

from assistant.config import Settings
from assistant.errors import LLMError

logger = logging.getLogger(__name__)

Role = Literal["system", "user", "assistant"]
SchemaT = TypeVar("SchemaT", bound=BaseModel)

# Used when only a base URL is configured (local OpenAI-compatible servers often need no key).
_NO_KEY = "not-needed"


@dataclass(frozen=True)
class ChatMessage:
    """One message of a prompt."""

    role: Role
    content: str


class ChatModel(Protocol):
    """What the engine needs from a chat model.

    Implementations raise `LLMError` for every failure and enforce their own time limit.
    """

    async def complete(self, messages: Sequence[ChatMessage]) -> str:
        """Return the model's whole answer to `messages`."""
        ...

    def stream(self, messages: Sequence[ChatMessage]) -> AsyncIterator[str]:
        """Yield the answer to `messages` in fragments as the model produces them."""
        ...

    async def structured(self, schema: type[SchemaT], messages: Sequence[ChatMessage]) -> SchemaT:
        """Return the answer parsed into `schema` (JSON-schema structured output)."""
        ...

    def structured_sync(self, schema: type[SchemaT], messages: Sequence[ChatMessage]) -> SchemaT:
        """Return the answer parsed into `schema`, blocking (for code running in a worker thread)."""
        ...


def _lc_messages(messages: Sequence[ChatMessage]) -> list[Any]:
    from langchain_core.messages import AIMessage, HumanMessage, SystemMessage

    kinds = {"system": SystemMessage, "user": HumanMessage, "assistant": AIMessage}
    return [kinds[m.role](content=m.content) for m in messages]


def _translate(exc: BaseException) -> LLMError:
    """Return our error for a vendor/transport failure, without leaking its text to people."""
    if isinstance(exc, LLMError):
        return exc
    if isinstance(exc, TimeoutError):
        return LLMError("language model timed out")
    return LLMError(f"language model failed: {type(exc).__name__}")


def _status(exc: BaseException) -> int | None:
    """Return the HTTP status of a vendor error, when it carries one."""
    code = getattr(exc, "status_code", None)
    return code if isinstance(code, int) else None


class CircuitBreaker:
    """Stop calling a failing server for a while: after `failures` failures in a row, for `cooldown_s`.

    While open, calls fail at once (the caller answers extractively). After the cool-down one
    call is let through; its success closes the breaker, its failure opens it again. Opening is
    logged once per outage. Thread-safe: intake extraction calls from worker threads.
    """

    def __init__(
        self,
        failures: int = 3,
        cooldown_s: float = 60.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.failures = failures
        self.cooldown_s = cooldown_s
        self.clock = clock
        self._count = 0
        self._opened_at: float | None = None
        self._trial = False
        self._ever_ok = False
        self._lock = threading.Lock()

    def allow(self) -> bool:
        """Return True when a call may go to the server now."""
        with self._lock:
            if self._opened_at is None:
                return True
            if self.clock() - self._opened_at < self.cooldown_s or self._trial:
                return False
            self._trial = True  # half-open: one call decides
            return True

    def success(self) -> None:
        """Record a call that worked: the breaker closes."""
        with self._lock:
            if self._opened_at is not None:
                logger.info("llm answering again; circuit closed")
            self._count = 0
            self._opened_at = None
            self._trial = False
            self._ever_ok = True

    def failure(self) -> None:
        """Record a failed or too slow call; open after enough of them in a row."""
        with self._lock:
            self._count += 1
            if self._opened_at is not None:
                self._opened_at = self.clock()  # the trial failed: another cool-down
                self._trial = False
            elif self._count >= self.failures:
                self._opened_at = self.clock()
                logger.warning(
                    "llm failed %d times in a row; extractive answers for %.0f s",
                    self._count,
                    self.cooldown_s,
                )

    def trip(self) -> None:
        """Open at once (the start-up check found the server unusable)."""
        with self._lock:
            self._count = max(self._count, self.failures)
            self._opened_at = self.clock()
            self._trial = False

    @property
    def is_open(self) -> bool:
        """Return True while calls are refused or the half-open trial has not succeeded."""
        with self._lock:
            return self._opened_at is not None

    @property
    def cooled_down(self) -> bool:
        """Return True when the breaker is open and its cool-down has passed."""
        with self._lock:
            return self._opened_at is not None and self.clock() - self._opened_at >= self.cooldown_s


StructuredMethod = Literal["json_schema", "function_calling", "json_mode", "none"]


class LangChainChatModel:
    """`ChatModel` over LangChain's `ChatOpenAI`, for any OpenAI-compatible server.

    Text answers are streamed from the server, also for `complete`, so two limits apply: the
    first words must come within `first_token_s`, the whole answer within `timeout_s`. Failures
    and timeouts count towards the circuit breaker.
    """

    def __init__(
        self,
        *,
        model: str,
        base_url: str | None,
        api_key: str | None,
        timeout_s: float,
        first_token_s: float | None = None,
        structured_method: StructuredMethod = "json_schema",
        breaker: CircuitBreaker | None = None,
    ) -> None:
        self.model = model
        self.base_url = base_url
        self.timeout_s = timeout_s
        self.first_token_s = min(first_token_s or timeout_s, timeout_s)
        self.structured_method: StructuredMethod = structured_method
        self.breaker = breaker or CircuitBreaker()
        self.last_check: str | None = None  # what the last server check found, for logs
        self._options: dict[str, Any] = {
            "model": model,
            "base_url": base_url,
            "api_key": api_key or _NO_KEY,
            "timeout": timeout_s,
            "max_retries": 0,
            "temperature": 0,
        }
        self._sync_llm: Any = None
        self._async_llm: Any = None
        self._loop: weakref.ref[asyncio.AbstractEventLoop] | None = None

    @property
    def _llm(self) -> Any:
        """Return the client for the running event loop (or the blocking one outside a loop).

        langchain-openai shares one default async HTTP client per process; it breaks when a
        later event loop (a test, a CLI run) uses it, so each loop gets its own.
        """
        from langchain_openai import ChatOpenAI

        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            if self._sync_llm is None:
                self._sync_llm = ChatOpenAI(**self._options)
            return self._sync_llm
        if self._loop is None or self._loop() is not loop:
            client = httpx.AsyncClient(timeout=self.timeout_s)
            self._async_llm = ChatOpenAI(**self._options, http_async_client=client)
            self._loop = weakref.ref(loop)
        return self._async_llm

    def _admit(self) -> None:
        if not self.breaker.allow():
            raise LLMError("language model paused after repeated failures")

    def health(self) -> str:
        """Return "ok" when the server answers as far as we know, "down" otherwise."""
        return "down" if self.breaker.is_open else "ok"

    async def complete(self, messages: Sequence[ChatMessage]) -> str:
        """Return the model's whole answer to `messages` (streamed underneath, for the first-token limit)."""
        text = "".join([part async for part in self.stream(messages)])
        if not text.strip():
            raise LLMError("language model returned an empty answer")
        return text

    async def stream(self, messages: Sequence[ChatMessage]) -> AsyncIterator[str]:
        """Yield the answer in fragments: the first within `first_token_s`, all within `timeout_s`."""
        self._admit()
        loop = asyncio.get_running_loop()
        chunks = self._llm.astream(_lc_messages(messages)).__aiter__()
        started = loop.time()
        waiting_first = True
        try:
            while True:
                limit = self.first_token_s if waiting_first else self.timeout_s
                try:
                    async with asyncio.timeout(max(started + limit - loop.time(), 0.0)):
                        chunk = await anext(chunks)
                except StopAsyncIteration:
                    break
                except Exception as exc:
                    self.breaker.failure()
                    what = "first token" if waiting_first else "stream"
                    logger.warning("llm %s failed: %s", what, type(exc).__name__)
                    raise _translate(exc) from exc
                content = chunk.content
                if isinstance(content, str) and content:
                    waiting_first = False
                    yield content  # outside the time limit: the consumer's own awaits are not ours
        finally:
            await _close(chunks)
        self.breaker.success()

    def _structured_runnable(self, schema: type[BaseModel]) -> Any:
        return self._llm.with_structured_output(schema, method=self.structured_method)

    def _downgrade(self, exc: BaseException) -> bool:
        """Switch from json_schema to function calling when the server refused the former."""
        if self.structured_method == "json_schema" and _status(exc) in (400, 404, 422):
            logger.warning(
                "llm server refused json_schema structured output (HTTP %s); using function "
                "calling from now on (set WIL_LLM_STRUCTURED=function_calling to skip this)",
                _status(exc),
            )
            self.structured_method = "function_calling"
            return True
        return False

    async def structured(self, schema: type[SchemaT], messages: Sequence[ChatMessage]) -> SchemaT:
        """Return the answer parsed into `schema`."""
        if self.structured_method == "none":
            raise LLMError("structured output is turned off (WIL_LLM_STRUCTURED=none)")
        self._admit()
        for attempt in range(2):
            try:
                async with asyncio.timeout(self.timeout_s):
                    result = await self._structured_runnable(schema).ainvoke(_lc_messages(messages))
                break
            except Exception as exc:
                if attempt == 0 and self._downgrade(exc):
                    continue
                self.breaker.failure()
                logger.warning("llm structured output failed: %s", type(exc).__name__)
                raise _translate(exc) from exc
        self.breaker.success()
        return _as_schema(schema, result)

    def structured_sync(self, schema: type[SchemaT], messages: Sequence[ChatMessage]) -> SchemaT:
        """Return the answer parsed into `schema`, blocking; the client's own timeout applies."""
        if self.structured_method == "none":
            raise LLMError("structured output is turned off (WIL_LLM_STRUCTURED=none)")
        self._admit()
        for attempt in range(2):
            try:
                result = self._structured_runnable(schema).invoke(_lc_messages(messages))
                break
            except Exception as exc:
                if attempt == 0 and self._downgrade(exc):
                    continue
                self.breaker.failure()
                logger.warning("llm structured output failed: %s", type(exc).__name__)
                raise _translate(exc) from exc
        self.breaker.success()
        return _as_schema(schema, result)

    async def check(self, timeout_s: float | None = None) -> str | None:
        """Ask the server for a one-word answer; return None when it answers, else what is wrong.

        The message names the variable to fix. A failure opens the breaker (turns answer
        extractively at once), a success closes it.
        """
        limit = timeout_s or self.first_token_s
        llm = self._llm  # built (and langchain imported) before the clock starts
        try:
            async with asyncio.timeout(limit):
                await llm.ainvoke(_lc_messages([ChatMessage("user", "Reply with: ok")]))
        except Exception as exc:  # noqa: BLE001 - every failure becomes a message
            problem = _explain(exc, self.base_url, self.model, limit)
            self.breaker.trip()
            self.last_check = problem
            return problem
        self.breaker.success()
        self.last_check = None
        return None


def _explain(exc: BaseException, base_url: str | None, model: str, limit: float) -> str:
    """Say what a failed server check means, naming the setting to look at (never the key)."""
    status = _status(exc)
    where = base_url or "the OpenAI API"
    body = str(getattr(exc, "body", "") or "").lower()
    if status in (401, 403):
        return f"OPENAI_API_KEY: {where} refused the key (HTTP {status})"
    if status == 404 and "model" in body:
        return f"WIL_LLM_MODEL: {where} has no model {model!r}"
    if status == 404:
        return (
            f"WIL_LLM_BASE_URL: {where}/chat/completions was not found (HTTP 404); "
            "OpenAI-compatible servers usually serve it under /v1"
        )
    if status is not None:
        return f"WIL_LLM_BASE_URL: {where} answered HTTP {status}"
    if isinstance(exc, TimeoutError):
        return f"WIL_LLM_BASE_URL: {where} did not answer within {limit:g} s"
    return f"WIL_LLM_BASE_URL: cannot reach {where} ({type(exc).__name__})"


async def _close(chunks: Any) -> None:
    close = getattr(chunks, "aclose", None)
    if close is not None:
        with contextlib.suppress(Exception):
            await close()


def _as_schema(schema: type[SchemaT], result: Any) -> SchemaT:
    if isinstance(result, schema):
        return result
    try:
        return schema.model_validate(result)
    except ValidationError as exc:
        raise LLMError("language model returned malformed structured output") from exc


def make_chat_model(settings: Settings) -> ChatModel | None:
    """Return the configured chat model, or None in offline mode (the default)."""
    if not settings.llm_enabled or not settings.llm_model:
        return None
    key = settings.openai_api_key.get_secret_value() if settings.openai_api_key else None
    logger.info(
        "llm enabled: model %s at %s", settings.llm_model, settings.llm_base_url or "OpenAI"
    )
    return LangChainChatModel(
        model=settings.llm_model,
        base_url=settings.llm_base_url,
        api_key=key,
        timeout_s=settings.llm_timeout_s,
        first_token_s=settings.llm_first_token_s,
        structured_method=settings.llm_structured,
        breaker=CircuitBreaker(settings.llm_breaker_failures, settings.llm_breaker_cooldown_s),
    )


async def check_chat_model(chat: ChatModel | None) -> str:
    """Check the server at start-up; log a clear message when it is unusable. Return "ok"/"down"/"off"."""
    if chat is None:
        return "off"
    # Build the vocabulary that masks names without cues now, not on the first person's turn.
    from assistant.privacy import knowledge_vocabulary

    await asyncio.to_thread(knowledge_vocabulary)
    check = getattr(chat, "check", None)
    if check is None:
        return "ok"
    problem = await check()
    if problem:
        logger.error("llm unusable, answering without it until it recovers: %s", problem)
        return "down"
    logger.info("llm server answered the start-up check")
    return "ok"


def chat_health(chat: ChatModel | None) -> str:
    """Return "off" without a model, else "ok" or "down" as far as the model knows."""
    if chat is None:
        return "off"
    health = getattr(chat, "health", None)
    return str(health()) if callable(health) else "ok"
