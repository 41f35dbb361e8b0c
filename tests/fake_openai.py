"""A local server speaking the OpenAI chat-completions wire protocol, for tests, evals and benches.

Start it with `FakeOpenAI().start()` (a real uvicorn on a free port, in a thread) and point
`WIL_LLM_BASE_URL` at `fake.base_url`. Each request consumes the next scripted `Reply` when one
is queued, else gets the default grounded answer: the first sentence of passage [1] in the prompt,
cited as [1]. Supports plain and streaming (SSE chunks then `[DONE]`) completions, `json_schema`
structured output and tool calls, a fixed or per-reply delay (before the first token, or between
streamed chunks), and HTTP errors.

Servers' quirks, as settings: `models` (a model it does not serve gets 404 `model_not_found`,
like Ollama and vLLM), `json_schema=False` (refuses `response_format: json_schema` with a 400,
like older vLLM and Ollama builds), `api_key` (401 without it, like OpenAI and Azure).
Only `/v1/chat/completions` (and Azure's `/openai/v1/chat/completions`) exist, so a base URL
without `/v1` gets 404.
"""

from __future__ import annotations

import asyncio
import json
import re
import time
import uuid
from collections import deque
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, Response, StreamingResponse

from tests.servers import ThreadedServer

_PASSAGE = re.compile(r"^\[(\d+)\][^\n]*\n(.+?)(?=\n\[\d+\]|\Z)", re.S | re.M)
_SENTENCE = re.compile(r"(?<=[.!?])\s+")


@dataclass
class Reply:
    """One scripted answer: text (or a structured object), delay, HTTP status."""

    # The answer, or a function of the prompt's passages ({n: "heading\ntext"}) that writes it.
    text: str | Callable[[dict[int, str]], str] | None = None
    structured: dict[str, Any] | None = None
    delay_s: float = 0.0
    status: int = 200
    chunk_words: int = 2
    chunk_delay_s: float = 0.0  # pause between streamed chunks (a server that stalls mid-answer)


@dataclass
class FakeOpenAI:
    """The fake server; inspect `requests` to see exactly what left the engine."""

    default_delay_s: float = 0.0
    model: str = "fake-model"
    models: tuple[str, ...] | None = None  # served models; None serves any name
    json_schema: bool = True
    api_key: str | None = None
    requests: list[dict[str, Any]] = field(default_factory=list)
    _queue: deque[Reply] = field(default_factory=deque)
    _server: ThreadedServer | None = None
    port: int = 0

    @property
    def base_url(self) -> str:
        """Return the URL to configure as `WIL_LLM_BASE_URL`."""
        return f"http://127.0.0.1:{self.port}/v1"

    def push(self, *replies: Reply) -> None:
        """Queue replies for the next requests, in order."""
        self._queue.extend(replies)

    def clear(self) -> None:
        """Forget queued replies and recorded requests."""
        self._queue.clear()
        self.requests.clear()

    def prompts(self) -> list[str]:
        """Return every message text sent so far, concatenated per request."""
        return [
            "\n".join(str(m.get("content", "")) for m in r.get("messages", []))
            for r in self.requests
        ]

    # -- server ---------------------------------------------------------------------------

    def app(self) -> FastAPI:
        """Build the ASGI app."""
        app = FastAPI()

        @app.post("/v1/chat/completions")
        @app.post("/openai/v1/chat/completions")  # Azure OpenAI's v1 API path
        async def completions(request: Request) -> Response:
            body = await request.json()
            self.requests.append(body)
            refused = self._refusal(request, body)
            if refused is not None:
                return refused
            reply = self._queue.popleft() if self._queue else Reply()
            delay = reply.delay_s or self.default_delay_s
            if reply.status != 200:
                await asyncio.sleep(delay)
                return JSONResponse(
                    {"error": {"message": "scripted failure", "type": "server_error"}},
                    status_code=reply.status,
                )
            if body.get("tools"):
                return await self._tool_call(body, reply, delay)
            if body.get("response_format", {}).get("type") in ("json_schema", "json_object"):
                content = json.dumps(reply.structured or {})
                await asyncio.sleep(delay)
                return JSONResponse(_completion(self.model, content))
            if callable(reply.text):
                text = reply.text(prompt_passages(body))
            else:
                text = reply.text if reply.text is not None else default_answer(body)
            if body.get("stream"):
                return StreamingResponse(
                    _stream(self.model, text, delay, reply.chunk_words, reply.chunk_delay_s),
                    media_type="text/event-stream",
                )
            await asyncio.sleep(delay)
            return JSONResponse(_completion(self.model, text))

        return app

    def _refusal(self, request: Request, body: dict[str, Any]) -> Response | None:
        """Return the error a server with this fake's quirks gives to `body`, if any."""
        auth = request.headers.get("authorization")
        if self.api_key is not None and auth != f"Bearer {self.api_key}":
            return _error(401, "Incorrect API key provided", "invalid_api_key")
        if self.models is not None and body.get("model") not in self.models:
            return _error(404, f"model '{body.get('model')}' not found", "model_not_found")
        kind = body.get("response_format", {}).get("type")
        if kind == "json_schema" and not self.json_schema:
            return _error(400, "response_format json_schema is not supported", "invalid_request")
        return None

    async def _tool_call(self, body: dict[str, Any], reply: Reply, delay: float) -> Response:
        await asyncio.sleep(delay)
        name = body["tools"][0]["function"]["name"]
        message = {
            "role": "assistant",
            "content": None,
            "tool_calls": [
                {
                    "id": "call_" + uuid.uuid4().hex[:8],
                    "type": "function",
                    "function": {"name": name, "arguments": json.dumps(reply.structured or {})},
                }
            ],
        }
        return JSONResponse(_completion(self.model, None, message=message, finish="tool_calls"))

    def start(self) -> FakeOpenAI:
        """Serve on a free local port in a background thread; return self once it accepts requests."""
        self._server = ThreadedServer(self.app(), 0, "fake OpenAI server")
        self.port = self._server.port
        self._server.start()
        return self

    def stop(self) -> None:
        """Stop the server and wait for its thread."""
        if self._server is not None:
            self._server.stop(timeout=5)


def prompt_passages(body: dict[str, Any]) -> dict[int, str]:
    """Return the numbered passages of a request's prompt: {n: "title — section\ntext"}."""
    prompt = "\n".join(str(m.get("content", "")) for m in body.get("messages", []))
    blocks = re.findall(r"^\[(\d+)\] (.+?)(?=\n\[\d+\] |\Z)", prompt, re.S | re.M)
    return {int(n): block.strip() for n, block in blocks}


def default_answer(body: dict[str, Any]) -> str:
    """Answer from the prompt's passage [1] (first two sentences), citing it, like a grounded model."""
    prompt = "\n".join(str(m.get("content", "")) for m in body.get("messages", []))
    match = _PASSAGE.search(prompt)
    if match is None:
        return "I don't know."
    sentences = _SENTENCE.split(match.group(2).strip())
    return " ".join(sentences[:2]).strip() + " [1]"


def _completion(
    model: str, content: str | None, *, message: dict[str, Any] | None = None, finish: str = "stop"
) -> dict[str, Any]:
    return {
        "id": "chatcmpl-" + uuid.uuid4().hex[:12],
        "object": "chat.completion",
        "created": int(time.time()),
        "model": model,
        "choices": [
            {
                "index": 0,
                "message": message or {"role": "assistant", "content": content},
                "finish_reason": finish,
            }
        ],
        "usage": {"prompt_tokens": 10, "completion_tokens": 10, "total_tokens": 20},
    }


def _error(status: int, message: str, code: str) -> JSONResponse:
    return JSONResponse(
        {"error": {"message": message, "type": "invalid_request_error", "code": code}},
        status_code=status,
    )


async def _stream(
    model: str, text: str, delay: float, chunk_words: int, chunk_delay: float = 0.0
) -> AsyncIterator[str]:
    cid = "chatcmpl-" + uuid.uuid4().hex[:12]
    await asyncio.sleep(delay)
    words = re.findall(r"\S+\s*", text)
    pieces = [
        "".join(words[i : i + chunk_words]) for i in range(0, len(words), max(chunk_words, 1))
    ]
    first = True
    for piece in pieces:
        delta: dict[str, Any] = {"content": piece}
        if first:
            delta["role"] = "assistant"
            first = False
        yield _chunk(cid, model, delta, None)
        await asyncio.sleep(chunk_delay)
    yield _chunk(cid, model, {}, "stop")
    yield "data: [DONE]\n\n"


def _chunk(cid: str, model: str, delta: dict[str, Any], finish: str | None) -> str:
    payload = {
        "id": cid,
        "object": "chat.completion.chunk",
        "created": int(time.time()),
        "model": model,
        "choices": [{"index": 0, "delta": delta, "finish_reason": finish}],
    }
    return "data: " + json.dumps(payload) + "\n\n"
