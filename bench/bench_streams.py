"""Idle event streams at scale: N open streams on one worker (PostgreSQL + Redis), liaison replies
delivered to a sample of them.

Run: python -m bench.bench_streams --data-dir DIR [--streams 1000] [--sample 20] [--src PATH]

One `uvicorn channels.web.asgi:app` worker on a free loopback port; N conversations each hold an
event stream open; `--sample` of them ask for a person and a liaison replies to each. Reported:
streams opened, replies saved (201), replies delivered to their stream, delivery latency p50/p95
(from the reply's request to its event on the person's stream) and the load average. Stops by itself; never part of the test suite.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import create_engine, text

from bench.bench_load import POSTGRES_URL, REDIS_URL, ROOT, _free_port, _wait_healthy

RESULTS = Path(__file__).resolve().parent / "results" / "streams.json"


async def _listen(
    client: httpx.AsyncClient,
    cid: str,
    token: str,
    connected: asyncio.Event,
    arrived: dict[str, float],
) -> None:
    headers = {"Authorization": f"Bearer {token}"}
    try:
        async with client.stream("GET", f"/api/conversations/{cid}/events", headers=headers) as r:
            if r.status_code != 200:
                connected.set()
                return
            event = None
            async for line in r.aiter_lines():
                if line == ": connected":
                    connected.set()
                elif line.startswith("event:"):
                    event = line.split(":", 1)[1].strip()
                elif line.startswith("data:") and event == "message":
                    message = json.loads(line.split(":", 1)[1])
                    if message.get("role") == "liaison":
                        arrived[cid] = time.perf_counter()
                        return
    except httpx.HTTPError:
        connected.set()


async def _scenario(url: str, streams: int, sample: int, liaison_token: str) -> dict[str, Any]:
    limits = httpx.Limits(max_connections=streams + 50, max_keepalive_connections=50)
    timeout = httpx.Timeout(60.0, read=None)
    async with httpx.AsyncClient(base_url=url, timeout=timeout, limits=limits) as client:
        people = []
        for _ in range(streams):
            r = await client.post("/api/conversations", json={"locale": "en"})
            people.append(r.json())
        arrived: dict[str, float] = {}
        connected = [asyncio.Event() for _ in people]
        listeners = [
            asyncio.create_task(_listen(client, p["id"], p["token"], connected[i], arrived))
            for i, p in enumerate(people)
        ]
        opened_at = time.perf_counter()
        await asyncio.wait_for(asyncio.gather(*(c.wait() for c in connected)), timeout=300)
        open_s = time.perf_counter() - opened_at
        still_open = sum(1 for t in listeners if not t.done())
        chosen = people[:: max(1, len(people) // sample)][:sample]
        tickets = []
        for p in chosen:
            turn = await client.post(
                f"/api/conversations/{p['id']}/messages",
                json={"text": "I want to talk to a human", "client_message_id": "ask"},
                headers={"Authorization": f"Bearer {p['token']}"},
            )
            tickets.append(turn.json()["handoff"]["id"])
        sent: dict[str, float] = {}
        saved = 0
        staff = {"Authorization": f"Bearer {liaison_token}"}
        for p, ticket in zip(chosen, tickets, strict=True):
            sent[p["id"]] = time.perf_counter()
            r = await client.post(
                f"/api/handoffs/{ticket}/messages", json={"text": "Lee here."}, headers=staff
            )
            saved += r.status_code == 201
        deadline = time.perf_counter() + 30
        while len([c for c in sent if c in arrived]) < len(sent) and time.perf_counter() < deadline:
            await asyncio.sleep(0.05)
        latencies = [(arrived[c] - sent[c]) * 1000 for c in sent if c in arrived]
        for task in listeners:
            task.cancel()
        await asyncio.gather(*listeners, return_exceptions=True)
    ordered = sorted(latencies) or [0.0]
    return {
        "streams_requested": streams,
        "streams_open": still_open,
        "seconds_to_open_all": round(open_s, 1),
        "replies": len(chosen),
        "replies_saved": saved,
        "replies_delivered": len(latencies),
        "delivery_p50_ms": round(statistics.median(ordered), 1),
        "delivery_p95_ms": round(ordered[int(0.95 * (len(ordered) - 1))], 1),
    }


def main() -> None:
    """Parse arguments, run the scenario, print and save the figures."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--data-dir", type=Path, required=True)
    parser.add_argument("--streams", type=int, default=1000)
    parser.add_argument("--sample", type=int, default=20)
    parser.add_argument("--src", type=Path, default=ROOT)
    parser.add_argument("--output", type=Path, default=RESULTS)
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    from assistant.liaisons import create_liaison
    from assistant.store.db import Database

    schema = "bench_" + uuid.uuid4().hex[:8]
    admin = create_engine(POSTGRES_URL)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    db_url = f"{POSTGRES_URL}?options=-csearch_path%3D{schema}"
    env = {
        **os.environ,
        "PYTHONPATH": str(args.src),
        "WIL_DATA_DIR": str(args.data_dir),
        "WIL_DATABASE_URL": db_url,
        "WIL_REDIS_URL": REDIS_URL,
        "WIL_RATE_CONVERSATIONS_PER_HOUR": "0",
        "WIL_RATE_MESSAGES_PER_MINUTE": "0",
    }
    db = Database(db_url)
    db.migrate()
    lee = create_liaison(db, "lee@example.org", "Lee")
    db.dispose()
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    with tempfile.TemporaryDirectory(prefix="wil-streams-") as tmp:
        log = open(Path(tmp) / "server.log", "wb")  # noqa: SIM115 - closed below
        proc = subprocess.Popen(
            [sys.executable, "-m", "uvicorn", "channels.web.asgi:app", "--host", "127.0.0.1",
             "--port", str(port), "--log-level", "warning", "--no-access-log",
             "--limit-concurrency", str(args.streams + 200)],
            env=env, cwd=args.src, stdout=log, stderr=subprocess.STDOUT,
        )  # fmt: skip
        try:
            _wait_healthy(url, proc, 300)
            load_before = os.getloadavg()[0]
            report = asyncio.run(_scenario(url, args.streams, args.sample, lee.token))
            report["loadavg_1m"] = [round(load_before, 2), round(os.getloadavg()[0], 2)]
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()
            log.close()
        report["server_tracebacks"] = (
            (Path(tmp) / "server.log").read_text(errors="replace").count("Traceback")
        )
    with admin.begin() as conn:
        conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    admin.dispose()
    out = json.dumps(report, indent=2)
    print(out)
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(out + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
