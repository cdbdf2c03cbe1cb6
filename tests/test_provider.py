"""The digest provider's view of the store: stories narrowed by a channel's feeds, filters,
topic and what is new since its last digest."""

from __future__ import annotations

from datetime import timedelta

from bot.provider import DigestScope, StoreDigestProvider
from corpus.ingest import Ingestor
from corpus.models import Feed, utcnow
from tests.test_ingest import raw

OTHER = (
    "Stocks rose on Monday as investors cheered strong earnings from technology companies, "
    "with the main index closing at a record high after three days of losses. Analysts said "
    "bond yields eased and oil prices fell, giving traders room to buy shares again."
)


def _feeds(store, *urls):
    with store.session() as s:
        feeds = [Feed(url=u) for u in urls]
        s.add_all(feeds)
        s.flush()
        return [f.id for f in feeds]


def headlines(provider, scope):
    return sorted(story.headline for story in provider.stories(scope))


def test_a_channel_gets_a_syndicated_article_first_stored_from_another_feed(store):
    a, b, c = _feeds(store, "https://a.example/rss", "https://b.example/rss", "https://c.example/rss")
    Ingestor(store).ingest([
        raw(feed_id=a),
        raw(outlet="Paper B", url="https://b.example/quake", feed_id=b),  # the same wire text
        raw(title="Markets rally", text=OTHER, url="https://c.example/x", feed_id=c),
    ])
    provider = StoreDigestProvider(store)
    assert headlines(provider, DigestScope(feed_ids=(b,))) == ["Quake kills 40"]
    assert headlines(provider, DigestScope(feed_ids=(c,))) == ["Markets rally"]
    assert headlines(provider, DigestScope()) == ["Markets rally", "Quake kills 40"]


def test_include_exclude_and_topic(store):
    Ingestor(store).ingest([raw(), raw(title="Markets rally", text=OTHER, url="https://m.example/1")])
    provider = StoreDigestProvider(store)
    assert headlines(provider, DigestScope(include=("earthquake",))) == ["Quake kills 40"]
    assert headlines(provider, DigestScope(exclude=("earthquake",))) == ["Markets rally"]
    assert headlines(provider, DigestScope(topic="investors earnings")) == ["Markets rally"]


def test_since_keeps_only_new_or_grown_stories(store):
    provider = StoreDigestProvider(store)
    Ingestor(store).ingest([raw()])
    provider.stories(DigestScope())  # the quake story is stored now
    mark = utcnow()
    Ingestor(store).ingest([raw(title="Markets rally", text=OTHER, url="https://m.example/1")])
    assert headlines(provider, DigestScope(since=mark)) == ["Markets rally"]
    assert headlines(provider, DigestScope(since=mark - timedelta(hours=1))) == ["Markets rally", "Quake kills 40"]


def test_story_lookup_builds_the_stored_story(store):
    Ingestor(store).ingest([raw(), raw(outlet="Paper B", url="https://b.example/quake-report",
                                       text=raw().text.replace("Tuesday", "Wednesday"))])
    provider = StoreDigestProvider(store)
    (story,) = provider.stories(DigestScope())
    built = provider.story(story.id)
    assert built.id == story.id and built.headline == "Quake kills 40"
    assert built.sentences and all(s.citations for s in built.sentences)
    assert provider.story("999999") is None and provider.story("x'; drop") is None
