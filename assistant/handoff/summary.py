"""Extractive ticket summaries: who the person is, what they want, what was already answered."""

from __future__ import annotations

import logging
from typing import Any

from assistant.handoff.detect import detect_handoff

logger = logging.getLogger(__name__)

MAX_QUOTE = 240
WHO_FIELDS = (
    "organization_name",
    "contact_name",
    "full_name",
    "contact_email",
    "email",
    "contact_phone",
    "phone",
    "institution",
    "program",
    "location",
)


def _quote(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= MAX_QUOTE else text[: MAX_QUOTE - 1].rstrip() + "…"


def _shown(value: Any) -> str:
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return str(value)


def summarize(
    transcript: list[dict[str, Any]],
    intake: dict[str, Any] | None,
    *,
    reason: str,
    locale: str,
    channel: str,
) -> str:
    """Return a short extractive summary of the conversation for the liaison."""
    lines = [f"Reason: {reason} · Language: {locale.upper()} · Channel: {channel}"]
    lines.append("Who: " + _who(intake))
    user_texts = [m["text"] for m in transcript if m.get("role") == "user" and m.get("text")]
    wants = _main_request(user_texts)
    if wants:
        lines.append(f"Wants: {_quote(wants)}")
    if user_texts and user_texts[-1] != wants:
        lines.append(f"Latest: {_quote(user_texts[-1])}")
    answered = _answered_titles(transcript)
    lines.append("Already answered: " + ("; ".join(answered) if answered else "nothing yet"))
    return "\n".join(lines)


def _who(intake: dict[str, Any] | None) -> str:
    if not intake:
        return "unknown (no intake yet)"
    fields = intake.get("fields") or {}
    parts = [_shown(fields[k]) for k in WHO_FIELDS if fields.get(k) not in (None, "", [])]
    kind = str(intake.get("kind") or "").capitalize() or "Person"
    status = intake.get("status")
    described = ", ".join(parts[:5]) if parts else "no details yet"
    return f"{kind} ({status}): {described}" if status else f"{kind}: {described}"


def _main_request(user_texts: list[str]) -> str | None:
    """Return the first message that says what the person wants (not only "a human please")."""
    for i, text in enumerate(user_texts):
        if len(text.split()) < 3:
            continue
        reason = detect_handoff(text, "en", previous_user_texts=user_texts[:i], decline_streak=0)
        if reason != "requested":
            return text
    return user_texts[-1] if user_texts else None


def _answered_titles(transcript: list[dict[str, Any]]) -> list[str]:
    seen: list[str] = []
    for msg in transcript:
        if msg.get("role") != "assistant":
            continue
        for cite in msg.get("citations") or []:
            title = str(cite.get("title") or cite.get("source") or "").strip()
            if title and title not in seen:
                seen.append(title)
    return seen[:6]


def merge_citations(*groups: list[dict[str, Any]] | None) -> list[dict[str, Any]]:
    """Return the citations of every group, first occurrence kept, keyed by key/source/title."""
    merged: list[dict[str, Any]] = []
    keys: set[str] = set()
    for group in groups:
        for cite in group or []:
            if not isinstance(cite, dict):
                continue
            key = str(cite.get("key") or cite.get("url") or cite.get("source") or cite.get("title"))
            if key not in keys:
                keys.add(key)
                merged.append(dict(cite))
    return merged
