"""One turn at a time per conversation: in process, and across workers on PostgreSQL.

Two messages of one conversation sent close together (a double click, a retry that overtakes its
first attempt, two tabs) must be answered in the order they arrive, each reply stored right after
its question. Within a worker an asyncio lock per conversation serialises them; on PostgreSQL a
session-level advisory lock keyed on the conversation serialises workers too. SQLite serves one
worker, so the in-process lock is enough there.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import logging
from collections.abc import AsyncIterator
from typing import Any

from sqlalchemy import text

from assistant.errors import WilError
from assistant.store.db import Database

logger = logging.getLogger(__name__)

# How long a turn waits for the one before it in the same conversation before giving up (503).
LOCK_WAIT_S = 60.0
_POLL_S = (0.005, 0.01, 0.02, 0.05, 0.1)


class ConversationBusyError(WilError):
    """Another turn of the same conversation held it for too long; the client retries later."""

    status_code = 503
    public_message = "Your previous message is still being answered. Please try again in a moment."
    retry_after = 2


def advisory_key(conversation_id: str) -> int:
    """Return a signed 64-bit advisory-lock key for a conversation id."""
    digest = hashlib.blake2b(f"wil-turn:{conversation_id}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)


class ConversationLocks:
    """Hand out the per-conversation turn lock (see the module's docstring)."""

    def __init__(self, db: Database, *, wait_s: float = LOCK_WAIT_S) -> None:
        self.db = db
        self.wait_s = wait_s
        self.cross_worker = db.engine.dialect.name == "postgresql"
        self._local: dict[str, tuple[asyncio.Lock, int]] = {}

    @contextlib.asynccontextmanager
    async def hold(self, conversation_id: str) -> AsyncIterator[None]:
        """Hold the conversation's turn lock for the body of the `async with`."""
        lock = self._enter(conversation_id)
        try:
            try:
                await asyncio.wait_for(lock.acquire(), timeout=self.wait_s)
            except TimeoutError:
                raise ConversationBusyError("conversation busy") from None
            try:
                if self.cross_worker:
                    async with self._advisory(conversation_id):
                        yield
                else:
                    yield
            finally:
                lock.release()
        finally:
            self._leave(conversation_id)

    def held(self, conversation_id: str) -> bool:
        """Return True while a turn of the conversation holds or waits for the lock here."""
        return conversation_id in self._local

    def _enter(self, conversation_id: str) -> asyncio.Lock:
        lock, users = self._local.get(conversation_id, (None, 0))
        if lock is None:
            lock = asyncio.Lock()
        self._local[conversation_id] = (lock, users + 1)
        return lock

    def _leave(self, conversation_id: str) -> None:
        lock, users = self._local[conversation_id]
        if users <= 1:
            del self._local[conversation_id]
        else:
            self._local[conversation_id] = (lock, users - 1)

    @contextlib.asynccontextmanager
    async def _advisory(self, conversation_id: str) -> AsyncIterator[None]:
        """Hold a PostgreSQL advisory lock on a dedicated connection (polled: no thread blocks)."""
        key = advisory_key(conversation_id)
        conn = await asyncio.to_thread(self.db.engine.connect)
        try:
            loop = asyncio.get_running_loop()
            deadline = loop.time() + self.wait_s
            attempt = 0
            while not await asyncio.to_thread(_try_lock, conn, key):
                if loop.time() > deadline:
                    raise ConversationBusyError("conversation busy")
                await asyncio.sleep(_POLL_S[min(attempt, len(_POLL_S) - 1)])
                attempt += 1
            yield
        finally:
            # Also after a cancellation mid-acquire: the connection never goes back to the pool
            # holding a lock.
            await asyncio.shield(asyncio.to_thread(_release, conn))


def _try_lock(conn: Any, key: int) -> bool:
    got = bool(conn.execute(text("SELECT pg_try_advisory_lock(:k)"), {"k": key}).scalar())
    conn.commit()  # end the implicit transaction; the session-level lock stays
    return got


def _release(conn: Any) -> None:
    try:
        conn.execute(text("SELECT pg_advisory_unlock_all()"))
        conn.commit()
    except Exception:  # noqa: BLE001 - a broken connection must not go back to the pool locked
        logger.warning("could not release a conversation lock; dropping its connection")
        with contextlib.suppress(Exception):
            conn.invalidate()
    finally:
        with contextlib.suppress(Exception):
            conn.close()
