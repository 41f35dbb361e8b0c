"""institution partners: accounts scoped to an institution, and each institution's outcome per offer

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-07 19:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "partner_accounts",
        sa.Column("liaison_id", sa.Integer(), nullable=False),
        sa.Column("institution", sa.String(length=32), nullable=False),
        sa.ForeignKeyConstraint(["liaison_id"], ["liaisons.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("liaison_id"),
    )
    with op.batch_alter_table("partner_accounts", schema=None) as batch_op:
        batch_op.create_index("ix_partner_accounts_institution", ["institution"], unique=False)

    op.create_table(
        "offer_outcomes",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("intake_id", sa.String(length=32), nullable=False),
        sa.Column("institution", sa.String(length=32), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("students_placed", sa.Integer(), nullable=True),
        sa.Column("term", sa.String(length=16), nullable=True),
        sa.Column("updated_by", sa.Integer(), nullable=True),
        sa.Column("employer_told", sa.String(length=16), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["intake_id"], ["intakes.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["updated_by"], ["liaisons.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("intake_id", "institution", name="uq_offer_outcome"),
    )
    with op.batch_alter_table("offer_outcomes", schema=None) as batch_op:
        batch_op.create_index("ix_offer_outcomes_intake_id", ["intake_id"], unique=False)
        batch_op.create_index("ix_offer_outcomes_institution", ["institution"], unique=False)


def downgrade() -> None:
    op.drop_table("offer_outcomes")
    op.drop_table("partner_accounts")
