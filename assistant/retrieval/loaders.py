"""Load Markdown, text, HTML, PDF and DOCX files into titled sections with metadata."""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

import yaml

from assistant.retrieval.errors import DocumentLoadError
from assistant.retrieval.text import clean_ocr_text, detect_language, looks_like_heading, slugify

logger = logging.getLogger(__name__)

SUPPORTED_SUFFIXES = frozenset({".md", ".markdown", ".txt", ".html", ".htm", ".pdf", ".docx"})
_AUDIENCES = frozenset({"employer", "student", "all"})
_FRONT_MATTER = re.compile(r"\A---\s*\n(.*?)\n---\s*(?:\n|\Z)", re.DOTALL)
_HEADING_ANCHOR = re.compile(r"^(.*?)\s*\{#([A-Za-z0-9_.:-]+)\}\s*$")


@dataclass
class Section:
    """One headed part of a document: heading, anchor and paragraphs."""

    heading: str
    anchor: str
    paragraphs: list[str]
    # Questions people ask that this section answers (knowledge front matter `questions`).
    questions: list[str] = field(default_factory=list)
    # The page this section's facts come from (front matter `section_sources`); "" means the
    # document's own `source_url`.
    source_url: str = ""


@dataclass
class LoadedDocument:
    """A parsed file: page-level metadata and its sections in order."""

    page_id: str
    pair: str
    title: str
    lang: str
    audience: str
    institution: str
    source_url: str
    source: str
    reviewed: str
    sections: list[Section] = field(default_factory=list)
    from_knowledge: bool = False
    # What people call the page's institution (institution pages' front matter `names`).
    institution_names: list[str] = field(default_factory=list)


def _read_text(path: Path) -> str:
    """Read a UTF-8 file, reporting undecodable bytes clearly."""
    try:
        return path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise DocumentLoadError(
            f"{path.name}: not valid UTF-8 ({exc.reason} at byte {exc.start})"
        ) from exc


def _str(value: Any) -> str:
    """Render a front-matter scalar as text ('' for missing)."""
    if value is None:
        return ""
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    return str(value).strip()


def _new_doc(path: Path, source: str, title: str, lang: str) -> LoadedDocument:
    """Build a document with defaults for a file that has no front matter."""
    page_id = slugify(str(Path(source).with_suffix("")), max_len=120)
    return LoadedDocument(
        page_id=page_id,
        pair=page_id,
        title=title or path.stem.replace("_", " ").replace("-", " ").strip(),
        lang=lang,
        audience="all",
        institution="",
        source_url="",
        source=source,
        reviewed="",
    )


def _sections_from_blocks(blocks: list[tuple[str | None, str]]) -> list[Section]:
    """Group (heading-or-None, paragraph) blocks into sections with unique slug anchors."""
    sections: list[Section] = []
    used: dict[str, int] = {}
    current: Section | None = None
    for heading, para in blocks:
        if heading is not None:
            base = slugify(heading)
            used[base] = used.get(base, 0) + 1
            anchor = base if used[base] == 1 else f"{base}-{used[base]}"
            current = Section(heading=heading, anchor=anchor, paragraphs=[])
            sections.append(current)
        elif para.strip():
            if current is None:
                current = Section(heading="", anchor="intro", paragraphs=[])
                sections.append(current)
            current.paragraphs.append(para.strip())
    return [s for s in sections if s.paragraphs]


def load_markdown(path: Path, source: str) -> LoadedDocument:
    """Parse a Markdown file with optional YAML front matter into '##' sections."""
    raw = _read_text(path)
    meta: dict[str, Any] = {}
    match = _FRONT_MATTER.match(raw)
    if match:
        try:
            loaded = yaml.safe_load(match.group(1))
        except yaml.YAMLError as exc:
            raise DocumentLoadError(
                f"{path.name}: bad front matter ({exc.__class__.__name__})"
            ) from exc
        if loaded is not None and not isinstance(loaded, dict):
            raise DocumentLoadError(f"{path.name}: front matter is not a mapping")
        meta = loaded or {}
        body = raw[match.end() :]
    elif raw.startswith("---"):
        raise DocumentLoadError(f"{path.name}: front matter is not closed by '---'")
    else:
        body = raw
    title = _str(meta.get("title"))
    sections: list[Section] = []
    current: Section | None = None
    used: set[str] = set()
    in_code = False
    for line in body.split("\n"):
        if line.lstrip().startswith("```"):
            in_code = not in_code
        if not in_code and line.startswith("# ") and not title:
            title = line[2:].strip()
            continue
        if not in_code and line.startswith("# "):
            continue
        if not in_code and line.startswith("## "):
            heading = line[3:].strip()
            m = _HEADING_ANCHOR.match(heading)
            anchor = m.group(2) if m else slugify(heading)
            heading = m.group(1).strip() if m else heading
            while anchor in used:
                anchor += "-2"
            used.add(anchor)
            current = Section(heading=heading, anchor=anchor, paragraphs=[])
            sections.append(current)
            continue
        if current is None:
            current = Section(heading="", anchor="intro", paragraphs=[])
            sections.append(current)
        current.paragraphs.append(line)
    for s in sections:
        text = "\n".join(s.paragraphs).strip()
        s.paragraphs = [p.strip() for p in re.split(r"\n\s*\n", text) if p.strip()]
    body_text = "\n".join("\n".join(s.paragraphs) for s in sections)
    lang = _str(meta.get("lang")).lower()
    if lang not in ("en", "fr"):
        lang = detect_language(body_text)
    doc = _new_doc(path, source, title, lang)
    if meta:
        doc.from_knowledge = "id" in meta or "pair" in meta
        doc.page_id = _str(meta.get("id")) or doc.page_id
        doc.pair = _str(meta.get("pair")) or re.sub(r"-(en|fr)$", "", doc.page_id)
        audience = _str(meta.get("audience")).lower()
        doc.audience = audience if audience in _AUDIENCES else "all"
        doc.institution = _str(meta.get("institution")).lower()
        doc.source_url = _str(meta.get("source_url"))
        doc.reviewed = _str(meta.get("reviewed"))
        doc.institution_names = _strings(meta.get("names"))
        asked = meta.get("questions")
        if isinstance(asked, dict):
            for s in sections:
                s.questions = _strings(asked.get(s.anchor))
        own = meta.get("section_sources")
        if isinstance(own, dict):
            for s in sections:
                s.source_url = _str(own.get(s.anchor))
    doc.sections = [s for s in sections if s.paragraphs]
    return doc


def _strings(value: Any) -> list[str]:
    """Return a front-matter list of strings, without blanks ([] for anything else)."""
    if not isinstance(value, list):
        return []
    return [text for text in (_str(v) for v in value) if text]


def load_text(path: Path, source: str) -> LoadedDocument:
    """Load a plain-text file (often OCR'd): clean it and cut it at heading-like lines."""
    return _from_plain(path, source, clean_ocr_text(_read_text(path)))


def _from_plain(path: Path, source: str, cleaned: str) -> LoadedDocument:
    """Turn cleaned plain text into a document whose sections start at heading-like lines."""
    paragraphs = [p for p in cleaned.split("\n\n") if p.strip()]
    blocks: list[tuple[str | None, str]] = []
    for i, para in enumerate(paragraphs):
        nxt = paragraphs[i + 1] if i + 1 < len(paragraphs) else ""
        if looks_like_heading(para) and nxt and not looks_like_heading(nxt):
            blocks.append((para.strip(), ""))
        else:
            blocks.append((None, para))
    doc = _new_doc(path, source, _guess_title(paragraphs), detect_language(cleaned))
    doc.sections = _sections_from_blocks(blocks)
    return doc


_DANGLING = frozenset(
    [
        "de",
        "du",
        "des",
        "la",
        "le",
        "les",
        "et",
        "pour",
        "avec",
        "of",
        "the",
        "and",
        "for",
        "to",
        "with",
        "a",
        "an",
        "in",
    ]
)


def _guess_title(paragraphs: list[str]) -> str:
    """Pick the longest heading-like line near the top of a plain-text document ('' if none)."""
    candidates = [
        p.strip()
        for p in paragraphs[:12]
        if 3 <= len(p.split()) <= 14
        and len(p) <= 100
        and p.strip()[-1] not in ".,;:!?"
        and p.strip()[0].isupper()
        and p.split()[-1].lower() not in _DANGLING
        and not p.strip().isupper()
    ]
    return max(candidates, key=len, default="")


def load_html(path: Path, source: str) -> LoadedDocument:
    """Load an HTML page: title from <title>/<h1>, sections at <h2>-<h4>."""
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(_read_text(path), "html.parser")
    for tag in soup(["script", "style", "nav", "footer", "noscript"]):
        tag.decompose()
    title = ""
    if soup.title and soup.title.string:
        title = soup.title.string.strip()
    h1 = soup.find("h1")
    if not title and h1:
        title = h1.get_text(" ", strip=True)
    block_tags = ["h2", "h3", "h4", "p", "li", "pre", "blockquote", "td", "dd"]
    blocks: list[tuple[str | None, str]] = []
    for tag in (soup.body or soup).find_all(block_tags):
        if tag.name not in ("h2", "h3", "h4") and tag.find(block_tags):
            continue
        text = re.sub(r"\s+", " ", tag.get_text(" ", strip=True))
        if not text:
            continue
        blocks.append((text, "") if tag.name in ("h2", "h3", "h4") else (None, text))
    doc = _new_doc(path, source, title, detect_language(" ".join(t for _, t in blocks)))
    doc.sections = _sections_from_blocks(blocks)
    return doc


def load_pdf(path: Path, source: str) -> LoadedDocument:
    """Load a PDF's text layer, clean it and cut it into paragraphs."""
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(str(path))
        pages = [page.extract_text() or "" for page in reader.pages]
        meta_title = (reader.metadata.title if reader.metadata else None) or ""
    except (PdfReadError, ValueError, KeyError, TypeError, OSError) as exc:
        raise DocumentLoadError(f"{path.name}: unreadable PDF ({exc})") from exc
    cleaned = clean_ocr_text("\n\n".join(pages))
    if not cleaned.strip():
        raise DocumentLoadError(f"{path.name}: PDF has no extractable text")
    doc = _from_plain(path, source, cleaned)
    if meta_title:
        doc.title = str(meta_title).strip()
    return doc


def load_docx(path: Path, source: str) -> LoadedDocument:
    """Load a Word document: 'Title' style names the page, 'Heading n' styles start sections."""
    import docx
    from docx.opc.exceptions import PackageNotFoundError

    try:
        document = docx.Document(str(path))
    except (PackageNotFoundError, ValueError, KeyError, OSError) as exc:
        raise DocumentLoadError(f"{path.name}: unreadable DOCX ({exc})") from exc
    except Exception as exc:  # zipfile.BadZipFile and lxml errors vary by version
        raise DocumentLoadError(f"{path.name}: unreadable DOCX ({exc.__class__.__name__})") from exc
    title = ""
    blocks: list[tuple[str | None, str]] = []
    for para in document.paragraphs:
        text = para.text.strip()
        if not text:
            continue
        style = (para.style.name if para.style is not None else "") or ""
        if style == "Title" or (style == "Heading 1" and not title):
            title = title or text
        elif style.startswith("Heading"):
            blocks.append((text, ""))
        else:
            blocks.append((None, text))
    doc = _new_doc(path, source, title, detect_language(" ".join(t for _, t in blocks)))
    doc.sections = _sections_from_blocks(blocks)
    return doc


def load_document(path: Path, root: Path | None = None) -> LoadedDocument:
    """Load any supported file; `source` is its path relative to root (POSIX style)."""
    suffix = path.suffix.lower()
    if root is not None and path.resolve().is_relative_to(root.resolve()):
        source = path.resolve().relative_to(root.resolve()).as_posix()
    else:
        source = path.name
    loaders = {
        ".md": load_markdown,
        ".markdown": load_markdown,
        ".txt": load_text,
        ".html": load_html,
        ".htm": load_html,
        ".pdf": load_pdf,
        ".docx": load_docx,
    }
    loader = loaders.get(suffix)
    if loader is None:
        raise DocumentLoadError(f"{path.name}: unsupported file type {suffix or '(none)'}")
    try:
        doc = loader(path, source)
    except DocumentLoadError:
        raise
    except OSError as exc:
        raise DocumentLoadError(f"{path.name}: cannot read ({exc.strerror or exc})") from exc
    if not doc.sections:
        raise DocumentLoadError(f"{path.name}: no text found")
    return doc
