"""Every supported file format loads into titled sections with the right metadata."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.retrieval.chunking import chunk_document
from assistant.retrieval.errors import DocumentLoadError
from assistant.retrieval.loaders import load_document

KNOWLEDGE_MD = """---
id: playbook-demo-en
pair: playbook-demo
title: Demo page
lang: en
audience: employer
institution: sait
source_url: https://example.org/demo
reviewed: 2025-01-15
---

# Demo page

## How do I post a job? {#posting}

Employers post jobs through the career centre portal. It takes ten minutes.

## Who pays the student? {#pay}

The employer pays the student at least minimum wage.
"""


def make_pdf(path: Path, lines: list[str]) -> None:
    """Write a minimal one-page PDF with a text layer."""
    ops = ["BT", "/F1 12 Tf", "14 TL", "50 750 Td"]
    for line in lines:
        esc = line.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
        ops.append(f"({esc}) Tj T*")
    ops.append("ET")
    stream = "\n".join(ops).encode("latin-1")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for i, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{i} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    for off in offsets:
        out += f"{off:010d} 00000 n \n".encode()
    out += (
        f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    )
    path.write_bytes(bytes(out))


def test_markdown_front_matter_and_anchored_sections(tmp_path: Path) -> None:
    (tmp_path / "en").mkdir()
    f = tmp_path / "en" / "demo.md"
    f.write_text(KNOWLEDGE_MD, encoding="utf-8")
    doc = load_document(f, tmp_path)
    assert (doc.page_id, doc.pair, doc.title, doc.lang) == (
        "playbook-demo-en",
        "playbook-demo",
        "Demo page",
        "en",
    )
    assert [s.anchor for s in doc.sections] == ["posting", "pay"]
    assert doc.sections[0].heading == "How do I post a job?"
    chunks = chunk_document(doc)
    meta = chunks[1].metadata
    assert meta["key"] == "playbook-demo#pay"
    assert meta["audience"] == "employer" and meta["institution"] == "sait"
    assert meta["source_url"] == "https://example.org/demo" and meta["reviewed"] == "2025-01-15"
    assert meta["source"] == "en/demo.md"
    assert "minimum wage" in chunks[1].text and "post jobs" not in chunks[1].text


def test_plain_text_gets_a_stable_key_and_detected_language(tmp_path: Path) -> None:
    f = tmp_path / "Notes de stage.txt"
    f.write_text(
        "Le stage commence en janvier et les étudiants doivent s'inscrire avant la date limite.\n\n"
        "Les employeurs reçoivent une subvention pour chaque stagiaire.",
        encoding="utf-8",
    )
    doc = load_document(f, tmp_path)
    chunks = chunk_document(doc)
    assert doc.lang == "fr" and doc.audience == "all"
    assert chunks and chunks[0].key.startswith("notes-de-stage#")
    assert chunk_document(load_document(f, tmp_path))[0].chunk_id == chunks[0].chunk_id


def test_html_headings_become_sections(tmp_path: Path) -> None:
    f = tmp_path / "page.html"
    f.write_text(
        "<html><head><title>Co-op guide</title><script>var x=1;</script></head><body>"
        "<h1>Co-op guide</h1><h2>Eligibility</h2><p>Students in good standing can apply.</p>"
        "<ul><li>Full-time enrolment</li></ul><h2>Pay</h2><p>Co-op terms are paid positions.</p></body></html>",
        encoding="utf-8",
    )
    doc = load_document(f, tmp_path)
    assert doc.title == "Co-op guide" and doc.lang == "en"
    assert [s.heading for s in doc.sections] == ["Eligibility", "Pay"]
    assert "Full-time enrolment" in "\n".join(doc.sections[0].paragraphs)
    assert all("var x" not in p for s in doc.sections for p in s.paragraphs)


def test_pdf_text_layer_is_read(tmp_path: Path) -> None:
    f = tmp_path / "guide.pdf"
    make_pdf(
        f,
        [
            "Work placements in Calgary are coordinated",
            "by the regional secretariat for employers.",
        ],
    )
    doc = load_document(f, tmp_path)
    text = " ".join(p for s in doc.sections for p in s.paragraphs)
    assert "regional secretariat" in text


def test_docx_headings_and_title(tmp_path: Path) -> None:
    import docx

    d = docx.Document()
    d.add_heading("Employer handbook", level=0)
    d.add_heading("Insurance", level=1)
    d.add_paragraph("Students on unpaid placements are covered by the province.")
    d.add_heading("Supervision", level=2)
    d.add_paragraph("Meet your student every week to review goals.")
    f = tmp_path / "handbook.docx"
    d.save(str(f))
    doc = load_document(f, tmp_path)
    assert doc.title == "Employer handbook"
    assert [s.heading for s in doc.sections] == ["Insurance", "Supervision"]


@pytest.mark.parametrize(
    ("name", "payload", "message"),
    [
        ("bad.md", b"---\ntitle: [unclosed\n---\n# T\n\n## A\n\ntext\n", "front matter"),
        ("latin1.txt", "Caf\u00e9 cr\u00e8me".encode("latin-1"), "UTF-8"),
        ("broken.pdf", b"%PDF-1.4 this is not really a pdf", "PDF"),
        ("broken.docx", b"PK not a zip", "DOCX"),
    ],
)
def test_broken_files_raise_a_named_error(
    tmp_path: Path, name: str, payload: bytes, message: str
) -> None:
    f = tmp_path / name
    f.write_bytes(payload)
    with pytest.raises(DocumentLoadError) as err:
        load_document(f, tmp_path)
    assert name in str(err.value) and message in str(err.value)
