"""What every source (file, feed, page) yields before cleaning and deduplication."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime


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


@dataclass(frozen=True)
class Skipped:
    """A source or item that was not ingested, with a one-line reason."""

    origin: str
    reason: str

    def __str__(self) -> str:
        return f"{self.origin}: {self.reason}"
