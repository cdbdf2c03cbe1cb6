"""Adding a feed a channel asked for. `add_feed(store, url)` has the signature of
`corpus.polling.add_feed`, which replaces it once feed polling lands (it fetches and checks the
feed too); until then the URL is checked for shape only and the `feeds` row created."""

from __future__ import annotations

import ipaddress
from urllib.parse import urlsplit

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from corpus.models import Feed
from corpus.store import Store

MAX_URL = 2048


class FeedRejected(ValueError):
    """The URL can't be followed; the message is the one-line reason."""


def check_feed_url(url: str) -> str:
    """The URL, trimmed, or FeedRejected saying why it can't be a feed address."""
    url = url.strip()
    if len(url) > MAX_URL:
        raise FeedRejected(f"That address is {len(url)} characters long; feed addresses are at most {MAX_URL}.")
    try:
        parts = urlsplit(url)
        host = parts.hostname or ""
        parts.port  # noqa: B018 (raises on a bad port)
    except ValueError:
        raise FeedRejected("That is not a valid web address; it should look like https://example.com/feed.xml.") from None
    if parts.scheme.lower() not in ("http", "https"):
        shown = f"{parts.scheme}:" if parts.scheme else "no scheme"
        raise FeedRejected(f"Only http:// and https:// feed addresses can be followed, not {shown[:20]}; it should look like https://example.com/feed.xml.")
    if not host:
        raise FeedRejected("That address has no host name; it should look like https://example.com/feed.xml.")
    if parts.username or parts.password:
        raise FeedRejected("Feed addresses with a user name or password in them can't be followed; use a public feed address.")
    if _is_internal(host):
        raise FeedRejected(f"{host[:100]} is a local or private network address; only public feeds can be followed.")
    return url


def _is_internal(host: str) -> bool:
    host = host.strip("[]").rstrip(".").lower()
    if host == "localhost" or host.endswith((".localhost", ".local", ".internal")):
        return True
    try:
        ip = ipaddress.ip_address(host)
    except ValueError:
        return False
    return not ip.is_global


def add_feed(store: Store, url: str) -> Feed:
    """The feed row for `url`, created when new."""
    url = check_feed_url(url)
    with store.session() as s:
        feed = s.scalar(select(Feed).where(Feed.url == url))
        if feed is None:
            try:
                with s.begin_nested():
                    feed = Feed(url=url)
                    s.add(feed)
            except IntegrityError:  # another process added it a moment ago
                feed = s.scalars(select(Feed).where(Feed.url == url)).one()
        return feed
