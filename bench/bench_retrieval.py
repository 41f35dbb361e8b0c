"""Benchmark retrieval: ingest throughput (cold and from the embedding cache) and query latency.

Run: python bench/bench_retrieval.py [--queries N] [--knowledge PATH] [--threads N]
--threads sets OPENBLAS_NUM_THREADS (it must be set before NumPy loads); on a busy 2-core host
1 thread embeds faster than 2.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

if __name__ == "__main__":
    for i, arg in enumerate(sys.argv):
        if arg == "--threads" and i + 1 < len(sys.argv):
            os.environ["OPENBLAS_NUM_THREADS"] = sys.argv[i + 1]

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from assistant.retrieval import HybridRetriever, KnowledgeIndex, MiniLMEmbedder, ingest  # noqa: E402

logger = logging.getLogger(__name__)

QUERIES = [
    ("How much does the SWPP wage subsidy pay?", "en"),
    ("is my intern covered by WCB if they get hurt", "en"),
    ("Can a placement be fully remote?", "en"),
    ("when should I apply for a co-op at SAIT", "en"),
    ("Comment obtenir la subvention salariale du PSPE?", "fr"),
    ("Mon stagiaire est-il couvert par la WCB?", "fr"),
    ("Quand dois-je postuler pour un stage?", "fr"),
    ("Qui a financé le projet pilote TalentED YYC?", "fr"),
]


def _percentiles(samples: list[float]) -> dict[str, float]:
    """Return p50/p95/mean in milliseconds."""
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return {
        "p50_ms": round(statistics.median(ordered) * 1000, 2),
        "p95_ms": round(p95 * 1000, 2),
        "mean_ms": round(statistics.fmean(ordered) * 1000, 2),
    }


def main() -> None:
    """Ingest the knowledge base into a temp dir, rebuild it from the cache, then time queries."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--queries", type=int, default=200, help="timed queries per measurement")
    parser.add_argument("--knowledge", type=Path, default=ROOT / "knowledge")
    parser.add_argument("--threads", type=int, default=None, help="OpenBLAS threads")
    parser.add_argument(
        "--output", type=Path, default=None, help="optional JSON file for the results"
    )
    args = parser.parse_args()
    load_before = os.getloadavg()

    embedder = MiniLMEmbedder()
    embedder.embed_query("warm up")
    with tempfile.TemporaryDirectory(prefix="wil-bench-") as tmp:
        index = KnowledgeIndex(Path(tmp) / "cold", embedder)
        started = time.perf_counter()
        summary = ingest(index, [args.knowledge], progress=False)
        ingest_s = time.perf_counter() - started
        chunks = summary.chunks_added

        started = time.perf_counter()
        rebuilt = KnowledgeIndex(
            Path(tmp) / "rebuilt", embedder, embedding_cache=index.embedding_cache.path
        )
        ingest(rebuilt, [args.knowledge], progress=False)
        rebuild_s = time.perf_counter() - started

        retriever = HybridRetriever(index)
        retriever.search("warm up the BM25 index", "en")
        hybrid: list[float] = []
        embed_only: list[float] = []
        floor: list[float] = []
        vectors = {q: embedder.embed_query(q) for q, _ in QUERIES}
        for i in range(args.queries):
            query, lang = QUERIES[i % len(QUERIES)]
            t0 = time.perf_counter()
            retriever.search(query, lang, k=5)
            hybrid.append(time.perf_counter() - t0)
            t0 = time.perf_counter()
            embedder.embed_query(query)
            embed_only.append(time.perf_counter() - t0)
            t0 = time.perf_counter()
            index.query_vector(np.asarray(vectors[query]), 5)
            floor.append(time.perf_counter() - t0)

        reingest_started = time.perf_counter()
        ingest(index, [args.knowledge], progress=False)
        reingest_s = time.perf_counter() - reingest_started

    results = {
        "openblas_threads": os.environ.get("OPENBLAS_NUM_THREADS", "default"),
        "cpus": os.cpu_count(),
        "load_average_before": [round(x, 2) for x in load_before],
        "load_average_after": [round(x, 2) for x in os.getloadavg()],
        "chunks": chunks,
        "files": summary.files,
        "ingest_seconds": round(ingest_s, 2),
        "ingest_chunks_per_second": round(chunks / ingest_s, 2) if ingest_s else None,
        "rebuild_from_embedding_cache_seconds": round(rebuild_s, 2),
        "reingest_unchanged_seconds": round(reingest_s, 3),
        "hybrid_search": _percentiles(hybrid),
        "query_embedding_only": _percentiles(embed_only),
        "floor_chroma_query_precomputed_vector": _percentiles(floor),
    }
    print(json.dumps(results, indent=2))
    if args.output:
        args.output.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    logging.basicConfig(level=logging.WARNING)
    main()
