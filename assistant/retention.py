"""Personal-data retention: conversations, intakes and gaps older than the retention period are purged.

A conversation counts from the person's last message. One in handoff mode is kept while its ticket
is worked on (a liaison or the person touched it within the period); a handoff nobody touched for
the whole period is abandoned, and goes with its conversation.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, func, select

from assistant.store.db import Database
from assistant.store.models import Conversation, Handoff, Intake, KnowledgeGap, utcnow

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class PurgeReport:
    """How many records a purge removed."""

    conversations: int
    intakes: int
    gaps: int
    # Of the conversations: those left in handoff mode with a ticket nobody touched in the period.
    abandoned_handoffs: int = 0


def purge_expired(db: Database, retention_days: int, *, now: datetime | None = None) -> PurgeReport:
    """Delete records untouched for longer than `retention_days` (messages and tickets go with them)."""
    cutoff = (now or utcnow()) - timedelta(days=retention_days)
    with db.session() as s:
        # Keep a handoff someone still works on: a ticket of the conversation touched lately.
        worked_on = select(Handoff.id).where(
            Handoff.conversation_id == Conversation.id, Handoff.updated_at >= cutoff
        )
        old = select(Conversation.id, Conversation.mode).where(
            Conversation.updated_at < cutoff, ~worked_on.exists()
        )
        rows = list(s.execute(old))
        conv_ids = [row[0] for row in rows]
        abandoned = sum(1 for row in rows if row[1] == "handoff")
        n_intakes = s.scalar(
            select(func.count()).select_from(Intake).where(Intake.updated_at < cutoff)
        )
        s.execute(delete(Intake).where(Intake.updated_at < cutoff))
        n_gaps = s.scalar(
            select(func.count()).select_from(KnowledgeGap).where(KnowledgeGap.created_at < cutoff)
        )
        s.execute(delete(KnowledgeGap).where(KnowledgeGap.created_at < cutoff))
        for conv_id in conv_ids:
            conv = s.get(Conversation, conv_id)
            if conv is not None:
                s.delete(conv)
    report = PurgeReport(len(conv_ids), int(n_intakes or 0), int(n_gaps or 0), abandoned)
    if any((report.conversations, report.intakes, report.gaps)):
        logger.info(
            "retention purge: %d conversations (%d abandoned handoffs), %d intakes, %d gaps "
            "older than %d days",
            report.conversations, abandoned, report.intakes, report.gaps, retention_days,
        )  # fmt: skip
    return report
