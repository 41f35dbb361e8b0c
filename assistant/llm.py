"""The language-model seam: a small `ChatModel` protocol and its LangChain `ChatOpenAI` implementation.

Every vendor failure (timeout, connection error, 5xx, malformed output) is translated into
`LLMError` here, so callers fall back to the extractive path with one `except LLMError`.
"""

from __future__ import annotations

import asyncio
import logging
import weakref
from collections.abc import AsyncIterator, Sequence
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


class LangChainChatModel:
    """`ChatModel` over LangChain's `ChatOpenAI`, for any OpenAI-compatible server."""

    def __init__(
        self,
        *,
        model: str,
        base_url: str | None,
        api_key: str | None,
        timeout_s: float,
        structured_method: Literal["json_schema", "function_calling", "json_mode"] = "json_schema",
    ) -> None:
        self.timeout_s = timeout_s
        self.structured_method = structured_method
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

    async def complete(self, messages: Sequence[ChatMessage]) -> str:
        """Return the model's whole answer to `messages`."""
        try:
            async with asyncio.timeout(self.timeout_s):
                result = await self._llm.ainvoke(_lc_messages(messages))
        except Exception as exc:
            logger.warning("llm completion failed: %s", type(exc).__name__)
            raise _translate(exc) from exc
        text = result.content if isinstance(result.content, str) else ""
        if not text.strip():
            raise LLMError("language model returned an empty answer")
        return text

    async def stream(self, messages: Sequence[ChatMessage]) -> AsyncIterator[str]:
        """Yield the answer in fragments; the whole stream shares one time limit."""
        try:
            async with asyncio.timeout(self.timeout_s):
                async for chunk in self._llm.astream(_lc_messages(messages)):
                    content = chunk.content
                    if isinstance(content, str) and content:
                        yield content
        except Exception as exc:
            logger.warning("llm stream failed: %s", type(exc).__name__)
            raise _translate(exc) from exc

    def _structured_runnable(self, schema: type[BaseModel]) -> Any:
        return self._llm.with_structured_output(schema, method=self.structured_method)

    async def structured(self, schema: type[SchemaT], messages: Sequence[ChatMessage]) -> SchemaT:
        """Return the answer parsed into `schema`."""
        try:
            async with asyncio.timeout(self.timeout_s):
                result = await self._structured_runnable(schema).ainvoke(_lc_messages(messages))
        except Exception as exc:
            logger.warning("llm structured output failed: %s", type(exc).__name__)
            raise _translate(exc) from exc
        return _as_schema(schema, result)

    def structured_sync(self, schema: type[SchemaT], messages: Sequence[ChatMessage]) -> SchemaT:
        """Return the answer parsed into `schema`, blocking; the client's own timeout applies."""
        try:
            result = self._structured_runnable(schema).invoke(_lc_messages(messages))
        except Exception as exc:
            logger.warning("llm structured output failed: %s", type(exc).__name__)
            raise _translate(exc) from exc
        return _as_schema(schema, result)


def _as_schema(schema: type[SchemaT], result: Any) -> SchemaT:
    if isinstance(result, schema):
        return result
    try:
        return schema.model_validate(result)
    except ValidationError as exc:
        raise LLMError("language model returned malformed structured output") from exc


def make_chat_model(settings: Settings) -> ChatModel | None:
    """Return the configured chat model, or None in offline mode."""
    if not settings.llm_enabled:
        return None
    key = settings.openai_api_key.get_secret_value() if settings.openai_api_key else None
    logger.info("llm enabled: model %s", settings.llm_model)
    return LangChainChatModel(
        model=settings.llm_model,
        base_url=settings.llm_base_url,
        api_key=key,
        timeout_s=settings.llm_timeout_s,
    )
