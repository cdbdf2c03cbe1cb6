"""A channel's digest size and summarizer may be unset, meaning the configured default.

Until now no command could set them: every stored value is a copy of the default of the day its
channel was created, which kept that channel on it after the operator changed `[channels]`. They
become NULL, so those channels follow the configuration; `/news settings` sets a channel's own.

Revision ID: 0006_channel_defaults
Revises: 0004_deliveries
"""

import sqlalchemy as sa
from alembic import op

revision = "0006_channel_defaults"
down_revision = "0004_deliveries"
branch_labels = None
depends_on = None

COLUMNS = (("story_count", sa.Integer()), ("words", sa.Integer()), ("algorithm", sa.String(32)))


def upgrade() -> None:
    with op.batch_alter_table("subscriptions") as batch:
        for name, kind in COLUMNS:
            batch.alter_column(name, existing_type=kind, nullable=True)
    op.execute("UPDATE subscriptions SET story_count = NULL, words = NULL, algorithm = NULL")


def downgrade() -> None:
    # The defaults of [channels] in config/default.toml.
    op.execute("UPDATE subscriptions SET story_count = COALESCE(story_count, 5), words = COALESCE(words, 100), algorithm = COALESCE(algorithm, 'newsbot')")
    with op.batch_alter_table("subscriptions") as batch:
        for name, kind in COLUMNS:
            batch.alter_column(name, existing_type=kind, nullable=False)
