"""The digest provider's view of the store: a channel's feeds, filters and topic."""

from __future__ import annotations

from bot.provider import DigestScope, StoreDigestProvider
from corpus.ingest import Ingestor
from corpus.models import Feed
from tests.test_ingest import raw


def _feeds(store, *urls):
    with store.session() as s:
        feeds = [Feed(url=u) for u in urls]
        s.add_all(feeds)
        s.flush()
        return [f.id for f in feeds]


def test_a_channel_gets_a_syndicated_article_first_stored_from_another_feed(store):
    a, b, c = _feeds(store, "https://a.example/rss", "https://b.example/rss", "https://c.example/rss")
    Ingestor(store).ingest([
        raw(feed_id=a),
        raw(outlet="Paper B", url="https://b.example/quake", feed_id=b),  # the same wire text
        raw(title="Other news", text="Something else happened.", url="https://c.example/x", feed_id=c),
    ])
    provider = StoreDigestProvider(store)
    titles = lambda scope: [d.title for d in provider.documents(scope)]  # noqa: E731
    assert titles(DigestScope(feed_ids=(b,))) == ["Quake kills 40"]
    assert titles(DigestScope(feed_ids=(c,))) == ["Other news"]
    assert sorted(titles(DigestScope())) == ["Other news", "Quake kills 40"]


def test_include_and_exclude_keywords(store):
    Ingestor(store).ingest([
        raw(),
        raw(title="Markets rally", text="Stocks rose on Monday as investors cheered.", url="https://m.example/1"),
    ])
    provider = StoreDigestProvider(store)
    assert [d.title for d in provider.documents(DigestScope(include=("earthquake",)))] == ["Quake kills 40"]
    assert [d.title for d in provider.documents(DigestScope(exclude=("earthquake",)))] == ["Markets rally"]
