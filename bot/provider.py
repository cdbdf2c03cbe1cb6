"""Where the command service gets its digests and stories.

`DigestProvider` is the seam between the chat side and the digest engine. `StoreDigestProvider`
reads the real store (a channel's feeds, keyword filters, an optional topic) and hands the
selected documents to a `build` function, by default the engine with one story per article."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from sqlalchemy import select

from corpus.models import Article, ArticleFeed
from corpus.search import search
from corpus.store import Store
from digests.algorithms import DEFAULT_ALGORITHM
from digests.digest import DigestOptions, StoryInput, build_digest, build_story
from digests.model import Digest, Document, Story


@dataclass(frozen=True)
class DigestScope:
    """What one digest should cover."""

    feed_ids: tuple[int, ...] | None = None  # None: every stored article
    include: tuple[str, ...] = ()  # keep only articles mentioning one of these
    exclude: tuple[str, ...] = ()  # drop articles mentioning any of these
    topic: str | None = None  # narrowed by full-text search
    since: datetime | None = None
    story_count: int = 5
    words: int = 100  # word budget of each story's summary
    algorithm: str = DEFAULT_ALGORITHM
    title: str = "News digest"

    def options(self) -> DigestOptions:
        return DigestOptions(words_per_story=self.words, max_stories=self.story_count, algorithm=self.algorithm, title=self.title)


class DigestProvider(Protocol):
    def digest(self, scope: DigestScope) -> Digest: ...

    def story(self, story_id: str) -> Story | None: ...


BuildDigest = Callable[[Sequence[Document], DigestScope], Digest]


def one_story_per_article(docs: Sequence[Document], scope: DigestScope) -> Digest:
    return build_digest([StoryInput(d.id, [d]) for d in docs], scope.options())


def mentions_any(text: str, keywords: Sequence[str]) -> bool:
    """Whole-word, case-insensitive; a keyword may be a phrase."""
    return any(re.search(rf"(?<!\w){re.escape(k)}(?!\w)", text, re.IGNORECASE) for k in keywords if k)


def to_document(a: Article) -> Document:
    return Document(str(a.id), a.title, a.text, a.outlet or "", a.canonical_url, a.published_at)


class StoreDigestProvider:
    def __init__(self, store: Store, build: BuildDigest = one_story_per_article, max_documents: int = 200) -> None:
        self.store = store
        self.build = build
        self.max_documents = max_documents

    def documents(self, scope: DigestScope) -> list[Document]:
        """The newest articles within the scope, after filters, at most max_documents."""
        with self.store.session() as s:
            q = select(Article).order_by(Article.published_at.desc().nulls_last(), Article.id.desc())
            if scope.feed_ids is not None:
                # Carried by one of the feeds, even if another feed brought it in first.
                q = q.where(Article.id.in_(select(ArticleFeed.article_id).where(ArticleFeed.feed_id.in_(scope.feed_ids))))
            if scope.since is not None:
                q = q.where(Article.fetched_at >= scope.since)
            if scope.topic:
                ids = [h.article_id for h in search(s, scope.topic, limit=self.max_documents).hits]
                q = q.where(Article.id.in_(ids))
            docs = []
            for a in s.scalars(q.limit(self.max_documents * 4)):
                body = f"{a.title}\n{a.text}"
                if scope.include and not mentions_any(body, scope.include):
                    continue
                if scope.exclude and mentions_any(body, scope.exclude):
                    continue
                docs.append(to_document(a))
                if len(docs) >= self.max_documents:
                    break
            return docs

    def digest(self, scope: DigestScope) -> Digest:
        return self.build(self.documents(scope), scope)

    def story(self, story_id: str) -> Story | None:
        if not story_id.isdigit() or len(story_id) > 18:
            return None
        with self.store.session() as s:
            a = s.get(Article, int(story_id))
            doc = to_document(a) if a else None
        return build_story(StoryInput(doc.id, [doc]), DigestScope().options()) if doc else None
