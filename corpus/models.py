"""The stored model. Schema changes go through Alembic (corpus/migrations), never create_all."""

from __future__ import annotations

from datetime import datetime, timezone

from sqlalchemy import (
    BigInteger,
    Boolean,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    SmallInteger,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


class UTCDateTime(TypeDecorator):
    """Stores UTC; always hands back an aware UTC datetime (SQLite keeps no zone of its own)."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(timezone.utc).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect):
        return None if value is None else value.replace(tzinfo=timezone.utc)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class Feed(Base):
    __tablename__ = "feeds"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    url: Mapped[str] = mapped_column(String(2048), unique=True)
    added_url: Mapped[str | None] = mapped_column(String(2048))  # as first followed; `url` follows a 301
    title: Mapped[str | None] = mapped_column(String(512))
    etag: Mapped[str | None] = mapped_column(String(512))
    last_modified: Mapped[str | None] = mapped_column(String(128))
    error_count: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(String(512))
    last_checked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    next_check_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    disabled_reason: Mapped[str | None] = mapped_column(String(512))
    disabled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Article(Base):
    __tablename__ = "articles"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    canonical_url: Mapped[str | None] = mapped_column(String(2048), unique=True)
    guid: Mapped[str | None] = mapped_column(String(1024), index=True)
    title: Mapped[str] = mapped_column(String(1024), default="")
    text: Mapped[str] = mapped_column(Text, default="")
    outlet: Mapped[str | None] = mapped_column(String(256))
    author: Mapped[str | None] = mapped_column(String(256))
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    fetched_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    content_hash: Mapped[str] = mapped_column(String(64), unique=True)
    # datasketch MinHash hash values (uint64, little-endian) for near-duplicate checks.
    minhash: Mapped[bytes | None] = mapped_column(LargeBinary)
    feed_id: Mapped[int | None] = mapped_column(ForeignKey("feeds.id", ondelete="SET NULL"), index=True)
    # A feed's teaser stored without its page because the poll's page budget was spent
    # (feeds.max_full_text_pages): the page is fetched when the entry is seen again.
    page_pending: Mapped[bool] = mapped_column(Boolean, default=False)

    sightings: Mapped[list[Sighting]] = relationship(
        back_populates="article", cascade="all, delete-orphan", order_by="Sighting.id"
    )


class Sighting(Base):
    """Every place an article was seen: a syndicated copy keeps each outlet's link."""

    __tablename__ = "sightings"
    __table_args__ = (UniqueConstraint("article_id", "outlet", "url", name="uq_sightings_place"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id", ondelete="CASCADE"), index=True)
    outlet: Mapped[str] = mapped_column(String(256), default="")
    url: Mapped[str] = mapped_column(String(2048), default="")
    title: Mapped[str | None] = mapped_column(String(1024))
    seen_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    article: Mapped[Article] = relationship(back_populates="sightings")


class ArticleFeed(Base):
    """Every feed that carried an article (Article.feed_id is only the first)."""

    __tablename__ = "article_feeds"

    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True)
    feed_id: Mapped[int] = mapped_column(ForeignKey("feeds.id", ondelete="CASCADE"), primary_key=True, index=True)


class ArticleBand(Base):
    """LSH bands of an article's MinHash, kept in the database so that every process finds
    near-duplicates with an indexed lookup instead of rebuilding an in-memory index."""

    __tablename__ = "article_bands"
    __table_args__ = (Index("ix_article_bands_lookup", "band", "hash"),)

    article_id: Mapped[int] = mapped_column(
        ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True
    )
    band: Mapped[int] = mapped_column(SmallInteger, primary_key=True)
    hash: Mapped[int] = mapped_column(BigInteger)


class Story(Base):
    """A group of articles (or sections of live-blog articles) that report the same event."""

    __tablename__ = "stories"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    headline: Mapped[str] = mapped_column(String(1024), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # The newest member's publication (or fetch) time: which stories are still open to new articles.
    latest_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)

    members: Mapped[list[StoryMember]] = relationship(
        back_populates="story", cascade="all, delete-orphan", order_by="StoryMember.id"
    )


class StoryMember(Base):
    """One article, or one section of a live-blog article, in a story. Section 0 is the whole
    article; a section keeps its own heading and text."""

    __tablename__ = "story_members"
    __table_args__ = (UniqueConstraint("article_id", "section", name="uq_story_members_article_section"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    story_id: Mapped[int] = mapped_column(ForeignKey("stories.id", ondelete="CASCADE"), index=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id", ondelete="CASCADE"), index=True)
    section: Mapped[int] = mapped_column(SmallInteger, default=0)
    title: Mapped[str | None] = mapped_column(String(1024))
    text: Mapped[str | None] = mapped_column(Text)

    story: Mapped[Story] = relationship(back_populates="members")
    article: Mapped[Article] = relationship()
