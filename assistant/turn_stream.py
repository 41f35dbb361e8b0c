"""Stream a turn's reply to the client as it is written, and make sure the client sees all of it."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from assistant.answering import word_chunks

OnDelta = Callable[[str], Awaitable[None]]


class TurnStream:
    """Forward fragments to the client; at the end, send whatever of the final text it has not seen."""

    def __init__(self, on_delta: OnDelta | None) -> None:
        self.on_delta = on_delta
        self.sent = ""

    async def delta(self, fragment: str) -> None:
        """Send one fragment (ignored when the client did not ask for streaming)."""
        if self.on_delta is not None and fragment:
            self.sent += fragment
            await self.on_delta(fragment)

    @property
    def callback(self) -> OnDelta | None:
        """Return the fragment callback for composers, or None when nobody listens."""
        return self.delta if self.on_delta is not None else None

    def muted(self) -> TurnStream:
        """Return a stream that sends nothing (for text that will not open the reply)."""
        return TurnStream(None)

    async def finish(self, text: str) -> None:
        """Send the part of the final text the client has not seen yet."""
        if self.on_delta is None or not text:
            return
        if not self.sent:
            for chunk in word_chunks(text):
                await self.delta(chunk)
        elif text.startswith(self.sent) and len(text) > len(self.sent):
            await self.delta(text[len(self.sent) :])
        # Otherwise (an LLM failed mid-stream) the final event carries the text that counts.
