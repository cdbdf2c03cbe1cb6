"""Full-text search behind one interface: SQLite FTS5 or PostgreSQL tsvector.

Whatever a user types is reduced to plain words before it reaches either engine, so quotes,
operators, parentheses and `*` never raise and never change the query's meaning."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime
from functools import partial

from sqlalchemy import bindparam, text
from sqlalchemy.orm import Session

from corpus.models import UTCDateTime

MAX_WORDS = 32
# Ranking every match of a common word among 100,000 articles costs 100 ms and more (bm25 or
# ts_rank_cd for each of tens of thousands of rows). Results are ranked among the newest
# CANDIDATES matches instead (article ids grow as articles are stored), so a search costs about
# the same however common its words are; news searches favour recent news anyway.
CANDIDATES = 200
# PostgreSQL finds the newest matches of a common word by walking the newest articles, and those
# of a rarer word through the GIN index. The walk looks at RECENT articles at most: a word that
# has not CANDIDATES matches among them is rare enough (under 4%) for the index.
RECENT = 5000
_WORD = re.compile(r"\w+", re.UNICODE)
_ACCENTS = re.compile("[\u0300-\u036f]")  # the combining diacritical marks
_utc = UTCDateTime()


@dataclass(frozen=True)
class SearchHit:
    article_id: int
    title: str
    outlet: str | None
    url: str | None
    published_at: datetime | None
    snippet: str


@dataclass(frozen=True)
class SearchPage:
    hits: list[SearchHit]
    has_more: bool


def fold(text: str) -> str:
    """NFKC without accents: "Zürich", "Zu\\u0308rich" (decomposed) and "Zurich" are one word.
    PostgreSQL's search index folds the stored text the same way in SQL (migration 0009); SQLite's
    FTS5 tokenizer removes the same accents itself."""
    return unicodedata.normalize("NFC", _ACCENTS.sub("", unicodedata.normalize("NFKD", text)))


def query_words(query: str) -> list[str]:
    """The plain words of a user's query, folded (at most MAX_WORDS, each at most 64 characters)."""
    return [w[:64] for w in _WORD.findall(fold(query))][:MAX_WORDS]


def search(session: Session, query: str, *, limit: int = 10, offset: int = 0, feed_ids: tuple[int, ...] | None = None) -> SearchPage:
    """Articles matching every word, best first, then newest; if none match all words, any word.
    Ranked among the newest CANDIDATES matches (or as many as the page needs).
    `feed_ids`: only articles one of these feeds carried (a channel's own feeds)."""
    words = query_words(query)
    if not words or limit <= 0:
        return SearchPage([], False)
    run = partial(_search_pg if session.get_bind().dialect.name == "postgresql" else _search_sqlite, feed_ids=feed_ids)
    offset = max(offset, 0)
    rows = run(session, words, "all", limit + 1, offset)
    # Every page in page 1's mode: any word only when no article has every word (an empty page
    # past the end of the every-word matches stays empty).
    if not rows and len(words) > 1 and not (offset and run(session, words, "all", 1, 0)):
        rows = run(session, words, "any", limit + 1, offset)
    hits = [
        SearchHit(r.id, r.title, r.outlet, r.canonical_url, _utc.process_result_value(_as_dt(r.published_at), None), _squash(r.snippet))
        for r in rows[:limit]
    ]
    return SearchPage(hits, len(rows) > limit)


def _carried(column: str, feed_ids: tuple[int, ...] | None) -> str:
    """The SQL condition that `column` is an article one of `feed_ids` carried ("" for any). As a
    correlated EXISTS, checked per match through the (article, feed) key: as `IN (the feeds'
    articles)` SQLite handed the list to FTS5, which looked each up (2.5 s for a feed's history of
    tens of thousands of articles)."""
    return "" if feed_ids is None else f" AND EXISTS (SELECT 1 FROM article_feeds af WHERE af.article_id = {column} AND af.feed_id IN :feeds)"


def _params(sql: str, feed_ids: tuple[int, ...] | None):
    return text(sql).bindparams(bindparam("feeds", expanding=True)) if feed_ids is not None else text(sql)


def _search_sqlite(session: Session, words: list[str], mode: str, limit: int, offset: int, feed_ids: tuple[int, ...] | None = None):
    # Each word becomes an FTS5 string literal; \w+ words contain no double quote to escape.
    # The candidates are the matches from the newest CANDIDATES' rowid up: a range FTS5 walks
    # without scoring anything else.
    match = (" " if mode == "all" else " OR ").join(f'"{w}"' for w in words)
    sql = _params(
        "SELECT a.id, a.title, a.outlet, a.canonical_url, a.published_at, "
        "snippet(articles_fts, 1, '', '', '…', 16) AS snippet "
        "FROM articles_fts JOIN articles a ON a.id = articles_fts.rowid "
        f"WHERE articles_fts MATCH :match{_carried('articles_fts.rowid', feed_ids)} AND articles_fts.rowid >= ("
        "  SELECT coalesce(min(rowid), 0) FROM ("
        f"    SELECT rowid FROM articles_fts WHERE articles_fts MATCH :match{_carried('articles_fts.rowid', feed_ids)} ORDER BY rowid DESC LIMIT :pool)) "
        "ORDER BY bm25(articles_fts, 10.0, 1.0), a.published_at DESC NULLS LAST, a.id DESC "
        "LIMIT :limit OFFSET :offset",
        feed_ids,
    )
    params = {"match": match, "pool": max(CANDIDATES, offset + limit), "limit": limit, "offset": offset}
    return session.execute(sql, params | ({"feeds": list(feed_ids)} if feed_ids is not None else {})).all()


def _search_pg(session: Session, words: list[str], mode: str, limit: int, offset: int, feed_ids: tuple[int, ...] | None = None):
    # to_tsquery's syntax is & | ! ( ) : * < > and quotes, which \w+ words never hold: "or" and
    # "not" are words (websearch_to_tsquery read "or" as OR). newsbot_english (migration 0009)
    # stems English and keeps stop words ("The Who"), as SQLite's porter tokenizer does.
    q = (" & " if mode == "all" else " | ").join(words)
    # A plan made for these words: a generic plan (psycopg prepares statements it sees often)
    # can't tell a rare word from a common one.
    session.execute(text("SET LOCAL plan_cache_mode = force_custom_plan"))
    # The walk goes over the newest articles, or within a channel's feeds over the newest of
    # theirs: the newest articles overall held too few of a feed's matches, and collecting every
    # match of a common word took ~350 ms (a word in 30% of 80,000 articles).
    newest = (
        "(SELECT id, search_vector FROM articles ORDER BY id DESC LIMIT :recent)" if feed_ids is None else
        "(SELECT id, search_vector FROM articles WHERE id IN (SELECT article_id FROM article_feeds "
        "WHERE feed_id IN :feeds ORDER BY article_id DESC LIMIT :recent))"
    )  # fmt: skip
    sql = _params(
        "WITH recent AS ("
        f"  SELECT a.id FROM {newest} a "
        "  WHERE a.search_vector @@ to_tsquery('newsbot_english', :q) ORDER BY a.id DESC LIMIT :pool), "
        # Only when the walk found too few: every match, through the index (no LIMIT here, or the
        # planner may walk the whole table instead).
        "everywhere AS MATERIALIZED ("
        "  SELECT id FROM articles WHERE (SELECT count(*) FROM recent) < :pool "
        f"  AND search_vector @@ to_tsquery('newsbot_english', :q){_carried('articles.id', feed_ids)}), "
        "candidates AS ("
        "  SELECT id FROM recent WHERE (SELECT count(*) FROM recent) >= :pool "
        "  UNION ALL (SELECT id FROM everywhere ORDER BY id DESC LIMIT :pool)) "
        "SELECT a.id, a.title, a.outlet, a.canonical_url, a.published_at, "
        "ts_headline('newsbot_english', left(a.text, 5000), to_tsquery('newsbot_english', :q), "
        "'MaxWords=24, MinWords=8, StartSel=\"\", StopSel=\"\"') AS snippet "
        "FROM candidates c JOIN articles a ON a.id = c.id "
        # A title word weighs ten text words (as bm25's weights on SQLite), and rank is divided by
        # 1 + log(length) (flag 1): a long live blog's passing mentions no longer outrank a report.
        "ORDER BY ts_rank_cd('{0.1, 0.1, 0.1, 1.0}', a.search_vector, to_tsquery('newsbot_english', :q), 1) DESC, "
        "a.published_at DESC NULLS LAST, a.id DESC "
        "LIMIT :limit OFFSET :offset",
        feed_ids,
    )
    params = {"q": q, "pool": max(CANDIDATES, offset + limit), "recent": RECENT, "limit": limit, "offset": offset}
    return session.execute(sql, params | ({"feeds": list(feed_ids)} if feed_ids is not None else {})).all()


def _as_dt(value):
    # Raw SQL on SQLite hands back the stored ISO string.
    if isinstance(value, str):
        return datetime.fromisoformat(value)
    return value


def _squash(s: str | None) -> str:
    return " ".join((s or "").split())
