"""Full-text search gives the same answers on SQLite and PostgreSQL: paging, stop words,
punctuation, accents (also decomposed), ranking, and operator words."""

from __future__ import annotations

import pytest
from alembic import command as alembic_command
from alembic.config import Config as AlembicConfig

from bot.commands import UsageError, parse_text
from bot.service import check_query
from corpus.search import query_words, search
from corpus.store import MIGRATIONS
from tests.chatkit import add as add_raw
from tests.chatkit import article as chat_article
from tests.chatkit import make_service, run
from tests.test_store import add


def ids(store, query: str, **kw) -> list[int]:
    with store.session() as s:
        return [h.article_id for h in search(s, query, **kw).hits]


def test_every_page_is_in_page_ones_mode(store):
    """No article has both words: page 2 goes on with the articles that have either (it was
    empty, as if past the end); with an article that has both, page 2 is past the end."""
    either = [add(store, f"Report {i} from Syria", "Fighting went on.", days=i) for i in range(4)]
    either += [add(store, f"A cafe opens, part {i}", "Coffee and cake.", days=i) for i in range(3)]
    with store.session() as s:
        first = search(s, "syria cafe", limit=5)
        second = search(s, "syria cafe", limit=5, offset=5)
    assert len(first.hits) == 5 and first.has_more
    assert len(second.hits) == 2 and not second.has_more
    assert {h.article_id for h in first.hits + second.hits} == set(either)

    both = add(store, "Syria: a cafe reopens in Damascus", "The cafe is full.")
    assert ids(store, "syria cafe", limit=5) == [both]
    assert ids(store, "syria cafe", limit=5, offset=5) == []


def test_stop_words_and_punctuation_are_found(store):
    """PostgreSQL's 'english' configuration dropped stop words and kept "U.S." as one token and
    "-300" as a signed number, so these found nothing there."""
    who = add(store, "The Who announce a farewell tour", "The band said it would be the last one.")
    us = add(store, "U.S. imposes new sanctions", "Washington acted on Monday.", days=1)
    s300 = add(store, "Russia delivers S-300 missiles", "The air defence systems arrived.", days=2)
    add(store, "Markets rise", "Shares gained on Tuesday.", days=3)
    assert ids(store, "The Who") == [who]
    for word in ("who", "it", "the"):
        assert who in ids(store, word), word
    assert ids(store, "U.S.") == [us]
    assert ids(store, "S-300") == [s300]


@pytest.mark.parametrize("query", ["cafe", "CAFÉ", "Zurich", "zürich", "Muller", "Mu\u0308ller", "Zu\u0308rich Mu\u0308ller"])
def test_accents_are_folded(store, query):
    a = add(store, "Café culture in Zürich", "Anna Müller opened a new café by the lake.")
    add(store, "Markets rise", "Shares gained on Tuesday.")
    assert ids(store, query) == [a]


def test_decomposed_text_is_found(store):
    """Text stored with decomposed accents (e + combining grave) is found by any spelling."""
    a = add(store, "Talks in Gene\u0300ve", "Delegates met in Gene\u0300ve on Monday.")
    for query in ("Geneve", "Genève", "Gene\u0300ve", "GENÈVE"):
        assert ids(store, query) == [a], query


def test_query_words_are_normalised():
    assert query_words("Mu\u0308ller ﬁnal") == ["Muller", "final"]


def test_a_long_live_blog_with_passing_mentions_ranks_below_a_report(store):
    """ts_rank_cd without length normalization put the live blog's four mentions first."""
    filler = " ".join(f"Update {i}: the parliament debated the budget and the markets moved again." for i in range(80))
    blog = " ".join([filler[:2000], "A small earthquake was felt.", filler[2000:4000], "Another earthquake was reported.",
                     filler[4000:], "The earthquake caused no damage.", "Earthquake experts were consulted."])
    report = add(store, "Strong earthquake hits central Chile", "The quake struck near Santiago. Buildings shook for a minute.")
    live = add(store, "Live: the day's news as it happens", blog, days=1)  # newer
    assert len(blog.split()) > 900
    assert ids(store, "earthquake") == [report, live]


def test_operator_words_are_words(store):
    """websearch_to_tsquery read a lowercase "or" as OR on PostgreSQL."""
    both = add(store, "Jet or train: travel to Syria", "Choose a jet or a train, and go.")
    add(store, "Jet crashes", "A jet crashed.", days=1)
    add(store, "Syria talks", "Talks on Syria.", days=2)
    assert ids(store, "jet or syria") == [both]
    assert ids(store, "jet and syria") == ids(store, "jet AND syria") == ids(store, "jet syria") == [both]


# --- the commands that search --------------------------------------------------------------------


def test_operator_words_are_ignored_in_any_case(store):
    """docs/chat.md: operators are ignored. A lowercase "Not" was searched for, and "Not Guilty"
    found articles that only said "not"."""
    guilty = add(store, "Jury finds the mayor guilty", "The verdict came on Friday.")
    add(store, "Court adjourns", "The judge did not rule yet.", days=1)
    reply = run(make_service(store), "news search", query='"Not Guilty"')
    assert [link.title for link in reply.messages[0].links] == ["Jury finds the mayor guilty"] and guilty
    assert "Searched for the words Guilty" in reply.messages[0].footer
    assert check_query("volcano or lava Near ash", "query") == ["volcano", "lava", "ash"]


def test_the_reply_shows_the_query_as_typed(store):
    add(store, "Russia delivers S-300 missiles", "The air defence systems arrived.")
    (links,) = run(make_service(store), "news search", query="S-300").messages
    assert links.title == "Search: S-300"


def test_an_option_given_twice_is_refused():
    """The second page:3 was left in the query: "volcano page:3" was searched for."""
    with pytest.raises(UsageError, match="page is given twice"):
        parse_text("news", "search volcano page:2 page:3")


def test_a_digest_on_a_topic_finds_what_search_finds(store):
    """/digest volcanoes said no story mentions 'volcanoes' while /news search found the articles
    about a volcano: the digest re-checked whole words as written."""
    add_raw(store, *(chat_article(i, title=f"Eruption number {i} reported") for i in (1, 2)),
        chat_article(3, title="Flood in Zürich", text="The river rose in Zürich overnight. Cellars were flooded."))
    svc = make_service(store)
    assert len(run(svc, "news search", query="volcanoes").messages[0].links) == 2
    digest = run(svc, "digest", topic="volcanoes")
    assert not digest.error and {s.headline for s in digest.messages[0].digest.stories} == {"Eruption number 1 reported", "Eruption number 2 reported"}
    zurich = run(svc, "digest", topic="zurich")
    assert not zurich.error and [s.headline for s in zurich.messages[0].digest.stories] == ["Flood in Zürich"]


def test_the_upgrade_indexes_stored_articles_anew(blank_store):
    """Articles stored before migration 0009 are found by what it fixed (on PostgreSQL the index
    is rebuilt from them); downgrading gives back the old index."""
    cfg = AlembicConfig()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    with blank_store.engine.begin() as conn:
        cfg.attributes["connection"] = conn
        alembic_command.upgrade(cfg, "0008_feed_added_url")
    a = add(blank_store, "The Who play in Zürich", "U.S. fans flew in.")
    blank_store.migrate()
    for query in ("the who", "zurich", "U.S."):
        assert ids(blank_store, query) == [a], query
    with blank_store.engine.begin() as conn:
        cfg.attributes["connection"] = conn
        alembic_command.downgrade(cfg, "0008_feed_added_url")
        alembic_command.upgrade(cfg, "head")
    assert ids(blank_store, "zurich") == [a]


@pytest.mark.parametrize("recent", [5000, 2])  # PostgreSQL: newest matches by walking, or by the index
def test_a_channels_feeds_narrow_the_search_before_the_newest_are_ranked(store, monkeypatch, recent):
    """With feed_ids, only articles those feeds carried are found, also when more than
    CANDIDATES newer matches came from elsewhere (they must not crowd the channel's out)."""
    import corpus.search
    from corpus.models import ArticleFeed, Feed

    monkeypatch.setattr(corpus.search, "CANDIDATES", 3)
    monkeypatch.setattr(corpus.search, "RECENT", recent)
    ours = [add(store, f"Volcano report {i}", "The volcano erupted.", days=i) for i in range(2)]
    others = [add(store, f"Volcano news {i}", "A volcano erupted elsewhere.", days=10 + i) for i in range(5)]
    with store.session() as s:
        feed, other = Feed(url="https://ours.example/rss"), Feed(url="https://theirs.example/rss")
        s.add_all([feed, other])
        s.flush()
        s.add_all([ArticleFeed(article_id=i, feed_id=feed.id) for i in ours] + [ArticleFeed(article_id=i, feed_id=other.id) for i in others])
        feed_id = feed.id
    assert sorted(ids(store, "volcano", limit=5, feed_ids=(feed_id,))) == ours
    assert sorted(ids(store, "volcano erupted elsewhere", limit=5, feed_ids=(feed_id,))) == ours  # any word: still ours only
    assert ids(store, "volcano", limit=5, feed_ids=()) == []  # a channel whose feeds carried nothing yet
    assert len(ids(store, "volcano", limit=10)) == 7


def test_a_channels_feeds_are_checked_per_match_not_handed_to_fts5(sqlite_store):
    """As `rowid IN (the feeds' articles)` SQLite handed the whole list to FTS5, which looked each
    article up: 2.5-6.5 s a search in a channel whose feeds carried tens of thousands of articles
    over months. Checked per match through the (article, feed) key, it took ~10 ms there."""
    from sqlalchemy import event

    from corpus.models import ArticleFeed, Feed

    a = add(sqlite_store, "Volcano report", "The volcano erupted.")
    with sqlite_store.session() as s:
        feed = Feed(url="https://ours.example/rss")
        s.add(feed)
        s.flush()
        s.add(ArticleFeed(article_id=a, feed_id=feed.id))
        feed_id = feed.id
    sent = []
    event.listen(sqlite_store.engine, "before_cursor_execute", lambda conn, cursor, sql, params, *_: sent.append((sql, params)))
    assert ids(sqlite_store, "volcano", feed_ids=(feed_id,)) == [a]
    ((sql, params),) = [(q, p) for q, p in sent if "articles_fts" in q]
    with sqlite_store.engine.connect() as conn:
        plan = " / ".join(row[3] for row in conn.exec_driver_sql("EXPLAIN QUERY PLAN " + sql, params))
    assert "LIST SUBQUERY" not in plan and "article_feeds" in plan, plan
