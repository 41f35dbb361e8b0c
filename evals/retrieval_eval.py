"""Score retrieval (BM25, dense, hybrid) on evals/datasets/retrieval.yaml: recall@1/5 and MRR per language."""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
import shutil
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml

from assistant.retrieval import (
    Embedder,
    HybridRetriever,
    KnowledgeIndex,
    MiniLMEmbedder,
    Passage,
    default_knowledge_dir,
    ingest,
)
from assistant.retrieval.ingest import PIPELINE_VERSION

logger = logging.getLogger(__name__)

EVALS_DIR = Path(__file__).resolve().parent
DEFAULT_DATASET = EVALS_DIR / "datasets" / "retrieval.yaml"
DEFAULT_OUTPUT = EVALS_DIR / "results" / "retrieval.json"
METHODS = ("bm25", "dense", "hybrid")

Question = dict[str, Any]


def load_dataset(path: Path = DEFAULT_DATASET) -> tuple[list[Question], list[Question]]:
    """Read the in-scope questions and the out-of-scope ones."""
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    return list(data.get("questions") or []), list(data.get("out_of_scope") or [])


def _rank(passages: list[Passage], expected: list[str]) -> int | None:
    """Return the 1-based rank of the first expected key among distinct keys, or None."""
    seen: list[str] = []
    for p in passages:
        if p.key not in seen:
            seen.append(p.key)
    for i, key in enumerate(seen, start=1):
        if key in expected:
            return i
    return None


def _score(ranks: list[int | None]) -> dict[str, float]:
    """Compute recall@1, recall@5 and MRR (over top 5) from ranks."""
    n = len(ranks) or 1
    return {
        "n": len(ranks),
        "recall@1": round(sum(1 for r in ranks if r == 1) / n, 4),
        "recall@5": round(sum(1 for r in ranks if r is not None and r <= 5) / n, 4),
        "mrr": round(sum(1.0 / r for r in ranks if r is not None and r <= 5) / n, 4),
    }


def evaluate(
    retriever: HybridRetriever,
    questions: list[Question],
    out_of_scope: list[Question],
    use_audience: bool = True,
) -> dict[str, Any]:
    """Run every question through each method and aggregate the metrics."""
    runners: dict[str, Callable[[Question], list[Passage]]] = {
        "bm25": lambda q: retriever.bm25_search(
            q["q"], q["lang"], _aud(q, use_audience), None, k=5
        ),
        "dense": lambda q: retriever.dense_search(
            q["q"], q["lang"], _aud(q, use_audience), None, k=5
        ),
        "hybrid": lambda q: (
            retriever.search(q["q"], q["lang"], _aud(q, use_audience), None, k=5).passages
        ),
    }
    ranks: dict[str, list[int | None]] = {m: [] for m in METHODS}
    misses: list[dict[str, Any]] = []
    wrong_lang = 0
    for q in questions:
        for method, run in runners.items():
            passages = run(q)
            r = _rank(passages, list(q["expected"]))
            ranks[method].append(r)
            if method == "hybrid":
                if (
                    passages
                    and q["lang"] == "fr"
                    and passages[0].lang != "fr"
                    and _has_twin(retriever, passages[0].key)
                ):
                    wrong_lang += 1
                if r is None or r > 5:
                    misses.append(
                        {
                            "q": q["q"],
                            "lang": q["lang"],
                            "expected": q["expected"],
                            "got": [p.key for p in passages],
                        }
                    )
    groups: dict[str, Callable[[Question], bool]] = {
        "all": lambda q: True,
        "en": lambda q: q["lang"] == "en",
        "fr": lambda q: q["lang"] == "fr",
        "tuning_en": lambda q: not q.get("heldout") and q["lang"] == "en",
        "tuning_fr": lambda q: not q.get("heldout") and q["lang"] == "fr",
        "heldout": lambda q: bool(q.get("heldout")),
        "heldout_en": lambda q: bool(q.get("heldout")) and q["lang"] == "en",
        "heldout_fr": lambda q: bool(q.get("heldout")) and q["lang"] == "fr",
    }
    metrics: dict[str, dict[str, dict[str, float]]] = {}
    for group, pick in groups.items():
        idx = [i for i, q in enumerate(questions) if pick(q)]
        if idx:
            metrics[group] = {m: _score([ranks[m][i] for i in idx]) for m in METHODS}
    in_scope_relevant = sum(
        1 for q in questions if retriever.search(q["q"], q["lang"], _aud(q, use_audience)).relevant
    )
    oos = [(q, retriever.search(q["q"], q["lang"])) for q in out_of_scope]
    return {
        "metrics": metrics,
        "relevance": {
            "in_scope_flagged_relevant": round(in_scope_relevant / (len(questions) or 1), 4),
            "out_of_scope_flagged_irrelevant": round(
                sum(1 for _, r in oos if not r.relevant) / (len(oos) or 1), 4
            ),
            "out_of_scope_false_positives": [q["q"] for q, r in oos if r.relevant],
            "out_of_scope_best_dense": {q["q"]: r.best_dense for q, r in oos},
        },
        "french_answers_in_english_despite_twin": wrong_lang,
        "hybrid_misses": misses,
    }


def _aud(q: Question, use_audience: bool) -> str | None:
    """Return the question's audience filter when enabled."""
    return q.get("audience") if use_audience else None


def _has_twin(retriever: HybridRetriever, key: str) -> bool:
    """Tell whether a section exists in French."""
    return any(
        c.metadata.get("key") == key and c.metadata.get("lang") == "fr"
        for c in retriever.index.chunks()
    )


def print_report(report: dict[str, Any]) -> None:
    """Print the metrics as a table."""
    from rich.console import Console
    from rich.table import Table

    table = Table(title="Retrieval (top 5 distinct sections)")
    table.add_column("subset", no_wrap=True, min_width=10)
    table.add_column("n", justify="right")
    for m in METHODS:
        for col in ("R@1", "R@5", "MRR"):
            table.add_column(f"{m} {col}", justify="right")
    for group, by_method in report["metrics"].items():
        row = [group, str(int(by_method["hybrid"]["n"]))]
        for m in METHODS:
            s = by_method[m]
            row += [f"{s['recall@1']:.2f}", f"{s['recall@5']:.2f}", f"{s['mrr']:.2f}"]
        table.add_row(*row)
    console = Console(width=max(Console().width, 130))
    console.print(table)
    rel = report["relevance"]
    console.print(
        f"in-scope flagged relevant: {rel['in_scope_flagged_relevant']:.2f}   "
        f"out-of-scope declined: {rel['out_of_scope_flagged_irrelevant']:.2f}   "
        f"FR questions answered in EN despite a FR twin: {report['french_answers_in_english_despite_twin']}"
    )
    for miss in report["hybrid_misses"]:
        console.print(
            f"[yellow]miss[/] ({miss['lang']}) {miss['q']!r} expected {miss['expected']} got {miss['got']}"
        )


def default_cache_dir() -> Path:
    """Return where eval indexes and embeddings are cached (WIL_EVAL_CACHE or the user cache)."""
    env = os.environ.get("WIL_EVAL_CACHE")
    base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return Path(env) if env else base / "wil-assistant" / "eval"


def knowledge_digest(root: Path) -> str:
    """Hash the knowledge folder's file names and bytes together with the ingest pipeline version."""
    digest = hashlib.sha256(PIPELINE_VERSION.encode())
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        digest.update(str(path.relative_to(root)).encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:16]


def _cached_index_dir(cache_dir: Path, embedder: Embedder, knowledge: Path) -> Path:
    """Return the index folder for this content and embedder, removing stale ones."""
    prefix = "index-" + re.sub(r"[^A-Za-z0-9_.-]", "_", embedder.name) + "-"
    wanted = cache_dir / (prefix + knowledge_digest(knowledge))
    for old in cache_dir.glob(prefix + "*"):
        if old != wanted and old.is_dir():
            shutil.rmtree(old, ignore_errors=True)
    return wanted


def run(
    embedder: Embedder | None = None,
    knowledge_dir: Path | None = None,
    dataset: Path = DEFAULT_DATASET,
    output: Path | None = DEFAULT_OUTPUT,
    data_dir: Path | None = None,
    use_audience: bool = True,
    cache_dir: Path | None = None,
) -> dict[str, Any]:
    """Build (or reuse from cache_dir) an index of the knowledge base, evaluate, print and save.

    Without data_dir or cache_dir the index is built in a temporary folder.
    """
    embedder = embedder or MiniLMEmbedder()
    knowledge = (knowledge_dir or default_knowledge_dir()).resolve()
    questions, out_of_scope = load_dataset(dataset)
    shared_cache = cache_dir / "embeddings_cache.sqlite" if cache_dir else None
    with tempfile.TemporaryDirectory(prefix="wil-eval-") as tmp:
        folder = data_dir or (
            _cached_index_dir(cache_dir, embedder, knowledge) if cache_dir else Path(tmp)
        )
        index = KnowledgeIndex(folder, embedder, embedding_cache=shared_cache)
        summary = ingest(index, [knowledge], progress=True)
        started = time.perf_counter()
        report = evaluate(
            HybridRetriever(index), questions, out_of_scope, use_audience=use_audience
        )
        report["seconds"] = round(time.perf_counter() - started, 2)
        report["index"] = index.index_info()
        report["ingest_errors"] = summary.errors
    print_report(report)
    if output is not None:
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return report


if __name__ == "__main__":
    logging.basicConfig(level=logging.WARNING)
    logging.getLogger("bm25s").setLevel(logging.WARNING)
    run(cache_dir=default_cache_dir())
