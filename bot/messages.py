"""Neutral messages: what a command answers, before any platform's renderer shapes it.

All text here is plain (no markup): renderers escape it for their platform, so an article's
`@everyone` or `<!channel>` can never turn into a ping, whichever platform shows it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from digests.model import Digest, Story


@dataclass(frozen=True)
class Link:
    title: str
    url: str | None
    outlet: str = ""
    published: datetime | None = None
    note: str = ""  # a snippet or a status line
    number: int | None = None  # a citation number, shown as [n]


@dataclass(frozen=True)
class Notice:
    """A short paragraph of the bot's own words."""

    text: str
    title: str = ""


@dataclass(frozen=True)
class Fields:
    """Name/value rows: help, a schedule, filters."""

    title: str
    rows: tuple[tuple[str, str], ...]
    footer: str = ""


@dataclass(frozen=True)
class Links:
    title: str
    links: tuple[Link, ...]
    footer: str = ""


@dataclass(frozen=True)
class DigestView:
    digest: Digest
    footer: str = ""


@dataclass(frozen=True)
class StoryView:
    story: Story


Message = Notice | Fields | Links | DigestView | StoryView


@dataclass(frozen=True)
class Reply:
    messages: tuple[Message, ...]
    ephemeral: bool = False  # only the person who asked sees it (where the platform can)
    error: bool = False

    @classmethod
    def of(cls, *messages: Message, ephemeral: bool = False) -> Reply:
        return cls(tuple(messages), ephemeral=ephemeral)

    @classmethod
    def fail(cls, text: str) -> Reply:
        """Something the user can fix: shown only to them, saying what to do next."""
        return cls((Notice(text),), ephemeral=True, error=True)

    @classmethod
    def sorry(cls) -> Reply:
        """Our fault, not theirs: the details went to the log, never to the chat."""
        return cls.fail("Sorry, something went wrong on my side and it has been logged. Please try again in a minute.")

    @classmethod
    def unavailable(cls) -> Reply:
        """The database is down or restarting: it passes, and the pool reconnects by itself."""
        return cls.fail("The news database isn't answering right now (it may be restarting). Please try again in a minute.")
