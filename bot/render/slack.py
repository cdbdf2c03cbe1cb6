"""Slack Block Kit messages: {"text": fallback, "blocks": [...]}.

Limits: 50 blocks a message, 3,000 characters a section, 10,000 characters of block text a
message (chat.postMessage refuses about 12,000 and more with msg_blocks_too_long, a limit Slack
does not document: slackapi/bolt-js#2509), and always a `text` fallback (shown in notifications
and to screen readers). Every piece of text is escaped (`&`, `<`, `>`), so
`<!channel>`, `<!here>`, `<!everyone>` or `<@U123>` in an article never notifies anyone."""

from __future__ import annotations

import re

from bot.messages import DigestView, Fields, Link, Links, Message, Notice, Reply, StoryView
from bot.render import day, digest_heading, meta, shown_sources, story_meta
from bot.text import chunks, clean, defuse_broadcasts, fit, safe_url, shorten, shows_another_address
from digests.model import Story

BLOCKS, SECTION, FALLBACK, MESSAGE_TEXT = 50, 3000, 3000, 10_000
LINK_TEXT = 300  # longer link text is shown beside its URL, not inside the link
EMPTY = "(no text)"
_UNSPLIT = re.compile(r"<[^<>]*>|&(?:amp|lt|gt);|@\u2060")  # a split keeps links, escapes, defused broadcasts whole


def esc(s: str | None, *, keep_newlines: bool = False) -> str:
    s = clean(s, keep_newlines=keep_newlines).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return defuse_broadcasts(s)


def link(text: str, url: str | None) -> str:
    """`<url|text>` with escaped text; plain text when the URL is not http(s); the URL shown
    beside the text when the text names another address."""
    u = safe_url(url)
    if not u:
        return text
    u = u.replace("&", "&amp;")
    return f"{text} (<{u}>)" if len(text) > LINK_TEXT or shows_another_address(text, u) else f"<{u}|{text}>"


# verbatim: Slack otherwise preprocesses mrkdwn: it links bare addresses and channel names and
# parses "certain mentions" itself. Only the links and escapes made here are meant.
def mrkdwn(text: str) -> dict:
    return {"type": "mrkdwn", "text": text, "verbatim": True}


def section(text: str) -> list[dict]:
    return [{"type": "section", "text": mrkdwn(part)} for part in chunks(text, SECTION, keep=_UNSPLIT)]


def footer(raw: str) -> list[list[dict]]:
    """A context block with the footer text, when there is any to show."""
    text = fit(raw, SECTION, esc)
    return [[{"type": "context", "elements": [mrkdwn(text)]}]] if text else []


def render(reply: Reply) -> list[dict]:
    """Slack messages, each with at most 50 blocks and a fallback text."""
    units: list[tuple[str, list[list[dict]]]] = [render_message(m) for m in reply.messages]
    messages: list[dict] = []
    for fallback, groups in units:
        blocks: list[dict] = []
        for group in groups:  # a group (one story, one result) stays in one message where it fits
            if blocks and not _fits(blocks + group):
                messages.append({"text": fallback, "blocks": blocks})
                blocks, fallback = [], _continued(fallback)
            while not _fits(group):  # too big for a message of its own: as many blocks as fit
                n = next(n for n in range(len(group) - 1, 0, -1) if _fits(group[:n]))
                messages.append({"text": fallback, "blocks": group[:n]})
                group, fallback = group[n:], _continued(fallback)
            blocks += group
        messages.append({"text": fallback, "blocks": blocks or section(fallback)})
    if reply.error:
        for msg in messages:
            msg["text"] = f":warning: {msg['text']}"
    return messages


def _continued(fallback: str) -> str:
    return fallback if fallback.endswith(" (continued)") else f"{fallback} (continued)"


def _fits(blocks: list[dict]) -> bool:
    return len(blocks) <= BLOCKS and sum(map(_text_size, blocks)) <= MESSAGE_TEXT


def _text_size(block: dict) -> int:
    texts = [block["text"]] if "text" in block else block.get("elements", [])
    return sum(len(t.get("text", "")) for t in texts)


def render_message(m: Message) -> tuple[str, list[list[dict]]]:
    """(fallback text, groups of blocks)."""
    if isinstance(m, Notice):
        title = f"*{esc(m.title)}*\n" if m.title else ""
        return _fallback(m.title or m.text), [section(title + esc(m.text, keep_newlines=True))]
    if isinstance(m, Fields):
        groups = [section(f"*{esc(m.title)}*")]
        groups += [section(f"*{esc(name)}*\n{esc(value, keep_newlines=True)}") for name, value in m.rows]
        groups += footer(m.footer)
        return _fallback(m.title), groups
    if isinstance(m, Links):
        groups = [section(f"*{esc(m.title)}*")]
        groups += [section(_link_text(i, x)) for i, x in enumerate(m.links, 1)]
        groups += footer(m.footer)
        return _fallback(m.title), groups
    if isinstance(m, DigestView):
        d = m.digest
        groups = [section(f"*{esc(digest_heading(d))}*")]
        groups += [[{"type": "divider"}, *_story(s)] for s in d.stories]
        groups += footer(m.footer)
        headlines = "; ".join(clean(s.headline) for s in d.stories)
        return _fallback(f"{digest_heading(d)}: {headlines}"), groups
    if isinstance(m, StoryView):
        return _fallback(m.story.headline), [_story(m.story)]
    raise TypeError(f"no Slack rendering for {type(m).__name__}")


def _fallback(text: str) -> str:
    return fit(text, FALLBACK, esc) or EMPTY


def _link_text(i: int, x: Link) -> str:
    mark = f"[{x.number}]" if x.number is not None else f"{i}."
    lines = [f"{mark} *{link(esc(x.title) or 'untitled', x.url)}*"]
    if details := meta(x.outlet, day(x.published)):
        lines.append(esc(details))
    if x.note:
        lines.append(f"_{esc(shorten(x.note, 300))}_")
    return "\n".join(lines)


def _story(s: Story) -> list[dict]:
    urls = {src.number: src.url for src in s.sources}

    def cite(n: int) -> str:
        return link(f"[{n}]", urls.get(n))

    first = safe_url(s.link)
    summary = " ".join(filter(None, (f"{esc(x.text)} {''.join(cite(n) for n in x.citations)}".strip() for x in s.sentences)))
    listed, more = shown_sources(s)
    sources = " · ".join(
        [f"[{src.number}] " + link(esc(src.outlet or src.title) or "source", src.url) + (f" {day(src.published)}" if src.published else "")
         for src in listed] + ([esc(more)] if more else [])
    )
    return [
        *section(f"*{link(esc(s.headline), first)}*  {esc(story_meta(s))}"),
        *(section(summary) if summary else []),  # a story of headlines only may have no line
        *section(f"Sources: {sources}"),
    ]
