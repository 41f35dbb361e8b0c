"""Tables of the institution-partner desk: which institution an account speaks for, and what
each institution did with each offer routed to it."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from assistant.store.models import Base, utcnow


class PartnerAccount(Base):
    """The institution an account with role `institution` acts for (one per account)."""

    __tablename__ = "partner_accounts"

    liaison_id: Mapped[int] = mapped_column(
        Integer, ForeignKey("liaisons.id", ondelete="CASCADE"), primary_key=True
    )
    institution: Mapped[str] = mapped_column(String(32), index=True)


class OfferOutcome(Base):
    """One institution's answer to one routed offer: interested, not this term, or filled."""

    __tablename__ = "offer_outcomes"
    __table_args__ = (UniqueConstraint("intake_id", "institution", name="uq_offer_outcome"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    intake_id: Mapped[str] = mapped_column(
        String(32), ForeignKey("intakes.id", ondelete="CASCADE"), index=True
    )
    institution: Mapped[str] = mapped_column(String(32), index=True)
    status: Mapped[str] = mapped_column(String(16))  # interested | not_this_term | filled
    note: Mapped[str] = mapped_column(Text, default="")
    students_placed: Mapped[int | None] = mapped_column(Integer, nullable=True)
    term: Mapped[str | None] = mapped_column(String(16), nullable=True)
    updated_by: Mapped[int | None] = mapped_column(
        Integer, ForeignKey("liaisons.id", ondelete="SET NULL"), nullable=True
    )
    employer_told: Mapped[str | None] = mapped_column(String(16), nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, onupdate=utcnow
    )
