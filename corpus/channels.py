"""Per-channel state: what each chat channel (Discord, Slack, terminal) asked for.

A subscription is one channel's settings: its feeds, its digest schedule (a standard 5-field
cron expression with day-of-week names, in an IANA timezone), keyword filters, digest size and
summarizer. The scheduler runs the schedules stored here."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Boolean, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from corpus.models import Base, Feed, UTCDateTime, utcnow


class Subscription(Base):
    __tablename__ = "subscriptions"
    __table_args__ = (UniqueConstraint("platform", "workspace", "channel", name="uq_subscriptions_place"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    platform: Mapped[str] = mapped_column(String(16))  # "discord", "slack", "terminal"
    workspace: Mapped[str] = mapped_column(String(64), default="")  # guild id, team id, "" for none
    channel: Mapped[str] = mapped_column(String(64))
    # None: no scheduled digests. Day-of-week names, never numbers (APScheduler 3 counts 0 as Monday).
    cron: Mapped[str | None] = mapped_column(String(128))
    timezone: Mapped[str] = mapped_column(String(64), default="UTC")
    include_keywords: Mapped[list[str]] = mapped_column(JSON, default=list)
    exclude_keywords: Mapped[list[str]] = mapped_column(JSON, default=list)
    # The channel's own digest size and summarizer (/news settings); None: the configured
    # default ([channels] in config/default.toml), as it is when the digest is built.
    story_count: Mapped[int | None] = mapped_column(Integer)
    words: Mapped[int | None] = mapped_column(Integer)  # word budget of each story's summary
    algorithm: Mapped[str | None] = mapped_column(String(32))
    post_when_empty: Mapped[bool] = mapped_column(Boolean, default=False)  # a one-line "no news"
    created_by: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    # Read-only: links are added and removed as SubscriptionFeed rows.
    feeds: Mapped[list[Feed]] = relationship(secondary="subscription_feeds", order_by="Feed.url", viewonly=True)


class SubscriptionFeed(Base):
    __tablename__ = "subscription_feeds"

    subscription_id: Mapped[int] = mapped_column(ForeignKey("subscriptions.id", ondelete="CASCADE"), primary_key=True)
    feed_id: Mapped[int] = mapped_column(ForeignKey("feeds.id", ondelete="CASCADE"), primary_key=True, index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
