"""Plain terminal text."""

from __future__ import annotations

from bot.messages import DigestView, Fields, Link, Links, Message, Notice, Reply, StoryView
from bot.render import day, digest_heading, meta, shown_sources, story_meta
from bot.text import clean
from digests.model import Story


def render(reply: Reply) -> str:
    text = "\n\n".join(render_message(m) for m in reply.messages)
    return f"! {text}" if reply.error else text


def render_message(m: Message) -> str:
    if isinstance(m, Notice):
        return "\n".join(x for x in (f"== {clean(m.title)} ==" if m.title else "", clean(m.text, keep_newlines=True)) if x)
    if isinstance(m, Fields):
        rows = [f"{clean(name)}\n    " + clean(value, keep_newlines=True).replace("\n", "\n    ") for name, value in m.rows]
        return "\n".join([f"== {clean(m.title)} ==", *rows, *([clean(m.footer)] if m.footer else [])])
    if isinstance(m, Links):
        lines = [f"== {clean(m.title)} =="]
        lines += [_link(i, link) for i, link in enumerate(m.links, 1)]
        return "\n".join(lines + ([clean(m.footer)] if m.footer else []))
    if isinstance(m, DigestView):
        # Not numbered: a rank number would be taken for the id that /news story takes, which the
        # meta line below each headline shows ("story 4").
        stories = [_story(s, "• ") for s in m.digest.stories]
        return "\n\n".join([f"== {digest_heading(m.digest)} ==", *stories, *([clean(m.footer)] if m.footer else [])])
    if isinstance(m, StoryView):
        return _story(m.story)
    raise TypeError(f"no terminal rendering for {type(m).__name__}")


def _link(i: int, link: Link) -> str:
    mark = f"[{link.number}]" if link.number is not None else f"{i}."
    lines = [f"{mark} {clean(link.title) or 'untitled'}", "   " + meta(link.outlet, day(link.published), link.url or "(no link)")]
    if link.note:
        lines.append("   " + clean(link.note))
    return "\n".join(lines)


def _story(s: Story, mark: str = "") -> str:
    summary = " ".join(f"{clean(x.text)} {''.join(f'[{n}]' for n in x.citations)}".strip() for x in s.sentences)
    listed, more = shown_sources(s)
    sources = [f"   [{src.number}] {meta(src.outlet, clean(src.title), day(src.published))} {clean(src.url or '')}".rstrip() for src in listed]
    sources += [f"   {more}"] if more else []
    # A story of headlines only may have no line to say beyond its headline.
    return "\n".join([f"{mark}{clean(s.headline)}", f"   ({story_meta(s)})", *([f"   {summary}"] if summary else []), *sources])
