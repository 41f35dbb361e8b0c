"""Personal-data retention: conversations, intakes and gaps older than the retention period are purged."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, func, select

from assistant.store.db import Database
from assistant.store.models import Conversation, Intake, KnowledgeGap, utcnow

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class PurgeReport:
    """How many records a purge removed."""

    conversations: int
    intakes: int
    gaps: int


def purge_expired(db: Database, retention_days: int, *, now: datetime | None = None) -> PurgeReport:
    """Delete records untouched for longer than `retention_days` (messages and tickets go with them)."""
    cutoff = (now or utcnow()) - timedelta(days=retention_days)
    with db.session() as s:
        # Keep conversations still held by a liaison: someone is working on them.
        old = select(Conversation.id).where(
            Conversation.updated_at < cutoff, Conversation.mode != "handoff"
        )
        conv_ids = list(s.scalars(old))
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
    report = PurgeReport(len(conv_ids), int(n_intakes or 0), int(n_gaps or 0))
    if any((report.conversations, report.intakes, report.gaps)):
        logger.info(
            "retention purge: %d conversations, %d intakes, %d gaps older than %d days",
            report.conversations, report.intakes, report.gaps, retention_days,
        )  # fmt: skip
    return report
