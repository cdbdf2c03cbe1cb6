"""What a fetched body is: a feed, a web page, or something else. Servers often mislabel feeds
(text/html, text/plain, application/octet-stream), so clear first bytes win over the content type."""

from __future__ import annotations

import html
import re
from urllib.parse import urljoin

from corpus.feeds import is_json

FEED_TYPES = {
    "application/rss+xml", "application/atom+xml", "application/rdf+xml", "application/feed+json",
    "application/xml", "text/xml", "application/json", "application/x-rss+xml",
}  # fmt: skip
PAGE_TYPES = {"text/html", "application/xhtml+xml"}
_COMMENT = re.compile(rb"<!--.*?(?:-->|$)", re.S)
_FIRST_ELEMENT = re.compile(rb"<(?:[A-Za-z][\w.-]*:)?([A-Za-z][\w.-]*)")  # not <?xml, <!DOCTYPE, </x>
_HTML_DOCTYPE = re.compile(rb"<!doctype\s+html", re.I)


def classify(content_type: str, body: bytes) -> str:
    """"feed", "page" or "other": by the root element when the first bytes show it (a feed may
    carry an XHTML DOCTYPE), else by the content type."""
    head = ascii_head(body[:4096])
    root = m.group(1).lower() if (m := _FIRST_ELEMENT.search(_COMMENT.sub(b"", head))) else None
    if root in (b"rss", b"feed", b"rdf"):
        return "feed"
    if root == b"html" or _HTML_DOCTYPE.search(head):
        return "page"
    if content_type in FEED_TYPES or content_type.endswith(("+xml", "+json")):
        return "feed"
    # The whole body: a JSON Feed written with sorted keys has its "version" last.
    if is_json(content_type, body) and b"jsonfeed.org/version" in body:
        return "feed"
    return "page" if content_type in PAGE_TYPES else "other"


def ascii_head(head: bytes) -> bytes:
    """The first bytes with their ASCII characters readable, also when the body is UTF-16 or UTF-32."""
    for bom, codec in ((b"\xff\xfe\x00\x00", "utf-32-le"), (b"\x00\x00\xfe\xff", "utf-32-be"),
                       (b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be")):  # fmt: skip
        if head.startswith(bom):
            return head[len(bom):].decode(codec, "ignore").encode("ascii", "ignore")
    if b"\x00" in head[:4]:
        return head.replace(b"\x00", b"")  # UTF-16/32 without a BOM: ASCII characters survive
    return head


_LINK_TAG = re.compile(rb"<link\b[^>]*>", re.I)
_ATTR = re.compile(rb"""([\w-]+)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))""")
_FEED_LINK_TYPES = {b"application/rss+xml", b"application/atom+xml", b"application/rdf+xml", b"application/feed+json"}


def feed_links(body: bytes, base: str) -> list[str]:
    """The feeds a web page announces (<link rel="alternate" type="application/rss+xml" href=...>)."""
    found = []
    for tag in _LINK_TAG.findall(body[:262_144]):
        attrs = {m[0].lower(): m[1] or m[2] or m[3] for m in _ATTR.findall(tag)}
        if b"alternate" in attrs.get(b"rel", b"").lower().split() and attrs.get(b"type", b"").lower() in _FEED_LINK_TYPES:
            href = html.unescape(attrs.get(b"href", b"").decode("utf-8", "replace")).strip()
            if href and (url := urljoin(base, href)).startswith(("http://", "https://")):
                found.append(url)
    return list(dict.fromkeys(found))
