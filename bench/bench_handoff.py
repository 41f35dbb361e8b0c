"""Benchmark the liaison-to-person path: HTTP POST of a reply until it arrives on the person's event stream.

Starts a real uvicorn process (one worker) on a temp data dir, opens a ticket the way a person would
(asking for a human over the API), has a liaison claim it, then times N replies end to end.

With --two-workers, two uvicorn processes share PostgreSQL and Redis: the person streams from
worker A while the liaison posts to worker B, so every reply crosses Redis pub/sub.

Run: python bench/bench_handoff.py [--replies N] [--two-workers] [--output results.json]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from assistant.config import load_settings  # noqa: E402
from assistant.liaisons import create_liaison  # noqa: E402
from assistant.store.db import Database  # noqa: E402

logger = logging.getLogger(__name__)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _stats(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)

    def pct(q: float) -> float:
        return round(ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))] * 1000, 2)

    return {
        "p50_ms": pct(0.50),
        "p95_ms": pct(0.95),
        "p99_ms": pct(0.99),
        "max_ms": round(ordered[-1] * 1000, 2),
        "mean_ms": round(statistics.fmean(ordered) * 1000, 2),
    }


def _start_server(
    data_dir: Path, port: int, services: dict[str, str] | None = None
) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "WIL_DATA_DIR": str(data_dir),
        "WIL_ENV": "test",
        "PYTHONPATH": str(ROOT),
    }
    for key in (
        "WIL_LLM_BASE_URL",
        "WIL_LLM_PROVIDER",
        "OPENAI_API_KEY",
        "WIL_REDIS_URL",
        "WIL_DATABASE_URL",
        "WIL_TELEGRAM_TOKEN",
    ):
        env.pop(key, None)
    env.update(services or {})
    cmd = [
        sys.executable,
        "-m",
        "uvicorn",
        "channels.web.app:create_app",
        "--factory",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--workers",
        "1",
        "--log-level",
        "warning",
    ]
    return subprocess.Popen(cmd, cwd=ROOT, env=env)


def _wait_ready(url: str, proc: subprocess.Popen[bytes], timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError("the server exited during start-up")
        try:
            if httpx.get(f"{url}/healthz", timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise RuntimeError("the server did not become ready")


async def _read_stream(
    client: httpx.AsyncClient,
    url: str,
    headers: dict[str, str],
    out: asyncio.Queue[tuple[float, dict[str, Any]]],
    ready: asyncio.Event,
) -> None:
    name, data = "message", []
    async with client.stream("GET", url, headers=headers) as response:
        async for line in response.aiter_lines():
            if line.startswith(":"):
                ready.set()
            elif line.startswith("event:"):
                name = line[6:].strip()
            elif line.startswith("data:"):
                data.append(line[5:].strip())
            elif not line and data:
                if name == "message":
                    await out.put((time.perf_counter(), json.loads("\n".join(data))))
                name, data = "message", []


async def _measure(
    url: str, liaison_token: str, replies: int, warmup: int, liaison_url: str | None = None
) -> dict[str, Any]:
    liaison = {"Authorization": f"Bearer {liaison_token}"}
    timeout = httpx.Timeout(30, read=60)
    async with (
        httpx.AsyncClient(base_url=url, timeout=timeout) as api,
        httpx.AsyncClient(base_url=liaison_url or url, timeout=timeout) as staff,
        httpx.AsyncClient(timeout=timeout) as streamer,
    ):
        conv = (
            await api.post("/api/conversations", json={"channel": "web", "locale": "en"})
        ).json()
        person = {"Authorization": f"Bearer {conv['token']}"}
        turn = (
            await api.post(
                f"/api/conversations/{conv['id']}/messages",
                json={"text": "I want to talk to a human"},
                headers=person,
            )
        ).json()
        ticket = turn["handoff"]["id"]
        (await staff.post(f"/api/handoffs/{ticket}/claim", headers=liaison)).raise_for_status()

        arrivals: asyncio.Queue[tuple[float, dict[str, Any]]] = asyncio.Queue()
        ready = asyncio.Event()
        reader = asyncio.create_task(
            _read_stream(
                streamer, f"{url}/api/conversations/{conv['id']}/events", person, arrivals, ready
            )
        )
        await asyncio.wait_for(ready.wait(), 10)
        await asyncio.sleep(0.2)  # let the server finish subscribing before the first reply

        end_to_end: list[float] = []
        post_only: list[float] = []
        for i in range(warmup + replies):
            text = f"reply {i}: thanks for waiting, here is what I found."
            started = time.perf_counter()
            response = await staff.post(
                f"/api/handoffs/{ticket}/messages", json={"text": text}, headers=liaison
            )
            posted = time.perf_counter()
            response.raise_for_status()
            while True:
                arrived, message = await asyncio.wait_for(arrivals.get(), 10)
                if message.get("text") == text:
                    break
            if i >= warmup:
                end_to_end.append(arrived - started)
                post_only.append(posted - started)
        reader.cancel()
    return {
        "reply_to_stream": _stats(end_to_end),
        "reply_post": _stats(post_only),
        "replies": replies,
    }


def main() -> None:
    """Start the server, run the measurement, print (and optionally save) the figures."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--replies", type=int, default=200, help="timed replies")
    parser.add_argument("--warmup", type=int, default=10, help="untimed replies first")
    parser.add_argument(
        "--output", type=Path, default=None, help="optional JSON file for the results"
    )
    parser.add_argument(
        "--two-workers",
        action="store_true",
        help="two processes sharing PostgreSQL and Redis (see --database-url, --redis-url)",
    )
    parser.add_argument(
        "--database-url", default="postgresql+psycopg://postgres@127.0.0.1:5432/test"
    )
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/15")
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)

    with tempfile.TemporaryDirectory() as tmp:
        services: dict[str, str] = {}
        schema = ""
        if args.two_workers:
            schema = f"bench_{os.getpid()}"
            database_url = _fresh_schema(args.database_url, schema)
            services = {"WIL_DATABASE_URL": database_url, "WIL_REDIS_URL": args.redis_url}
        settings = load_settings(
            data_dir=Path(tmp) / "data", env="test", database_url=services.get("WIL_DATABASE_URL")
        )
        settings.data_dir.mkdir(parents=True)
        db = Database(settings.sqlalchemy_url)
        db.migrate()
        who = create_liaison(db, "bench@example.org", "Bench Liaison")
        db.dispose()

        workers = 2 if args.two_workers else 1
        ports = [_free_port() for _ in range(workers)]
        procs = [
            # Worker 0 uses the data dir where the liaison was created (it holds SQLite when
            # there is no PostgreSQL).
            _start_server(settings.data_dir if i == 0 else Path(tmp) / f"data{i}", port, services)
            for i, port in enumerate(ports)
        ]
        urls = [f"http://127.0.0.1:{port}" for port in ports]
        try:
            for url, proc in zip(urls, procs, strict=True):
                _wait_ready(url, proc)
            result = asyncio.run(
                _measure(urls[0], who.token, args.replies, args.warmup, liaison_url=urls[-1])
            )
        finally:
            for proc in procs:
                proc.terminate()
                try:
                    proc.wait(10)
                except subprocess.TimeoutExpired:
                    proc.kill()
            if schema:
                _drop_schema(args.database_url, schema)
    result["setup"] = {
        "workers": workers,
        "database": "postgresql" if args.two_workers else "sqlite",
        "bus": "redis" if args.two_workers else "in-process",
        "cpus": os.cpu_count(),
    }
    print(json.dumps(result, indent=2))
    if args.output:
        args.output.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")


def _fresh_schema(url: str, schema: str) -> str:
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA IF NOT EXISTS "{schema}"'))
    engine.dispose()
    sep = "&" if "?" in url else "?"
    return f"{url}{sep}options=-csearch_path%3D{schema}"


def _drop_schema(url: str, schema: str) -> None:
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
    engine.dispose()


if __name__ == "__main__":
    main()
