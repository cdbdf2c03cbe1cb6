"""Teasers stored without their page because a poll's page budget was spent, so that a later
poll fetches it.

Revision ID: 0007_page_pending
Revises: 0006_channel_defaults
"""

import sqlalchemy as sa
from alembic import op

revision = "0007_page_pending"
down_revision = "0006_channel_defaults"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("articles", sa.Column("page_pending", sa.Boolean(), nullable=False, server_default=sa.false()))


def downgrade() -> None:
    with op.batch_alter_table("articles") as batch:
        batch.drop_column("page_pending")
