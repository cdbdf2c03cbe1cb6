"""Per-channel subscriptions (schedule, filters, digest size) and the feeds each channel follows.

Revision ID: 0003_channels
Revises: 0002_stories
"""

import sqlalchemy as sa
from alembic import op

from corpus.models import UTCDateTime

revision = "0003_channels"
down_revision = "0002_stories"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "subscriptions",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("platform", sa.String(16), nullable=False),
        sa.Column("workspace", sa.String(64), nullable=False),
        sa.Column("channel", sa.String(64), nullable=False),
        sa.Column("cron", sa.String(128)),
        sa.Column("timezone", sa.String(64), nullable=False),
        sa.Column("include_keywords", sa.JSON, nullable=False),
        sa.Column("exclude_keywords", sa.JSON, nullable=False),
        sa.Column("story_count", sa.Integer, nullable=False),
        sa.Column("words", sa.Integer, nullable=False),
        sa.Column("algorithm", sa.String(32), nullable=False),
        sa.Column("post_when_empty", sa.Boolean, nullable=False),
        sa.Column("created_by", sa.String(64)),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.UniqueConstraint("platform", "workspace", "channel", name="uq_subscriptions_place"),
    )
    op.create_table(
        "subscription_feeds",
        sa.Column(
            "subscription_id",
            sa.Integer,
            sa.ForeignKey("subscriptions.id", ondelete="CASCADE", name="fk_subscription_feeds_subscription_id_subscriptions"),
            primary_key=True,
        ),
        sa.Column(
            "feed_id",
            sa.Integer,
            sa.ForeignKey("feeds.id", ondelete="CASCADE", name="fk_subscription_feeds_feed_id_feeds"),
            primary_key=True,
        ),
        sa.Column("created_at", UTCDateTime(), nullable=False),
    )
    op.create_index("ix_subscription_feeds_feed_id", "subscription_feeds", ["feed_id"])


def downgrade() -> None:
    op.drop_table("subscription_feeds")
    op.drop_table("subscriptions")
