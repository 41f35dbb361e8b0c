"""A local server speaking the OpenAI chat-completions wire protocol, for tests, evals and benches.

Start it with `FakeOpenAI().start()` (a real uvicorn on a free port, in a thread) and point
`WIL_LLM_BASE_URL` at `fake.base_url`. Each request consumes the next scripted `Reply` when one
is queued, else gets the default grounded answer: the first sentence of passage [1] in the prompt,
cited as [1]. Supports plain and streaming (SSE chunks then `[DONE]`) completions, `json_schema`
structured output and tool calls, a fixed or per-reply delay, and HTTP errors.
"""

from __future__ import annotations

import asyncio
import json
import re
import time
import uuid
from collections import deque
from collections.abc import AsyncIterator
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

    text: str | None = None
    structured: dict[str, Any] | None = None
    delay_s: float = 0.0
    status: int = 200
    chunk_words: int = 2


@dataclass
class FakeOpenAI:
    """The fake server; inspect `requests` to see exactly what left the engine."""

    default_delay_s: float = 0.0
    model: str = "fake-model"
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
        async def completions(request: Request) -> Response:
            body = await request.json()
            self.requests.append(body)
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
            text = reply.text if reply.text is not None else default_answer(body)
            if body.get("stream"):
                return StreamingResponse(
                    _stream(self.model, text, delay, reply.chunk_words),
                    media_type="text/event-stream",
                )
            await asyncio.sleep(delay)
            return JSONResponse(_completion(self.model, text))

        return app

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


async def _stream(model: str, text: str, delay: float, chunk_words: int) -> AsyncIterator[str]:
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
        await asyncio.sleep(0)
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
