"""The store on SQLite and PostgreSQL: migrations, pragmas, full-text search."""

from __future__ import annotations

import threading
from datetime import datetime, timedelta, timezone

import pytest
from alembic import command as alembic_command
from alembic.autogenerate import compare_metadata
from alembic.config import Config as AlembicConfig
from alembic.migration import MigrationContext
from sqlalchemy import delete, func, select, text, update

from corpus.channels import Subscription
from corpus.deliveries import Delivery
from corpus.models import Article, Base
from corpus.search import search
from corpus.store import MIGRATIONS, DatabaseUnavailable, Store, unreachable

T0 = datetime(2024, 5, 1, 12, 0, tzinfo=timezone.utc)


def add(store: Store, title: str, body: str, days: int = 0, url: str | None = None) -> int:
    with store.session() as s:
        a = Article(title=title, text=body, outlet="Test Outlet", published_at=T0 + timedelta(days=days),
                    content_hash=f"{title}|{body}|{days}"[:64], canonical_url=url)
        s.add(a)
        s.flush()
        return a.id


def test_migrate_is_idempotent(store):
    store.migrate()
    store.migrate()
    with store.session() as s:
        assert s.execute(text("SELECT version_num FROM alembic_version")).scalar()


def test_an_in_memory_sqlite_database_keeps_its_tables_and_foreign_keys():
    """Migrations run with foreign keys off on SQLite; the connection gets them back rather than
    being dropped, which would drop a `:memory:` database with it."""
    st = Store("sqlite:///:memory:")
    st.migrate()
    with st.engine.connect() as c:
        assert c.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert c.execute(text("SELECT count(*) FROM articles")).scalar() == 0
    st.dispose()


def test_sqlite_has_wal_and_foreign_keys(sqlite_store):
    with sqlite_store.engine.connect() as c:
        assert c.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert c.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1


def test_datetimes_come_back_aware_utc(store):
    aid = add(store, "Zone", "Some text")
    with store.session() as s:
        a = s.get(Article, aid)
        s.expire_all()
        a = s.get(Article, aid)
        assert a.published_at == T0 and a.published_at.tzinfo is not None


def test_search_ranks_by_relevance_then_recency(store):
    old = add(store, "Earthquake hits coastal town", "An earthquake hit the town.", days=0)
    new = add(store, "Earthquake hits coastal town", "An earthquake hit the town.", days=3)
    weak = add(store, "Markets today", "Stocks rose. Analysts mentioned an earthquake once.", days=9)
    with store.session() as s:
        ids = [h.article_id for h in search(s, "earthquake").hits]
    assert ids == [new, old, weak]


def test_search_stems_and_needs_every_word_first(store):
    a = add(store, "Officers defected overnight", "Three officers defected to Turkey.")
    add(store, "Turkey weather", "Sunny in Turkey.")
    with store.session() as s:
        hits = search(s, "defecting officer Turkey").hits
    assert [h.article_id for h in hits] == [a]


def test_search_falls_back_to_any_word(store):
    a = add(store, "Jet shot down", "Syria shot down a jet.")
    with store.session() as s:
        hits = search(s, "jet zanzibar").hits
    assert [h.article_id for h in hits] == [a]


@pytest.mark.parametrize(
    "query",
    ['"', '"unbalanced', "(", "a)", "((jet", "*", "jet*", "NEAR(jet, syria)", "jet AND", "OR", "NOT jet",
     "-jet", "jet:title", "title:jet", "'; DROP TABLE articles; --", "^jet", "jet + syria", "\\", "{}", "&|!<>",
     "\x00", "🙂 jet", "a" * 5000, "jet " * 500],
)
def test_hostile_queries_never_raise(store, query):
    add(store, "Jet shot down over Syria", "Syria shot down a Turkish jet.")
    with store.session() as s:
        page = search(s, query)
    assert isinstance(page.hits, list)
    with store.session() as s:
        assert s.scalar(select(Article.id).limit(1)) is not None  # the table is still there


def test_operators_are_plain_words(store):
    add(store, "Jet shot down", "Syria shot down a jet.")
    with store.session() as s:
        # As FTS5 syntax `jet NOT syria` would exclude the article; as words, "not" is just a word.
        assert search(s, "jet NOT syria").hits
        assert search(s, "jet*").hits


def test_search_follows_updates_and_deletes(store):
    aid = add(store, "Old headline", "Nothing to see.")
    with store.session() as s:
        s.execute(update(Article).where(Article.id == aid).values(title="Volcano erupts", text="Lava flows."))
    with store.session() as s:
        assert [h.article_id for h in search(s, "volcano").hits] == [aid]
        assert search(s, "headline").hits == []
        s.execute(delete(Article).where(Article.id == aid))
    with store.session() as s:
        assert search(s, "volcano").hits == []


def test_search_pages(store):
    for i in range(7):
        add(store, f"Flood report {i}", "The river flooded the valley.", days=i)
    with store.session() as s:
        first = search(s, "flood", limit=5)
        second = search(s, "flood", limit=5, offset=5)
    assert len(first.hits) == 5 and first.has_more
    assert len(second.hits) == 2 and not second.has_more
    assert not {h.article_id for h in first.hits} & {h.article_id for h in second.hits}


def test_search_hit_carries_outlet_date_link(store):
    add(store, "Storm warning", "A storm is coming.", url="https://news.example/storm")
    with store.session() as s:
        (hit,) = search(s, "storm").hits
    assert hit.outlet == "Test Outlet" and hit.url == "https://news.example/storm"
    assert hit.published_at == T0 and "storm" in hit.snippet.lower()


def test_unreachable_database_is_a_clear_error():
    st = Store("postgresql+psycopg://nobody@127.0.0.1:1/none", connect_args={"connect_timeout": 2})
    with pytest.raises(DatabaseUnavailable, match="check database.url"):
        st.migrate()


def test_only_outages_count_as_an_unreachable_database(tmp_path):
    """Commands and the scheduler wait out an outage; a bug (bad SQL, a missing table) must not
    pass for one."""
    down = Store("postgresql+psycopg://nobody@127.0.0.1:1/none", connect_args={"connect_timeout": 2})
    with pytest.raises(Exception) as refused:
        with down.session() as s:
            s.execute(text("select 1"))
    assert "127.0.0.1" in unreachable(refused.value)
    lite = Store(f"sqlite:///{tmp_path / 'x.db'}")
    with pytest.raises(Exception) as missing:
        with lite.session() as s:
            s.execute(text("select * from no_such_table"))
    assert unreachable(missing.value) is None
    assert unreachable(ValueError("nothing to do with a database")) is None
    lite.dispose()


@pytest.mark.parametrize("recent", [5000, 2])  # PostgreSQL: newest matches by walking, or by the index
def test_ranking_is_among_the_newest_matches(store, monkeypatch, recent):
    """With more matches than corpus.search.CANDIDATES, only the newest are ranked (a common
    word's tens of thousands of matches would cost too much to rank); a page further on still
    gets its results."""
    import corpus.search

    monkeypatch.setattr(corpus.search, "CANDIDATES", 3)
    monkeypatch.setattr(corpus.search, "RECENT", recent)
    oldest = add(store, "Volcano volcano volcano", "The volcano, the volcano and the volcano erupted.", days=0)
    newer = [add(store, f"Markets {i}", f"Stocks moved. A volcano was mentioned once in report {i}.", days=i) for i in range(1, 5)]
    with store.session() as s:
        first = [h.article_id for h in search(s, "volcano", limit=2).hits]
        deep = [h.article_id for h in search(s, "volcano", limit=2, offset=4).hits]
    assert oldest not in first and set(first) <= set(newer[-3:])
    assert len(deep) == 1  # offset 4 + limit 2 widens the candidates to 6: all 5 matches


def test_the_migrated_schema_is_the_models(store):
    """Every table and column the models declare is, after the migrations, as the models declare
    it. What the migrations add of their own (the search index, APScheduler's job table) shows as
    a removal, and is left out. (The channel and delivery tables are on the same metadata: this
    module imports them.)"""
    with store.engine.connect() as conn:
        diffs = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    flat = [d for group in diffs for d in (group if isinstance(group, list) else [group])]  # column changes come in lists
    assert [d for d in flat if not d[0].startswith("remove_")] == []


def test_channels_made_before_digest_settings_follow_the_configuration(blank_store):
    """Before /news settings, a channel's row copied the digest size of the day it was made;
    the upgrade lets every such channel follow the configured defaults."""
    cfg = AlembicConfig()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    with blank_store.engine.begin() as conn:
        cfg.attributes["connection"] = conn
        alembic_command.upgrade(cfg, "0004_deliveries")
        conn.execute(text("INSERT INTO feeds (id, url, error_count, created_at) VALUES (1, 'https://x.example/feed', 0, :t)"), {"t": T0})
        conn.execute(text(
            "INSERT INTO subscriptions (id, platform, workspace, channel, timezone, include_keywords, exclude_keywords,"
            " story_count, words, algorithm, post_when_empty, created_at, updated_at)"
            " VALUES (1, 'slack', 'T1', 'C1', 'UTC', '[]', '[\"sports\"]', 5, 80, 'lexrank', false, :t, :t)"
        ), {"t": T0})
        conn.execute(text("INSERT INTO subscription_feeds (subscription_id, feed_id, created_at) VALUES (1, 1, :t)"), {"t": T0})
        conn.execute(text("INSERT INTO deliveries (subscription_id, slot, slot_at, kind, status, attempts) VALUES (1, 's1', :t, 'digest', 'posted', 1)"), {"t": T0})
    blank_store.migrate()
    with blank_store.session() as s:
        sub = s.scalar(select(Subscription))
        assert (sub.story_count, sub.words, sub.algorithm) == (None, None, None)
        assert sub.exclude_keywords == ["sports"] and sub.channel == "C1"  # the rest is kept...
        # ...and so is what refers to the channel: SQLite rebuilds the table to change a column,
        # and with foreign keys on, that deleted the channel's feeds and delivery log.
        assert [f.url for f in sub.feeds] == ["https://x.example/feed"]
        assert s.scalar(select(Delivery.slot)) == "s1"
    if blank_store.dialect == "sqlite":
        with blank_store.engine.connect() as c:
            assert c.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1


def test_processes_started_together_on_a_new_database_migrate_it_once(blank_store):
    """Several bots started at once on one new database (README: scaling past one machine)
    raced to create the same tables, and all but one died ("table feeds already exists",
    PostgreSQL's duplicate pg_type key). Four at once on a database with no tables."""
    errors: list[str] = []
    start = threading.Barrier(4)

    def migrate() -> None:
        start.wait()
        try:
            blank_store.migrate()
        except Exception as exc:  # what a racing process died of
            errors.append(repr(exc)[:200])

    threads = [threading.Thread(target=migrate) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    with blank_store.session() as s:
        assert s.scalar(select(func.count()).select_from(Article)) == 0  # the schema is there, once


def test_a_database_server_that_never_answers_is_given_up_on(monkeypatch):
    """A host that accepts the connection and says nothing (frozen, or a stuck proxy) held
    libpq's connect, and with it the health endpoint and the scheduler, forever."""
    import socket
    import time

    import corpus.store as store_module

    monkeypatch.setattr(store_module, "CONNECT_TIMEOUT", 1, raising=False)
    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen()
    try:
        st = Store(f"postgresql+psycopg://nobody@127.0.0.1:{silent.getsockname()[1]}/none")
        started = time.monotonic()
        with pytest.raises(DatabaseUnavailable, match="check database.url"):
            st.migrate()
        assert time.monotonic() - started < 30
    finally:
        silent.close()
