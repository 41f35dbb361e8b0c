"""Ticket and intake messages for the staff group, their link to tickets, and who a liaison is."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import urlparse

from sqlalchemy import select, update
from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from assistant.display import intake_reference
from assistant.intake import EMPLOYER_FIELDS, STUDENT_FIELDS
from assistant.intake.messages import format_value, institution_name
from assistant.liaisons import PARTNER_ROLE
from assistant.queue_view import who_line
from assistant.security import hash_token
from assistant.store.models import Handoff, Liaison
from channels.telegram.render import escape

logger = logging.getLogger(__name__)

STATUS_ICON = {"waiting": "🔔", "active": "💬", "resolved": "✅"}
LOCAL_HOSTS = ("localhost", "0.0.0.0", "::1")  # noqa: S104 - a list of hosts, not a bind
# Where the ticket's staff-group message is kept in Handoff.meta (survives restarts, shared by workers).
META_CHAT = "telegram_staff_chat_id"
META_MESSAGE = "telegram_staff_message_id"
META_RELAYED = "telegram_staff_relayed"
RELAYED_KEPT = 50
# The fields shown on an intake card, in order (the rest are in the console).
INTAKE_CARD_FIELDS = {
    "employer": (
        "contact_email",
        "contact_phone",
        "industry",
        "location",
        "role_title",
        "wil_type",
        "students_count",
        "start_term",
        "paid",
        "programs_sought",
    ),
    "student": (
        "email",
        "institution",
        "program",
        "year_of_study",
        "wil_type",
        "preferred_term",
        "residency_status",
        "interests",
    ),
}


@dataclass(frozen=True)
class LinkedLiaison:
    """The liaison account a Telegram user is linked to."""

    id: int
    name: str


def liaison_for(db: Any, telegram_user_id: int) -> LinkedLiaison | None:
    """Return the active liaison linked to a Telegram user, if any."""
    with db.session() as s:
        row = s.scalars(
            select(Liaison).where(
                Liaison.telegram_user_id == telegram_user_id,
                Liaison.active.is_(True),
                Liaison.role != PARTNER_ROLE,  # the staff group is the secretariat's
            )
        ).first()
        return LinkedLiaison(row.id, row.name) if row else None


def link_liaison(db: Any, api_token: str, telegram_user_id: int) -> LinkedLiaison | None:
    """Link the liaison owning `api_token` to a Telegram user; return it, or None for a bad token."""
    with db.session() as s:
        row = s.scalars(select(Liaison).where(Liaison.token_hash == hash_token(api_token))).first()
        if row is None or not row.active or row.role == PARTNER_ROLE:
            return None
        for other in s.scalars(select(Liaison).where(Liaison.telegram_user_id == telegram_user_id)):
            other.telegram_user_id = None
        row.telegram_user_id = telegram_user_id
        return LinkedLiaison(row.id, row.name)


def ticket_by_prefix(db: Any, prefix: str) -> str | None:
    """Return the one ticket id starting with `prefix` (the short tag shown in the group)."""
    with db.session() as s:
        ids = list(s.scalars(select(Handoff.id).where(Handoff.id.like(prefix + "%")).limit(2)))
    return ids[0] if len(ids) == 1 else None


def save_staff_message(db: Any, handoff_id: str, chat_id: int, message_id: int) -> bool:
    """Record in the ticket's meta which staff-group message shows it; False when the ticket is gone."""
    with db.session() as s:
        meta = s.scalars(select(Handoff.meta).where(Handoff.id == handoff_id)).first()
        if meta is None:
            return False
        meta = {**meta, META_CHAT: chat_id, META_MESSAGE: message_id}
        _write_meta(s, handoff_id, meta)
    return True


def staff_message(db: Any, handoff_id: str, chat_id: int) -> int | None:
    """Return the id of the staff-group message showing the ticket, if it was posted to this chat."""
    with db.session() as s:
        meta = s.scalars(select(Handoff.meta).where(Handoff.id == handoff_id)).first() or {}
    if meta.get(META_CHAT) != chat_id or not isinstance(meta.get(META_MESSAGE), int):
        return None
    return int(meta[META_MESSAGE])


def claim_relay(db: Any, handoff_id: str, key: str) -> bool:
    """Return True for the one caller (of all workers) that should post event `key` of the ticket."""
    with db.session() as s:
        meta = s.scalars(
            select(Handoff.meta).where(Handoff.id == handoff_id).with_for_update()
        ).first()
        if not meta or META_MESSAGE not in meta:
            return False
        done = list(meta.get(META_RELAYED) or [])
        if key in done:
            return False
        _write_meta(s, handoff_id, {**meta, META_RELAYED: [*done, key][-RELAYED_KEPT:]})
    return True


def _write_meta(s: Any, handoff_id: str, meta: dict[str, Any]) -> None:
    # Keep updated_at: a staff-group detail is not activity on the ticket.
    s.execute(
        update(Handoff)
        .where(Handoff.id == handoff_id)
        .values(meta=meta, updated_at=Handoff.updated_at)
    )


def console_url(public_url: str, handoff_id: str) -> str:
    """Return the console address of a ticket."""
    return f"{public_url}/console#/handoffs/{handoff_id}"


def button_url(url: str) -> str | None:
    """Return the URL when Telegram accepts it on a button (it refuses local addresses), else None."""
    host = urlparse(url).hostname or ""
    if host in LOCAL_HOSTS or host.startswith("127."):
        return None
    return url


def ticket_text(item: dict[str, Any], *, public_url: str, tz: Any) -> str:
    """Return the staff-group message for a ticket (HTML): summary, waiting since, status."""
    status = str(item.get("status", "waiting"))
    short = str(item.get("id", ""))[:8]
    holder = item.get("claimed_by_name") or "a liaison"
    status_line = {
        "waiting": "waiting for a liaison",
        "active": f"claimed by {holder}",
        "resolved": f"resolved by {holder}",
    }.get(status, status)
    summary = str(item.get("summary") or "").strip() or (
        f"Reason: {item.get('reason')} · Language: {str(item.get('locale', '')).upper()} "
        f"· Channel: {item.get('channel')}"
    )
    summary = _with_who(summary, item.get("person"))
    lines = [
        f"{STATUS_ICON.get(status, '•')} <b>Handoff #{escape(short)}</b>",
        escape(summary),
        f"Waiting since: {escape(_local_time(item.get('created_at'), tz))}",
        f"Status: <b>{escape(status_line)}</b>",
    ]
    url = console_url(public_url, str(item.get("id", "")))
    if button_url(url) is None:
        lines.append(f"Console: {escape(url)}")
    if status != "resolved":
        lines.append("<i>Reply to this message to write to the person.</i>")
    return "\n".join(lines)


def ticket_keyboard(item: dict[str, Any], *, public_url: str) -> InlineKeyboardMarkup | None:
    """Return the ticket's buttons: Claim (while waiting), Resolve (until resolved), Open in console."""
    handoff_id = str(item.get("id", ""))
    status = item.get("status")
    row: list[InlineKeyboardButton] = []
    if status == "waiting":
        row.append(InlineKeyboardButton("Claim", callback_data=f"claim:{handoff_id}"))
    if status != "resolved":
        row.append(InlineKeyboardButton("Resolve", callback_data=f"resolve:{handoff_id}"))
    rows = [row] if row else []
    url = button_url(console_url(public_url, handoff_id))
    if url is not None:
        rows.append([InlineKeyboardButton("Open in console", url=url)])
    return InlineKeyboardMarkup(rows) if rows else None


def intake_text(item: dict[str, Any]) -> str:
    """Return the staff-group card for a submitted intake (HTML): who, key fields, where it was routed."""
    kind = str(item.get("kind") or "intake")
    fields: dict[str, Any] = dict(item.get("fields") or {})
    specs = EMPLOYER_FIELDS if kind == "employer" else STUDENT_FIELDS
    if kind == "employer":
        title = f"🏢 <b>New placement offer #{escape(intake_reference(item.get('id')))}</b>"
        who = " · ".join(
            escape(str(fields[name]))
            for name in ("organization_name", "contact_name")
            if fields.get(name)
        )
    else:
        title = f"🎓 <b>New student profile #{escape(intake_reference(item.get('id')))}</b>"
        who = escape(str(fields.get("full_name") or ""))
    lines = [title, f"<b>{who}</b>" if who else "(no name given)"]
    for name in INTAKE_CARD_FIELDS.get(kind, ()):
        value = fields.get(name)
        if value in (None, "", []) or name not in specs:
            continue
        spec = specs[name]
        lines.append(
            f"{escape(spec.text('label', 'en'))}: {escape(format_value(spec, value, 'en'))}"
        )
    routed = [institution_name(str(i)) for i in item.get("routed_to") or []]
    lines.append(
        "Routed to: "
        + (escape(", ".join(routed)) if routed else "the secretariat (no institution matched)")
    )
    if item.get("submitted_by"):
        # A liaison completed the draft and submitted it with the person's consent.
        lines.append(f"Submitted for the person by {escape(str(item['submitted_by']))}")
    return "\n".join(lines)


def intake_keyboard(*, public_url: str) -> InlineKeyboardMarkup | None:
    """Return an "Open in console" button for intakes, or None when the console address is local."""
    url = button_url(f"{public_url}/console#/intakes")
    if url is None:
        return None
    return InlineKeyboardMarkup([[InlineKeyboardButton("Open in console", url=url)]])


def _with_who(summary: str, person: Any) -> str:
    """Put who the person is now (name, organization, email as known) in the summary's Who line.

    The summary was written when the ticket opened, often before the person gave any detail
    ("Who: unknown"); the staff group shows what is known when the message is (re)drawn.
    """
    who = who_line(person if isinstance(person, dict) else None)
    if not who:
        return summary
    kind = (person or {}).get("kind")
    line = f"Who: {who}" + (f" ({kind})" if kind else "")
    lines = summary.split("\n")
    for i, text in enumerate(lines):
        if text.startswith("Who: "):
            lines[i] = line
            return "\n".join(lines)
    return "\n".join([*lines[:1], line, *lines[1:]])


def _local_time(value: Any, tz: Any) -> str:
    try:
        when = datetime.fromisoformat(str(value)).astimezone(tz)
    except ValueError:
        return "unknown"
    return when.strftime("%a %d %b, %H:%M %Z")
