"""Discord embeds, as the JSON dicts the API takes (the adapter wraps them in discord.Embed).

Limits: title 256, description 4,096, 25 fields (name 256, value 1,024), footer 2,048, 6,000
characters across a message's embeds, 10 embeds a message. Article text is escaped so that
markdown, masked links (`[https://good.example](https://evil.example)`), mentions (`<@&123>`,
`@everyone`) and timestamps show as the literal text they are. A link whose text names another
address than its own is not masked (the URL is shown beside it), and a split never falls inside
a link or an escape."""

from __future__ import annotations

import re

from bot.messages import DigestView, Fields, Link, Links, Message, Notice, Reply, StoryView
from bot.render import day, digest_heading, meta, shown_sources, story_meta
from bot.text import chunks, clean, defuse_broadcasts, safe_url, shorten, shows_another_address
from bot.text import fit as fit_text
from digests.model import Story

TITLE, DESCRIPTION, FIELDS, FIELD_NAME, FIELD_VALUE, FOOTER = 256, 4096, 25, 256, 1024, 2048
MESSAGE_CHARS, MESSAGE_EMBEDS = 6000, 10
BLUE, RED, GREY = 0x3B82F6, 0xE74C3C, 0x95A5A6

_MARKUP = re.compile(r"([\\*_~|`\[\]()<>#])")
# What a split must keep whole: a masked link, an escaped character, a defused broadcast.
_UNSPLIT = re.compile(r"\[(?:\\.|[^\\\[\]])*\]\([^()\s]*\)|\\.|@\u2060")
LINK_TEXT = 300  # longer link text is shown beside its URL, not masking it
_LINE_START = re.compile(r"^(\s*)([-+>]|\d+\.)(?=\s)", re.MULTILINE)


def esc(s: str | None, *, keep_newlines: bool = False) -> str:
    """Text shown literally: markdown, links, mentions and emoji/timestamp syntax escaped."""
    s = _MARKUP.sub(r"\\\1", clean(s, keep_newlines=keep_newlines))
    return defuse_broadcasts(_LINE_START.sub(r"\1\\\2", s))


def plain(s: str | None, limit: int) -> str:
    """For places that show no markdown (footers): clean, no broadcast mentions, within limit."""
    return shorten(defuse_broadcasts(clean(s)), limit)


def fit(raw: str | None, limit: int) -> str:
    return fit_text(raw, limit, esc)


def link(text: str, url: str | None) -> str:
    """A masked link, unless its text names another address: then the real URL is shown too."""
    u = safe_url(url)
    if not u:
        return text
    return f"{text} ({u})" if len(text) > LINK_TEXT or shows_another_address(text, u) else f"[{text}]({u})"


def embed_size(e: dict) -> int:
    return (
        len(e.get("title", ""))
        + len(e.get("description", ""))
        + len(e.get("footer", {}).get("text", ""))
        + len(e.get("author", {}).get("name", ""))
        + sum(len(f["name"]) + len(f["value"]) for f in e.get("fields", []))
    )


def render(reply: Reply) -> list[dict]:
    """Discord message payloads: [{"embeds": [...]}, ...], each within the message limits."""
    embeds: list[dict] = []
    for m in reply.messages:
        embeds += render_message(m, RED if reply.error else BLUE)
    return pack(embeds)


def pack(embeds: list[dict]) -> list[dict]:
    messages: list[dict] = []
    current: list[dict] = []
    size = 0
    for e in embeds:
        n = embed_size(e)
        if current and (len(current) == MESSAGE_EMBEDS or size + n > MESSAGE_CHARS):
            messages.append({"embeds": current})
            current, size = [], 0
        current.append(e)
        size += n
    if current:
        messages.append({"embeds": current})
    return messages


def render_message(m: Message, color: int = BLUE) -> list[dict]:
    if isinstance(m, Notice):
        return _described(fit(m.title, TITLE) if m.title else "", esc(m.text, keep_newlines=True), color)
    if isinstance(m, Fields):
        return _fields(m, color)
    if isinstance(m, Links):
        lines = [_link_line(i, x) for i, x in enumerate(m.links, 1)]
        return _described(fit(m.title, TITLE), "\n\n".join(lines), color, footer=m.footer)
    if isinstance(m, DigestView):
        head = {"title": fit(digest_heading(m.digest), TITLE), "color": color}
        if m.footer:
            head["footer"] = {"text": plain(m.footer, FOOTER)}
        return [head, *(e for s in m.digest.stories for e in _story(s, color))]
    if isinstance(m, StoryView):
        return _story(m.story, color)
    raise TypeError(f"no Discord rendering for {type(m).__name__}")


def _described(title: str, description: str, color: int, footer: str = "", url: str | None = None) -> list[dict]:
    """One embed, or several when the description is longer than one embed holds."""
    footer = plain(footer, FOOTER) if footer else ""
    room = min(DESCRIPTION, MESSAGE_CHARS - len(title) - len(footer))
    parts = chunks(description, room, keep=_UNSPLIT) or [""]
    embeds = []
    for i, part in enumerate(parts):
        e: dict = {"color": color}
        if i == 0 and title:
            e["title"] = title
            if url:
                e["url"] = url
        if part:
            e["description"] = part
        embeds.append(e)
    if footer:
        embeds[-1]["footer"] = {"text": footer}
    return embeds


def _fields(m: Fields, color: int) -> list[dict]:
    fields = []
    for name, value in m.rows:
        for i, part in enumerate(chunks(esc(value, keep_newlines=True), FIELD_VALUE, keep=_UNSPLIT) or ["-"]):
            fields.append({"name": (fit(name, FIELD_NAME - 10) or "-") + (" (cont.)" if i else ""), "value": part, "inline": False})
    embeds: list[dict] = []
    e: dict = {"color": color, "fields": []}
    if title := fit(m.title, TITLE):
        e["title"] = title
    for f in fields:
        if len(e["fields"]) == FIELDS or embed_size(e) + len(f["name"]) + len(f["value"]) > MESSAGE_CHARS - FOOTER:
            embeds.append(e)
            e = {"color": color, "fields": []}
        e["fields"].append(f)
    embeds.append(e)
    if m.footer:
        embeds[-1]["footer"] = {"text": plain(m.footer, FOOTER)}
    return embeds


def _link_line(i: int, x: Link) -> str:
    mark = f"**[{x.number}]**" if x.number is not None else f"**{i}.**"
    lines = [f"{mark} {link(esc(x.title) or 'untitled', x.url)}"]
    if details := meta(x.outlet, day(x.published)):
        lines.append(esc(details))
    if x.note:
        lines.append(f"*{esc(shorten(x.note, 300))}*")
    return "\n".join(lines)


def _story(s: Story, color: int) -> list[dict]:
    sentences = " ".join(f"{esc(x.text)} {''.join(f'[{n}]' for n in x.citations)}".strip() for x in s.sentences)
    listed, more = shown_sources(s)
    sources = [
        f"[{src.number}] {link(esc(src.outlet or src.title) or 'source', src.url)}" + (f" · {esc(day(src.published))}" if src.published else "")
        for src in listed
    ] + ([esc(more)] if more else [])
    title = fit(s.headline, TITLE)
    if len(title) < len(esc(s.headline)):  # too long for a title: show it whole in the text
        sentences = f"**{esc(s.headline)}**\n{sentences}"
    description = "\n".join([*([sentences, ""] if sentences else []), "**Sources**", *sources])
    first = safe_url(s.link)
    if first and shows_another_address(title, first):
        first = None  # the title would show one address and open another
    return _described(title, description, color, footer=story_meta(s), url=first)
