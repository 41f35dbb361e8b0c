"""Benchmark turn latency through the HTTP API: offline (1 and 20 concurrent conversations) and LLM overhead.

Run: python -m bench.bench_turns [--data-dir DIR] [--turns N] [--llm-delay-ms 300]
    [--concurrency 20,50] [--no-llm]
The knowledge index in the data dir is used (run `wil-assistant ingest` first); conversations go to a
throwaway database. LLM mode uses tests/fake_openai.py with a fixed latency, so the figure reported
is the engine's own overhead on top of the model: turn time minus the model's delay.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import socket
import statistics
import tempfile
import threading
import time
import uuid
from pathlib import Path
from typing import Any

import httpx
import uvicorn

from assistant.config import load_settings
from assistant.runtime import build_retriever, build_runtime
from channels.web.app import create_app
from evals.answers_eval import load_cases
from tests.fake_openai import FakeOpenAI

RESULTS = Path(__file__).resolve().parent / "results" / "turns.json"
# The bench sends many turns from one address: switch the abuse limits off.
NO_LIMITS = {"rate_conversations_per_hour": 0, "rate_messages_per_minute": 0}
MAX_BUSY_RETRIES = 30
SHED: list[int] = []  # 503s received (a saturated worker sheds load; the turn is sent again)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Server:
    """The real app on uvicorn in a thread."""

    def __init__(self, app: Any) -> None:
        self.port = _free_port()
        self.server = uvicorn.Server(
            uvicorn.Config(app, host="127.0.0.1", port=self.port, log_level="warning")
        )
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def __enter__(self) -> str:
        self.thread.start()
        deadline = time.monotonic() + 30
        while not self.server.started:
            if time.monotonic() > deadline:
                raise RuntimeError("server did not start")
            time.sleep(0.02)
        return f"http://127.0.0.1:{self.port}"

    def __exit__(self, *exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return round(ordered[min(len(ordered) - 1, int(q * (len(ordered) - 1) + 0.5))], 1)


def _stats(values: list[float]) -> dict[str, Any]:
    return {
        "n": len(values),
        "p50_ms": round(statistics.median(values), 1),
        "p95_ms": _pct(values, 0.95),
        "max_ms": round(max(values), 1),
    }


async def _conversation(client: httpx.AsyncClient, questions: list[str]) -> list[float]:
    r = await client.post("/api/conversations", json={})
    r.raise_for_status()
    cid, token = r.json()["id"], r.json()["token"]
    headers = {"Authorization": f"Bearer {token}"}
    timings = []
    for question in questions:
        started = time.perf_counter()
        # As the widget does: one id per message, and a busy server (503) waited out.
        body = {"text": question, "client_message_id": uuid.uuid4().hex}
        for _ in range(MAX_BUSY_RETRIES):
            reply = await client.post(
                f"/api/conversations/{cid}/messages", json=body, headers=headers
            )
            if reply.status_code != 503:
                break
            SHED.append(1)
            await asyncio.sleep(float(reply.headers.get("Retry-After", "1")))
        timings.append((time.perf_counter() - started) * 1000)
        reply.raise_for_status()
    return timings


async def _load(base_url: str, questions: list[str], conversations: int, turns: int) -> list[float]:
    async with httpx.AsyncClient(base_url=base_url, timeout=120) as client:
        batches = [
            [questions[(c * turns + i) % len(questions)] for i in range(turns)]
            for c in range(conversations)
        ]
        results = await asyncio.gather(*(_conversation(client, batch) for batch in batches))
    return [t for timings in results for t in timings]


def _timed_load(url: str, questions: list[str], conversations: int, turns: int) -> dict[str, Any]:
    """Run a load and report latency, turns per second and the machine's load beside them."""
    started = time.perf_counter()
    timings = asyncio.run(_load(url, questions, conversations, turns))
    wall = time.perf_counter() - started
    return {
        **_stats(timings),
        "turns_per_s": round(len(timings) / wall, 1),
        "loadavg_1m": round(os.getloadavg()[0], 2),
    }


def run(
    data_dir: Path | None,
    turns: int,
    llm_delay_ms: float,
    concurrency: tuple[int, ...] = (20,),
    llm: bool = True,
) -> dict[str, Any]:
    """Measure offline latency (1 and N conversations) and, with a fixed-latency fake LLM, the overhead."""
    base = load_settings(**({"data_dir": data_dir} if data_dir else {}))
    retriever = build_retriever(base)
    # Questions that reach retrieval and composition (the costly path), in both languages.
    questions = [c.q for c in load_cases() if c.category == "fact"]
    report: dict[str, Any] = {"questions": len(questions), "turns_per_conversation": turns}
    with tempfile.TemporaryDirectory(prefix="wil-bench-") as tmp:
        settings = base.model_copy(
            update={"data_dir": Path(tmp), "database_url": None, "redis_url": None, **NO_LIMITS}
        )
        runtime = build_runtime(settings, retriever=retriever, llm=None)
        with Server(create_app(runtime=runtime)) as url:
            asyncio.run(_load(url, questions, 1, 3))  # warm-up
            report["offline_1_conversation"] = _timed_load(url, questions, 1, turns)
            for n in concurrency:
                report[f"offline_{n}_conversations"] = _timed_load(url, questions, n, turns)
        runtime.db.dispose()
    if not llm:
        report["busy_503_retried"] = len(SHED)
        return report

    fake = FakeOpenAI(default_delay_s=llm_delay_ms / 1000).start()
    try:
        with tempfile.TemporaryDirectory(prefix="wil-bench-") as tmp:
            settings = base.model_copy(
                update={
                    "data_dir": Path(tmp),
                    "database_url": None,
                    "redis_url": None,
                    **NO_LIMITS,
                    "llm_base_url": fake.base_url,
                    "llm_model": "fake-model",
                }
            )
            runtime = build_runtime(settings, retriever=retriever)
            with Server(create_app(runtime=runtime)) as url:
                asyncio.run(_load(url, questions, 1, 3))
                timings = asyncio.run(_load(url, questions, 1, turns))
                concurrent = asyncio.run(_load(url, questions, 20, turns))
            runtime.db.dispose()
    finally:
        fake.stop()
    report["llm_fixed_delay_ms"] = llm_delay_ms
    report["llm_1_conversation"] = _stats(timings)
    report["llm_overhead_1_conversation"] = _stats([t - llm_delay_ms for t in timings])
    report["llm_20_conversations"] = _stats(concurrent)
    report["busy_503_retried"] = len(SHED)
    report["loadavg_1m"] = round(os.getloadavg()[0], 2)
    report["llm_overhead_20_conversations"] = _stats([t - llm_delay_ms for t in concurrent])
    return report


def main() -> None:
    """Parse arguments, run the benchmark, print and save the figures."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--data-dir", type=Path, default=None)
    parser.add_argument("--turns", type=int, default=10)
    parser.add_argument("--llm-delay-ms", type=float, default=300.0)
    parser.add_argument("--output", type=Path, default=RESULTS)
    parser.add_argument("--concurrency", default="20", help="e.g. 20,50 concurrent conversations")
    parser.add_argument("--no-llm", action="store_true", help="skip the fake-LLM overhead part")
    args = parser.parse_args()
    concurrency = tuple(int(n) for n in args.concurrency.split(","))
    report = run(args.data_dir, args.turns, args.llm_delay_ms, concurrency, llm=not args.no_llm)
    text = json.dumps(report, indent=2)
    print(text)
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(text + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
