"""Renderers: neutral replies (bot.messages) shaped for each platform within its limits.
Long content is split across blocks, embeds or messages, never cut."""

from __future__ import annotations

from datetime import datetime

from bot.text import clean
from digests.model import Digest, Story


def day(dt: datetime | None) -> str:
    return dt.date().isoformat() if dt else ""


def meta(*parts: str | None) -> str:
    """Non-empty parts joined with a middle dot: "Reuters · 2012-06-25"."""
    return " · ".join(clean(p) for p in parts if p and clean(p))


def digest_heading(d: Digest) -> str:
    n = len(d.stories)
    return meta(clean(d.title), f"{n} {'story' if n == 1 else 'stories'}", f"{d.generated_at:%Y-%m-%d %H:%M} UTC")


def story_meta(s: Story) -> str:
    outlets = s.outlets
    return meta(f"story {s.id}", f"{outlets} outlet{'s' if outlets != 1 else ''}", day(s.updated))
