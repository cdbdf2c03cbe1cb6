"""Renderers: neutral replies (bot.messages) shaped for each platform within its limits.
Long content is split across blocks, embeds or messages, never cut."""

from __future__ import annotations

from datetime import datetime

from bot.text import clean
from digests.model import Digest, Source, Story


def day(dt: datetime | None) -> str:
    return dt.date().isoformat() if dt else ""


def meta(*parts: str | None) -> str:
    """Non-empty parts joined with a middle dot: "Reuters · 2012-06-25"."""
    return " · ".join(clean(p) for p in parts if p and clean(p))


def digest_heading(d: Digest) -> str:
    n = len(d.stories)
    return meta(clean(d.title), f"{n} {'story' if n == 1 else 'stories'}", f"{d.generated_at:%Y-%m-%d %H:%M %Z}")


def story_meta(s: Story) -> str:
    outlets = s.outlets
    return meta(f"story {s.id}", f"{outlets} outlet{'s' if outlets != 1 else ''}", day(s.updated))


# A story lists at most this many sources (more when its lines cite more); /news sources lists
# them all. A story that 170 outlets carried took four embeds of source lines, and a digest of
# ten such stories 34 Discord messages.
SHOWN_SOURCES = 8


def shown_sources(s: Story) -> tuple[tuple[Source, ...], str]:
    """The sources a story lists: every one its lines cite, then the others in order, up to
    SHOWN_SOURCES; and a line that says how many more there are and where they are ("" if none)."""
    cited = {n for x in s.sentences for n in x.citations}
    room = max(SHOWN_SOURCES, len(cited))
    shown = [src for src in s.sources if src.number in cited]
    shown += [src for src in s.sources if src.number not in cited][: room - len(shown)]
    shown.sort(key=lambda src: src.number)
    hidden = len(s.sources) - len(shown)
    more = f"… and {hidden} more: /news sources {s.id}" if hidden else ""
    return tuple(shown), more
