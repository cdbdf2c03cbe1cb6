"""Hypothesis strategies for text from the world: plain news sentences mixed with everything a
hostile feed or page can carry (mentions and broadcasts for Discord and Slack, markdown and
mrkdwn links that lie about where they go, bidi overrides, zero-width and tag characters,
control characters, NULs, lone surrogates, huge words, emoji, combining marks)."""

from __future__ import annotations

import os
from datetime import datetime, timedelta, timezone

from hypothesis import strategies as st

# `make fuzz` multiplies the property tests' example counts by this (NEWSBOT_FUZZ) for a wide random search.
FUZZ = int(os.environ.get("NEWSBOT_FUZZ", "1"))

NEWS = [
    "Senior Syrian army officers defected to Turkey on Friday, officials said.",
    "The Britain-based Syrian Observatory for Human Rights provided a video purporting to show two generals.",
    "BEIRUT (AP) — A Syrian activist group says four senior army officers have defected.",
    "“We will not stop,” the minister said. “Not now, not ever.”",
    "Lava reached the sea on Monday and 1,200 people left their homes.",
    "U.S. officials told the newspaper that these figures have been in contact with the rebels.",
    "Shares of Amazon.com rose 3.5% after the report.",
    "Follow us on Twitter",
    "Photo: Reuters",
    "Read more:",
]

MENTIONS = [
    "@everyone", "@here", "@channel", "@EveryOne", "@\u200beveryone", "@\u2060here", "@@everyone", "＠everyone",
    "<@123456789012345678>", "<@!42>", "<@&987654321>", "<#555>", "</news help:1234>", "<t:1700000000:R>",
    "<:pepe:123>", "<a:dance:456>", "<!channel>", "<!here>", "<!everyone>", "<!subteam^S123|@team>",
    "<!date^1392734382^{date}|x>", "<@U012AB3CD>", "<#C012AB3CD|general>", "&lt;!channel&gt;", "&lt;@U1&gt;",
]
MARKUP = [
    "[https://good.example](https://evil.example)", "[good.example](<https://evil.example>)", "[click here](https://evil.example)",
    "<https://evil.example|https://good.example>", "<https://evil.example|paypal.com>", "<mailto:a@evil.example|boss>",
    "**bold**", "__underline__", "~~strike~~", "||spoiler||", "`code`", "```block```", "> quote", "# Heading", "-# small",
    "- item", "1. item", "\\", "\\\\[x](https://evil.example)", "\\<@1>", "*bold*", "_italic_", "~strike~", "&amp;",
    "&#60;!channel&#62;", "&", "<", ">", "|", "](", ")[", "[", "]", "(", ")", "<b>bold</b>", "<script>alert(1)</script>",
]
INVISIBLE = [
    "\u202e", "\u202d", "\u2066", "\u2067", "\u2068", "\u2069", "\u200b", "\u200c", "\u200d", "\u200e", "\u200f",
    "\u061c", "\ufeff", "\u00ad", "\U000e0041\U000e0042", "\u180e", "\u2060", "\u2028", "\u2029", "\ufff9", "\ufffe",
]
CONTROL = ["\x00", "\x07", "\x08", "\x1b[31m", "\x1b]8;;https://evil.example\x07", "\x9b2J", "\r", "\x0b", "\x0c", "\x85", "\t", "\x7f"]
SURROGATES = ["\ud800", "\udfff", "\ud83d"]  # lone halves: Python strings allow them, UTF-8 does not
ODD = ["🙂", "👨\u200d👩\u200d👧", "🏳️\u200d🌈", "\U0001F1FA\U0001F1F8", "e\u0301" * 20, "Z\u0337\u0322\u034d" * 10, "漢字ニュース", "مرحبا", "\u00a0", "…", "\u00b9", "\u00b2", "\u2460", "\u0663", "\uff13"]  # digits to str.isdigit(): int() takes only ٣ and ３
HUGE = ["a" * 5000, "@everyone" * 300, "[x](https://evil.example)" * 200, "<" * 3000, "&" * 2000, "\\" * 1500, "word " * 1200, "_*" * 2000]
URLS = [
    "https://news.example/story?id=1&x=<2>", "https://evil.example", "http://good.example/a b|c>d", "javascript:alert(1)",
    "data:text/html,<script>", "HTTPS://EVIL.EXAMPLE/Path", "https://xn--pypal-4ve.com/login", "http://[::1", "",
    "https://good.example)evil", "https://x.example/?q=<!channel>", "ftp://files.example/", "https://a.example/" + "p" * 3000,
    "https://user:pw@host.example/", "//evil.example/", "https://例え.テスト/記事",
]
ATOMS = NEWS + MENTIONS + MARKUP + INVISIBLE + CONTROL + SURROGATES + ODD

_plain_atom = st.one_of(st.sampled_from(ATOMS), st.text(max_size=20))


@st.composite
def hostile_text(draw, max_atoms: int = 12, huge: bool = True) -> str:
    """Atoms joined by spaces, newlines or nothing; with `huge`, sometimes one huge atom too."""
    parts = draw(st.lists(_plain_atom, max_size=max_atoms))
    if huge and draw(st.integers(0, 9)) == 0:
        parts.insert(draw(st.integers(0, len(parts))), draw(st.sampled_from(HUGE)))
    seps = draw(st.lists(st.sampled_from([" ", " ", "\n", "\n\n", ""]), min_size=len(parts), max_size=len(parts)))
    return "".join(p + s for p, s in zip(parts, seps))


def hostile_url() -> st.SearchStrategy[str | None]:
    return st.one_of(st.none(), st.sampled_from(URLS), hostile_text(max_atoms=3, huge=False).map(lambda t: "https://x.example/" + t))


def when() -> st.SearchStrategy[datetime | None]:
    return st.one_of(st.none(), st.integers(0, 3000).map(lambda d: datetime(2020, 1, 1, tzinfo=timezone.utc) + timedelta(days=d)))
