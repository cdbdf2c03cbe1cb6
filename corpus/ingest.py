"""Ingestion: clean each incoming article, drop duplicates, store the rest.

A duplicate is never lost: the place it was seen (outlet and link) is added to the article
it duplicates, so a syndicated wire story keeps every outlet's link."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Literal

from sqlalchemy import and_, delete, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from corpus import dedupe
from corpus.cleaning import clean_text
from corpus.models import Article, ArticleBand, ArticleFeed, Sighting, utcnow
from corpus.raw import RawArticle, Skipped, Stored, back_to_teaser
from corpus.store import Store
from corpus.words import word_count

# A date this far past the moment an article is first seen is a wrong clock or time zone, or a
# post scheduled ahead: it is dated when it was seen, as feed readers do. Left as it is, a story
# dated 2099 would lead every digest and never leave its story window.
FUTURE_SKEW = timedelta(minutes=10)


def first_seen_date(published: datetime | None, seen: datetime) -> datetime | None:
    return seen if published is not None and published > seen + FUTURE_SKEW else published


def stored_already(store: Store, items: Iterable[RawArticle | Skipped]) -> Callable[[RawArticle], Stored]:
    """Whether a feed entry is stored already, by the same rules as a duplicate (its canonical
    URL, or its GUID within its feed): a teaser's page is then not fetched again, unless it is
    "pending" (a poll before ran out of pages for it)."""
    raws = [i for i in items if isinstance(i, RawArticle)]
    urls, guids = (sorted(keys) for keys in _keys(raws))
    same_feed = _of_feed(raws[0].feed_id, raws[0].outlet.strip()[:256]) if raws else Article.feed_id.is_(None)
    by_guid: dict[str, bool] = {}
    by_url: dict[str, bool] = {}  # stored, and whether its page is pending
    with store.session() as s:
        for chunk in _chunks(guids):
            by_guid.update(s.execute(select(Article.guid, Article.page_pending).where(Article.guid.in_(chunk), same_feed)).all())
        for chunk in _chunks(urls):
            by_url.update(s.execute(select(Article.canonical_url, Article.page_pending).where(Article.canonical_url.in_(chunk))).all())

    def known(raw: RawArticle) -> Stored:
        url = dedupe.canonical_url(raw.url)
        pending = by_url.get(url) if url in by_url else by_guid.get(raw.guid) if raw.guid in by_guid else None
        return None if pending is None else "pending" if pending else "stored"

    return known


def forget_pending(store: Store, feed_id: int, items: Iterable[RawArticle | Skipped]) -> None:
    """A teaser whose entry left the feed waits for its page no longer (polls read a feed with
    pending pages in full, so one left pending would cost the conditional GET for good)."""
    urls, guids = _keys([i for i in items if isinstance(i, RawArticle)])
    with store.session() as s:
        pending = s.execute(select(Article.id, Article.canonical_url, Article.guid).where(Article.feed_id == feed_id, Article.page_pending)).all()
        gone = [i for i, url, guid in pending if url not in urls and guid not in guids]
        if gone:
            s.execute(update(Article).where(Article.id.in_(gone)).values(page_pending=False))


def _keys(raws: list[RawArticle]) -> tuple[set[str], set[str]]:
    """The entries' canonical URLs and GUIDs: what finds them stored (see _find_duplicate)."""
    return {u for r in raws if (u := dedupe.canonical_url(r.url))}, {r.guid for r in raws if r.guid}


def _chunks(values: list[str], size: int = 500):
    for i in range(0, len(values), size):
        yield values[i : i + size]


@dataclass(frozen=True)
class Outcome:
    kind: Literal["new", "duplicate", "completed", "failed"]  # completed: a stored teaser got its page
    origin: str
    article_id: int | None = None
    reason: str = ""


@dataclass
class IngestReport:
    new: int = 0
    duplicate: int = 0
    completed: int = 0  # stored teasers that got their page's text (after a poll ran out of pages)
    failed: list[Skipped] = field(default_factory=list)
    duplicate_reasons: Counter = field(default_factory=Counter)
    new_ids: list[int] = field(default_factory=list)
    notes: list[Skipped] = field(default_factory=list)  # stored, with a caveat (e.g. teaser kept)

    def record(self, outcome: Outcome) -> None:
        if outcome.kind == "new":
            self.new += 1
            self.new_ids.append(outcome.article_id)
        elif outcome.kind == "duplicate":
            self.duplicate += 1
            self.duplicate_reasons[outcome.reason.split(" of ")[0]] += 1
        elif outcome.kind == "completed":
            self.completed += 1
        else:
            self.failed.append(Skipped(outcome.origin, outcome.reason))

    def fail(self, skipped: Skipped) -> None:
        self.failed.append(skipped)

    def summary(self) -> str:
        dup = ""
        if self.duplicate_reasons:
            dup = " (" + ", ".join(f"{n} {why}" for why, n in self.duplicate_reasons.most_common()) + ")"
        completed = f", {self.completed} stored teaser{'s' if self.completed != 1 else ''} given the full text" if self.completed else ""
        lines = [f"{self.new} new, {self.duplicate} duplicate{dup}{completed}, {len(self.failed)} failed"]
        lines += [f"  failed: {s}" for s in self.failed]
        lines += _notes(self.notes)
        return "\n".join(lines)


def _notes(notes: list[Skipped], each_up_to: int = 3) -> list[str]:
    """One line a note; a reason shared by more than `each_up_to` entries (a feed of 50 teasers
    past the page budget) is one line that counts them."""
    by_reason: dict[str, list[str]] = {}
    for n in notes:
        by_reason.setdefault(n.reason, []).append(n.origin)
    lines = []
    for reason, origins in by_reason.items():
        if len(origins) > each_up_to:
            lines.append(f"  note: {len(origins)} entries ({origins[0]}, {origins[1]}, ...): {reason}")
        else:
            lines += [f"  note: {origin}: {reason}" for origin in origins]
    return lines


class Ingestor:
    def __init__(self, store: Store, near_duplicate_threshold: float = 0.7) -> None:
        self.store = store
        self.threshold = near_duplicate_threshold

    def ingest(self, items: Iterable[RawArticle | Skipped], report: IngestReport | None = None) -> IngestReport:
        report = report or IngestReport()
        with self.store.session() as s:
            for item in items:
                if isinstance(item, Skipped):
                    report.fail(item)
                else:
                    outcome = self.add(s, item)
                    if outcome.article_id is not None:
                        self._add_feed(s, outcome.article_id, item.feed_id)
                    report.record(outcome)
                    if outcome.kind == "new" and (note := item.extra.get("note")):
                        report.notes.append(Skipped(item.origin, note))
                    s.commit()  # one article a transaction: a later failure loses nothing
        return report

    def add(self, s: Session, raw: RawArticle) -> Outcome:
        title = " ".join(raw.title.split())[:1024]
        text = clean_text(raw.text, title)
        url = dedupe.canonical_url(raw.url)
        if not text and not title:
            # A feed entry that is only a link was stored before with its page's text: a duplicate.
            if found := self._find_duplicate(s, url, raw.guid, raw.feed_id, None, None, raw.outlet.strip()[:256]):
                return Outcome("duplicate", raw.origin, found[0].id, found[1])
            return Outcome("failed", raw.origin, reason="nothing left after removing boilerplate")
        chash = dedupe.content_hash(title, text)
        mh = dedupe.minhash(text)
        place = (raw.outlet.strip()[:256], (url or raw.url or "")[:2048], title)

        found = self._find_duplicate(s, url, raw.guid, raw.feed_id, chash, mh, place[0])
        if found and _page_of_another_entry(found[0], raw, url, place[0]):
            # A consent wall or error page that an earlier entry of this feed got too: not this
            # entry's text, nor the earlier one's news. The teaser stays.
            back_to_teaser(raw)
            raw.extra["note"] = f"kept the teaser: its page holds the same text as #{found[0].id}, another entry of the feed"
            return self.add(s, raw)
        if found:
            article, reason = found
            self._add_sighting(s, article, *place)
            if article.page_pending and reason.startswith(("same URL", "same GUID")):
                return self._page_arrived(s, article, raw, text, chash, mh) or Outcome("duplicate", raw.origin, article.id, reason)
            return Outcome("duplicate", raw.origin, article.id, reason)
        seen = utcnow()
        if url and s.scalar(select(Article.id).where(Article.canonical_url == url)):
            url = None  # another entry of the feed with the same link (every item linking to "/")
        try:
            with s.begin_nested():
                article = Article(
                    canonical_url=url,
                    guid=(raw.guid or None) and raw.guid[:1024],
                    title=title,
                    text=text,
                    outlet=place[0] or None,
                    author=(raw.author or None) and raw.author[:256],
                    published_at=first_seen_date(raw.published, seen),
                    fetched_at=seen,
                    content_hash=chash,
                    minhash=dedupe.to_bytes(mh) if mh else None,
                    feed_id=raw.feed_id,
                    page_pending=bool(raw.extra.get("page_pending")),
                )
                s.add(article)
                s.flush()
                _add_bands(s, article.id, mh)
                self._add_sighting(s, article, *place)
                s.flush()
        except IntegrityError:
            # Another process stored the same URL or text between our check and our insert.
            found = self._find_duplicate(s, url, raw.guid, raw.feed_id, chash, None, place[0])
            if not found:
                raise
            self._add_sighting(s, found[0], *place)
            return Outcome("duplicate", raw.origin, found[0].id, found[1])
        return Outcome("new", raw.origin, article.id)

    def _page_arrived(self, s: Session, article: Article, raw: RawArticle, text: str, chash: str, mh) -> Outcome | None:
        """A stored teaser seen again: its page's text replaces it (the article keeps its id, story
        and sightings); without the page it waits for a later poll only while the budget is what
        kept it (a page that failed or held no more is not fetched again)."""
        article.page_pending = bool(raw.extra.get("page_pending"))
        if not raw.extra.get("full_text") or word_count(text) <= word_count(article.text):
            return None
        if s.scalar(select(Article.id).where(Article.content_hash == chash, Article.id != article.id)):
            article.page_pending = False  # the page is another stored article's text: the teaser stays
            return None
        article.text, article.content_hash = text, chash
        article.author = article.author or ((raw.author or None) and raw.author[:256])
        article.minhash = dedupe.to_bytes(mh) if mh else None
        s.execute(delete(ArticleBand).where(ArticleBand.article_id == article.id))
        _add_bands(s, article.id, mh)
        s.flush()
        return Outcome("completed", raw.origin, article.id, f"full text of #{article.id}")

    def _find_duplicate(self, s, url, guid, feed_id, chash, mh, outlet: str = "") -> tuple[Article, str] | None:
        same_feed = _of_feed(feed_id, outlet)
        a = url and s.scalar(select(Article).where(Article.canonical_url == url))
        # The same link under another GUID of the same feed is another entry (posts of one page,
        # a link that only query parameters told apart, every item linking to the home page).
        if a and not (guid and a.guid and a.guid != guid and _same_feed(a, feed_id, outlet)):
            return a, f"same URL of #{a.id}"
        if guid and (a := s.scalar(select(Article).where(Article.guid == guid, same_feed).limit(1))):
            return a, f"same GUID of #{a.id}"
        if a := s.scalar(select(Article).where(Article.content_hash == chash)):
            return a, f"same text of #{a.id}"
        if mh is not None:
            keys = dedupe.bands(mh)
            # One (band, hash) pair per band, as ORs: SQLite reads a row-value IN by scanning the
            # whole table (0.7 s at 4.8 million bands, each new article), ORs through the index.
            pairs = or_(*(and_(ArticleBand.band == band, ArticleBand.hash == h) for band, h in keys))
            candidates = s.scalars(select(ArticleBand.article_id).where(pairs).distinct()).all()
            best: tuple[float, int] | None = None
            for aid in candidates:
                sig = s.scalar(select(Article.minhash).where(Article.id == aid))
                if sig:
                    sim = dedupe.similarity(mh, dedupe.from_bytes(sig))
                    if sim >= self.threshold and (best is None or sim > best[0]):
                        best = (sim, aid)
            if best:
                return s.get(Article, best[1]), f"near-duplicate of #{best[1]} ({best[0]:.2f} similar)"
        return None

    @staticmethod
    def _add_feed(s: Session, article_id: int, feed_id: int | None) -> None:
        if feed_id is not None and s.get(ArticleFeed, (article_id, feed_id)) is None:
            s.add(ArticleFeed(article_id=article_id, feed_id=feed_id))

    @staticmethod
    def _add_sighting(s: Session, article: Article, outlet: str, url: str, title: str) -> None:
        exists = s.scalar(
            select(Sighting.id).where(Sighting.article_id == article.id, Sighting.outlet == outlet, Sighting.url == url)
        )
        if not exists:
            s.add(Sighting(article_id=article.id, outlet=outlet, url=url, title=title or None, seen_at=utcnow()))


def _of_feed(feed_id: int | None, outlet: str):
    """The condition on Article: carried by this feed. GUIDs are only unique within their feed;
    a feed read by `ingest` has no row, so its outlet stands for it."""
    return Article.feed_id == feed_id if feed_id is not None else Article.feed_id.is_(None) & (Article.outlet == (outlet or None))


def _same_feed(article: Article, feed_id: int | None, outlet: str) -> bool:
    """_of_feed for an article already loaded."""
    if feed_id is None:
        return article.feed_id is None and (article.outlet or "") == outlet
    return article.feed_id == feed_id


def _page_of_another_entry(found: Article, raw: RawArticle, url: str | None, outlet: str) -> bool:
    """Whether the page fetched for this teaser (canonical link `url`) holds what a stored entry
    of the same feed, with another link and GUID, holds: a page the site serves for many links,
    not the article."""
    return (
        "teaser" in raw.extra
        and _same_feed(found, raw.feed_id, outlet)
        and found.canonical_url != url
        and not (raw.guid and found.guid == raw.guid)
    )


def _add_bands(s: Session, article_id: int, mh) -> None:
    """The article's MinHash bands, which find its near-duplicates (none for a text too short)."""
    s.add_all(ArticleBand(article_id=article_id, band=b, hash=h) for b, h in (dedupe.bands(mh) if mh else []))
