"""intake provenance: where each value came from, who submitted a draft, one status vocabulary

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-07 19:40:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("intakes", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("sources", sa.JSON(), nullable=False, server_default=sa.text("'{}'"))
        )
        batch_op.add_column(sa.Column("submitted_by", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            "fk_intakes_submitted_by_liaisons",
            "liaisons",
            ["submitted_by"],
            ["id"],
            ondelete="SET NULL",
        )
    # Drafts were stored as "draft"; the form's own words say how far they got.
    op.execute("UPDATE intakes SET status = 'collecting' WHERE status = 'draft'")


def downgrade() -> None:
    op.execute("UPDATE intakes SET status = 'draft' WHERE status IN ('collecting', 'confirming')")
    with op.batch_alter_table("intakes", schema=None) as batch_op:
        batch_op.drop_constraint("fk_intakes_submitted_by_liaisons", type_="foreignkey")
        batch_op.drop_column("submitted_by")
        batch_op.drop_column("sources")
