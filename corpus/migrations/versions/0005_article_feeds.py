"""Every feed that carried each article, so a channel following feed B also gets a syndicated
article (or the same link in another section's feed) first stored from feed A.

Revision ID: 0005_article_feeds
Revises: 0003_channels
"""

import sqlalchemy as sa
from alembic import op

revision = "0005_article_feeds"
down_revision = "0003_channels"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "article_feeds",
        sa.Column("article_id", sa.Integer, sa.ForeignKey("articles.id", ondelete="CASCADE", name="fk_article_feeds_article_id_articles"), primary_key=True),
        sa.Column("feed_id", sa.Integer, sa.ForeignKey("feeds.id", ondelete="CASCADE", name="fk_article_feeds_feed_id_feeds"), primary_key=True),
    )
    op.create_index("ix_article_feeds_feed_id", "article_feeds", ["feed_id"])
    op.execute("INSERT INTO article_feeds (article_id, feed_id) SELECT id, feed_id FROM articles WHERE feed_id IS NOT NULL")


def downgrade() -> None:
    op.drop_table("article_feeds")
