"""Turn the assistant's replies into Telegram messages: HTML escaping, links, keyboards, splitting."""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from telegram import KeyboardButton, ReplyKeyboardMarkup, ReplyKeyboardRemove
from telegram.constants import MessageLimit, ParseMode

from assistant.engine import Citation, Turn
from assistant.intake_dialogue import confirmation_card
from channels.telegram.texts import text as channel_text

MAX_LEN = int(MessageLimit.MAX_TEXT_LENGTH)  # 4096, counted after entity parsing
PARSE_MODE = ParseMode.HTML
LINK_SCHEMES = ("http://", "https://", "mailto:", "tg://")

_SENTENCE_END = re.compile(r"(?<=[.!?…])\s+")
_SEPARATORS: tuple[str | re.Pattern[str], ...] = ("\n\n", "\n", _SENTENCE_END, " ")

Markup = ReplyKeyboardMarkup | ReplyKeyboardRemove | None


@dataclass(frozen=True)
class Outgoing:
    """One Telegram message to send: HTML text and an optional keyboard."""

    text: str
    reply_markup: Any = None
    parse_mode: str = PARSE_MODE


def escape(text: str) -> str:
    """Escape text for Telegram's HTML parse mode (only <, > and & are special there)."""
    return html.escape(text, quote=False)


def escape_attr(value: str) -> str:
    """Escape a value placed inside a double-quoted HTML attribute."""
    return html.escape(value, quote=True)


def to_html(text: str) -> str:
    """Return Telegram HTML showing `text` exactly as written (the assistant writes plain text)."""
    return escape(text)


def link(label: str, url: str | None) -> str:
    """Return an HTML link, or the escaped label alone when the URL is not one Telegram accepts."""
    if url and url.startswith(LINK_SCHEMES):
        return f'<a href="{escape_attr(url)}">{escape(label)}</a>'
    return escape(label)


def telegram_length(html_text: str) -> int:
    """Return a safe upper bound of the message length as Telegram counts it (UTF-16 units)."""
    return len(html_text.encode("utf-16-le")) // 2


def split_text(
    text: str, limit: int = MAX_LEN, measure: Callable[[str], int] | None = None
) -> list[str]:
    """Split text into pieces within `limit`, preferring paragraph, then line, sentence, word breaks."""
    size = measure or (lambda piece: telegram_length(to_html(piece)))
    text = text.strip()
    if not text:
        return []
    return [piece for piece in _split(text, limit, size, 0) if piece]


def _split(text: str, limit: int, size: Callable[[str], int], level: int) -> list[str]:
    if size(text) <= limit:
        return [text]
    if level >= len(_SEPARATORS):
        return _hard_split(text, limit, size)
    parts = _parts(text, _SEPARATORS[level])
    if len(parts) == 1:
        return _split(text, limit, size, level + 1)
    chunks: list[str] = []
    current = ""
    for part in parts:
        candidate = current + part
        if size(candidate.strip()) <= limit:
            current = candidate
            continue
        if current.strip():
            chunks.append(current.strip())
        if size(part.strip()) <= limit:
            current = part
        else:
            chunks.extend(_split(part.strip(), limit, size, level + 1))
            current = ""
    if current.strip():
        chunks.append(current.strip())
    return chunks


def _parts(text: str, separator: str | re.Pattern[str]) -> list[str]:
    """Split keeping each separator at the end of the piece before it."""
    if isinstance(separator, str):
        pieces = text.split(separator)
        return [p + separator for p in pieces[:-1]] + [pieces[-1]]
    parts: list[str] = []
    pos = 0
    for match in separator.finditer(text):
        parts.append(text[pos : match.end()])
        pos = match.end()
    parts.append(text[pos:])
    return parts


def _hard_split(text: str, limit: int, size: Callable[[str], int]) -> list[str]:
    chunks: list[str] = []
    while text:
        cut = min(len(text), limit)
        while cut > 1 and size(text[:cut]) > limit:
            cut = max(1, cut - max(1, (size(text[:cut]) - limit)))
        chunks.append(text[:cut])
        text = text[cut:]
    return chunks


def sources_block(citations: Sequence[Citation], locale: str) -> str:
    """Return the numbered list of sources, each title linked to its URL when it has one."""
    lines = [f"<b>{escape(channel_text('sources', locale))}</b>"]
    for number, citation in enumerate(citations, start=1):
        lines.append(f"{number}. {link(citation.title or citation.source, citation.url)}")
    return "\n".join(lines)


def keyboard(suggestions: Sequence[str]) -> Markup:
    """Return reply-keyboard buttons for the suggestions, or a keyboard removal when there are none."""
    labels = [s.strip() for s in suggestions if s.strip()]
    if not labels:
        return ReplyKeyboardRemove()
    per_row = 2 if max(len(label) for label in labels) <= 24 else 1
    rows = [
        [KeyboardButton(label) for label in labels[i : i + per_row]]
        for i in range(0, len(labels), per_row)
    ]
    return ReplyKeyboardMarkup(rows, resize_keyboard=True, one_time_keyboard=True)


def render_reply(
    text: str,
    locale: str,
    *,
    citations: Sequence[Citation] = (),
    suggestions: Sequence[str] = (),
    heading: str | None = None,
    limit: int = MAX_LEN,
) -> list[Outgoing]:
    """Return the messages for one reply: text split within limits, sources, keyboard on the last."""
    head = f"<b>{escape(heading)}</b>\n" if heading else ""
    room = limit - telegram_length(head)
    bodies = [to_html(piece) for piece in split_text(text, room)] or [""]
    bodies[0] = head + bodies[0]
    if citations:
        sources = sources_block(citations, locale)
        joined = f"{bodies[-1]}\n\n{sources}" if bodies[-1].strip() else sources
        if telegram_length(joined) <= limit:
            bodies[-1] = joined
        else:
            bodies.extend(to_html_chunks_of(sources, limit))
    bodies = [b for b in bodies if b.strip()]
    markup = keyboard(suggestions)
    return [
        Outgoing(body, markup if i == len(bodies) - 1 else None) for i, body in enumerate(bodies)
    ]


def to_html_chunks_of(html_lines: str, limit: int) -> list[str]:
    """Split already-rendered HTML on line breaks (each line is self-contained) within `limit`."""
    return split_text(html_lines, limit, measure=telegram_length)


def render_turn(turn: Turn, limit: int = MAX_LEN) -> list[Outgoing]:
    """Return the messages that show an assistant turn (none when the turn is silent)."""
    if turn.silent or not turn.text.strip():
        return []
    card = confirmation_card(turn.intake)
    text = turn.text if not card else turn.text + "\n\n" + card
    return render_reply(
        text,
        turn.locale,
        citations=turn.citations,
        suggestions=turn.suggestions,
        limit=limit,
    )


def render_event_message(data: dict[str, Any], locale: str) -> list[Outgoing]:
    """Return the messages for a message pushed to the person (a liaison's reply, the bot's return)."""
    citations = [
        Citation.model_validate(c) for c in data.get("citations") or [] if isinstance(c, dict)
    ]
    heading = None
    if data.get("role") == "liaison":
        label = channel_text("liaison_label", locale)
        heading = f"{data['author']} · {label}" if data.get("author") else label
    return render_reply(
        str(data.get("text") or ""),
        locale,
        citations=citations,
        suggestions=list(data.get("suggestions") or []),
        heading=heading,
    )
