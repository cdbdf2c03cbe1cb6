"""The delivery log: one row per (subscription, slot), claimed before anything is posted.

A slot is a scheduled digest's local wall-clock time and timezone ("2024-10-27T02:30
Europe/Berlin"), so the two 02:30s of an autumn clock change are one slot; a notice (a feed was
disabled) is a slot of its own ("feed 12 disabled 2024-05-01T08:00:00"). The unique constraint
makes a second claim of a slot fail, whichever process or clock change attempts it.

Life of a row: `claimed` (the digest is being built or posted), then `posted` (message ids
recorded), `empty` (nothing new, nothing posted), `failed` (the reason kept) or `missed` (the bot
was down for longer than the catch-up grace)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, Integer, String, UniqueConstraint, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, Session, mapped_column

from corpus.models import Base, UTCDateTime

CLAIMED, POSTED, EMPTY, FAILED, MISSED = "claimed", "posted", "empty", "failed", "missed"
DIGEST, NOTICE = "digest", "notice"


class Delivery(Base):
    __tablename__ = "deliveries"
    __table_args__ = (
        UniqueConstraint("subscription_id", "slot", name="uq_deliveries_slot"),
        Index("ix_deliveries_status", "status", "slot_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    subscription_id: Mapped[int] = mapped_column(ForeignKey("subscriptions.id", ondelete="CASCADE"))
    slot: Mapped[str] = mapped_column(String(96))
    slot_at: Mapped[datetime] = mapped_column(UTCDateTime)  # when it was due
    kind: Mapped[str] = mapped_column(String(16), default=DIGEST)
    status: Mapped[str] = mapped_column(String(16), default=CLAIMED)
    since: Mapped[datetime | None] = mapped_column(UTCDateTime)  # the digest covers articles from here
    built_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # ...up to here: the next one's `since`
    # What is posted, in neutral form ({"digest": ...} or {"notice": "..."}): a retry after a crash
    # posts exactly this again, and /digest shows the latest one.
    payload: Mapped[dict | None] = mapped_column(JSON)
    message_ids: Mapped[list[str] | None] = mapped_column(JSON)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    retry_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # after a failed attempt: not before
    error: Mapped[str | None] = mapped_column(String(512))
    claimed_by: Mapped[str | None] = mapped_column(String(128))
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


def claim(s: Session, status: str = CLAIMED, **fields) -> Delivery | None:
    """Insert the slot's row (claimed, unless told otherwise); None when the slot has one."""
    row = Delivery(status=status, attempts=0, **fields)
    try:
        with s.begin_nested():
            s.add(row)
    except IntegrityError:
        return None
    return row


def last_digest(s: Session, subscription_id: int) -> Delivery | None:
    """The latest digest slot that was built (posted, or found empty): the next one starts there."""
    return s.scalar(
        select(Delivery)
        .where(Delivery.subscription_id == subscription_id, Delivery.kind == DIGEST, Delivery.status.in_((POSTED, EMPTY)))
        .order_by(Delivery.built_at.desc(), Delivery.id.desc())
        .limit(1)
    )


def last_run(s: Session, subscription_id: int) -> Delivery | None:
    """The latest scheduled digest slot, whatever became of it."""
    return next(iter(recent_digests(s, subscription_id, 1)), None)


def recent_digests(s: Session, subscription_id: int, count: int) -> list[Delivery]:
    """The latest `count` scheduled digest slots, newest first."""
    q = select(Delivery).where(Delivery.subscription_id == subscription_id, Delivery.kind == DIGEST)
    return list(s.scalars(q.order_by(Delivery.slot_at.desc(), Delivery.id.desc()).limit(count)))


def posted_digests(s: Session, subscription_id: int, count: int = 5) -> list[Delivery]:
    """The latest `count` digests actually posted with stories in them, newest first."""
    rows = s.scalars(
        select(Delivery)
        .where(Delivery.subscription_id == subscription_id, Delivery.kind == DIGEST, Delivery.status == POSTED)
        .order_by(Delivery.finished_at.desc(), Delivery.id.desc())
        .limit(count)
    )
    return [r for r in rows if r.payload and "digest" in r.payload]


def latest_posted_digest(s: Session, subscription_id: int) -> Delivery | None:
    """The latest digest actually posted with stories in it (for /digest)."""
    return next(iter(posted_digests(s, subscription_id)), None)


def unfinished(s: Session, due_after: datetime, now: datetime) -> list[Delivery]:
    """Claimed rows whose slot is no older than `due_after` and whose retry time has come: posts
    a crash or a failure left undone."""
    q = select(Delivery).where(
        Delivery.status == CLAIMED, Delivery.slot_at >= due_after, or_(Delivery.retry_at.is_(None), Delivery.retry_at <= now)
    )
    return list(s.scalars(q.order_by(Delivery.slot_at, Delivery.id)))


def stale(s: Session, due_before: datetime) -> list[Delivery]:
    q = select(Delivery).where(Delivery.status == CLAIMED, Delivery.slot_at < due_before)
    return list(s.scalars(q))
