"""Where the command service gets its digests and stories.

`DigestProvider` is the seam between the chat side and the digest engine. `StoreDigestProvider`
reads the stored stories (narrowed by a channel's feeds, keyword filters, an optional topic and
what is new since its last digest) and has the engine summarise them with citations."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol

from bot.stories import load_stories, update_stories
from corpus.search import fold, query_words, search
from corpus.store import Store
from corpus.untrusted import is_number
from digests.algorithms import DEFAULT_ALGORITHM
from digests.attribution import CITATION_SIMILARITY
from digests.cluster import ClusterConfig
from digests.digest import DigestOptions, StoryInput, build_digest, build_story
from digests.model import Digest, Document, Story
from digests.units import stem


@dataclass(frozen=True)
class DigestScope:
    """What one digest should cover."""

    feed_ids: tuple[int, ...] | None = None  # None: every stored article
    include: tuple[str, ...] = ()  # keep only stories mentioning one of these
    exclude: tuple[str, ...] = ()  # drop stories mentioning any of these
    topic: str | None = None  # narrowed by full-text search
    since: datetime | None = None  # only stories that are new or took new articles since then
    # Only stories with news published (or, undated, fetched) since then: a channel's first
    # scheduled digest reaches back this far and no further, however new the clustering is.
    news_since: datetime | None = None
    story_count: int = 5
    words: int = 100  # word budget of each story's summary
    algorithm: str = DEFAULT_ALGORITHM
    title: str = "News digest"
    # Sentences the channel was already sent, by story id: a story that grew tells what is new.
    said: Mapping[str, frozenset[str]] = field(default_factory=dict)
    zone: str = "UTC"  # the channel's timezone, for the digest's time

    def options(self, citation_similarity: float = CITATION_SIMILARITY) -> DigestOptions:
        return DigestOptions(
            words_per_story=self.words, max_stories=self.story_count, algorithm=self.algorithm,
            citation_similarity=citation_similarity, title=self.title, said=self.said, zone=self.zone,
        )


class DigestProvider(Protocol):
    def digest(self, scope: DigestScope) -> Digest: ...

    def story(self, story_id: str, scope: DigestScope | None = None) -> Story | None: ...


def mentions_any(text: str, keywords: Sequence[str]) -> bool:
    """Whole-word, case-insensitive; a keyword may be a phrase."""
    return any(re.search(rf"(?<!\w){re.escape(k)}(?!\w)", text, re.IGNORECASE) for k in keywords if k)


def story_text(headline: str, documents: Sequence[Document]) -> str:
    return "\n".join([headline, *(f"{d.title}\n{d.text}" for d in documents)])


def search_terms(text: str) -> set[str]:
    """The text's words as search matches them: accents folded, lower-cased, stemmed ("volcanoes"
    is "volcano", as both engines' English stemmers make it)."""
    return {stem(w) for w in set(re.findall(r"\w+", fold(text).lower()))}


def about_topic(stories: list[tuple[StoryInput, str]], topic: str) -> list[tuple[StoryInput, str]]:
    """The stories whose text mentions every word of the topic, else any word (as search does,
    stems and accents alike). The search found articles; a live-blog post's other sections may
    not be about the topic."""
    words = [w for w in query_words(topic) if len(w) > 1] or query_words(topic)
    wanted = {stem(w.lower()) for w in words}
    found = [(st, text, search_terms(text)) for st, text in stories]
    every = [(st, text) for st, text, terms in found if wanted <= terms]
    return every or [(st, text) for st, text, terms in found if wanted & terms]


class StoreDigestProvider:
    def __init__(
        self,
        store: Store,
        cluster: ClusterConfig = ClusterConfig(),
        citation_similarity: float = CITATION_SIMILARITY,
        max_stories: int = 300,
    ) -> None:
        self.store = store
        self.cluster = cluster
        self.citation_similarity = citation_similarity
        self.max_stories = max_stories  # the newest stories considered for one digest

    def stories(self, scope: DigestScope) -> list[StoryInput]:
        """The stories a digest for `scope` may show, newest first: a story mentions a keyword
        when its headline or any of its articles (title or text) does."""
        # Articles stored by any process since the last call join their stories first.
        update_stories(self.store, self.cluster)
        article_ids = None
        if scope.topic:
            with self.store.session() as s:
                article_ids = [h.article_id for h in search(s, scope.topic, limit=self.max_stories, feed_ids=scope.feed_ids).hits]
        found = load_stories(
            self.store, scope.news_since, limit=self.max_stories, changed_since=scope.since, feed_ids=scope.feed_ids, article_ids=article_ids
        )
        kept = []
        for story_id, headline, docs in found:
            text = story_text(headline, docs)
            if scope.include and not mentions_any(text, scope.include):
                continue
            if scope.exclude and mentions_any(text, scope.exclude):
                continue
            kept.append((StoryInput(str(story_id), docs, headline), text))
        if scope.topic:
            kept = about_topic(kept, scope.topic)
        return [story for story, _ in kept]

    def digest(self, scope: DigestScope) -> Digest:
        return build_digest(self.stories(scope), scope.options(self.citation_similarity))

    def story(self, story_id: str, scope: DigestScope | None = None) -> Story | None:
        """One story, summarised with `scope`'s words and summarizer (a channel's own); None when
        it is not there, or not among `scope`'s feeds."""
        if not is_number(story_id) or len(story_id) > 18:
            return None
        update_stories(self.store, self.cluster)
        found = load_stories(self.store, story_ids=[int(story_id)], feed_ids=scope.feed_ids if scope else None)
        if not found:
            return None
        sid, headline, docs = found[0]
        return build_story(StoryInput(str(sid), docs, headline), (scope or DigestScope()).options(self.citation_similarity))
