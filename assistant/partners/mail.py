"""Email institution partners when an offer is routed to their institution.

The console shows partners their offers; an email tells them there is a new one, so nobody has to
watch a page. It goes to the active partner accounts of each institution the offer is routed to
(only offers whose employer consented to sharing), through the SMTP server the secretariat
configured (`WIL_SMTP_*`). A mail failure is logged and never raised: the employer's turn and the
liaison's click must not fail because a mail server is down.
"""

from __future__ import annotations

import asyncio
import logging
import smtplib
import ssl
from collections.abc import Awaitable, Callable
from email.message import EmailMessage
from typing import Any

from sqlalchemy import select

from assistant import display
from assistant.config import Settings
from assistant.exports import shareable
from assistant.partners.models import PartnerAccount
from assistant.store.db import Database
from assistant.store.models import Liaison

logger = logging.getLogger(__name__)

SMTP_TIMEOUT_S = 10.0
CARD_FIELDS = ("role_title", "wil_type", "start_term", "students_count", "paid", "location")


def partner_emails(db: Database, institution: str) -> list[str]:
    """Return the email addresses of the institution's active partner accounts."""
    with db.session() as s:
        rows = s.execute(
            select(Liaison.email)
            .join(PartnerAccount, PartnerAccount.liaison_id == Liaison.id)
            .where(PartnerAccount.institution == institution, Liaison.active.is_(True))
            .order_by(Liaison.id)
        )
        return [str(email) for (email,) in rows]


def offer_email(settings: Settings, offer: dict[str, Any], institution: str) -> EmailMessage:
    """Return the message telling an institution's partners about an offer routed to it."""
    fields = offer.get("fields") or {}
    ref = display.intake_reference(offer.get("id"))
    name = display.institution_label(institution)
    organization = str(fields.get("organization_name") or "An employer")
    lines = [
        f"{organization} offers a work-integrated learning placement that fits {name}.",
        "",
        *(
            f"{display.field_label('employer', f, 'en')}: "
            f"{display.value_label('employer', f, fields.get(f), 'en')}"
            for f in CARD_FIELDS
            if fields.get(f) not in (None, "", [])
        ),
        "",
        "Answer it (interested, not this term, or filled) in the partner desk:",
        f"{settings.public_url}/console#/desk",
    ]
    msg = EmailMessage()
    msg["From"] = settings.smtp_from
    msg["Subject"] = f"[WIL] New placement offer {ref} for {name}: {organization}"
    msg.set_content("\n".join(lines))
    return msg


def send(settings: Settings, msg: EmailMessage, to: list[str]) -> None:
    """Send one message to these addresses through the configured SMTP server (blocking)."""
    assert settings.smtp_host is not None
    msg["To"] = ", ".join(to)
    context = ssl.create_default_context()
    if settings.smtp_port == 465:
        with smtplib.SMTP_SSL(
            settings.smtp_host, settings.smtp_port, timeout=SMTP_TIMEOUT_S, context=context
        ) as smtp:
            _login_and_send(settings, smtp, msg)
        return
    with smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=SMTP_TIMEOUT_S) as smtp:
        smtp.ehlo()
        if smtp.has_extn("starttls"):
            smtp.starttls(context=context)
            smtp.ehlo()
        _login_and_send(settings, smtp, msg)


def _login_and_send(settings: Settings, smtp: smtplib.SMTP, msg: EmailMessage) -> None:
    if settings.smtp_user and settings.smtp_password is not None:
        smtp.login(settings.smtp_user, settings.smtp_password.get_secret_value())
    smtp.send_message(msg)


async def tell_partners(
    settings: Settings, db: Database, offer: dict[str, Any], institutions: list[str]
) -> int:
    """Email the partners of each institution about the offer; return how many emails went out."""
    if not settings.smtp_host or offer.get("kind") != "employer" or not shareable(offer):
        return 0
    sent = 0
    for institution in institutions:
        to = await asyncio.to_thread(partner_emails, db, institution)
        if not to:
            continue
        try:
            await asyncio.to_thread(send, settings, offer_email(settings, offer, institution), to)
        except (OSError, smtplib.SMTPException) as exc:
            logger.warning("partner email for %s failed: %s", institution, type(exc).__name__)
            continue
        sent += 1
    return sent


def partner_listener(
    settings: Settings, db: Database
) -> Callable[[str, dict[str, Any]], Awaitable[None]]:
    """Return a notifier listener that emails partners when an offer is submitted and routed."""

    async def listener(kind: str, payload: dict[str, Any]) -> None:
        if kind == "intake_submitted":
            routed = [str(i) for i in payload.get("routed_to") or []]
            await tell_partners(settings, db, payload, routed)

    return listener


async def email_employer(settings: Settings, tell: dict[str, Any]) -> bool:
    """Email the employer an institution's news when their conversation cannot carry it."""
    if not settings.smtp_host:
        return False
    msg = EmailMessage()
    msg["From"] = settings.smtp_from
    msg["Subject"] = str(tell["subject"])
    msg.set_content(f"{tell['text']}\n\n{tell['author']}, through {settings.public_url}")
    try:
        await asyncio.to_thread(send, settings, msg, [str(tell["email"])])
    except (OSError, smtplib.SMTPException) as exc:
        logger.warning("employer email failed: %s", type(exc).__name__)
        return False
    return True
