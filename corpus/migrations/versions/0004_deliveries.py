"""The delivery log (one row per subscription and slot), and APScheduler's job store table.

Revision ID: 0004_deliveries
Revises: 0002_stories (the head on main when this was merged; it needs the subscriptions table)
"""

import sqlalchemy as sa
from alembic import op

from corpus.models import UTCDateTime

revision = "0004_deliveries"
down_revision = "0002_stories"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "deliveries",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column(
            "subscription_id",
            sa.Integer,
            sa.ForeignKey("subscriptions.id", ondelete="CASCADE", name="fk_deliveries_subscription_id_subscriptions"),
            nullable=False,
        ),
        sa.Column("slot", sa.String(96), nullable=False),
        sa.Column("slot_at", UTCDateTime(), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("since", UTCDateTime()),
        sa.Column("built_at", UTCDateTime()),
        sa.Column("payload", sa.JSON),
        sa.Column("message_ids", sa.JSON),
        sa.Column("attempts", sa.Integer, nullable=False),
        sa.Column("retry_at", UTCDateTime()),
        sa.Column("error", sa.String(512)),
        sa.Column("claimed_by", sa.String(128)),
        sa.Column("claimed_at", UTCDateTime()),
        sa.Column("finished_at", UTCDateTime()),
        sa.UniqueConstraint("subscription_id", "slot", name="uq_deliveries_slot"),
    )
    op.create_index("ix_deliveries_status", "deliveries", ["status", "slot_at"])
    # APScheduler's SQLAlchemyJobStore table, exactly as the job store defines it (it only
    # creates the table when missing, so the schema stays under migrations).
    op.create_table(
        "apscheduler_jobs",
        sa.Column("id", sa.Unicode(191), primary_key=True),
        sa.Column("next_run_time", sa.Float(25), index=True),
        sa.Column("job_state", sa.LargeBinary, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("apscheduler_jobs")
    op.drop_table("deliveries")
