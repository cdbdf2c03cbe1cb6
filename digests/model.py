"""The digest engine's input (Document) and its neutral output (Digest -> Story -> sentences
with citations, and sources). Renderers for each platform consume Digest; it knows nothing of
any platform."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime


@dataclass(frozen=True)
class Document:
    """One article (or one section of a live-blog article) as the engine sees it."""

    id: str
    title: str
    text: str
    outlet: str = ""
    url: str | None = None
    published: datetime | None = None  # aware UTC; None when unknown
    # A section of a live-blog article: the id of the whole article (None for a whole article).
    section_of: str | None = None


@dataclass(frozen=True)
class Source:
    """A cited article. `number` is what a citation shows: [1], [2], ... within one story."""

    number: int
    document_id: str
    outlet: str
    title: str
    url: str | None
    published: datetime | None


@dataclass(frozen=True)
class SummarySentence:
    text: str
    # Source numbers: the first is the article the sentence was taken from, the rest are the
    # other articles that state the same fact.
    citations: tuple[int, ...]


@dataclass(frozen=True)
class Story:
    id: str
    headline: str
    sentences: tuple[SummarySentence, ...]
    sources: tuple[Source, ...]
    updated: datetime | None = None

    @property
    def outlets(self) -> int:
        return len({s.outlet for s in self.sources})

    @property
    def link(self) -> str | None:
        """Where the headline should lead: the article it was taken from, else the first source."""
        titled = [s.url for s in self.sources if s.url and s.title.strip() == self.headline.strip()]
        return next(iter(titled), None) or next((s.url for s in self.sources if s.url), None)

    def source(self, number: int) -> Source:
        return next(s for s in self.sources if s.number == number)


@dataclass(frozen=True)
class Digest:
    title: str
    generated_at: datetime
    stories: tuple[Story, ...] = field(default_factory=tuple)
