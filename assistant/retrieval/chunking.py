"""Cut loaded documents into size-limited chunks that keep their page and section metadata."""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass

from assistant.retrieval.loaders import LoadedDocument, Section
from assistant.retrieval.text import split_sentences

logger = logging.getLogger(__name__)

MAX_CHARS = 1200
# A self-contained section slightly over the limit stays whole rather than losing its last lines.
_TOLERANCE = 1.35
_OVERLAP_CHARS = 200


@dataclass(frozen=True)
class Chunk:
    """One indexed unit: its id, body text and flat (Chroma-compatible) metadata."""

    chunk_id: str
    text: str
    metadata: dict[str, str | int]

    @property
    def key(self) -> str:
        """Return the language-neutral section key '<pair>#<anchor>'."""
        return str(self.metadata["key"])

    @property
    def search_text(self) -> str:
        """Return the text to embed and index: page title, section heading, body."""
        return search_text(
            str(self.metadata.get("title", "")), str(self.metadata.get("section", "")), self.text
        )


def search_text(title: str, section: str, text: str) -> str:
    """Compose the text used for embedding and BM25 from title, heading and body."""
    head = " — ".join(p for p in (title, section) if p)
    return f"{head}\n\n{text}" if head else text


def _units(paragraphs: list[str], max_chars: int) -> list[tuple[str, str]]:
    """Break paragraphs into (separator, text) units no longer than max_chars."""
    units: list[tuple[str, str]] = []
    for para in paragraphs:
        if len(para) <= max_chars:
            units.append(("\n\n", para))
            continue
        sep = "\n\n"
        for sent in split_sentences(para):
            while len(sent) > max_chars:  # a run-on "sentence": hard cut at a space
                cut = sent.rfind(" ", 0, max_chars)
                cut = cut if cut > max_chars // 2 else max_chars
                units.append((sep, sent[:cut].strip()))
                sep, sent = " ", sent[cut:].strip()
            if sent:
                units.append((sep, sent))
            sep = " "
    return units


def _split_long(paragraphs: list[str], max_chars: int) -> list[str]:
    """Pack paragraphs (or their sentences) into pieces <= max_chars, repeating the last sentence."""
    pieces: list[str] = []
    current = ""
    last_sentence = ""
    for sep, unit in _units(paragraphs, max_chars):
        if current and len(current) + len(sep) + len(unit) > max_chars:
            pieces.append(current)
            tail = last_sentence
            use_tail = 0 < len(tail) <= _OVERLAP_CHARS and len(tail) + 1 + len(unit) <= max_chars
            current = f"{tail} {unit}" if use_tail else unit
        else:
            current = f"{current}{sep}{unit}" if current else unit
        last_sentence = (split_sentences(unit) or [unit])[-1]
    if current:
        pieces.append(current)
    return pieces


def _section_pieces(section: Section, max_chars: int, whole: bool) -> list[str]:
    """Return a section's text as one piece, or several if it is too long."""
    text = "\n\n".join(section.paragraphs)
    if whole and len(text) <= int(max_chars * _TOLERANCE):
        return [text]
    if len(text) <= max_chars:
        return [text]
    return _split_long(section.paragraphs, max_chars)


def _merge_small_sections(doc: LoadedDocument, max_chars: int) -> list[Section]:
    """Merge tiny neighbouring sections of non-knowledge files (OCR pages have many short parts)."""
    merged: list[Section] = []
    for section in doc.sections:
        size = sum(len(p) for p in section.paragraphs)
        if merged:
            prev = merged[-1]
            prev_size = sum(len(p) for p in prev.paragraphs)
            if (prev_size < 300 or size < 120) and prev_size + size <= max_chars:
                heading_line = [section.heading] if section.heading else []
                prev.paragraphs = prev.paragraphs + heading_line + section.paragraphs
                continue
        merged.append(Section(section.heading, section.anchor, list(section.paragraphs)))
    return merged


def chunk_document(doc: LoadedDocument, max_chars: int = MAX_CHARS) -> list[Chunk]:
    """Chunk a document section by section; every chunk carries the page and section metadata."""
    sections = doc.sections if doc.from_knowledge else _merge_small_sections(doc, max_chars)
    chunks: list[Chunk] = []
    for section in sections:
        pieces = _section_pieces(section, max_chars, whole=doc.from_knowledge)
        key = f"{doc.pair}#{section.anchor}"
        for n, piece in enumerate(pieces):
            digest = hashlib.sha256(
                f"{doc.page_id}|{doc.lang}|{section.anchor}".encode()
            ).hexdigest()[:8]
            chunk_id = f"{doc.page_id}#{section.anchor}:{n}:{digest}"
            metadata: dict[str, str | int] = {
                "page_id": doc.page_id,
                "pair": doc.pair,
                "key": key,
                "anchor": section.anchor,
                "title": doc.title,
                "section": section.heading or doc.title,
                "lang": doc.lang,
                "audience": doc.audience,
                "institution": doc.institution,
                # The citation opens the section's own page when it has one.
                "source_url": section.source_url or doc.source_url,
                "source": doc.source,
                "reviewed": doc.reviewed,
                "part": n,
                "parts": len(pieces),
                # Chroma metadata is flat: lists travel as lines.
                "questions": "\n".join(section.questions),
                "institution_names": "\n".join(doc.institution_names),
            }
            chunks.append(Chunk(chunk_id=chunk_id, text=piece, metadata=metadata))
    return chunks
