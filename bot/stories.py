"""Stories in the store: assign new articles (split into sections where they are live blogs) to
stories, keeping every story's id, and load stories for the digest builder."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import String, cast, exists, func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, selectinload

from corpus.models import Article, ArticleFeed, Story, StoryMember, utcnow
from corpus.search import fold
from corpus.store import Store
from digests.cluster import DAY_SLACK, ClusterConfig, ExistingStory, chronological, cluster
from digests.model import Document
from digests.sections import split_sections


@dataclass(frozen=True)
class StoryUpdate:
    articles: int  # articles assigned in this run
    documents: int  # their documents: an article, or each section of a live blog
    new_stories: tuple[int, ...]
    grown_stories: tuple[int, ...]  # earlier stories that took new documents

    def summary(self) -> str:
        return (f"{self.articles} articles ({self.documents} documents): "
                f"{len(self.new_stories)} new stories, {len(self.grown_stories)} grown")


def article_document(a: Article) -> Document:
    url = a.canonical_url or next((s.url for s in a.sightings if s.url), None)
    return Document(id=str(a.id), title=a.title, text=a.text, outlet=a.outlet or "", url=url,
                    published=a.published_at or a.fetched_at)


def member_document(m: StoryMember) -> Document:
    doc = article_document(m.article)
    if m.section == 0:
        return doc
    return Document(id=f"{doc.id}#{m.section}", title=m.title or doc.title, text=m.text or "",
                    outlet=doc.outlet, url=doc.url, published=doc.published, section_of=doc.id)


def _article_and_section(doc_id: str) -> tuple[int, int]:
    article, _, section = doc_id.partition("#")
    return int(article), int(section or 0)


def update_stories(store: Store, config: ClusterConfig, now: datetime | None = None) -> StoryUpdate:
    """Cluster the articles that belong to no story yet, joining them to the stories still open
    (those with an article within the time window of the new ones), and store the result."""
    for attempt in range(3):
        try:
            return _update_stories(store, config, now or utcnow())
        except IntegrityError:
            # Another process assigned some of the same articles first: start again from what it stored.
            if attempt == 2:
                raise
    raise AssertionError("unreachable")


def _update_stories(store: Store, config: ClusterConfig, now: datetime) -> StoryUpdate:
    with store.session() as s:
        articles = s.scalars(
            select(Article)
            .where(~exists().where(StoryMember.article_id == Article.id))
            .options(selectinload(Article.sightings))
            .order_by(Article.id)
        ).all()
        if not articles:
            return StoryUpdate(0, 0, (), ())
        new_docs = [d for a in articles for d in split_sections(article_document(a))]
        earliest = min((d.published for d in new_docs if d.published), default=now)
        # As far back as the clusterer may join: the window, and a day on each side for dates
        # given without a time of day (stored as midnight).
        open_stories = _open_stories(s, earliest - timedelta(hours=config.window_hours + 2 * DAY_SLACK))
        existing = [ExistingStory(str(st.id), tuple(member_document(m) for m in st.members), st.headline) for st in open_stories]
        by_id = {st.id: st for st in open_stories}
        stored = {d.id for e in existing for d in e.documents}
        new_ids, grown = [], []
        for result in cluster(new_docs, existing, config):
            fresh = [d for d in result.documents if d.id not in stored]
            if result.key is None:
                story = Story(headline=result.headline[:1024], created_at=now)
                s.add(story)
            else:
                story = by_id[int(result.key)]
                if not fresh:
                    continue
            story.headline = result.headline[:1024]
            story.updated_at = now
            story.latest_at = result.latest
            for d in fresh:
                article_id, section = _article_and_section(d.id)
                story.members.append(StoryMember(
                    article_id=article_id, section=section,
                    title=d.title[:1024] if section else None, text=d.text if section else None,
                ))
            s.flush()
            (new_ids if result.key is None else grown).append(story.id)
        return StoryUpdate(len(articles), len(new_docs), tuple(new_ids), tuple(grown))


def _open_stories(s: Session, since: datetime) -> list[Story]:
    return list(s.scalars(
        select(Story)
        .where(or_(Story.latest_at >= since, Story.latest_at.is_(None)))
        .options(selectinload(Story.members).selectinload(StoryMember.article).selectinload(Article.sightings))
        .order_by(Story.id)
    ).all())


def load_stories(
    store: Store,
    since: datetime | None = None,
    limit: int | None = None,
    *,
    changed_since: datetime | None = None,
    feed_ids: tuple[int, ...] | None = None,
    article_ids: list[int] | None = None,
    story_ids: list[int] | None = None,
) -> list[tuple[int, str, list[Document]]]:
    """(story id, headline, documents oldest first), newest stories first. Narrowed to stories
    with news published since `since`, stories that took new articles since `changed_since`,
    stories with an article carried by one of `feed_ids` or among `article_ids`, or `story_ids`.
    With `feed_ids`, a story's documents are only the articles those feeds carried: a channel
    never sees what another channel's (perhaps private) feed brought into the same story."""
    with store.session() as s:
        q = (select(Story)
             .options(selectinload(Story.members).selectinload(StoryMember.article).selectinload(Article.sightings))
             .order_by(Story.latest_at.desc().nulls_last(), Story.id.desc()))
        if since is not None:
            q = q.where(Story.latest_at >= since)
        if changed_since is not None:
            q = q.where(Story.updated_at >= changed_since)
        if feed_ids is not None:
            q = q.where(_carried_by(feed_ids))
        if article_ids is not None:
            q = q.where(Story.id.in_(select(StoryMember.story_id).where(StoryMember.article_id.in_(article_ids))))
        if story_ids is not None:
            q = q.where(Story.id.in_(story_ids))
        if limit is not None:
            q = q.limit(limit)
        out = []
        stories = s.scalars(q).all()
        shown = _carried_articles(s, feed_ids, [m.article_id for st in stories for m in st.members]) if feed_ids is not None else None
        for st in stories:
            members = [m for m in st.members if shown is None or m.article_id in shown]
            docs = sorted((member_document(m) for m in members), key=chronological)
            # The stored headline may be the title of an article left out: the digest picks one.
            out.append((st.id, st.headline if len(members) == len(st.members) else "", docs))
        return out


def _carried_articles(s, feed_ids: tuple[int, ...], article_ids: list[int]) -> set[int]:
    """Which of these articles one of `feed_ids` carried."""
    out: set[int] = set()
    for i in range(0, len(article_ids), 500):
        chunk = article_ids[i : i + 500]
        out.update(s.scalars(select(ArticleFeed.article_id).where(ArticleFeed.feed_id.in_(feed_ids), ArticleFeed.article_id.in_(chunk))))
    return out


# Headline words are looked for among this many of the newest stories: they are matched in Python
# (see below), and the table only grows (100,000 stories took 10-20 s a keystroke).
HEADLINES_SCANNED = 5000


def story_headlines(
    store: Store, typed: str = "", limit: int = 25, feed_ids: tuple[int, ...] | None = None, ids: bool = True
) -> list[tuple[int, str]]:
    """(story id, headline) of the newest stories whose id starts with `typed` (digits, unless
    `ids` is false) or whose headline holds each of its words (among the newest HEADLINES_SCANNED
    stories): what a command that takes a story id can offer as it is typed. `feed_ids`: only
    stories with an article one of these feeds carried, each by a title of those articles (its
    headline may be another feed's title)."""
    q = select(Story.id, Story.headline).order_by(Story.latest_at.desc().nulls_last(), Story.id.desc())
    typed = typed.strip().lstrip("#")
    if feed_ids is not None:
        q = q.where(_carried_by(feed_ids))
    with store.session() as s:
        if ids and typed.isdigit():
            return _own_headlines(s, s.execute(q.where(cast(Story.id, String).like(f"{typed}%")).limit(limit)).all(), feed_ids)
        # Words are matched here, not in SQL: neither engine's lower() or LIKE folds accents
        # ("zurich" for "Zürich"), and SQLite's lowers ASCII only ("ZÜRICH").
        words = [_key(w[:100]) for w in typed.split()[:5]]
        found = []
        for batch in s.execute(q.limit(HEADLINES_SCANNED).execution_options(yield_per=500)).partitions():
            for sid, headline in _own_headlines(s, batch, feed_ids):
                key = _key(headline)
                if all(w in key for w in words):  # "%" and "_" as typed
                    found.append((sid, headline))
                    if len(found) == limit:
                        return found
        return found


def _own_headlines(s: Session, rows, feed_ids: tuple[int, ...] | None) -> list[tuple[int, str]]:
    """(story id, headline), each headline that is not the title of an article `feed_ids`
    carried replaced by the newest such title."""
    if feed_ids is None or not rows:
        return [(sid, headline) for sid, headline in rows]
    titles: dict[int, list[str]] = {}
    # Each member checked through the (article, feed) key: `IN (the feeds' articles)` listed a
    # feed's whole history again for every batch (0.5 s a keystroke after months).
    ours = exists().where(ArticleFeed.article_id == Article.id, ArticleFeed.feed_id.in_(feed_ids))
    carried = (select(StoryMember.story_id, func.coalesce(StoryMember.title, Article.title)).join(Article, Article.id == StoryMember.article_id)
               .where(StoryMember.story_id.in_([sid for sid, _ in rows]), ours)
               .order_by(Article.published_at.desc().nulls_last(), Article.id.desc()))  # fmt: skip
    for sid, title in s.execute(carried):
        titles.setdefault(sid, []).append((title or "").strip())
    return [(sid, headline if sid not in titles or headline.strip() in titles[sid] else titles[sid][0]) for sid, headline in rows]


def _key(text: str) -> str:
    return fold(text).casefold()


def _carried_by(feed_ids: tuple[int, ...]):
    """The condition on Story: it has an article that one of these feeds carried."""
    carried = select(ArticleFeed.article_id).where(ArticleFeed.feed_id.in_(feed_ids))
    return Story.id.in_(select(StoryMember.story_id).where(StoryMember.article_id.in_(carried)))
