"""A forged X-Forwarded-For does not reset the per-address limits, also through uvicorn itself.

uvicorn's default `--proxy-headers` trusts 127.0.0.1 and rewrites the client address from the
header before the app sees it; a client on the same host (or anything that reaches the server
through a local tunnel) could otherwise pick a new address for every request.
"""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from assistant.config import load_settings
from assistant.runtime import Runtime, build_runtime
from channels.web.app import create_app
from tests.browser import live_server


@pytest.fixture
def limited(tmp_path) -> Iterator[Runtime]:  # type: ignore[no-untyped-def]
    runtime = build_runtime(
        load_settings(data_dir=tmp_path / "data", env="test", rate_conversations_per_hour=2),
        retriever=None,
    )
    yield runtime
    runtime.db.dispose()


def test_a_forged_forwarded_address_from_localhost_does_not_reset_the_limit(
    limited: Runtime,
) -> None:
    with live_server(create_app(runtime=limited)) as server, httpx.Client() as http:

        def start(forwarded: str | None) -> int:
            headers = {"X-Forwarded-For": forwarded} if forwarded else {}
            url = f"{server.url}/api/conversations"
            return http.post(url, json={}, headers=headers).status_code

        assert [start(f"192.0.2.{i}") for i in range(1, 5)] == [201, 201, 429, 429]
        # Requests without the header are counted on their own address, as before.
        assert [start(None), start(None), start(None)] == [201, 201, 429]


def test_a_trusted_local_proxy_still_forwards_each_clients_address(tmp_path) -> None:  # type: ignore[no-untyped-def]
    runtime = build_runtime(
        load_settings(
            data_dir=tmp_path / "data",
            env="test",
            rate_conversations_per_hour=1,
            trusted_proxies="127.0.0.1",
        ),
        retriever=None,
    )
    try:
        with live_server(create_app(runtime=runtime)) as server, httpx.Client() as http:
            url = f"{server.url}/api/conversations"
            codes = [
                http.post(url, json={}, headers={"X-Forwarded-For": ip}).status_code
                for ip in ("192.0.2.1", "192.0.2.1", "192.0.2.2")
            ]
            assert codes == [201, 429, 201]
    finally:
        runtime.db.dispose()
