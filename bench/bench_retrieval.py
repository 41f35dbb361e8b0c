"""Benchmark retrieval: ingest throughput (cold and from the embedding cache) and query latency.

Run: python bench/bench_retrieval.py [--queries N] [--knowledge PATH] [--threads N]
    [--copies 1,10,50] [--compare-embedders]
--threads sets OPENBLAS_NUM_THREADS (it must be set before NumPy loads); on a busy 2-core host
1 thread embeds faster than 2. --copies also times queries over the knowledge copied N times (each
copy its own pages), to show how a query's cost grows with the corpus. --compare-embedders times
one query with the NumPy and the ONNX embedder and checks their vectors agree on every passage.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import logging
import os
import re
import shutil
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

from assistant.retrieval import (  # noqa: E402
    HybridRetriever,
    KnowledgeIndex,
    MiniLMEmbedder,
    ingest,
    make_embedder,
)
from assistant.retrieval.chunking import chunk_document  # noqa: E402
from assistant.retrieval.loaders import load_document  # noqa: E402

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


def _copy_knowledge(source: Path, target: Path, copies: int) -> Path:
    """Write `copies` copies of the knowledge pages under `target`, each with its own page ids."""
    for n in range(copies):
        for page in source.rglob("*.md"):
            text = page.read_text(encoding="utf-8")
            if n:
                text = re.sub(r"(?m)^(id|pair): *(.+)$", rf"\1: \2-copy{n}", text, count=2)
            out = target / f"copy{n}" / page.relative_to(source)
            out.parent.mkdir(parents=True, exist_ok=True)
            out.write_text(text, encoding="utf-8")
    return target


def _time_queries(retriever: HybridRetriever, queries: int) -> dict[str, float]:
    """Time hybrid searches over the bench's questions."""
    retriever.search("warm up the BM25 index", "en")
    samples = []
    for i in range(queries):
        query, lang = QUERIES[i % len(QUERIES)]
        t0 = time.perf_counter()
        retriever.search(query, lang, k=5)
        samples.append(time.perf_counter() - t0)
    return _percentiles(samples)


def _scaling(knowledge: Path, copies: list[int], queries: int, tmp: Path) -> dict[str, object]:
    """Time queries over the knowledge copied N times (embeddings shared: copies are identical)."""
    embedder = make_embedder("minilm")
    cache = tmp / "scale-embeddings.sqlite"
    out: dict[str, object] = {}
    for n in copies:
        folder = _copy_knowledge(knowledge, tmp / f"knowledge-x{n}", n)
        index = KnowledgeIndex(tmp / f"index-x{n}", embedder, embedding_cache=cache)
        ingest(index, [folder], progress=False)
        load = os.getloadavg()[0]
        timed = _time_queries(HybridRetriever(index), queries)
        vector = embedder.embed_query(QUERIES[0][0])
        floor = []
        for _ in range(queries):
            t0 = time.perf_counter()
            index.query_vector(np.asarray(vector), 40)
            floor.append(time.perf_counter() - t0)
        out[f"x{n}"] = {
            "chunks": index.count(),
            "hybrid_search": timed,
            "chroma_top40": _percentiles(floor),
            "load_average_1m": round(load, 2),
        }
        shutil.rmtree(folder, ignore_errors=True)
    return out


def _compare_embedders(knowledge: Path, queries: int) -> dict[str, object]:
    """Time one query with each MiniLM runtime and compare their vectors on every passage."""
    if importlib.util.find_spec("assistant.retrieval.onnx_minilm") is None:
        return {"onnx": "not in this version"}
    from assistant.retrieval.onnx_minilm import OnnxMiniLMEmbedder

    runtimes = {"numpy": MiniLMEmbedder(), "onnx": OnnxMiniLMEmbedder()}
    out: dict[str, object] = {}
    for name, runtime in runtimes.items():
        runtime.embed_query("warm up")
        samples = []
        for i in range(queries):
            t0 = time.perf_counter()
            runtime.embed_query(f"{QUERIES[i % len(QUERIES)][0]} {i}")
            samples.append(time.perf_counter() - t0)
        out[f"{name}_query"] = {**_percentiles(samples), "load_average_1m": os.getloadavg()[0]}
    texts = [
        chunk.search_text
        for page in sorted(knowledge.rglob("*.md"))
        for chunk in chunk_document(load_document(page, knowledge))
    ]
    cosines = (
        runtimes["numpy"].embed_documents(texts) * runtimes["onnx"].embed_documents(texts)
    ).sum(axis=1)
    out["passages_compared"] = len(texts)
    out["min_cosine"] = round(float(cosines.min()), 6)
    return out


def main() -> None:
    """Ingest the knowledge base into a temp dir, rebuild it from the cache, then time queries."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--queries", type=int, default=200, help="timed queries per measurement")
    parser.add_argument("--knowledge", type=Path, default=ROOT / "knowledge")
    parser.add_argument("--threads", type=int, default=None, help="OpenBLAS threads")
    parser.add_argument(
        "--output", type=Path, default=None, help="optional JSON file for the results"
    )
    parser.add_argument("--copies", default="", help="e.g. 1,10,50: time queries at N copies")
    parser.add_argument("--compare-embedders", action="store_true")
    parser.add_argument("--skip-ingest", action="store_true", help="only the --copies timings")
    args = parser.parse_args()
    load_before = os.getloadavg()
    results: dict[str, object] = {}
    if args.copies:
        with tempfile.TemporaryDirectory(prefix="wil-bench-") as tmp:
            copies = [int(n) for n in args.copies.split(",")]
            results["scaling"] = _scaling(args.knowledge, copies, args.queries, Path(tmp))
    if args.compare_embedders:
        results["embedders"] = _compare_embedders(args.knowledge, args.queries)
    if args.skip_ingest:
        print(json.dumps(results, indent=2))
        if args.output:
            args.output.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
        return

    embedder = make_embedder("minilm")
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

    results |= {
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
