"""Chunking keeps metadata, splits on headings and long sections, and cleans OCR noise."""

from __future__ import annotations

from pathlib import Path

from assistant.retrieval.chunking import chunk_document
from assistant.retrieval.loaders import LoadedDocument, Section, load_document
from assistant.retrieval.text import clean_ocr_text, detect_language

SEEDS = Path(__file__).parent / "fixtures" / "seeds"


def _doc(paragraphs: list[str], knowledge: bool = True) -> LoadedDocument:
    return LoadedDocument(
        page_id="demo-en",
        pair="demo",
        title="Demo",
        lang="en",
        audience="student",
        institution="",
        source_url="https://example.org",
        source="en/demo.md",
        reviewed="2025-01-01",
        sections=[
            Section("Long one", "long", paragraphs),
            Section("Short", "short", ["Brief answer."]),
        ],
        from_knowledge=knowledge,
    )


def test_each_heading_starts_a_new_chunk_with_full_metadata() -> None:
    chunks = chunk_document(_doc(["Para one.", "Para two."]))
    assert [c.key for c in chunks] == ["demo#long", "demo#short"]
    for c in chunks:
        assert c.metadata["title"] == "Demo" and c.metadata["audience"] == "student"
        assert c.metadata["source"] == "en/demo.md" and c.metadata["lang"] == "en"
    assert chunks[0].metadata["section"] == "Long one"
    assert chunks[0].search_text.startswith("Demo — Long one")


def test_long_sections_split_on_sentence_boundaries_with_overlap() -> None:
    sentences = [
        f"Sentence number {i} explains one more detail about placements." for i in range(80)
    ]
    chunks = [c for c in chunk_document(_doc([" ".join(sentences)])) if c.key == "demo#long"]
    assert len(chunks) >= 3
    assert all(len(c.text) <= 1200 for c in chunks)
    assert all(c.text.rstrip().endswith(".") for c in chunks)
    first_tail = chunks[0].text.split(". ")[-1]
    assert first_tail.rstrip(".") in chunks[1].text  # a little overlap
    assert len({c.chunk_id for c in chunks}) == len(chunks)


def test_ocr_cleanup_joins_lines_fixes_hyphens_and_drops_page_numbers() -> None:
    raw = (
        "Le programme d'embau-\nche des stagiaires\naide les employeurs.\n\n12\n\n"
        "Les  partenariats avec\n\nles établissements sont essentiels.\n"
    )
    cleaned = clean_ocr_text(raw)
    assert "embauche des stagiaires aide les employeurs." in cleaned
    assert "Les partenariats avec les établissements sont essentiels." in cleaned
    assert "\n12\n" not in cleaned


def test_language_detection() -> None:
    assert (
        detect_language("Les étudiants doivent trouver un stage avant la fin de la session.")
        == "fr"
    )
    assert detect_language("Students must find a placement before the end of the term.") == "en"


def test_seed_reports_load_as_clean_french_chunks() -> None:
    for path in sorted(SEEDS.glob("*.txt")):
        chunks = chunk_document(load_document(path, SEEDS))
        assert chunks, path.name
        assert all(c.metadata["lang"] == "fr" for c in chunks)
        assert all(len(c.text) <= 1700 for c in chunks)
        text = " ".join(c.text for c in chunks)
        assert "**" not in text and "\\$" not in text
        assert "I'école" not in text
