"""Back-pressure: a bounded number of turns in flight per worker, a quick 503 beyond it.

A turn is mostly CPU (retrieval, composition) on a small machine: letting hundreds run at once only
makes every one of them slow and lets clients time out while their work goes on. A worker runs at
most `limit` turns at once; a turn waits at most `wait_s` for a slot and is otherwise refused with
503, `Retry-After` and a sentence in the person's language (the widget waits and sends the same
message again, with the same client id, so nothing is stored twice).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

from assistant.errors import WilError

GATE_KEY = "turn_gate"
MAX_TURNS_IN_FLIGHT = 12
QUEUE_WAIT_S = 5.0
BUSY_RETRY_AFTER_S = 2

BUSY_TEXT = {
    "en": "Many people are writing to the assistant right now. Please try again in a few seconds.",
    "fr": (
        "Beaucoup de personnes écrivent à l'assistant en ce moment. "
        "Veuillez réessayer dans quelques secondes."
    ),
}
UNAVAILABLE_TEXT = {
    "en": "The assistant is temporarily unavailable. Please try again in a moment.",
    "fr": "L'assistant est temporairement indisponible. Veuillez réessayer dans un instant.",
}


def say(texts: dict[str, str], locale: str | None) -> str:
    """Return the text in the locale ("fr..." is French; anything else English)."""
    return texts["fr" if (locale or "").startswith("fr") else "en"]


class OverloadedError(WilError):
    """The worker runs as many turns as it may; the client retries after `retry_after` seconds."""

    status_code = 503
    public_message = BUSY_TEXT["en"]
    retry_after = BUSY_RETRY_AFTER_S


class TurnGate:
    """Count turns in flight; admit up to `limit`, let others wait `wait_s`, then refuse."""

    def __init__(self, limit: int = MAX_TURNS_IN_FLIGHT, wait_s: float = QUEUE_WAIT_S) -> None:
        self.limit = limit
        self.wait_s = wait_s
        self.in_flight = 0
        self.shed = 0
        self.loop: asyncio.AbstractEventLoop | None = None
        self._slots = asyncio.Semaphore(limit)

    async def enter(self, locale: str | None = None) -> Callable[[], None]:
        """Take a slot and return its (idempotent) release; raise OverloadedError when none frees up."""
        try:
            await asyncio.wait_for(self._slots.acquire(), timeout=self.wait_s)
        except TimeoutError:
            self.shed += 1
            raise OverloadedError(say(BUSY_TEXT, locale)) from None
        self.in_flight += 1
        released = False

        def release() -> None:
            nonlocal released
            if released:
                return
            released = True
            self.in_flight -= 1
            self._slots.release()

        return release


def turn_gate(extras: dict[str, Any]) -> TurnGate:
    """Return the worker's gate kept in the runtime's extras (created on first use).

    A gate belongs to one event loop; a runtime served again on another loop (tests run one app
    after another) gets a fresh gate with the same limits.
    """
    gate: TurnGate | None = extras.get(GATE_KEY)
    loop = asyncio.get_running_loop()
    if gate is None:
        gate = extras.setdefault(GATE_KEY, TurnGate())
    elif gate.loop is not None and gate.loop is not loop:
        gate = extras[GATE_KEY] = TurnGate(gate.limit, gate.wait_s)
    gate.loop = loop
    return gate
