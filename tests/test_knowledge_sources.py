"""A section's citation opens the page its facts come from, not the site's home page."""

from __future__ import annotations

from pathlib import Path

from assistant.answering.citations import citation_for, find_passage
from assistant.knowledge_lint import check_twins, load_pages
from assistant.knowledge_writing import check_citations, is_home_page, section_source
from assistant.retrieval import HybridRetriever, KnowledgeIndex, ingest
from assistant.retrieval.chunking import chunk_document
from assistant.retrieval.loaders import load_document
from tests.test_retrieval_ingest import HashEmbedder

KNOWLEDGE = Path(__file__).resolve().parent.parent / "knowledge"

WAGE_URL = "https://www.alberta.ca/minimum-wage"
PERMIT_URL = "https://www.canada.ca/en/immigration-refugees-citizenship/services/study-canada/work/intern.html"


def _page(lang: str, *, section_sources: str = "", source_url: str = "https://bher.ca") -> str:
    own = f"section_sources:\n{section_sources}" if section_sources else ""
    return f"""---
id: playbook-pay-{lang}
pair: playbook-pay
title: Pay
lang: {lang}
audience: employer
source_url: {source_url}
sources: [https://bher.ca/find-your-wil/micro-placements]
{own}
reviewed: 2026-11-23
---

# Pay

## What is the minimum wage? {{#minimum-wage}}

The minimum wage in Alberta is $15.00 an hour.

## Can a student work more hours? {{#permits}}

International students may work 24 hours a week off campus during classes.

## What is a micro-placement? {{#micro}}

A micro-placement is a short project of a few days.
"""


SOURCES = f"  minimum-wage: {WAGE_URL}\n  permits: {PERMIT_URL}\n"


def _write(root: Path, lang: str, text: str) -> Path:
    path = root / lang / "playbook" / "pay.md"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_each_chunk_carries_its_sections_own_source(tmp_path: Path) -> None:
    path = _write(tmp_path, "en", _page("en", section_sources=SOURCES))
    chunks = {c.key: c for c in chunk_document(load_document(path, tmp_path))}
    assert chunks["playbook-pay#minimum-wage"].metadata["source_url"] == WAGE_URL
    assert chunks["playbook-pay#permits"].metadata["source_url"] == PERMIT_URL
    # A section without its own source cites the page's.
    assert chunks["playbook-pay#micro"].metadata["source_url"] == "https://bher.ca"


def test_the_citation_of_a_found_section_opens_its_own_page(tmp_path: Path) -> None:
    root = tmp_path / "knowledge"
    _write(root, "en", _page("en", section_sources=SOURCES))
    index = KnowledgeIndex(tmp_path / "data", HashEmbedder())
    ingest(index, [root], progress=False)
    retriever = HybridRetriever(index)
    passage = retriever.search("international students hours a week off campus", "en").passages[0]
    assert passage.key == "playbook-pay#permits"
    assert citation_for(passage).url == PERMIT_URL
    found = find_passage(retriever, "playbook-pay#minimum-wage", "en")
    assert found is not None and citation_for(found).url == WAGE_URL


def test_home_pages_are_told_apart_from_deeper_pages() -> None:
    assert is_home_page("https://bher.ca") and is_home_page("https://www.sait.ca/")
    assert not is_home_page("https://bher.ca/find-your-wil/micro-placements")
    assert not is_home_page("https://example.org/?page=faq")


def test_a_section_citing_a_home_page_is_flagged_when_a_deeper_page_is_known(
    tmp_path: Path,
) -> None:
    for lang in ("en", "fr"):
        _write(tmp_path, lang, _page(lang, section_sources=SOURCES))
    problems = check_citations(load_pages(tmp_path))
    # #micro cites bher.ca while the page lists bher.ca/find-your-wil/micro-placements.
    assert len(problems) == 2
    assert all("pay.md#micro" in p and "https://bher.ca" in p for p in problems)
    assert "micro-placements" in problems[0]


def test_a_home_page_with_nothing_deeper_known_is_not_flagged(tmp_path: Path) -> None:
    page = _page("en", section_sources=SOURCES, source_url="https://www.auarts.ca/")
    page = page.replace("sources: [https://bher.ca/find-your-wil/micro-placements]\n", "")
    _write(tmp_path, "en", page)
    pages = load_pages(tmp_path)
    assert section_source(pages[0], "micro") == "https://www.auarts.ca/"
    assert check_citations(pages) == []


def test_section_sources_are_checked_like_front_matter(tmp_path: Path) -> None:
    bad = "  nowhere: https://example.org/x\n  permits: http://example.org/plain\n"
    _write(tmp_path, "en", _page("en", section_sources=bad))
    _write(tmp_path, "fr", _page("fr", section_sources=SOURCES))
    problems = check_twins(load_pages(tmp_path))
    assert any("section_sources for #nowhere" in p for p in problems)
    assert any("#permits: section source must be an https:// URL" in p for p in problems)
    assert any("'section_sources' differs" in p for p in problems)


def test_knowledge_sections_cite_the_deepest_page_known() -> None:
    problems = check_citations(load_pages(KNOWLEDGE))
    assert not problems, "sections citing a home page:\n" + "\n".join(problems)
