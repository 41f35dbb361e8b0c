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
    Passage,
    answerability_fit,
    default_knowledge_dir,
    ingest,
    make_embedder,
    rerank_fit,
)
from assistant.retrieval.answerability_fit import Labelled
from assistant.retrieval.ingest import PIPELINE_VERSION
from assistant.retrieval.rerank import RetrievalSignals

logger = logging.getLogger(__name__)

EVALS_DIR = Path(__file__).resolve().parent
DEFAULT_DATASET = EVALS_DIR / "datasets" / "retrieval.yaml"
DEFAULT_OUTPUT = EVALS_DIR / "results" / "retrieval.json"
ANSWERS_DATASET = EVALS_DIR / "datasets" / "answers.yaml"
# Blind sets already scored once: training data now (their first score stays in results/).
SCORED_BLIND = (EVALS_DIR / "datasets" / "blind" / "set1", EVALS_DIR / "results" / "blind_set1")
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
        # The hybrid search weighs the audience as the conversation's (a signal, not a filter).
        "hybrid": lambda q: (
            retriever.search(q["q"], q["lang"], k=5, signals=_signals(q, use_audience)).passages
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
        1
        for q in questions
        if retriever.search(q["q"], q["lang"], signals=_signals(q, use_audience)).relevant
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


def _signals(q: Question, use_audience: bool) -> RetrievalSignals:
    """Return the conversation signals a question is asked with (its audience, when enabled)."""
    return RetrievalSignals(locale=q["lang"], audience=_aud(q, use_audience))


def answer_examples(path: Path = ANSWERS_DATASET) -> list[Question]:
    """Return the answers eval's questions that name the sections answering them (standalone
    questions only: a follow-up's meaning depends on the turn before it)."""
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    out: list[Question] = []
    for batch in ("cases", "blind_cases", "blind2_cases", "blind3_cases"):
        for case in data.get(batch) or []:
            if case.get("category") == "fact" and case.get("keys") and not case.get("history"):
                out.append(
                    {
                        "q": case["q"],
                        "lang": case["lang"],
                        "expected": case["keys"],
                        "source": "answers",
                    }
                )
    return out


def answerability_examples(
    questions: list[Question], out_of_scope: list[Question], path: Path = ANSWERS_DATASET
) -> list[Labelled]:
    """Return the labelled questions the answerability decision learns from: the retrieval and
    answers sets' answerable questions (with their sections), their questions to decline, the
    labelled examples in the understanding data, and the scored blind set's questions (its
    answerable ones with the section a reader judged right, when one was)."""
    out = [
        Labelled(q["q"], q["lang"], True, list(q["expected"]), q.get("audience"), "retrieval")
        for q in questions
    ]
    out += [
        Labelled(q["q"], q["lang"], True, list(q["expected"]), None, "answers")
        for q in answer_examples(path)
    ]
    out += [Labelled(q["q"], q["lang"], False, source="retrieval") for q in out_of_scope]
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    for batch in ("cases", "blind_cases", "blind2_cases", "blind3_cases"):
        for case in data.get(batch) or []:
            if case.get("category") == "decline":
                out.append(Labelled(case["q"], case["lang"], False, source="answers"))
    out += answerability_fit.load_examples()
    out += blind_examples(*SCORED_BLIND)
    return out


def blind_examples(set_dir: Path, results: Path) -> list[Labelled]:
    """Return a scored blind set's questions: unanswerable ones, and answerable ones whose cited
    section a reader judged good or partly good (the others name no right section)."""
    answers = set_dir / "answers.yaml"
    if not answers.exists():
        return []
    raw = yaml.safe_load(answers.read_text(encoding="utf-8")) or {}
    verdicts: dict[str, str] = {}
    cited: dict[str, list[str]] = {}
    verdict_file = results / "answers_after_verdicts.json"
    transcripts = results / "after_transcripts.json"
    if verdict_file.exists() and transcripts.exists():
        verdicts = {v["id"]: v["verdict"] for v in json.loads(verdict_file.read_text("utf-8"))}
        for q in json.loads(transcripts.read_text("utf-8")).get("questions") or []:
            cited[q["id"]] = [k for k in q["reply"].get("citations") or [] if "#" in str(k)]
    out: list[Labelled] = []
    for q in raw.get("questions") or []:
        if not q.get("answerable"):
            out.append(Labelled(q["text"], q["lang"], False, source="blind"))
        elif verdicts.get(q["id"]) in ("good", "partial") and cited.get(q["id"]):
            out.append(Labelled(q["text"], q["lang"], True, cited[q["id"]][:1], None, "blind"))
    return out


def score_reranker(
    retriever: HybridRetriever, questions: list[Question], folds: int = rerank_fit.FOLDS
) -> tuple[dict[str, Any], rerank_fit.LinearReranker]:
    """Fit the reranker on the examples; return k-fold cross-validated and in-sample recall per
    source and language (and the fused order before reranking), with the model fitted on all."""
    examples = rerank_fit.collect(retriever, questions)
    model, cv = rerank_fit.fit_all(examples, folds)
    in_sample = [rerank_fit.rank_of(model, e).rank for e in examples]
    fused = [
        next((i for i, c in enumerate(e.candidates, 1) if c.key in e.expected), None)
        for e in examples
    ]
    sources = [q.get("source", "retrieval") for q in questions]
    report: dict[str, Any] = {"folds": folds, "examples": len(examples)}
    groups: dict[str, Callable[[int], bool]] = {
        "all": lambda i: True,
        "en": lambda i: examples[i].lang == "en",
        "fr": lambda i: examples[i].lang == "fr",
        "retrieval set": lambda i: sources[i] == "retrieval",
        "answers set": lambda i: sources[i] == "answers",
        "heldout": lambda i: examples[i].heldout,
    }
    for group, pick in groups.items():
        idx = [i for i in range(len(examples)) if pick(i)]
        if idx:
            report[group] = {
                "fused": rerank_fit.recall([fused[i] for i in idx]),
                "cross_validated": rerank_fit.recall([cv[i].rank for i in idx]),
                "in_sample": rerank_fit.recall([in_sample[i] for i in idx]),
            }
    sure = [model.sureness([s.top, s.top - s.margin]) >= model.threshold for s in cv]
    within = [s.rank is not None and s.rank <= rerank_fit.CONFIDENT_WITHIN for s in cv]
    report["confidence"] = {
        "threshold": model.threshold,
        "cross_validated_trusted": round(sum(sure) / len(sure), 4),
        "trusted_and_right": sum(a and b for a, b in zip(sure, within, strict=True)),
        "trusted_but_wrong": sum(a and not b for a, b in zip(sure, within, strict=True)),
        "doubted_but_right": sum(b and not a for a, b in zip(sure, within, strict=True)),
        "doubted_and_wrong": sum(not a and not b for a, b in zip(sure, within, strict=True)),
    }
    report["weights"] = {k: round(v, 3) for k, v in model.weights.items()}
    return report, model


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
    rr = report.get("reranker")
    if rr:
        table = Table(title=f"Reranker: {rr['folds']}-fold cross-validated beside in-sample")
        for col in (
            "subset",
            "n",
            "fused R@1",
            "fused R@5",
            "CV R@1",
            "CV R@5",
            "in-sample R@1",
            "in-sample R@5",
        ):
            table.add_column(col, justify="right")
        for group in ("all", "en", "fr", "retrieval set", "answers set", "heldout"):
            g = rr[group]
            table.add_row(
                group,
                str(g["fused"]["n"]),
                *(
                    f"{g[part][m]:.2f}"
                    for part in ("fused", "cross_validated", "in_sample")
                    for m in ("recall@1", "recall@5")
                ),
            )
        console.print(table)
        conf = rr["confidence"]
        console.print(
            f"confidence (cross-validated): trusted {conf['cross_validated_trusted']:.0%}; "
            f"trusted and right {conf['trusted_and_right']}, trusted but wrong "
            f"{conf['trusted_but_wrong']}, doubted but right {conf['doubted_but_right']}, "
            f"doubted and wrong {conf['doubted_and_wrong']}"
        )
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
    weights: Path | None = rerank_fit.DEFAULT_WEIGHTS,
) -> dict[str, Any]:
    """Build (or reuse from cache_dir) an index of the knowledge base, evaluate, print and save.

    Without data_dir or cache_dir the index is built in a temporary folder.
    """
    embedder = embedder or make_embedder("minilm")
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
        reranked, model = score_reranker(
            HybridRetriever(index, reranker=None), questions + answer_examples()
        )
        if weights is not None:
            rerank_fit.save(
                model,
                weights,
                data_hash=rerank_fit.data_hash(
                    [dataset, ANSWERS_DATASET], index.index_info()["version"]
                ),
                examples=reranked["examples"],
                cross_validated=reranked["all"]["cross_validated"],
            )
        rows = answerability_fit.collect(
            HybridRetriever(index, reranker=None), answerability_examples(questions, out_of_scope)
        )
        decision, answerability = answerability_fit.fit_all(rows)
        if weights is not None:
            answerability_fit.save(
                decision,
                weights.parent / answerability_fit.DEFAULT_ANSWERABILITY.name,
                examples=answerability["examples"],
                cross_validated=answerability["cross_validated"],
            )
        report = evaluate(
            HybridRetriever(index, reranker=model, answerability=decision),
            questions,
            out_of_scope,
            use_audience=use_audience,
        )
        report["reranker"] = reranked
        report["answerability"] = answerability
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
