"""Bounded load test: N conversations x M turns against real uvicorn workers, then a database check.

Run: python -m bench.bench_load --data-dir DIR [--conversations 50] [--turns 10]
     [--configs sqlite1,pg2] [--src PATH] [--timeout 120]

Each configuration is served by `uvicorn channels.web.asgi:app --workers N` on a free loopback port
(`sqlite1`: one worker on SQLite; `pg2`: two workers on PostgreSQL + Redis, a private schema in the
local `test` database and Redis database 14). `DIR` must hold a knowledge index
(`WIL_DATA_DIR=DIR wil-assistant ingest`). All conversations run at once, each sending its turns one
after the other, as people do; every message carries a client message id, and a 503 or 429 is
retried after its Retry-After with the same id (what the widget does). `--src` serves another
checkout (e.g. an unpacked `git archive` of an older commit) to measure before/after in one run.

Reported per configuration: turns/s, latency p50/p95/max (including waits on 503), client errors,
shed answers (503), and from the database: every message stored once, in order, each followed by
its reply. The load average (1 min) is printed beside the figures: the machine is shared, so a
figure means little without it. The test stops by itself (client timeout, bounded turns) and is
never part of the test suite.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import create_engine, text

ROOT = Path(__file__).resolve().parent.parent
RESULTS = Path(__file__).resolve().parent / "results" / "load.json"
POSTGRES_URL = os.environ.get(
    "WIL_BENCH_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
REDIS_URL = os.environ.get("WIL_BENCH_REDIS_URL", "redis://127.0.0.1:6379/14")
MAX_RETRIES = 20


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _questions() -> list[str]:
    sys.path.insert(0, str(ROOT))
    from evals.answers_eval import load_cases

    return [c.q for c in load_cases() if c.category == "fact"]


@dataclass
class Result:
    """What the clients saw."""

    latencies_ms: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    shed: int = 0
    limited: int = 0
    sent: dict[str, list[str]] = field(default_factory=dict)


async def _turn(
    client: httpx.AsyncClient, cid: str, headers: dict[str, str], question: str, result: Result
) -> None:
    body = {"text": question, "client_message_id": uuid.uuid4().hex}
    started = time.perf_counter()
    for _ in range(MAX_RETRIES):
        try:
            r = await client.post(f"/api/conversations/{cid}/messages", json=body, headers=headers)
        except httpx.HTTPError as exc:
            result.errors.append(f"{type(exc).__name__}")
            return
        if r.status_code in (429, 503):
            if r.status_code == 503:
                result.shed += 1
            else:
                result.limited += 1
            await asyncio.sleep(float(r.headers.get("Retry-After", "1")))
            continue
        if r.status_code != 200:
            result.errors.append(f"HTTP {r.status_code}")
            return
        result.latencies_ms.append((time.perf_counter() - started) * 1000)
        return
    result.errors.append("gave up after retries")


async def _conversation(client: httpx.AsyncClient, questions: list[str], result: Result) -> None:
    for _ in range(MAX_RETRIES):
        try:
            r = await client.post("/api/conversations", json={"locale": "en"})
        except httpx.HTTPError as exc:
            result.errors.append(f"start: {type(exc).__name__}")
            return
        if r.status_code in (429, 503):
            await asyncio.sleep(float(r.headers.get("Retry-After", "1")))
            continue
        break
    if r.status_code != 201:
        result.errors.append(f"start: HTTP {r.status_code}")
        return
    cid, token = r.json()["id"], r.json()["token"]
    result.sent[cid] = list(questions)
    headers = {"Authorization": f"Bearer {token}"}
    for question in questions:
        await _turn(client, cid, headers, question, result)


async def _load(url: str, batches: list[list[str]], timeout: float) -> tuple[Result, float]:
    result = Result()
    limits = httpx.Limits(max_connections=len(batches) + 10, max_keepalive_connections=len(batches))
    async with httpx.AsyncClient(base_url=url, timeout=timeout, limits=limits) as client:
        started = time.perf_counter()
        await asyncio.gather(*(_conversation(client, batch, result) for batch in batches))
        wall = time.perf_counter() - started
    return result, wall


def _check_database(db_url: str, sent: dict[str, list[str]]) -> dict[str, int]:
    """Count, per sent message, whether it is stored once, in order and followed by its reply."""
    engine = create_engine(db_url)
    counts = {"stored_once": 0, "duplicated": 0, "missing": 0, "out_of_order": 0, "unanswered": 0}
    with engine.connect() as conn:
        for cid, questions in sent.items():
            rows = conn.execute(
                text("SELECT role, text FROM messages WHERE conversation_id = :c ORDER BY id"),
                {"c": cid},
            ).all()
            user_texts = [t for role, t in rows if role == "user"]
            stored = Counter(user_texts)
            for q, expected in Counter(questions).items():
                n = stored.get(q, 0)
                key = (
                    "stored_once" if n == expected else "missing" if n < expected else "duplicated"
                )
                counts[key] += expected
            if [t for t in user_texts if t in questions] != [q for q in questions if q in stored]:
                counts["out_of_order"] += 1
            for i, (role, _) in enumerate(rows):
                if role == "user" and (i + 1 >= len(rows) or rows[i + 1][0] != "assistant"):
                    counts["unanswered"] += 1
    engine.dispose()
    return counts


def _wait_healthy(url: str, proc: subprocess.Popen[bytes], timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError("server exited during start-up")
        try:
            if httpx.get(f"{url}/healthz", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    raise RuntimeError("server did not become healthy")


def run_config(
    name: str, src: Path, data_dir: Path, batches: list[list[str]], timeout: float
) -> dict[str, Any]:
    """Serve one configuration, load it, check its database and return the figures."""
    workers = int(name[-1])
    schema = None
    with tempfile.TemporaryDirectory(prefix="wil-load-") as tmp:
        if name.startswith("pg"):
            schema = "bench_" + uuid.uuid4().hex[:8]
            admin = create_engine(POSTGRES_URL)
            with admin.begin() as conn:
                conn.execute(text(f'CREATE SCHEMA "{schema}"'))
            db_url = f"{POSTGRES_URL}?options=-csearch_path%3D{schema}"
            redis_url: str | None = REDIS_URL
        else:
            db_url = f"sqlite:///{tmp}/bench.sqlite3"
            redis_url = None
        env = {
            **os.environ,
            "PYTHONPATH": str(src),
            "WIL_DATA_DIR": str(data_dir),
            "WIL_DATABASE_URL": db_url,
            "WIL_RATE_CONVERSATIONS_PER_HOUR": "0",
            "WIL_RATE_MESSAGES_PER_MINUTE": "0",
        }
        env.pop("WIL_REDIS_URL", None)
        if redis_url:
            env["WIL_REDIS_URL"] = redis_url
        # Migrate once before the workers start, as `wil-assistant serve` does.
        subprocess.run(
            [sys.executable, "-c", "from assistant.config import get_settings;"
             "from assistant.store.db import Database;"
             "Database(get_settings().sqlalchemy_url).migrate()"],
            env=env, cwd=src, check=True, capture_output=True,
        )  # fmt: skip
        port = _free_port()
        url = f"http://127.0.0.1:{port}"
        log = open(Path(tmp) / "server.log", "wb")  # noqa: SIM115 - closed below
        proc = subprocess.Popen(
            [sys.executable, "-m", "uvicorn", "channels.web.asgi:app", "--host", "127.0.0.1",
             "--port", str(port), "--workers", str(workers), "--log-level", "warning",
             "--no-access-log"],
            env=env, cwd=src, stdout=log, stderr=subprocess.STDOUT,
        )  # fmt: skip
        try:
            _wait_healthy(url, proc, 300)
            warm = [[q] for q in batches[0][:2]]
            asyncio.run(_load(url, warm, timeout))
            load_before = os.getloadavg()[0]
            result, wall = asyncio.run(_load(url, batches, timeout))
            load_after = os.getloadavg()[0]
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()
            log.close()
        server_errors = (Path(tmp) / "server.log").read_text(errors="replace").count("Traceback")
        check = _check_database(db_url, result.sent)
        if schema:
            with admin.begin() as conn:
                conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
            admin.dispose()
    lat = result.latencies_ms or [0.0]
    ordered = sorted(lat)
    return {
        "config": name,
        "conversations": len(batches),
        "turns": sum(len(b) for b in batches),
        "completed": len(result.latencies_ms),
        "turns_per_s": round(len(result.latencies_ms) / wall, 1),
        "p50_ms": round(statistics.median(lat), 1),
        "p95_ms": round(ordered[int(0.95 * (len(ordered) - 1))], 1),
        "max_ms": round(max(lat), 1),
        "client_errors": len(result.errors),
        "error_kinds": sorted(set(result.errors)),
        "shed_503": result.shed,
        "limited_429": result.limited,
        "server_tracebacks": server_errors,
        "database": check,
        "loadavg_1m": [round(load_before, 2), round(load_after, 2)],
        "wall_s": round(wall, 1),
    }


def main() -> None:
    """Parse arguments, run each configuration, print and save the figures."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--data-dir", type=Path, required=True)
    parser.add_argument("--conversations", type=int, default=50)
    parser.add_argument("--turns", type=int, default=10)
    parser.add_argument("--configs", default="sqlite1,pg2")
    parser.add_argument("--src", type=Path, default=ROOT)
    parser.add_argument("--timeout", type=float, default=120.0)
    parser.add_argument("--output", type=Path, default=RESULTS)
    args = parser.parse_args()
    questions = _questions()
    if len(questions) < args.turns:
        parser.error(f"at most {len(questions)} turns (distinct questions per conversation)")
    batches = [
        [questions[(c * 7 + i) % len(questions)] for i in range(args.turns)]
        for c in range(args.conversations)
    ]
    report = {
        "src": "this checkout" if args.src.resolve() == ROOT else "other checkout",
        "cpus": os.cpu_count(),
        "runs": [
            run_config(name.strip(), args.src.resolve(), args.data_dir, batches, args.timeout)
            for name in args.configs.split(",")
        ],
    }
    out = json.dumps(report, indent=2)
    print(out)
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(out + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
