"""The Redis rate limiter: the same limits, shared by every worker (needs the local Redis)."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from assistant.config import load_settings
from assistant.ratelimit import RedisRateLimiter
from assistant.runtime import Runtime, build_runtime
from channels.web.app import create_app
from tests.conftest import REDIS_URL, require_service

pytestmark = pytest.mark.services


class FakeClock:
    """A clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = 1_700_000_000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def prefix() -> Iterator[str]:
    """Yield a private key prefix in the test Redis, deleting its keys afterwards."""
    require_service("Redis", "127.0.0.1", 6379)
    import redis

    name = f"wil:test-rl:{uuid.uuid4().hex[:8]}:"
    yield name
    client = redis.Redis.from_url(REDIS_URL)
    keys = list(client.scan_iter(f"{name}*"))
    if keys:
        client.delete(*keys)
    client.close()


def test_redis_limiter_refuses_beyond_the_limit_per_key_until_the_window_passes(
    prefix: str,
) -> None:
    clock = FakeClock()
    limiter = RedisRateLimiter(REDIS_URL, prefix=prefix, clock=clock)
    try:
        assert [limiter.hit("a", 2, 60).allowed for _ in range(3)] == [True, True, False]
        clock.now += 20
        refused = limiter.hit("a", 2, 60)
        assert not refused.allowed and refused.retry_after == 40
        assert limiter.hit("b", 2, 60).allowed  # another key is unaffected
        assert not limiter.check("a", 2, 60).allowed
        clock.now += 40
        assert limiter.check("a", 2, 60).allowed  # looking does not count
        assert limiter.hit("a", 2, 60).allowed
        assert limiter.hit("a", 2, 60).allowed
        assert not limiter.hit("a", 2, 60).allowed
        limiter.reset("a")
        assert limiter.hit("a", 2, 60).allowed
    finally:
        limiter.close()


def _worker(tmp_path: Path, name: str, prefix: str, clock: FakeClock) -> Runtime:
    settings = load_settings(
        data_dir=tmp_path / name, env="test", redis_url=REDIS_URL, rate_conversations_per_hour=3
    )
    runtime = build_runtime(settings, retriever=None)
    runtime.extras["rate_limiter"] = RedisRateLimiter(REDIS_URL, prefix=prefix, clock=clock)
    return runtime


def test_limits_hold_across_workers(tmp_path: Path, prefix: str) -> None:
    clock = FakeClock()
    workers = [_worker(tmp_path, name, prefix, clock) for name in ("a", "b")]
    try:
        with (
            TestClient(create_app(runtime=workers[0])) as a,
            TestClient(create_app(runtime=workers[1])) as b,
        ):
            codes = [c.post("/api/conversations", json={}).status_code for c in (a, b, a)]
            assert codes == [201, 201, 201]
            refused = b.post("/api/conversations", json={})
            assert refused.status_code == 429
            assert int(refused.headers["retry-after"]) == 3600
            # Console login failures are shared too: five on one worker block the other.
            for _ in range(5):
                wrong = {"email": "ghost@example.org", "password": "x"}
                assert a.post("/console/api/login", json=wrong).status_code == 401
            wrong = {"email": "ghost@example.org", "password": "x"}
            assert b.post("/console/api/login", json=wrong).status_code == 429
    finally:
        for runtime in workers:
            runtime.extras["rate_limiter"].close()
            runtime.db.dispose()
