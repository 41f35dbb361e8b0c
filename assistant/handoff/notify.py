"""Tell the secretariat about new tickets and intakes: email when SMTP is configured, plus listeners."""

from __future__ import annotations

import asyncio
import logging
import smtplib
import ssl
from collections.abc import Awaitable, Callable
from email.message import EmailMessage
from typing import Any

from assistant.config import Settings

logger = logging.getLogger(__name__)

Listener = Callable[[str, dict[str, Any]], Awaitable[None]]
SMTP_TIMEOUT_S = 10.0


class Notifier:
    """Send notifications; a failure is logged, never raised to the caller."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._listeners: list[Listener] = []

    def add_listener(self, listener: Listener) -> None:
        """Call `listener(kind, payload)` on every notification ("ticket_created", "intake_submitted")."""
        self._listeners.append(listener)

    async def ticket_created(self, handoff: dict[str, Any]) -> None:
        """Announce a new handoff ticket to the secretariat."""
        subject = f"[WIL] New handoff request: {handoff.get('reason', '?')} ({str(handoff.get('locale', '')).upper()})"
        body = "\n".join(
            [
                "A person asked for a liaison.",
                "",
                str(handoff.get("summary", "")),
                "",
                f"Open the console: {self.settings.public_url}/console#/handoffs/{handoff.get('id', '')}",
            ]
        )
        await self._notify("ticket_created", handoff, subject, body)

    async def intake_submitted(self, intake: dict[str, Any]) -> None:
        """Announce a submitted intake (placement offer or student profile) to the secretariat."""
        kind = str(intake.get("kind", "intake"))
        fields = intake.get("fields") or {}
        lines = [f"A new {kind} intake was submitted.", ""]
        lines += [f"{name}: {_shown(value)}" for name, value in fields.items()]
        lines += ["", f"Open the console: {self.settings.public_url}/console#/intakes"]
        await self._notify("intake_submitted", intake, f"[WIL] New {kind} intake", "\n".join(lines))

    async def _notify(self, kind: str, payload: dict[str, Any], subject: str, body: str) -> None:
        # Live listeners (console, Telegram staff chat) first: a slow mail server must not
        # delay the liaison who is watching the console.
        for listener in list(self._listeners):
            try:
                await listener(kind, payload)
            except Exception:  # a listener's bug must not break the person's turn
                logger.exception("notification listener failed for %s", kind)
        if self.settings.smtp_enabled:
            try:
                await asyncio.to_thread(self._send_email, subject, body)
            except (OSError, smtplib.SMTPException) as exc:
                logger.warning("email notification %s failed: %s", kind, type(exc).__name__)

    def _send_email(self, subject: str, body: str) -> None:
        """Send one email through the configured SMTP server (runs in a worker thread)."""
        s = self.settings
        assert s.smtp_host is not None and s.secretariat_email is not None  # smtp_enabled
        msg = EmailMessage()
        msg["From"] = s.smtp_from
        msg["To"] = s.secretariat_email
        msg["Subject"] = subject
        msg.set_content(body)
        context = ssl.create_default_context()
        if s.smtp_port == 465:
            with smtplib.SMTP_SSL(
                s.smtp_host, s.smtp_port, timeout=SMTP_TIMEOUT_S, context=context
            ) as smtp:
                self._login_and_send(smtp, msg)
            return
        with smtplib.SMTP(s.smtp_host, s.smtp_port, timeout=SMTP_TIMEOUT_S) as smtp:
            smtp.ehlo()
            if smtp.has_extn("starttls"):
                smtp.starttls(context=context)
                smtp.ehlo()
            self._login_and_send(smtp, msg)
        logger.info("email notification sent: %s", subject)

    def _login_and_send(self, smtp: smtplib.SMTP, msg: EmailMessage) -> None:
        s = self.settings
        if s.smtp_user and s.smtp_password is not None:
            smtp.login(s.smtp_user, s.smtp_password.get_secret_value())
        smtp.send_message(msg)


def _shown(value: Any) -> str:
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return str(value)
