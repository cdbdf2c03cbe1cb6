"""Article pages over HTTP, and feed entries that carry only a teaser getting their page."""

from __future__ import annotations

import time
from datetime import datetime, timezone

import pytest
from sqlalchemy import select

from corpus.extract_worker import PageExtractor
from corpus.ingest import Ingestor
from corpus.models import Sighting
from corpus.raw import RawArticle, Skipped
from corpus.web import read_url
from tests.http_server import Reply

SENTENCE = "The harbour authority reopened the northern pier on Monday after repairs that took a year. "


def page(title: str, sentences: int = 40, extra: str = "") -> bytes:
    body = "".join(f"<p>{SENTENCE}Paragraph {i} adds its own detail about the works.</p>" for i in range(sentences // 2))
    return (
        f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>{title}</title></head><body>"
        f"<nav><a href='/'>Home</a></nav><article><h1>{title}</h1>{extra}{body}</article>"
        "<footer>Contact us</footer></body></html>"
    ).encode()


def feed(*entries: tuple[str, str, str]) -> bytes:
    items = "".join(f"<item><title>{t}</title><link>{u}</link><description>{d}</description></item>" for t, u, d in entries)
    return f"<?xml version='1.0' encoding='utf-8'?><rss version='2.0'><channel><title>Harbour News</title>{items}</channel></rss>".encode()


HTML = {"Content-Type": "text/html; charset=utf-8"}


def test_a_page_url_is_extracted(http_server, net_settings):
    http_server.route("/short", Reply(301, headers={"Location": "/story"}))
    final = http_server.route("/story", Reply(body=page("Pier reopens"), headers=HTML))
    (a,) = read_url(http_server.url("/short"), net_settings)
    assert isinstance(a, RawArticle), a
    assert a.title == "Pier reopens" and SENTENCE.strip() in a.text
    assert "Contact us" not in a.text and "Home" not in a.text
    assert a.url == final  # after the redirect


def test_page_charset_from_the_header(http_server, net_settings):
    html = page("Caf\u00e9 \u00e0 la plage").replace(b"<meta charset='utf-8'>", b"")
    latin = html.decode("utf-8").encode("latin-1")
    url = http_server.route("/p", Reply(body=latin, headers={"Content-Type": "text/html; charset=iso-8859-1"}))
    (a,) = read_url(url, net_settings)
    assert a.title == "Caf\u00e9 \u00e0 la plage"
    # The common mislabelling: a UTF-8 page served as ISO-8859-1 is read as UTF-8, not as "CafÃ©".
    url = http_server.route("/u", Reply(body=html, headers={"Content-Type": "text/html; charset=iso-8859-1"}))
    (b,) = read_url(url, net_settings)
    assert b.title == "Caf\u00e9 \u00e0 la plage"


@pytest.mark.parametrize("where", ["header", "meta"])
def test_a_latin1_label_is_read_as_browsers_read_it(http_server, net_settings, where):
    """"ISO-8859-1" means windows-1252 on the web: its curly quotes, dashes and euro sign were
    dropped as Latin-1's invisible controls ("We've ... it's a disaster," lost its quotes, and a
    German „quote“ became the outlet's own words)."""
    said = "\u201cWe\u2019ve lost \u20ac14 million \u2014 it\u2019s a disaster,\u201d said the mayor. \u201eSo geht das nicht\u201c, sagte er."
    html = page("Pier \u2013 reopens", extra=f"<p>{said}</p>").replace(b"<meta charset='utf-8'>", b"<meta charset='iso-8859-1'>" if where == "meta" else b"")
    body = html.decode("utf-8").encode("cp1252")
    headers = {"Content-Type": "text/html; charset=ISO-8859-1"} if where == "header" else {"Content-Type": "text/html"}
    (a,) = read_url(http_server.route("/p", Reply(body=body, headers=headers)), net_settings)
    assert a.title == "Pier \u2013 reopens" and said in a.text


def test_a_meta_that_says_utf16_is_read_as_utf8(http_server, net_settings):
    """A <meta> can only be read in a page whose bytes are ASCII-compatible, so browsers read a
    meta "utf-16" as UTF-8; read as UTF-16 the page was garbage, and refused."""
    body = page("Pier reopens").replace(b"<meta charset='utf-8'>", b"<meta charset='utf-16'>")
    body += b" " * (len(body) % 2)  # an even length, which UTF-16 would decode
    (a,) = read_url(http_server.route("/p", Reply(body=body, headers={"Content-Type": "text/html"})), net_settings)
    assert isinstance(a, RawArticle) and a.title == "Pier reopens", a


@pytest.mark.parametrize("charset", ["punycode", "idna", "base64", "x-no-such-charset"])
def test_a_charset_that_is_no_charset_falls_back_to_the_pages_own(http_server, net_settings, charset):
    """Python has codecs by these names that are no text encoding; decoding with punycode raised a
    UnicodeError that lost the page. The page's own <meta charset> is read instead."""
    url = http_server.route("/p", Reply(body=page("Pier reopens"), headers={"Content-Type": f"text/html; charset={charset}"}))
    (a,) = read_url(url, net_settings)
    assert isinstance(a, RawArticle) and a.title == "Pier reopens", a


def test_something_else_is_refused_with_its_type(http_server, net_settings):
    url = http_server.route("/img", Reply(body=b"\x89PNG\r\n\x1a\n" + b"\0" * 100, headers={"Content-Type": "image/png"}))
    assert list(read_url(url, net_settings)) == [Skipped(url, "neither a feed nor a web page (image/png)")]


def test_teaser_entry_gets_its_page(http_server, net_settings, store):
    story = http_server.route("/story", Reply(body=page("Pier reopens"), headers=HTML))
    url = http_server.route("/feed", Reply(body=feed(("Pier reopens", story, "The pier is open again."))))
    (a,) = read_url(url, net_settings)
    assert a.title == "Pier reopens" and a.outlet == "Harbour News"
    assert a.text.count(SENTENCE.strip()) == 20 and a.extra.get("full_text")
    assert http_server.hits("/story") == 1
    report = Ingestor(store).ingest([a])
    assert report.new == 1 and report.notes == []


def test_full_text_can_be_switched_off(http_server, net_settings):
    net_settings.feeds.fetch_full_text = False
    story = http_server.route("/story", Reply(body=page("Pier reopens"), headers=HTML))
    url = http_server.route("/feed", Reply(body=feed(("Pier reopens", story, "The pier is open again."))))
    (a,) = read_url(url, net_settings)
    assert a.text == "The pier is open again." and "note" not in a.extra
    assert http_server.hits("/story") == 0


def test_long_entries_are_not_fetched(http_server, net_settings):
    long_text = " ".join(["word"] * net_settings.feeds.teaser_words)
    story = http_server.route("/story", Reply(body=page("Pier reopens"), headers=HTML))
    url = http_server.route("/feed", Reply(body=feed(("Long", story, long_text))))
    (a,) = read_url(url, net_settings)
    assert a.text == long_text and http_server.hits("/story") == 0


def test_teaser_is_kept_with_the_reason_when_the_page_fails(http_server, net_settings, store):
    missing = http_server.url("/gone")
    refused = "http://news.example:8081/story"
    url = http_server.route("/feed", Reply(body=feed(("Gone", missing, "Teaser one."), ("Odd port", refused, "Teaser two."), ("Title only", missing + "2", ""))))
    a, b, c = read_url(url, net_settings)
    assert a.text == "Teaser one." and a.extra["note"] == "kept the teaser: full text not fetched: HTTP 404 Not Found"
    assert b.text == "Teaser two." and b.extra["note"].startswith("kept the teaser: full text not fetched: port 8081 is not allowed")
    assert c.title == "Title only" and c.text == "" and c.extra["note"].endswith("HTTP 404 Not Found")
    report = Ingestor(store).ingest([a, b, c])
    assert report.new == 3
    assert [n.reason for n in report.notes][0] == "kept the teaser: full text not fetched: HTTP 404 Not Found"
    assert "note: " + missing + ": kept the teaser: full text not fetched: HTTP 404 Not Found" in report.summary()


def test_entry_with_only_a_link_needs_its_page(http_server, net_settings):
    body = f"<rss version='2.0'><channel><title>T</title><item><link>{http_server.url('/gone')}</link></item></channel></rss>".encode()
    url = http_server.route("/feed", Reply(body=body))
    (a,) = read_url(url, net_settings)
    assert a == Skipped(http_server.url("/gone"), "entry has only a link (full text not fetched: HTTP 404 Not Found)")


def test_a_teaser_link_to_a_large_non_page_is_not_downloaded(http_server, net_settings):
    from tests.http_server import zeros

    audio = http_server.route("/episode.mp3", Reply(body=zeros(50_000_000), headers={"Content-Type": "audio/mpeg"}))
    url = http_server.route("/feed", Reply(body=feed(("Episode 1", audio, "Listen."))))
    (a,) = read_url(url, net_settings)
    assert a.extra["note"] == "kept the teaser: full text not fetched: unexpected content type audio/mpeg"
    time.sleep(0.2)
    assert http_server.sent["/episode.mp3"] < 10_000_000


def test_page_fetches_per_feed_are_capped(http_server, net_settings):
    net_settings.feeds.max_full_text_pages = 1
    stories = [http_server.route(f"/s{i}", Reply(body=page(f"Story {i}"), headers=HTML)) for i in range(3)]
    url = http_server.route("/feed", Reply(body=feed(*[(f"Story {i}", u, "Teaser.") for i, u in enumerate(stories)])))
    a, b, c = read_url(url, net_settings)
    assert a.extra.get("full_text") and sum(http_server.hits(f"/s{i}") for i in range(3)) == 1
    assert b.extra["note"] == "kept the teaser: full text not fetched yet: at most 1 pages each time a feed is read (feeds.max_full_text_pages); the next read fetches it"
    assert b.extra["page_pending"] and c.extra["page_pending"] and not a.extra.get("page_pending")


def test_a_hanging_page_is_bounded_by_pages_timeout(http_server, net_settings):
    net_settings.pages.timeout = 1.0
    story = http_server.route("/story", Reply(body=page("Slow"), headers=HTML, hang=30))
    url = http_server.route("/feed", Reply(body=feed(("Slow", story, "Teaser."))))
    t = time.monotonic()
    (a,) = read_url(url, net_settings)
    assert time.monotonic() - t < 2.5
    assert a.text == "Teaser." and a.extra["note"].startswith("kept the teaser: full text not fetched: timed out after 1 s")


def test_extraction_that_overruns_is_stopped_and_the_worker_replaced(http_server, net_settings):
    """trafilatura needs several seconds for a 1 MB page: past pages.timeout the worker is killed."""
    net_settings.pages.timeout = 1.0
    extractor = PageExtractor()
    try:
        big = page("Huge", sentences=20_000)
        assert len(big) > 1_000_000
        http_server.route("/big", Reply(body=big, headers=HTML))
        from corpus.pages import fetch_page

        t = time.monotonic()
        out = fetch_page(http_server.url("/big"), net_settings, extractor=extractor)
        assert time.monotonic() - t < 2.5
        assert isinstance(out, Skipped) and out.reason.startswith("extracting the article took longer than")
        assert extractor._proc is None  # killed, not left running
        http_server.route("/ok", Reply(body=page("Fine"), headers=HTML))
        ok = fetch_page(http_server.url("/ok"), net_settings.model_copy(update={"pages": net_settings.pages.model_copy(update={"timeout": 20})}), extractor=extractor)
        assert isinstance(ok, RawArticle) and ok.title == "Fine"
    finally:
        extractor.close()


@pytest.mark.parametrize("body", [b"", b"<html><body></body></html>", b"<html><head><title>Nothing</title></head></html>"])
def test_pages_without_article_text(http_server, net_settings, body):
    url = http_server.route("/p", Reply(body=body, headers=HTML))
    assert list(read_url(url, net_settings)) == [Skipped(url, "no article text found in the page")]


def test_a_page_with_only_its_title_is_refused_and_a_feed_entry_keeps_its_teaser(http_server, net_settings, store):
    """A directory listing or a bare landing page gives trafilatura nothing but its title; stored,
    it would be a headline with no story. Given to ingest it fails with the reason; behind a feed
    entry, the teaser stays."""
    listing = (b"<!DOCTYPE html><html><head><title>Directory listing for /</title></head><body>"
               b"<h1>Directory listing for /</h1><hr><ul><li><a href='a.html'>a.html</a></li></ul></body></html>")
    url = http_server.route("/", Reply(body=listing, headers=HTML))
    (skipped,) = read_url(url, net_settings)
    assert skipped == Skipped(url, "no article text found in the page, only its title or boilerplate")
    feed_url = http_server.route("/feed", Reply(body=feed(("Pier reopens", url, "The northern pier reopened on Monday."))))
    (entry,) = read_url(feed_url, net_settings)
    assert entry.text == "The northern pier reopened on Monday." and entry.extra["note"].endswith("only its title or boilerplate")
    assert Ingestor(store).ingest([entry]).new == 1


def test_a_page_that_many_entries_land_on_is_none_of_theirs(http_server, net_settings, store):
    """A consent wall every link redirects to (or a live blog's one page for its posts): the
    entries keep their teasers, within one read of the feed and on a later one."""
    http_server.route("/consent", Reply(body=page("Your privacy choices"), headers=HTML))
    for i in range(1, 5):
        http_server.route(f"/story/{i}", Reply(302, headers={"Location": "/consent"}))
    entries = [(f"Story {i}", http_server.url(f"/story/{i}"), f"Teaser {i} about the {w} harbour wall.") for i, w in enumerate(("north", "south", "east"), 1)]
    url = http_server.route("/feed", Reply(body=feed(*entries)))
    items = list(read_url(url, net_settings))
    assert [a.text for a in items] == [t for _, _, t in entries]
    assert all(a.extra["note"] == "kept the teaser: its page is the same for 3 entries of the feed (a consent, login or error page?)" for a in items)
    assert [a.title for a in items] == ["Story 1", "Story 2", "Story 3"]
    assert Ingestor(store).ingest(items).new == 3
    # A later read with one new entry: its page holds what a stored entry of the feed holds.
    http_server.route("/feed2", Reply(body=feed(("Story 4", http_server.url("/story/4"), "Teaser 4 about the west harbour wall."))))
    lone = list(read_url(http_server.url("/feed2"), net_settings))
    assert SENTENCE.strip() in lone[0].text  # alone in its read, the page looks like its article
    stored = Ingestor(store)
    first = stored.ingest(lone)
    assert first.new == 1
    http_server.route("/feed3", Reply(body=feed(("Story 5", http_server.url("/story/3") + "?page=2", "Teaser 5 about the old harbour wall."))))
    report = stored.ingest(list(read_url(http_server.url("/feed3"), net_settings)))
    assert report.new == 1 and report.duplicate == 0, report.summary()
    assert "its page holds the same text as #" in report.summary()


def test_posts_of_one_live_page_are_each_kept_with_their_anchor(http_server, net_settings, store):
    live = http_server.route("/live", Reply(body=page("Harbour live"), headers=HTML))
    entries = [(f"Update {i}", f"{live}#post-{i}", f"Update {i}: the {w} pier reopened to boats this morning.") for i, w in enumerate(("north", "south"), 1)]
    items = list(read_url(http_server.route("/feed", Reply(body=feed(*entries))), net_settings))
    report = Ingestor(store).ingest(items)
    assert report.new == 2, report.summary()
    with store.session() as s:
        assert sorted(s.scalars(select(Sighting.url)).all()) == [f"{live}#post-1", f"{live}#post-2"]


def test_a_pages_date_keeps_its_time_and_zone(http_server, net_settings):
    """23:30 in California on 3 December is 07:30 UTC on the 4th; the date alone put it a day early."""
    meta = "<meta property='article:published_time' content='2025-12-03T23:30:00-08:00'>"
    body = page("Pier reopens").replace(b"<meta charset='utf-8'>", f"<meta charset='utf-8'>{meta}".encode())
    (a,) = read_url(http_server.route("/p", Reply(body=body, headers=HTML)), net_settings)
    assert a.published == datetime(2025, 12, 4, 7, 30, tzinfo=timezone.utc)
    dated = page("Pier reopens").replace(b"<meta charset='utf-8'>", b"<meta charset='utf-8'><meta property='article:published_time' content='2025-12-03'>")
    (b,) = read_url(http_server.route("/d", Reply(body=dated, headers=HTML)), net_settings)
    assert b.published == datetime(2025, 12, 3, tzinfo=timezone.utc)  # a date alone stays a date
    # A date in the link has no time: the page's metadata wins (it gave 2025-12-03 00:00).
    (c,) = read_url(http_server.route("/news/2025/12/03/pier.html", Reply(body=body, headers=HTML)), net_settings)
    assert c.published == datetime(2025, 12, 4, 7, 30, tzinfo=timezone.utc)
    undated = page("Pier reopens").replace(b"<footer>Contact us</footer>", b"")
    (d,) = read_url(http_server.route("/news/2025/12/01/pier.html", Reply(body=undated, headers=HTML)), net_settings)
    assert d.published == datetime(2025, 12, 1, tzinfo=timezone.utc)  # the link's date when the page has none


def test_an_amp_copy_is_stored_under_the_articles_own_address(http_server, net_settings):
    """Readers are sent to the article, not its AMP copy; a link to another site, or to the home
    page, is no article's own address."""
    canonical = http_server.url("/pier.html")
    amp = page("Pier reopens").replace(b"<meta charset='utf-8'>", f"<meta charset='utf-8'><link rel='canonical' href='{canonical}'>".encode())
    (a,) = read_url(http_server.route("/amp/pier.html", Reply(body=amp, headers=HTML)), net_settings)
    assert a.url == canonical
    for i, elsewhere in enumerate(("https://syndicated.example/pier.html", http_server.url("/"))):
        other = page("Pier reopens").replace(b"<meta charset='utf-8'>", f"<meta charset='utf-8'><link rel='canonical' href='{elsewhere}'>".encode())
        fetched = http_server.route(f"/amp/pier{i}.html", Reply(body=other, headers=HTML))
        (b,) = read_url(fetched, net_settings)
        assert b.url == fetched
    plain = amp.replace(b"Pier reopens", b"Pier reopens again")  # not an AMP copy: its own address
    fetched = http_server.route("/story/pier.html", Reply(body=plain, headers=HTML))
    (c,) = read_url(fetched, net_settings)
    assert c.url == fetched
