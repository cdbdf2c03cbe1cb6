"""Stories and their members (articles, or sections of live-blog articles).

Revision ID: 0002_stories
Revises: 0005_article_feeds
"""

import sqlalchemy as sa
from alembic import op

from corpus.models import UTCDateTime

revision = "0002_stories"
down_revision = "0005_article_feeds"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "stories",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("headline", sa.String(1024), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.Column("latest_at", UTCDateTime()),
    )
    op.create_index("ix_stories_latest_at", "stories", ["latest_at"])
    op.create_table(
        "story_members",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column(
            "story_id",
            sa.Integer,
            sa.ForeignKey("stories.id", ondelete="CASCADE", name="fk_story_members_story_id_stories"),
            nullable=False,
        ),
        sa.Column(
            "article_id",
            sa.Integer,
            sa.ForeignKey("articles.id", ondelete="CASCADE", name="fk_story_members_article_id_articles"),
            nullable=False,
        ),
        sa.Column("section", sa.SmallInteger, nullable=False),
        sa.Column("title", sa.String(1024)),
        sa.Column("text", sa.Text),
        sa.UniqueConstraint("article_id", "section", name="uq_story_members_article_section"),
    )
    op.create_index("ix_story_members_story_id", "story_members", ["story_id"])
    op.create_index("ix_story_members_article_id", "story_members", ["article_id"])


def downgrade() -> None:
    op.drop_table("story_members")
    op.drop_table("stories")
