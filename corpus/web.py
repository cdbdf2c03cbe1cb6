"""A URL given to `ingest`: fetched once, then read as a feed or as an article page, whichever
it is by its first bytes and content type (corpus/sniff.py)."""

from __future__ import annotations

from collections.abc import Iterator

from config.settings import Settings
from corpus.feeds import parse_feed
from corpus.fulltext import complete_teasers
from corpus.http import Fetcher, FetchError
from corpus.ingest import stored_already
from corpus.raw import RawArticle, Skipped
from corpus.sniff import classify
from corpus.store import Store


def read_url(url: str, settings: Settings, fetcher: Fetcher | None = None, store: Store | None = None) -> Iterator[RawArticle | Skipped]:
    """`store`: where the articles go; a feed's teasers already stored there are not fetched again."""
    fetcher = fetcher or Fetcher(settings.http)
    try:
        resp = fetcher.fetch(url)
    except FetchError as exc:
        yield Skipped(url, exc.reason)
        return
    kind = classify(resp.content_type, resp.body)
    if kind == "feed":
        feed = parse_feed(resp.body, resp.url, resp.headers)
        if isinstance(feed, Skipped):
            yield Skipped(url, feed.reason)
        elif not feed.items:
            yield Skipped(url, "the feed has no entries")
        else:
            yield from complete_teasers(feed.items, settings, fetcher, stored_already(store, feed.items) if store else None)
    elif kind == "page":
        from corpus.pages import page_article

        yield page_article(resp, url, settings.pages.timeout, fetcher=fetcher)
    else:
        yield Skipped(url, f"neither a feed nor a web page ({resp.content_type or 'no content type'})")
