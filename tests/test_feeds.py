"""Feeds: RSS, Atom, RDF and JSON Feed into RawArticles; charsets; broken and hostile bodies.
Feeds that travel over HTTP are served by a real server on 127.0.0.1."""

from __future__ import annotations

import json
import warnings
from datetime import datetime, timedelta, timezone

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from corpus.dates import to_utc
from corpus.feeds import ParsedFeed, parse_feed, parse_json_feed
from corpus.files import read_file
from corpus.ingest import Ingestor
from corpus.models import Article
from corpus.raw import RawArticle, Skipped
from corpus.web import read_url
from tests.hostile import FUZZ, URLS, hostile_text
from tests.http_server import Reply

URL = "https://news.example/feed.xml"

RSS = """<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/"><channel>
<title>The Daily &amp; Co</title><link>https://news.example/</link>
<item>
  <title>Caf\u00e9 owners &amp; their &lt;b&gt;tips&lt;/b&gt;</title>
  <link>https://news.example/cafe?utm_source=rss</link>
  <guid isPermaLink="false">cafe-1</guid>
  <description>&lt;p&gt;First &lt;b&gt;paragraph&lt;/b&gt;.&lt;/p&gt;&lt;p&gt;Second one&lt;script&gt;alert(1)&lt;/script&gt;.&lt;/p&gt;</description>
  <pubDate>Mon, 25 Jun 2012 10:00:00 +0200</pubDate>
  <dc:creator>Jane Roe</dc:creator>
</item>
<item><title>No link here</title><description>Only text.</description></item>
<item><title>Bad link</title><link>javascript:alert(1)</link><description>x</description></item>
<item><description></description></item>
</channel></rss>"""


def items(parsed: ParsedFeed | Skipped) -> list[RawArticle | Skipped]:
    assert isinstance(parsed, ParsedFeed), parsed
    return parsed.items


def test_rss_entries_become_raw_articles():
    feed = parse_feed(RSS.encode(), URL, {"Content-Type": "application/rss+xml"}, feed_id=7)
    assert (feed.title, feed.format, feed.outlet) == ("The Daily & Co", "rss20", "The Daily & Co")
    a, b, c, d = items(feed)
    assert a.title == "Caf\u00e9 owners & their tips"
    assert a.text == "First paragraph.\nSecond one."
    assert (a.url, a.guid, a.author, a.outlet, a.feed_id) == ("https://news.example/cafe?utm_source=rss", "cafe-1", "Jane Roe", "The Daily & Co", 7)
    assert a.published == datetime(2012, 6, 25, 8, 0, tzinfo=timezone.utc)
    assert b.url is None and b.guid is None and b.origin == f"{URL} (entry 2)"
    assert c.url is None  # a javascript: link is no link
    assert d == Skipped(f"{URL} (entry 4)", "entry has no title, no text and no link")


ATOM = """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xml:base="https://blog.example/posts/">
  <title type="html">A &lt;i&gt;blog&lt;/i&gt;</title>
  <link href="https://blog.example/"/>
  <entry>
    <title type="text">Plain &lt;b&gt; stays</title>
    <link href="one.html"/>
    <id>tag:blog.example,2024:1</id>
    <updated>2024-03-01T12:00:00Z</updated>
    <summary>short</summary>
    <content type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml"><p>Long <em>content</em> wins.</p><ul><li>one</li><li>two</li></ul></div></content>
    <author><name>Ann Example</name></author>
  </entry>
</feed>"""


def test_atom_content_relative_links_and_text_types():
    feed = parse_feed(ATOM.encode(), "https://blog.example/atom.xml", {"Content-Type": "application/atom+xml"})
    assert feed.title == "A blog" and feed.format == "atom10"
    (e,) = items(feed)
    assert e.title == "Plain <b> stays"  # type="text": the characters are the title
    assert e.text == "Long content wins.\none\ntwo"
    assert e.url == "https://blog.example/posts/one.html"  # resolved against xml:base
    assert (e.guid, e.author) == ("tag:blog.example,2024:1", "Ann Example")
    assert e.published == datetime(2024, 3, 1, 12, tzinfo=timezone.utc)


RDF = """<?xml version="1.0"?>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/">
  <channel rdf:about="https://rdf.example/"><title>RDF News</title><link>https://rdf.example/</link></channel>
  <item rdf:about="https://rdf.example/a"><title>Item A</title><link>https://rdf.example/a</link><description>Text A</description></item>
  <item rdf:about="https://rdf.example/b"><title>Item B</title><link>https://rdf.example/b</link><description>Text B</description></item>
</rdf:RDF>"""


def test_rdf_items_without_id_or_date_fall_back_to_the_link(store):
    feed = parse_feed(RDF.encode(), "https://rdf.example/rss", {"Content-Type": "application/rdf+xml"})
    assert feed.format == "rss10"
    a, b = items(feed)
    assert (a.guid, a.url, a.published) == ("https://rdf.example/a", "https://rdf.example/a", None)
    assert b.guid == "https://rdf.example/b"
    report = Ingestor(store).ingest(feed.items)
    assert (report.new, report.duplicate) == (2, 0)


def test_duplicate_guids_in_a_feed_are_stored_once(store):
    entry = '<item><title>{t}</title><link>{u}</link><guid isPermaLink="false">same-guid</guid><description>{d}</description></item>'
    body = f"""<rss version="2.0"><channel><title>Dup</title>
    {entry.format(t="Story", u="https://d.example/1", d="The first telling of the story, with its own words and facts.")}
    {entry.format(t="Story, updated", u="https://d.example/1b", d="A wholly different text that only shares the identifier above.")}
    </channel></rss>""".encode()
    feed = parse_feed(body, URL, {"Content-Type": "application/rss+xml"})
    assert [i.guid for i in feed.items] == ["same-guid", "same-guid"]
    with store.session() as s:
        from corpus.models import Feed

        f = Feed(url=URL)
        s.add(f)
        s.flush()
        fid = f.id
    for i in feed.items:
        i.feed_id = fid
    report = Ingestor(store).ingest(feed.items)
    assert (report.new, report.duplicate) == (1, 1)
    assert dict(report.duplicate_reasons) == {"same GUID": 1}
    with store.session() as s:
        assert s.scalars(select(Article.title)).all() == ["Story"]


# --- JSON Feed --------------------------------------------------------------------------------

JSON11 = {
    "version": "https://jsonfeed.org/version/1.1",
    "title": "JSON Times",
    "home_page_url": "https://json.example/",
    "authors": [{"name": "Desk"}],
    "items": [
        {"id": "1", "url": "https://json.example/1", "title": "HTML item", "content_html": "<p>Hello <b>world</b></p><p>Again</p>",
         "date_published": "2024-05-01T10:00:00+02:00", "authors": [{"name": "Bo"}, {"name": "Cy"}]},
        {"id": 2, "url": "/2", "content_text": "Text only item.", "summary": "ignored"},
        {"url": "https://json.example/3", "title": "No id, a summary", "summary": "Just the summary."},
        "not an object",
        {"id": "5"},
    ],
}  # fmt: skip


def test_json_feed_1_1():
    feed = parse_feed(json.dumps(JSON11).encode(), "https://json.example/feed.json", {"Content-Type": "application/feed+json"})
    assert (feed.title, feed.format, feed.link) == ("JSON Times", "json1.1", "https://json.example/")
    a, b, c, d, e = feed.items
    assert (a.title, a.text, a.author, a.guid) == ("HTML item", "Hello world\nAgain", "Bo, Cy", "1")
    assert a.published == datetime(2024, 5, 1, 8, tzinfo=timezone.utc)
    assert (b.url, b.text, b.guid, b.author) == ("https://json.example/2", "Text only item.", "2", "Desk")
    assert (c.guid, c.text) == ("https://json.example/3", "Just the summary.")
    assert d.reason == "item is not an object" and e.reason == "item has no title, no text and no link"
    assert all(x.outlet == "JSON Times" for x in (a, b, c))


def test_json_feed_1_0_author_and_file_ingestion(tmp_path):
    doc = {"version": "https://jsonfeed.org/version/1", "title": "Old JSON", "author": {"name": "Solo"},
           "items": [{"id": "x", "title": "One", "content_text": "Body."}]}  # fmt: skip
    (a,) = parse_json_feed(doc, "feed.json")
    assert (a.author, a.outlet, a.title) == ("Solo", "Old JSON", "One")
    path = tmp_path / "feed.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    (b,) = read_file(path, 10_000)
    assert b.title == "One" and b.text == "Body."


@pytest.mark.parametrize("home", ["http://[::1", "https://evil.example\uff20x/", "", None, "/relative"])
def test_a_json_feed_without_a_title_is_named_after_its_site_whatever_its_home_page_url(home):
    """An untitled feed's items are named after the home page's host, else the feed's; a home page
    URL that urlsplit can't read (a bracket left open, a full-width "＠") loses nothing."""
    doc = {"version": "https://jsonfeed.org/version/1.1", "home_page_url": home, "items": [{"id": "1", "content_text": "Body."}]}
    (a,) = parse_feed(json.dumps(doc).encode(), "https://feeds.example/f.json", {"Content-Type": "application/feed+json"}).items
    assert a.text == "Body." and a.outlet == "feeds.example"
    doc["home_page_url"] = "https://site.example/news/"
    (b,) = parse_json_feed(doc, "feed.json")
    assert b.outlet == "site.example"


@pytest.mark.parametrize(
    "value, expected",
    [
        ("2024-05-01T10:00:00+02:00", datetime(2024, 5, 1, 8, tzinfo=timezone.utc)),
        ("0001-01-01T00:00:00+01:00", None),  # a placeholder date, before year 1 in UTC
        ("9999-12-31T23:59:59-05:00", None),  # after year 9999 in UTC
        ("not a date", None),
        (10**20, None),
        ("10:00" + "9" * 40, None),  # dateutil raised decimal.InvalidOperation
        ("-23:59-24:00", None),  # an offset of two days
        ("Mon, 01 Jan 2024 10:00:00 EST", datetime(2024, 1, 1, 15, tzinfo=timezone.utc)),  # RFC 822's zone names
        ("Mon, 01 Jan 2024 10:00:00 PDT", datetime(2024, 1, 1, 17, tzinfo=timezone.utc)),
        ("2024-01-01 10:00 CET", datetime(2024, 1, 1, 10, tzinfo=timezone.utc)),  # an unknown name: read as UTC
    ],
)
def test_a_date_that_cant_be_read_in_utc_is_none_and_its_item_is_kept(value, expected):
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # dateutil warns of zone names it doesn't know, and means to raise
        assert to_utc(value) == expected
    doc = {"version": "https://jsonfeed.org/version/1.1", "items": [{"id": "1", "content_text": "Body.", "date_published": value}]}
    (a,) = parse_feed(json.dumps(doc).encode(), URL, {"Content-Type": "application/feed+json"}).items
    assert (a.text, a.published) == ("Body.", expected)


_DATE_PARTS = ["2024", "-", "05", "01", "T", "10:00", ":00", "+02:00", "Z", " ", "0001", "9999", "9" * 20, "Jan", "Monday", "-23:59", "+14:00", ".5", "24:00", "1e400", "PM", "EST", ","]


@settings(max_examples=300 * FUZZ, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(_DATE_PARTS), max_size=10).map("".join) | st.text(max_size=40) | st.integers() | st.floats())
def test_any_date_reads_as_utc_or_none(value):
    assert (d := to_utc(value)) is None or d.utcoffset() == timedelta(0)


@pytest.mark.parametrize(
    "body, reason",
    [
        (b"{not json", "not a feed: invalid JSON at line 1"),
        (b'{"title": "x"}', "not a feed: JSON without a jsonfeed.org version"),
        (b'{"version": "https://jsonfeed.org/version/1.1", "items": 3}', "JSON Feed without an items list"),
    ],
)
def test_broken_json_feeds(body, reason):
    assert parse_feed(body, URL, {"Content-Type": "application/feed+json"}) == Skipped(URL, reason)


# --- charsets -----------------------------------------------------------------------------------

TITLE = "Ünïcødé — “quotes” ça"


def rss_bytes(encoding: str, declared: str | None) -> bytes:
    decl = f'<?xml version="1.0" encoding="{declared}"?>' if declared else '<?xml version="1.0"?>'
    return (decl + f"<rss version='2.0'><channel><title>{TITLE}</title><item><title>{TITLE}</title>"
            f"<description>{TITLE}</description></item></channel></rss>").encode(encoding)  # fmt: skip


@pytest.mark.parametrize(
    "body, content_type",
    [
        (rss_bytes("utf-8", "utf-8"), "application/rss+xml"),
        (rss_bytes("utf-8", None), "application/xml"),
        (rss_bytes("windows-1252", "windows-1252"), "application/rss+xml"),
        (rss_bytes("windows-1252", "utf-8"), "application/rss+xml; charset=windows-1252"),  # header beats declaration
        (rss_bytes("utf-16", "utf-16"), "application/xml"),  # BOM
        (rss_bytes("utf-16-le", "utf-16"), "application/xml"),  # no BOM
        # Wrong declared charsets: UTF-8 bytes labelled Latin-1, by the header or the declaration.
        (rss_bytes("utf-8", "utf-8"), "application/rss+xml; charset=ISO-8859-1"),
        (rss_bytes("utf-8", "iso-8859-1"), "application/rss+xml"),
        (rss_bytes("utf-8", "iso-8859-1"), "text/xml"),
        (rss_bytes("utf-8", None), "text/html; charset=latin1"),
        # Latin-1 bytes labelled UTF-8: feedparser falls back to a charset that reads them.
        (rss_bytes("windows-1252", "utf-8"), "application/rss+xml; charset=utf-8"),
    ],
)
def test_charset_from_header_and_declaration(body, content_type):
    feed = parse_feed(body, URL, {"Content-Type": content_type})
    (entry,) = items(feed)
    assert feed.title == TITLE and entry.title == TITLE and entry.text == TITLE


def test_wrong_charset_over_http(http_server, net_settings):
    url = http_server.route("/feed", Reply(body=rss_bytes("utf-8", "iso-8859-1"), headers={"Content-Type": "application/rss+xml; charset=iso-8859-1"}))
    (entry,) = read_url(url, net_settings)
    assert entry.title == TITLE and entry.outlet == TITLE


# --- broken and hostile bodies -----------------------------------------------------------------


def test_malformed_xml_still_yields_what_can_be_read():
    body = b"""<rss version="2.0"><channel><title>Sloppy & Sons</title>
    <item><title>Fish & chips</title><link>https://s.example/1</link><description>Unescaped & broken <b>tags</description></item>
    <item><title>Second</title><link>https://s.example/2</link></item>"""
    feed = parse_feed(body, URL, {"Content-Type": "application/rss+xml"})
    titles = [i.title for i in items(feed)]
    assert titles == ["Fish & chips", "Second"]


@pytest.mark.parametrize(
    "body, reason",
    [
        (b"this is not xml at all, just words", "not a feed (broken XML: syntax error)"),
        (b'<?xml version="1.0"?><rss version="2.0"><channel><item><title>whole</title><description>Words.</description></item><item><title>cu', None),
        (b"<?xml version='1.0'?><notafeed><x/></notafeed>", "not a feed (no feed title or entries found)"),
        (b"   \n ", "the feed is empty"),
    ],
)
def test_unreadable_bodies_are_one_skip(body, reason):
    out = parse_feed(body, URL, {"Content-Type": "application/xml"})
    if reason is None:  # a truncated feed: the whole entry survives, the cut one is skipped
        whole, cut = items(out)
        assert whole.title == "whole" and cut.reason == "entry has no title, no text and no link"
    else:
        assert out == Skipped(URL, reason)


def test_feed_body_is_never_taken_for_a_file_name_or_url(tmp_path, http_server):
    """feedparser.parse() opens a string that names a file or URL; bodies go in as a stream."""
    secret = tmp_path / "secret.xml"
    secret.write_text("<rss version='2.0'><channel><title>LEAKED</title><item><title>leak</title></item></channel></rss>")
    http_server.route("/internal", Reply(body=secret.read_bytes()))
    for body in (str(secret).encode(), http_server.url("/internal").encode()):
        out = parse_feed(body, URL, {"Content-Type": "application/rss+xml"})
        assert isinstance(out, Skipped) and "not a feed" in out.reason
    assert http_server.requests == []


def test_entity_expansion_is_not_a_bomb():
    lol = b"""<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">
    <!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;"><!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;"><!ENTITY e "&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;">
    <!ENTITY f "&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;"><!ENTITY g "&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;">]>
    <rss version="2.0"><channel><title>&g;</title><item><title>t</title><description>&g;</description></item></channel></rss>"""
    out = parse_feed(lol, URL, {"Content-Type": "application/rss+xml"})
    text = "".join(i.text for i in out.items) if isinstance(out, ParsedFeed) else ""
    assert len(text) < 1_000_000


def test_a_feed_served_with_a_lying_content_type_is_still_read(http_server, net_settings):
    for path, ctype in [("/html", "text/html; charset=utf-8"), ("/bin", "application/octet-stream"), ("/none", "")]:
        headers = {"Content-Type": ctype} if ctype else {}
        url = http_server.route(path, Reply(body=RSS.encode(), headers=headers))
        got = list(read_url(url, net_settings))
        assert [x.title for x in got if isinstance(x, RawArticle)][:1] == ["Caf\u00e9 owners & their tips"], path


def test_an_html_page_labelled_as_a_feed_is_read_as_a_page(http_server, net_settings):
    para = "<p>" + "The harbour authority reopened the northern pier after repairs that took a year. " * 5 + "</p>"
    page = f"<!DOCTYPE html><html><head><title>Pier reopens</title></head><body><article><h1>Pier reopens</h1>{para}</article></body></html>"
    url = http_server.route("/p", Reply(body=page.encode(), headers={"Content-Type": "application/rss+xml"}))
    (a,) = read_url(url, net_settings)
    assert a.title == "Pier reopens" and "northern pier" in a.text


def test_feed_without_entries_says_so(http_server, net_settings):
    url = http_server.route("/empty", Reply(body=b"<rss version='2.0'><channel><title>Quiet</title></channel></rss>"))
    assert list(read_url(url, net_settings)) == [Skipped(url, "the feed has no entries")]


@pytest.mark.parametrize(
    "content_type, body, kind",
    [
        ("text/html", b"<?xml version='1.0'?><!-- <html> --><rss version='2.0'></rss>", "feed"),
        ("text/html", b'<?xml version="1.0"?><!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0//EN" "x"><rss></rss>', "feed"),
        ("application/octet-stream", b"\xef\xbb\xbf<feed xmlns='http://www.w3.org/2005/Atom'/>", "feed"),
        ("text/plain", "<?xml version='1.0' encoding='utf-16'?><rdf:RDF/>".encode("utf-16"), "feed"),
        ("application/rss+xml", b"<!DOCTYPE html><html><head></head></html>", "page"),
        ("application/xml", b"<!doctype html><head><title>x</title></head>", "page"),
        ("text/html", b"<p>just a fragment</p>", "page"),
        ("application/xml", b"<CHANNEL><TITLE>CDF</TITLE></CHANNEL>", "feed"),
        ("text/plain", b'{"version": "https://jsonfeed.org/version/1.1", "items": []}', "feed"),
        # Keys sorted: the version comes after 4 KB of items.
        ("text/plain", b'{"items": [' + b'{"content_text": "' + b"x" * 5000 + b'", "id": "1"}], "version": "https://jsonfeed.org/version/1.1"}', "feed"),
        ("image/png", b"\x89PNG\r\n", "other"),
        ("", b"plain words", "other"),
    ],
)
def test_feed_or_page_by_root_element_then_content_type(content_type, body, kind):
    from corpus.sniff import classify

    assert classify(content_type, body) == kind


# --- hostile JSON Feeds ---------------------------------------------------------------------------

_value = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.sampled_from(URLS) | hostile_text(max_atoms=4),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.sampled_from(["name", "url", "title"]), inner, max_size=3),
    max_leaves=6,
)
_url = st.sampled_from([*URLS, "https://evil.example\uff20x/", "/relative", "//host.example/x"]) | _value
_date = st.sampled_from(["2024-05-01T10:00:00+02:00", "2024-13-45T99:99:99Z", "yesterday", "0", "9999-12-31T23:59:59-23:59"]) | _value
_feed = st.fixed_dictionaries({}, optional={"title": _value, "home_page_url": _url, "feed_url": _url, "author": _value, "authors": _value})
_items = st.fixed_dictionaries({}, optional={
    "id": _value, "url": _url, "external_url": _url, "title": _value, "content_html": _value, "content_text": _value,
    "summary": _value, "date_published": _date, "date_modified": _date, "author": _value, "authors": _value,
}) | _value  # fmt: skip


@settings(max_examples=200 * FUZZ, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_feed, st.lists(_items, max_size=4))
def test_a_hostile_json_feed_is_read_or_refused_with_a_reason_never_raising(feed, items):
    """Every field of a JSON Feed may hold anything: each item is an article or skipped with a
    reason, and no value of a feed-level field loses the items."""
    doc = {"version": "https://jsonfeed.org/version/1.1", **feed, "items": items}
    parsed = parse_feed(json.dumps(doc).encode("utf-8", "surrogatepass"), URL, {"Content-Type": "application/feed+json"})
    assert isinstance(parsed, ParsedFeed) and len(parsed.items) == len(items)
    parsed.title.encode("utf-8")  # what the store keeps must be text UTF-8 can hold: no lone surrogate
    for item in parsed.items:
        assert isinstance(item, RawArticle) or item.reason
        if isinstance(item, RawArticle):
            assert item.url is None or item.url.startswith(("http://", "https://"))
            for text in (item.title, item.text, item.outlet, item.url, item.author, item.guid):
                (text or "").encode("utf-8")


@pytest.mark.parametrize(("header", "declared"), [("punycode", "utf-8"), ("unicode_escape", "utf-8"), (None, "punycode"), (None, "unicode_escape")])
def test_a_charset_that_is_no_charset_does_not_lose_the_feed(header, declared):
    """Python codecs that are no text encoding, named by the header or the XML declaration, made
    feedparser crash ("the feed could not be read"); a feed that is valid UTF-8 is read as such."""
    body = RSS.replace('encoding="utf-8"', f'encoding="{declared}"').replace("First", "First \\ud800").encode()
    content_type = "application/rss+xml" + (f"; charset={header}" if header else "")
    first = items(parse_feed(body, URL, {"Content-Type": content_type}))[0]
    assert first.title == "Caf\u00e9 owners & their tips" and first.text.startswith("First \\ud800 paragraph")


def test_lone_surrogates_in_feeds_are_read_as_replacement_characters_and_stored(store):
    """"\\ud800" in a JSON Feed, "&#55296;" in RSS: valid escapes of no character, which the
    database refuses (and feedparser, for RSS, crashed on, losing the feed). Read as U+FFFD."""
    doc = {"version": "https://jsonfeed.org/version/1.1", "title": "Half \ud800 Times",
           "items": [{"id": "1\udfff", "url": "https://json.example/1", "title": "Storm \ud800 hits the coast",
                      "content_text": "A storm hit the coast on Monday \udfff and cut power to thousands of homes."}]}  # fmt: skip
    json_feed = parse_feed(json.dumps(doc).encode(), "https://json.example/feed.json", {"Content-Type": "application/feed+json"})
    rss = RSS.replace("Caf\u00e9 owners", "Caf&#55296; owners &#xDFFF;").replace("First", "First &#x1F600;")
    xml_feed = parse_feed(rss.encode(), URL, {"Content-Type": "application/rss+xml"})
    assert json_feed.title == "Half \ufffd Times"
    (a,) = json_feed.items
    assert (a.title, a.guid) == ("Storm \ufffd hits the coast", "1\ufffd") and "Monday \ufffd and" in a.text
    b = items(xml_feed)[0]
    assert b.title == "Caf\ufffd owners \ufffd & their tips" and b.text.startswith("First \U0001f600 paragraph")
    report = Ingestor(store).ingest([a, b])
    assert (report.new, report.failed) == (2, [])
    with store.session() as s:
        assert set(s.scalars(select(Article.title))) == {a.title, b.title}


# --- hostile RSS and Atom --------------------------------------------------------------------------

_CHAR_REFS = ["&#55296;", "&#xDFFF;", "&#xd83d;&#xde00;", "&#0;", "&#x110000;", "&#99999999999;", "&#x1F600;", "&amp;", "&bogus;", "&#"]
_xml_text = st.lists(st.sampled_from(_CHAR_REFS) | hostile_text(max_atoms=4, huge=False), max_size=4).map(" ".join)
_xml_item = st.fixed_dictionaries({}, optional={t: _xml_text for t in ("title", "link", "guid", "description", "pubDate", "author")})


def _xml_feed(kind: str, title: str, items: list[dict]) -> str:
    """Fields put in raw, unescaped: markup in them may break the XML, as it does in the wild."""
    if kind == "rss":
        body = "".join("<item>" + "".join(f"<{k}>{v}</{k}>" for k, v in i.items()) + "</item>" for i in items)
        return f'<?xml version="1.0"?><rss version="2.0"><channel><title>{title}</title>{body}</channel></rss>'
    names = {"title": "title", "link": "id", "guid": "id", "description": "summary", "pubDate": "updated", "author": "author"}
    body = "".join("<entry>" + "".join(f"<{names[k]}>{v}</{names[k]}>" for k, v in i.items()) + "</entry>" for i in items)
    return f'<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><title>{title}</title>{body}</feed>'


@settings(max_examples=100 * FUZZ, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(st.sampled_from(["rss", "atom"]), _xml_text, st.lists(_xml_item, max_size=3))
def test_a_hostile_xml_feed_is_read_or_refused_with_a_reason_never_a_crash(store, kind, title, items):
    """Anything in any field of an RSS or Atom feed, character references to no character
    included: its items are articles or skipped with a reason, and what is read can be stored."""
    body = _xml_feed(kind, title, items).encode("utf-8", "surrogatepass")
    parsed = parse_feed(body, URL, {"Content-Type": "application/xml"})
    if isinstance(parsed, Skipped):
        # "could not be read": feedparser itself crashed, and everything in the feed was lost
        assert parsed.reason and "\n" not in parsed.reason and "could not be read" not in parsed.reason, parsed.reason
        return
    parsed.title.encode("utf-8")
    read = [x for x in parsed.items if isinstance(x, RawArticle)]
    for item in read:
        assert item.url is None or item.url.startswith(("http://", "https://"))
    report = Ingestor(store).ingest(parsed.items)
    assert report.new + report.duplicate + len(report.failed) == len(parsed.items)
