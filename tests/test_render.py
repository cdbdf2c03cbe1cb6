"""Renderers: platform limits (split, never cut), clickable citations, hostile text defused."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import datetime, timezone

from bot.messages import DigestView, Fields, Link, Links, Notice, Reply, StoryView
from bot.provider import StoreDigestProvider
from bot.render import discord as dr
from bot.render import slack as sr
from bot.render import terminal as tr
from bot.text import chunks, safe_url
from digests.model import Digest, Source, Story, SummarySentence
from tests.chatkit import HOSTILE_TEXT, add, hostile, strings
from tests.render_checks import discord_is_harmless, discord_limits_hold, renders_safely, slack_is_harmless, slack_limits_hold

NOW = datetime(2024, 6, 1, 8, 0, tzinfo=timezone.utc)
CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def big_story(i: int, sentences: int = 12, headline_words: int = 8) -> Story:
    sources = tuple(
        Source(n, f"d{i}-{n}", f"Outlet {n}", f"Title {n} of story {i}", f"https://o{n}.example/s/{i}?a=1&b=(2)", NOW) for n in (1, 2, 3)
    )
    sents = tuple(
        SummarySentence(f"Story {i} sentence {j} " + "word " * 60 + f"end{i}x{j}.", (1 + j % 3, 1 + (j + 1) % 3)) for j in range(sentences)
    )
    headline = f"Headline {i} " + " ".join(["long"] * headline_words)
    return Story(str(i), headline, sents, sources, NOW)


def test_a_large_digest_is_split_within_limits_and_nothing_is_lost():
    stories = tuple(big_story(i, headline_words=70 if i == 3 else 8) for i in range(1, 26))
    reply = Reply.of(DigestView(Digest("Morning digest", NOW, stories), footer="Read one story: /news story <id>"))
    everything = [f"end{i}x{j}" for i in range(1, 26) for j in range(12)]

    d = dr.render(reply)
    discord_limits_hold(d)
    assert len(d) > 5  # ~90,000 characters cannot fit one message
    joined = "\n".join(strings(d))
    assert all(marker in joined for marker in everything)
    long_title = next(e for m in d for e in m["embeds"] if e.get("title", "").startswith("Headline 3 "))
    assert long_title["title"].endswith("…") and ("Headline 3 " + " ".join(["long"] * 70)) in joined  # whole in the text

    s = sr.render(reply)
    slack_limits_hold(s)
    joined = "\n".join(strings(s))
    assert all(marker in joined for marker in everything)
    assert s[0]["text"].startswith("Morning digest · 25 stories")


def test_citations_are_numbered_and_tied_to_their_source_links():
    story = big_story(1, sentences=2)
    d = dr.render(Reply.of(StoryView(story)))
    desc = "".join(e.get("description", "") for m in d for e in m["embeds"])
    assert "end1x0. [1][2]" in desc and "end1x1. [2][3]" in desc
    for n in (1, 2, 3):
        assert f"[{n}] [Outlet {n}](https://o{n}.example/s/1?a=1&b=%282%29)" in desc  # ( ) encoded: the link can't end early
    assert d[0]["embeds"][0]["url"] == "https://o1.example/s/1?a=1&b=%282%29"

    s = sr.render(Reply.of(StoryView(story)))
    text = "\n".join(strings(s))
    assert "end1x0. <https://o1.example/s/1?a=1&amp;b=%282%29|[1]><https://o2.example/s/1?a=1&amp;b=%282%29|[2]>" in text
    assert "[3] <https://o3.example/s/1?a=1&amp;b=%282%29|Outlet 3>" in text

    t = tr.render(Reply.of(StoryView(story)))
    assert "end1x0. [1][2]" in t and "[2] Outlet 2 · Title 2 of story 1 · 2024-06-01 https://o2.example/s/1?a=1&b=(2)" in t


def test_a_story_with_no_line_beyond_its_headline_shows_headline_and_sources_only():
    # A lone headline-only article (a feed of titles): no empty summary, no "(no summary)".
    story = replace(big_story(7, sentences=0), headline="Titanfall ships at 792p on Xbox One")
    for reply in (Reply.of(StoryView(story)), Reply.of(DigestView(Digest("Digest", NOW, (story,))))):
        d = dr.render(reply)
        discord_limits_hold(d)
        embed = next(e for m in d for e in m["embeds"] if "**Sources**" in e.get("description", ""))
        assert embed["description"].startswith("**Sources**\n[1] [Outlet 1](https://o1.example/s/7?a=1&b=%282%29)")
        s = sr.render(reply)
        slack_limits_hold(s)
        text = "\n".join(strings(s))
        assert "no summary" not in text and "Titanfall ships at 792p on Xbox One" in text and "[1] <https://o1.example" in text
        t = tr.render(reply)
        lines = t.splitlines()
        at = next(k for k, line in enumerate(lines) if line.endswith("Titanfall ships at 792p on Xbox One"))
        assert lines[at + 1].startswith("   (") and lines[at + 2].startswith("   [1] Outlet 1")


def test_a_story_many_outlets_carried_lists_its_cited_sources_and_says_where_the_rest_are():
    # 170 sources listed whole took a Discord digest to 34 messages; /news sources has them all.
    sources = tuple(Source(n, f"a{n}", f"Outlet {n}", f"Title {n}", f"https://o{n}.example/x", NOW) for n in range(1, 171))
    sents = (SummarySentence("First line.", (1, 2)), SummarySentence("Second line.", (150,)))
    story = Story("32", "Mt. Gox files for bankruptcy", sents, sources, NOW)
    digest = Reply.of(DigestView(Digest("Digest", NOW, tuple(replace(story, id=str(i)) for i in range(10)))))
    d = dr.render(digest)
    discord_limits_hold(d)
    assert len(d) <= 3
    desc = "".join(e.get("description", "") for e in d[0]["embeds"])
    shown = [int(n) for n in re.findall(r"^\[(\d+)\] \[Outlet", desc.split("**Sources**")[1], re.M)]
    assert shown == [1, 2, 3, 4, 5, 6, 7, 150]  # the cited ones, then the first others, in order
    assert "… and 162 more: /news sources 0" in desc
    s = sr.render(digest)
    slack_limits_hold(s)
    assert len(s) == 1 and "… and 162 more: /news sources 9" in "\n".join(strings(s))
    t = tr.render(Reply.of(StoryView(story)))
    assert "   [150] Outlet 150" in t and "[8] Outlet 8" not in t and t.rstrip().endswith("… and 162 more: /news sources 32")
    # a story that cites more than the cap lists every cited source
    wide = replace(story, sentences=(SummarySentence("Line.", tuple(range(1, 13))),))
    assert tr.render(Reply.of(StoryView(wide))).count("   [") == 12


def test_many_long_fields_and_links_split_across_embeds_and_blocks():
    rows = tuple((f"row {i} " + "n" * 300, "value " * 400) for i in range(60))
    fields = Reply.of(Fields("Many rows", rows, footer="the end"))
    d = dr.render(fields)
    discord_limits_hold(d)
    assert sum(len(e.get("fields", [])) for m in d for e in m["embeds"]) >= 180  # each 2,400-char value in 3 fields
    s = sr.render(fields)
    slack_limits_hold(s)
    assert len(s) >= 2

    links = Reply.of(Links("Results", tuple(Link(f"Title {i} " * 20, f"https://x.example/{i}", "Outlet", NOW, "snippet " * 60) for i in range(80))))
    discord_limits_hold(dr.render(links))
    slack_limits_hold(sr.render(links))
    assert sum(len(m["blocks"]) for m in sr.render(links)) >= 81


def test_errors_are_marked():
    reply = Reply.fail("No stored article matches 'x'.")
    assert dr.render(reply)[0]["embeds"][0]["color"] == dr.RED
    assert sr.render(reply)[0]["text"].startswith(":warning: No stored article matches")
    assert tr.render(reply).startswith("! No stored article")


def test_hostile_article_text_renders_harmlessly(sqlite_store):
    (article_id,) = add(sqlite_store, hostile())
    provider = StoreDigestProvider(sqlite_store)
    story = provider.story(str(article_id))
    # The engine keeps only summary-worthy sentences; the renderers must survive every one.
    hostile_sentences = [t.strip() + "." for t in HOSTILE_TEXT.split(". ") if t.strip()]
    story = replace(story, sentences=tuple(SummarySentence(t, (1,)) for t in hostile_sentences))
    digest = Digest("Digest <!here> @everyone", NOW, (story,))
    replies = [
        Reply.of(DigestView(digest)),
        Reply.of(StoryView(story)),
        Reply.of(Links("Search: @everyone", (Link(story.headline, story.sources[0].url, story.sources[0].outlet, NOW, story.sentences[0].text),))),
        Reply.of(Notice("You searched for <!channel> @here")),
    ]
    for reply in replies:
        discord_is_harmless(dr.render(reply))
        slack_is_harmless(sr.render(reply))
        out = "\n".join(strings(dr.render(reply)))
        assert not CONTROL.search(out)
        assert not re.search(r"(?<!\\)<[@#!]", out), out  # no mention, role, channel or broadcast syntax
        assert not re.search(r"@(everyone|here)", out)  # broadcasts broken by a word joiner
        assert "](https://evil.example)" not in out  # the masked-link trick is shown, not linked
        assert "https://hostile.example/a?x=1&y=%3C2%3E" in out or isinstance(reply.messages[0], Notice)

        out = "\n".join(strings(sr.render(reply)))
        assert not CONTROL.search(out)
        assert not re.search(r"<[@#!]", out), out
        assert not re.search(r"@(everyone|here|channel)", out)
        assert "&lt;!channel&gt;" in out
        # article text's &, <, > all escaped: only our own <url|text> links remain as markup
        assert set(re.findall(r"<([^|>]*)\|", out)) <= {"https://hostile.example/a?x=1&amp;y=%3C2%3E"}

        out = tr.render(reply)
        assert not CONTROL.search(out)

    discord_story = "\n".join(strings(dr.render(Reply.of(StoryView(story)))))
    assert r"\[https://good.example\]\(https://evil.example\)" in discord_story
    assert r"\<@&123\>" in discord_story and r"\*details\*" in discord_story


def test_chunks_split_at_lines_then_words_and_keep_everything():
    text = "\n".join(["short line"] * 5 + ["w" * 10 + " " + "x" * 30 + " y"])
    parts = chunks(text, 25)
    assert all(len(p) <= 25 for p in parts)
    assert "".join(parts).replace("\n", "").replace(" ", "") == text.replace("\n", "").replace(" ", "")
    assert chunks("a" * 60, 25) == ["a" * 25, "a" * 25, "a" * 10]


def test_safe_url_accepts_only_web_links():
    assert safe_url("javascript:alert(1)") is None
    assert safe_url("https://x.example/a b|c>d") == "https://x.example/ab%7Cc%3Ed"
    assert safe_url(None) is None and safe_url("not a url") is None
    # The limit holds for the URL as sent: encoded, each Cyrillic letter takes six characters.
    assert safe_url("https://x.example/" + "я" * 400) is None and len(safe_url("https://x.example/" + "я" * 100)) <= 2048


def test_a_headline_links_to_the_article_it_names():
    sources = (
        Source(1, "2", "Paper A", "Another title", "https://a.example/1", NOW),
        Source(2, "1", "Blog B", "Defectors reach Turkey", "https://b.example/2", NOW),
    )
    story = Story("1", "Defectors reach Turkey", (SummarySentence("Text.", (1,)),), sources)
    assert story.link == "https://b.example/2"
    assert "<https://b.example/2|Defectors reach Turkey>" in "\n".join(strings(sr.render(Reply.of(StoryView(story)))))
    (embed,) = dr.render(Reply.of(StoryView(story)))[0]["embeds"]
    assert embed["url"] == "https://b.example/2"
    assert Story("2", "No such title", (), sources).link == "https://a.example/1"


def test_link_text_naming_another_address_shows_the_real_one():
    """"paypal.com" as the text of a link to evil.example would show one address and open
    another: such links are not masked, the real URL is shown beside the text."""
    reply = Reply.of(Links("Results", (
        Link("https://good.example/login", "https://evil.example/x"),
        Link("Amazon.com profits rise", "https://www.amazon.com/news/1"),  # names its own site: stays a link
        Link("Top story", "HTTPS://News.Example/a@everyone"),
    )))
    d = "\n".join(strings(dr.render(reply)))
    assert "https://good.example/login (https://evil.example/x)" in d and "](https://evil.example/x)" not in d
    assert "[Amazon.com profits rise](https://www.amazon.com/news/1)" in d
    assert "[Top story](https://News.Example/a%40everyone)" in d  # scheme lower-cased, no @ shown
    s = "\n".join(strings(sr.render(reply)))
    assert "https://good.example/login (<https://evil.example/x>)" in s and "|https://good.example" not in s
    assert "<https://www.amazon.com/news/1|Amazon.com profits rise>" in s

    # Text that looks like an address but that urlsplit can't read (a bracket left open, a
    # full-width "＠" in the host) names no site: shown beside the link, never a crash.
    odd = Reply.of(Links("Results", (Link("see https://[::1 now", "https://x.example/1"), Link("https://evil.example＠x", "https://x.example/2"))))
    d, s = "\n".join(strings(dr.render(odd))), "\n".join(strings(sr.render(odd)))
    assert "](https://x.example/1)" not in d and "](https://x.example/2)" not in d
    assert "|see https" not in s and "|https://evil" not in s

    # Dots and letters a browser reads as ASCII ones in a host: still another address.
    lookalikes = Reply.of(Links("Results", tuple(Link(t, "https://evil.example/x") for t in ("ｐａｙｐａｌ．ｃｏｍ", "paypal。com login"))))
    d, s = "\n".join(strings(dr.render(lookalikes))), "\n".join(strings(sr.render(lookalikes)))
    assert "](https://evil.example/x)" not in d and "|paypal" not in s and "|ｐａｙ" not in s

    story = replace(big_story(1, sentences=1), headline="paypal.com: verify your account")
    embed = dr.render(Reply.of(StoryView(story)))[0]["embeds"][0]
    assert embed["title"] == "paypal.com: verify your account" and "url" not in embed
    assert "paypal.com: verify your account (<https://o1.example" in "\n".join(strings(sr.render(Reply.of(StoryView(story)))))


def test_very_long_urls_and_link_texts_are_shown_not_linked():
    long_url = "https://x.example/" + "p" * 3000
    reply = Reply.of(Links("Results", (Link("Long", long_url), Link("word " * 200, "https://x.example/a"))))
    for messages, limits in ((dr.render(reply), discord_limits_hold), (sr.render(reply), slack_limits_hold)):
        limits(messages)
        out = "\n".join(strings(messages))
        assert "p" * 3000 not in out  # not a link: Discord refuses embed URLs over 2,048 characters
    assert "(<https://x.example/a>)" in "\n".join(strings(sr.render(reply)))


def test_splitting_never_breaks_a_link_an_escape_or_a_defused_broadcast():
    labels = tuple(Link(f"Story {i} " + "[x] " * 20, f"https://x{i}.example/a?b=1&c=2") for i in range(40))
    notes = Reply.of(Notice("@everyone " * 1000), Links("Results", labels))
    renders_safely(notes)
    assert chunks("ab <https://x.example|c d> e", 25, keep=re.compile(r"<[^<>]*>")) == ["ab", "<https://x.example|c d> e"]


def test_an_untitled_link_says_so_on_every_renderer():
    """An Atom entry with no title: search listed it as a bare "1. " line at the terminal."""
    reply = Reply.of(Links("Search: harbour", (Link("", "https://news.example/1", "Harbour News", None),), ""))
    assert "1. untitled" in tr.render(reply)
    assert "untitled" in str(dr.render(reply)) and "untitled" in str(sr.render(reply))
