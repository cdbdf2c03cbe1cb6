"""The address a feed was first followed at, which stays when the feed moves (a 301), so that an
admin can still unsubscribe by the address they typed.

Revision ID: 0008_feed_added_url
Revises: 0007_page_pending
"""

import sqlalchemy as sa
from alembic import op

revision = "0008_feed_added_url"
down_revision = "0007_page_pending"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("feeds", sa.Column("added_url", sa.String(2048), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("feeds") as batch:
        batch.drop_column("added_url")
