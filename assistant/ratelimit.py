"""Rate limits: count events per key in a sliding window, in process or in Redis (across workers).

A limiter answers "may this happen now?" for a key such as `conv-ip:<address>`. `hit` counts the
event only when it is allowed, so a refused request never uses up budget. `check` looks without
counting and `reset` forgets a key (the console clears an email's failures after a good login).
The in-memory limiter serves one process; with `WIL_REDIS_URL` set, a Redis sorted set per key
holds the timestamps, so every worker sees the same counts.
"""

from __future__ import annotations

import logging
import math
import threading
import time
import uuid
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

logger = logging.getLogger(__name__)

Clock = Callable[[], float]


@dataclass(frozen=True)
class Decision:
    """The answer for one key: allowed, or refused with the whole seconds to wait."""

    allowed: bool
    retry_after: int = 0


ALLOWED = Decision(True)


def _wait(oldest: float, now: float, window_s: float) -> int:
    """Return whole seconds (at least 1) until the oldest event leaves the window."""
    return max(1, math.ceil(window_s - (now - oldest)))


class RateLimiter(Protocol):
    """At most `limit` events per key in any `window_s` seconds."""

    def hit(self, key: str, limit: int, window_s: float) -> Decision:
        """Count one event under `key` if the limit allows it; refuse without counting otherwise."""
        ...

    def check(self, key: str, limit: int, window_s: float) -> Decision:
        """Return whether one more event would be allowed, without counting it."""
        ...

    def reset(self, key: str) -> None:
        """Forget every event counted under `key`."""
        ...


class InMemoryRateLimiter:
    """Sliding-window log per key for one process; safe to share between threads."""

    def __init__(self, clock: Clock = time.monotonic, sweep_every: int = 1000) -> None:
        self._clock = clock
        self._lock = threading.Lock()
        self._events: dict[str, tuple[float, deque[float]]] = {}
        self._sweep_every = sweep_every
        self._calls = 0

    def _recent(self, key: str, window_s: float, now: float) -> deque[float]:
        entry = self._events.get(key)
        stamps: deque[float] = entry[1] if entry else deque()
        self._events[key] = (window_s, stamps)
        while stamps and now - stamps[0] >= window_s:
            stamps.popleft()
        return stamps

    def _sweep(self, now: float) -> None:
        """Drop keys whose events have all left their window, so memory follows active keys only."""
        self._calls += 1
        if self._calls % self._sweep_every:
            return
        stale = [k for k, (w, s) in self._events.items() if not s or now - s[-1] >= w]
        for key in stale:
            del self._events[key]

    def hit(self, key: str, limit: int, window_s: float) -> Decision:
        """Count one event under `key` if the limit allows it; refuse without counting otherwise."""
        with self._lock:
            now = self._clock()
            self._sweep(now)
            stamps = self._recent(key, window_s, now)
            if len(stamps) >= limit:
                return Decision(False, _wait(stamps[0], now, window_s))
            stamps.append(now)
            return ALLOWED

    def check(self, key: str, limit: int, window_s: float) -> Decision:
        """Return whether one more event would be allowed, without counting it."""
        with self._lock:
            now = self._clock()
            stamps = self._recent(key, window_s, now)
            if len(stamps) >= limit:
                return Decision(False, _wait(stamps[0], now, window_s))
            return ALLOWED

    def reset(self, key: str) -> None:
        """Forget every event counted under `key`."""
        with self._lock:
            self._events.pop(key, None)


# KEYS[1] = the key's sorted set; ARGV = now (s), window (s), limit, member, count (1 = hit).
# Returns {allowed (1/0), oldest timestamp in the window as a string ("" when none)}.
_SLIDING_WINDOW = """
local key = KEYS[1]
local now = tonumber(ARGV[1])
local window = tonumber(ARGV[2])
local limit = tonumber(ARGV[3])
redis.call('ZREMRANGEBYSCORE', key, '-inf', now - window)
local count = redis.call('ZCARD', key)
if count >= limit then
  local oldest = redis.call('ZRANGE', key, 0, 0, 'WITHSCORES')
  return {0, oldest[2] or ''}
end
if ARGV[5] == '1' then
  redis.call('ZADD', key, now, ARGV[4])
  redis.call('PEXPIRE', key, math.ceil(window * 1000))
end
return {1, ''}
"""


class RedisRateLimiter:
    """Sliding-window log per key in a Redis sorted set, updated atomically by a Lua script.

    Limits hold across workers. If Redis cannot be reached the request is allowed (and a warning
    logged at most once a minute): people are not locked out because a cache is down.
    """

    def __init__(
        self,
        url: str | None = None,
        *,
        client: Any = None,
        prefix: str = "wil:rl:",
        clock: Clock = time.time,
    ) -> None:
        if client is None:
            import redis

            client = redis.Redis.from_url(
                url or "redis://127.0.0.1:6379/0",
                socket_timeout=0.5,
                socket_connect_timeout=0.5,
            )
        self._redis = client
        self._script = client.register_script(_SLIDING_WINDOW)
        self._prefix = prefix
        self._clock = clock
        self._warned_at = -math.inf

    def _run(self, key: str, limit: int, window_s: float, count: bool) -> Decision:
        now = self._clock()
        member = f"{now!r}:{uuid.uuid4().hex[:8]}"
        try:
            allowed, oldest = self._script(
                keys=[self._prefix + key],
                args=[repr(now), repr(float(window_s)), limit, member, "1" if count else "0"],
            )
        except Exception:  # noqa: BLE001 - any Redis trouble: fail open, loudly
            if time.monotonic() - self._warned_at > 60:
                self._warned_at = time.monotonic()
                logger.warning("rate limiter: Redis unavailable; requests are not limited")
            return ALLOWED
        if int(allowed):
            return ALLOWED
        first = float(oldest) if oldest not in (b"", "", None) else now
        return Decision(False, _wait(first, now, window_s))

    def hit(self, key: str, limit: int, window_s: float) -> Decision:
        """Count one event under `key` if the limit allows it; refuse without counting otherwise."""
        return self._run(key, limit, window_s, count=True)

    def check(self, key: str, limit: int, window_s: float) -> Decision:
        """Return whether one more event would be allowed, without counting it."""
        return self._run(key, limit, window_s, count=False)

    def reset(self, key: str) -> None:
        """Forget every event counted under `key`."""
        try:
            self._redis.delete(self._prefix + key)
        except Exception:  # noqa: BLE001 - same policy as counting
            logger.warning("rate limiter: could not reset a key in Redis")

    def close(self) -> None:
        """Release the Redis connections."""
        self._redis.close()


# What a person is told when a limit refuses them, in their language ({wait}: `wait_in_words`).
LIMIT_TEXTS: dict[str, dict[str, str]] = {
    "conversations": {
        "en": "Too many new conversations from your network. Please try again in {wait}.",
        "fr": (
            "Trop de nouvelles conversations ont été ouvertes depuis votre réseau. "
            "Veuillez réessayer dans {wait}."
        ),
    },
    "messages": {
        "en": "You are sending messages too quickly. Please wait {wait} and try again.",
        "fr": (
            "Vous envoyez des messages trop rapidement. Veuillez patienter {wait}, puis réessayer."
        ),
    },
}


def wait_in_words(seconds: int, locale: str = "en") -> str:
    """Return a wait for people: "1 second", "45 seconds", "5 minutes" / "1 seconde", "5 minutes"."""
    french = locale.startswith("fr")
    if seconds < 90:
        unit = "seconde" if french else "second"
        return f"{seconds} {unit}{'s' if seconds != 1 else ''}"
    return f"{-(-seconds // 60)} minutes"


def limit_text(kind: str, decision: Decision, locale: str = "en") -> str:
    """Return the sentence explaining a refusal of `kind` ("conversations", "messages")."""
    texts = LIMIT_TEXTS[kind]
    lang = "fr" if locale.startswith("fr") else "en"
    return texts[lang].format(wait=wait_in_words(decision.retry_after, lang))


def make_rate_limiter(redis_url: str | None) -> RateLimiter:
    """Return a Redis limiter when a Redis URL is configured, otherwise an in-process one."""
    if redis_url:
        return RedisRateLimiter(redis_url)
    return InMemoryRateLimiter()
