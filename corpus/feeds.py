"""Feeds: RSS, Atom and RDF through feedparser; JSON Feed 1.0/1.1, which feedparser does not read.

A feed becomes a ParsedFeed whose items are RawArticles or Skipped entries with their reason; a
body that is no feed at all becomes one Skipped. The charset comes from the HTTP header and the
XML declaration as RFC 3023 says (feedparser is given the response headers), with one
correction: a body declared as a single-byte charset that is in fact valid UTF-8 is read as
UTF-8, the mislabelling servers commonly make."""

from __future__ import annotations

import calendar
import io
import json
import re
import xml.sax
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timezone
from urllib.parse import urljoin, urlsplit

import feedparser

from corpus import untrusted
from corpus.dates import to_utc
from corpus.html_text import html_to_text, one_line, plain_text
from corpus.raw import RawArticle, Skipped

JSON_FEED_VERSION = "https://jsonfeed.org/version/"
_SINGLE_BYTE = re.compile(r"^(us-ascii|ascii|iso-8859-\d+|iso8859-\d+|latin-?1|l1|windows-125\d|cp125\d|cp1252)$", re.I)
_MARKUP = ("text/html", "application/xhtml+xml", "html", "xhtml")


@dataclass
class ParsedFeed:
    title: str  # the feed's own title ("" when it has none)
    link: str | None
    format: str  # "rss20", "atom10", "rss10" (RDF), "json1.1", ...
    items: list[RawArticle | Skipped] = field(default_factory=list)

    @property
    def outlet(self) -> str:
        return self.title or urlsplit(self.link or "").hostname or ""


def parse_feed(
    data: bytes, url: str, headers: Mapping[str, str] | None = None, feed_id: int | None = None
) -> ParsedFeed | Skipped:
    """A feed's entries from its bytes as served from `url` with response `headers`."""
    headers = {k.lower(): v for k, v in (headers or {}).items()}
    if not data.strip():
        return Skipped(url, "the feed is empty")
    if is_json(headers.get("content-type", ""), data):
        return _parse_json_bytes(data, url, feed_id)
    return _parse_xml(data, url, headers, feed_id)


def is_json(content_type: str, data: bytes) -> bool:
    return "json" in content_type.lower() or data.lstrip(b"\xef\xbb\xbf \t\r\n")[:1] in (b"{", b"[")


# --- RSS, Atom, RDF --------------------------------------------------------------------------


def _parse_xml(data: bytes, url: str, headers: dict[str, str], feed_id: int | None) -> ParsedFeed | Skipped:
    # feedparser gets the page location for relative links, and the body as a stream: given bytes
    # or a string it may read a local file or fetch a URL of that name.
    headers = {k: v for k, v in headers.items() if k in ("content-type", "content-language")}
    headers["content-location"] = url
    result = _feedparse(data, headers)
    if result.get("exception") and _is_utf8(data):
        # feedparser crashed decoding a charset that is no charset ("punycode", "unicode_escape",
        # in the header or the XML declaration): a header's charset overrides both (RFC 3023).
        result = _feedparse(data, {**headers, "content-type": "application/xml; charset=utf-8"})
    if utf8_mislabelled(result.get("encoding") or "", data):
        media = headers.get("content-type", "").split(";")[0].strip() or "application/xml"
        if "xml" not in media:
            media = "application/xml"
        result = _feedparse(data, {**headers, "content-type": f"{media}; charset=utf-8"})
    if result.get("exception"):
        return Skipped(url, f"the feed could not be read ({result['exception']})")
    broken = isinstance(result.get("bozo_exception"), xml.sax.SAXException)
    if not result.entries and not result.feed.get("title") and (broken or not result.get("version")):
        return Skipped(url, f"not a feed ({_bozo_reason(result)})")  # nothing in it could be read
    feed = result.feed
    link = _http_url(feed.get("link"), url)
    parsed = ParsedFeed(
        title=one_line(_detail_text(feed.get("title_detail"), feed.get("title", ""))),
        link=link or url,
        format=result.get("version") or "unknown",
    )
    for i, entry in enumerate(result.entries):
        parsed.items.append(_entry(entry, i, parsed.outlet, url, feed_id))
    return parsed


# "&#55296;", "&#x110000;": references to no character (a surrogate, past U+10FFFF). expat refuses
# them, and feedparser's fallback parser then fails on them (UnicodeEncodeError, ValueError),
# losing the whole feed. Each becomes U+FFFD.
_CHAR_REF = re.compile(rb"&#(?:[xX]([0-9a-fA-F]{1,16})|([0-9]{1,20}));")


def _unusable_refs_replaced(data: bytes) -> bytes:
    def fix(m: re.Match) -> bytes:
        code = int(m[1], 16) if m[1] else int(m[2])
        return b"&#xFFFD;" if 0xD800 <= code <= 0xDFFF or code > 0x10FFFF else m[0]

    return _CHAR_REF.sub(fix, data) if b"&#" in data else data


def _feedparse(data: bytes, headers: dict[str, str]):
    try:
        return feedparser.parse(io.BytesIO(_unusable_refs_replaced(data)), response_headers=headers)
    except Exception as exc:  # feedparser is meant never to raise; a crash must not lose the run
        return feedparser.FeedParserDict(entries=[], feed={}, exception=type(exc).__name__)


def utf8_mislabelled(charset: str, data: bytes) -> bool:
    """Whether a body declared as a single-byte charset is in fact UTF-8: non-ASCII bytes that
    all decode as UTF-8 almost never come from Latin-1 or cp1252 text."""
    return bool(_SINGLE_BYTE.match(charset)) and not data.isascii() and _is_utf8(data)


def _is_utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _bozo_reason(result) -> str:
    exc = result.get("bozo_exception")
    if exc is None:
        return "no feed title or entries found"
    if hasattr(exc, "getMessage"):  # feedparser may add a line of its own: the line number would mislead
        return f"broken XML: {exc.getMessage()}"
    text = str(exc).strip().splitlines()
    return (text[0] if text else type(exc).__name__)[:200]


def _entry(e, i: int, outlet: str, feed_url: str, feed_id: int | None) -> RawArticle | Skipped:
    link = _http_url(e.get("link"), feed_url)
    origin = link or f"{feed_url} (entry {i + 1})"
    title = one_line(_detail_text(e.get("title_detail"), e.get("title", "")))
    texts = [_detail_text(c, "") for c in e.get("content") or []]
    texts.append(_detail_text(e.get("summary_detail"), e.get("summary", "")))
    text = max(texts, key=len)
    if not (title or text or link):
        return Skipped(origin, "entry has no title, no text and no link")
    author = e.get("author_detail", {}).get("name") or e.get("author") or None
    return RawArticle(
        title=title,
        text=text,
        outlet=outlet,
        url=link,
        author=one_line(author) if author else None,
        published=_struct_time(e.get("published_parsed") or e.get("updated_parsed") or e.get("created_parsed")),
        # RDF items (and some RSS ones) carry no id: the link is the next most stable key.
        guid=(e.get("id") or "").strip() or link,
        origin=origin,
        feed_id=feed_id,
    )


def _detail_text(detail, fallback: str) -> str:
    """A feedparser text construct as plain text: markup stripped from HTML and XHTML; any other
    type (text/plain, base64-encoded binary types) is the characters themselves."""
    value = (detail or {}).get("value", fallback) or ""
    kind = (detail or {}).get("type", "text/html")
    return html_to_text(value) if kind in _MARKUP else plain_text(value)


def _struct_time(t) -> datetime | None:
    try:
        return datetime.fromtimestamp(calendar.timegm(t), timezone.utc) if t else None
    except (TypeError, ValueError, OverflowError, OSError):
        return None


def _http_url(value, base: str | None) -> str | None:
    """An absolute http(s) URL, or None for anything else (javascript:, mailto:, garbage)."""
    if not isinstance(value, str) or not value.strip():
        return None
    try:
        url = urljoin(base or "", value.strip())
        parts = urlsplit(url)
    except ValueError:
        return None
    return url if parts.scheme in ("http", "https") and parts.hostname else None


# --- JSON Feed --------------------------------------------------------------------------------


def _parse_json_bytes(data: bytes, url: str, feed_id: int | None) -> ParsedFeed | Skipped:
    try:
        doc = untrusted.json_loads(data)
    except ValueError as exc:
        where = f" at line {exc.lineno}" if isinstance(exc, json.JSONDecodeError) else ""
        return Skipped(url, f"not a feed: invalid JSON{where}")
    if not isinstance(doc, dict) or not str(doc.get("version", "")).startswith(JSON_FEED_VERSION):
        return Skipped(url, "not a feed: JSON without a jsonfeed.org version")
    if not isinstance(doc.get("items"), list):
        return Skipped(url, "JSON Feed without an items list")
    title = _json_title(doc)
    link = _http_url(doc.get("home_page_url"), url) or url
    parsed = ParsedFeed(title, link, "json" + str(doc["version"])[len(JSON_FEED_VERSION) :])
    parsed.items = list(parse_json_feed(doc, url, feed_id, base=url))
    return parsed


def parse_json_feed(
    data: dict, origin: str, feed_id: int | None = None, base: str | None = None
) -> Iterator[RawArticle | Skipped]:
    """The items of a decoded JSON Feed (https://jsonfeed.org/version/1.1, and 1.0)."""
    items = data.get("items")
    if not isinstance(items, list):
        yield Skipped(origin, "JSON Feed without an items list")
        return
    base = base or (data.get("feed_url") if isinstance(data.get("feed_url"), str) else None)
    # Checked first: urlsplit raises on a malformed address ("http://[::1"), which would lose the items.
    home = _http_url(data.get("home_page_url"), base) or _http_url(base, None)
    outlet = _json_title(data) or (urlsplit(home).hostname if home else None) or ""
    feed_author = _json_author(data)
    for i, item in enumerate(items):
        where = f"{origin} (item {i + 1})"
        if not isinstance(item, dict):
            yield Skipped(where, "item is not an object")
            continue
        link = _http_url(item.get("url"), base) or _http_url(item.get("external_url"), base)
        html = item.get("content_html")
        text = html_to_text(html) if isinstance(html, str) and html.strip() else ""
        if not text:
            for key in ("content_text", "summary"):
                if isinstance(item.get(key), str) and item[key].strip():
                    text = plain_text(item[key])
                    break
        title = one_line(plain_text(item["title"])) if isinstance(item.get("title"), str) else ""
        if not (title or text or link):
            yield Skipped(link or where, "item has no title, no text and no link")
            continue
        guid = item.get("id")
        yield RawArticle(
            title=title,
            text=text,
            outlet=outlet,
            url=link,
            author=_json_author(item) or feed_author,
            published=to_utc(item.get("date_published") or item.get("date_modified")),
            guid=str(guid).strip() if isinstance(guid, (str, int)) and str(guid).strip() else link,
            origin=link or where,
            feed_id=feed_id,
        )


def _json_title(doc: dict) -> str:
    return one_line(plain_text(doc["title"])) if isinstance(doc.get("title"), str) else ""


def _json_author(obj: dict) -> str | None:
    authors = obj.get("authors") if isinstance(obj.get("authors"), list) else [obj.get("author")]  # 1.1 / 1.0
    names = [one_line(a["name"]) for a in authors if isinstance(a, dict) and isinstance(a.get("name"), str) and a["name"].strip()]
    return ", ".join(names) or None
