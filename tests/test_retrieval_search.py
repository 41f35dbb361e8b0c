"""Hybrid search over real knowledge pages and the OCR'd seed reports, with the real embedder."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from assistant.retrieval import HybridRetriever, KnowledgeIndex, MiniLMEmbedder, ingest
from tests.conftest import embedding_cache_path

ROOT = Path(__file__).resolve().parents[1]
SEEDS = Path(__file__).parent / "fixtures" / "seeds"
# A few bilingual pages keep the index small enough to build in a few seconds.
PAGES = [
    "playbook/secretariat.md",
    "playbook/calgary-pilot.md",
    "playbook/insurance-wcb.md",
    "students/rights-at-work.md",
    "institutions/sait.md",
]

FRENCH_ONLY_PAGE = """---
id: campus-parking-fr
pair: campus-parking
title: Stationnement des stagiaires au centre-ville
lang: fr
audience: student
---

# Stationnement des stagiaires au centre-ville

## Où les stagiaires peuvent-ils se garer? {#parking}

Les stagiaires du programme TalentED YYC peuvent se garer gratuitement au parking P3 de la tour Bankers Hall,
au centre-ville de Calgary, du lundi au vendredi. Il faut demander un permis de stationnement à la réception
le premier jour et le renouveler chaque mois.
"""


@pytest.fixture(scope="session")
def retriever(tmp_path_factory: pytest.TempPathFactory) -> HybridRetriever:
    base = tmp_path_factory.mktemp("retrieval")
    kb = base / "kb"
    copied = 0
    for lang in ("en", "fr"):
        for page in PAGES:
            src = ROOT / "knowledge" / lang / page
            if src.exists():
                (kb / lang / page).parent.mkdir(parents=True, exist_ok=True)
                shutil.copy(src, kb / lang / page)
                copied += 1
    if copied < 4:
        pytest.skip("knowledge pages not written yet")
    shutil.copytree(SEEDS, kb / "seeds")
    (kb / "fr" / "extra").mkdir(parents=True)
    (kb / "fr" / "extra" / "parking.md").write_text(FRENCH_ONLY_PAGE, encoding="utf-8")
    index = KnowledgeIndex(base / "data", MiniLMEmbedder(), embedding_cache=embedding_cache_path())
    summary = ingest(index, [kb], progress=False)
    assert not summary.errors, summary.errors
    return HybridRetriever(index)


def test_seed_report_is_found_by_a_french_question(retriever: HybridRetriever) -> None:
    result = retriever.search(
        "Quel montant de fonds a été versé au secrétariat et à la plateforme régionaux de l'AIT de Calgary?",
        "fr",
    )
    assert result.relevant
    sources = [p.source for p in result.passages]
    assert any(s.startswith("seeds/") for s in sources), sources


def test_english_question_falls_back_to_french_only_page(retriever: HybridRetriever) -> None:
    result = retriever.search(
        "Can TalentED YYC interns get a parking permit at Bankers Hall downtown?", "en"
    )
    assert result.relevant
    top = result.passages[0]
    assert (top.key, top.lang) == ("campus-parking#parking", "fr")


def test_french_question_gets_french_citation_with_twin_key(retriever: HybridRetriever) -> None:
    result = retriever.search("Comment joindre un agent de liaison du secrétariat?", "fr")
    top = result.passages[0]
    assert top.key == "playbook-secretariat#reach-a-liaison"
    assert top.lang == "fr" and top.source.startswith("fr/")
    assert top.url and top.snippet and len(top.snippet) <= 210


def test_english_question_gets_english_passage(retriever: HybridRetriever) -> None:
    result = retriever.search(
        "is my co-op student covered by WCB if they get hurt?", "en", audience="employer"
    )
    assert result.relevant
    assert result.passages[0].key.startswith("playbook-insurance-wcb#")
    assert result.passages[0].lang == "en"
    assert len({p.key for p in result.passages}) == len(result.passages)


@pytest.mark.parametrize(
    ("query", "lang"),
    [
        ("What's the weather going to be like tomorrow?", "en"),
        ("Give me a recipe for banana bread", "en"),
        ("Did the Flames win their hockey game last night?", "en"),
        ("Quel temps fera-t-il demain?", "fr"),
        ("Comment remplir ma déclaration de revenus?", "fr"),
        ("Peux-tu me conseiller un bon restaurant italien?", "fr"),
    ],
)
def test_out_of_scope_questions_are_flagged_not_relevant(
    retriever: HybridRetriever, query: str, lang: str
) -> None:
    result = retriever.search(query, lang)
    assert not result.relevant
    assert result.reason


def test_audience_filter_keeps_general_pages(retriever: HybridRetriever) -> None:
    student = retriever.search(
        "what are my safety responsibilities as a host employer", "en", audience="student"
    )
    assert all(p.audience in ("student", "all") for p in student.passages)
    employer = retriever.search(
        "what are my safety responsibilities as a host employer", "en", audience="employer"
    )
    assert employer.passages[0].key == "playbook-insurance-wcb#safety"


def test_institution_filter_excludes_other_institutions(retriever: HybridRetriever) -> None:
    result = retriever.search("how can an employer hire a student?", "en", institution="mru")
    assert all(p.institution in (None, "mru") for p in result.passages)
    sait = retriever.search("how can an employer hire a student?", "en", institution="sait")
    assert any(p.institution == "sait" for p in sait.passages)


def test_single_method_searches_work_alone(retriever: HybridRetriever) -> None:
    dense = retriever.dense_search("talk to a person", "en", k=3)
    bm25 = retriever.bm25_search("liaison hours Monday Friday", "en", k=3)
    assert dense and dense[0].dense_rank == 1 and dense[0].bm25_rank is None
    assert bm25 and bm25[0].key == "playbook-secretariat#reach-a-liaison"


def test_empty_query_is_not_relevant(retriever: HybridRetriever) -> None:
    assert not retriever.search("   ", "en").relevant
