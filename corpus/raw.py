"""What every source (file, feed, page) yields before cleaning and deduplication."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal

from corpus.untrusted import storable


@dataclass
class RawArticle:
    title: str
    text: str
    outlet: str = ""
    url: str | None = None
    author: str | None = None
    published: datetime | None = None  # aware UTC
    guid: str | None = None
    origin: str = ""  # where it came from (a path or URL), for messages
    feed_id: int | None = None
    extra: dict = field(default_factory=dict)

    def __post_init__(self) -> None:
        # Every source builds one: the one place where text bound for the database passes.
        for name in ("title", "text", "outlet", "url", "author", "guid", "origin"):
            value = getattr(self, name)
            if isinstance(value, str):
                setattr(self, name, storable(value))


@dataclass(frozen=True)
class Skipped:
    """A source or item that was not ingested, with a one-line reason."""

    origin: str
    reason: str

    def __str__(self) -> str:
        return f"{self.origin}: {self.reason}"


# What the store holds of a feed entry: nothing (None), the entry ("stored"), or its teaser with
# the page still to fetch ("pending"; corpus/fulltext.py).
Stored = Literal["stored", "pending"] | None


def back_to_teaser(raw: RawArticle) -> None:
    """Undo a page's text on a feed entry: its own teaser, title, author and date come back
    (corpus/fulltext.py kept them in extra["teaser"] when the page replaced them)."""
    raw.text, raw.title, raw.author, raw.published = raw.extra.pop("teaser")
    del raw.extra["full_text"]
