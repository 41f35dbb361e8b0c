"""message client id: a retried message is stored once

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-07 19:15:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("messages", schema=None) as batch_op:
        batch_op.add_column(sa.Column("client_message_id", sa.String(length=64), nullable=True))
        batch_op.create_unique_constraint(
            "uq_messages_conversation_client_id", ["conversation_id", "client_message_id"]
        )


def downgrade() -> None:
    with op.batch_alter_table("messages", schema=None) as batch_op:
        batch_op.drop_constraint("uq_messages_conversation_client_id", type_="unique")
        batch_op.drop_column("client_message_id")
