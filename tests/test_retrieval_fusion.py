"""Fusion and keyword matching: confident dense hits win, chatty words are ignored, synonyms match."""

from __future__ import annotations

from pathlib import Path

from assistant.retrieval import HybridRetriever, KnowledgeIndex, ingest
from assistant.retrieval.fusion import RankedList, fuse
from assistant.retrieval.lexical import tokenize
from tests.test_retrieval_ingest import HashEmbedder, _page


def test_a_confident_dense_hit_is_not_outvoted_by_a_flat_keyword_list() -> None:
    dense = RankedList(["problems", "steps", "mentoring"], [0.62, 0.41, 0.40], 1.5)
    bm25 = RankedList(["steps", "mentoring", "funding"], [3.1, 3.0, 2.9], 1.0)
    by_score = fuse([dense, bm25], "score", 60)
    assert max(by_score, key=lambda k: by_score[k]) == "problems"
    by_rank = fuse([dense, bm25], "rrf", 60)
    assert max(by_rank, key=lambda k: by_rank[k]) != "problems"  # why plain RRF was replaced


def test_chatty_words_and_contractions_carry_no_weight() -> None:
    assert tokenize("the student we hired isn't showing up, what can I do now?", "en") == [
        "student",
        "hire",
        "show",
    ]
    assert tokenize("I couldnt find a placement, whats next", "en") == ["find", "placement", "next"]


def test_everyday_words_find_pages_written_with_the_official_term(tmp_path: Path) -> None:
    kb = tmp_path / "kb" / "en"
    kb.mkdir(parents=True)
    (kb / "a.md").write_text(
        _page(
            "page-a",
            "en",
            "## Supervisors {#supervisors}\n\nEach supervisor meets the student weekly.\n\n"
            "## Subsidies {#subsidies}\n\nA wage subsidy covers half the salary.\n\n"
            "## Parking {#parking}\n\nStudents park in lot B.",
        ),
        encoding="utf-8",
    )
    index = KnowledgeIndex(tmp_path / "data", HashEmbedder())
    ingest(index, [kb.parent], progress=False)
    retriever = HybridRetriever(index)
    assert retriever.bm25_search("how often should a boss check in", "en")[0].key == (
        "page-a#supervisors"
    )
    assert retriever.bm25_search("is there a grant for this", "en")[0].key == "page-a#subsidies"
