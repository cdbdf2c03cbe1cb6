"""Ingestion into the store: exact and near-duplicate detection, sightings, the report."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from sqlalchemy import func, select

from corpus.dedupe import canonical_url
from corpus.ingest import IngestReport, Ingestor
from corpus.models import Article, Feed, Sighting
from corpus.raw import RawArticle, Skipped

WIRE = (
    "Rescue teams searched through the rubble of collapsed buildings on Tuesday after a strong "
    "earthquake struck the coastal province overnight, killing at least 40 people and injuring "
    "hundreds more, officials said. The quake had a magnitude of 6.8 and was centred 30 kilometres "
    "off the coast at a depth of 10 kilometres, according to the national seismology institute. "
    "Power and telephone lines were cut across the region and several roads were blocked by "
    "landslides, slowing the arrival of aid. The governor declared a state of emergency and "
    "asked the army to help evacuate residents from damaged neighbourhoods near the harbour."
)


def raw(title="Quake kills 40", text=WIRE, outlet="Wire A", url="https://a.example/quake", **kw):
    return RawArticle(title=title, text=text, outlet=outlet, url=url, origin=url or title, **kw)


def count(store, model):
    with store.session() as s:
        return s.scalar(select(func.count()).select_from(model))


def test_canonical_url_strips_tracking_and_fragment():
    assert canonical_url("HTTPS://News.Example.com:443/a?utm_source=x&id=3&fbclid=y#top") == "https://news.example.com/a?id=3"
    # A fragment that names a post stays: a live blog's feed links each post into one page.
    assert canonical_url("https://news.example.com/live#post-3") == "https://news.example.com/live#post-3"
    assert canonical_url("https://news.example.com/a#xtor=RSS-3") == "https://news.example.com/a"
    assert canonical_url("ftp://x.example/a") is None
    assert canonical_url("javascript:alert(1)") is None


def test_same_url_with_tracking_params_is_a_duplicate(store):
    ing = Ingestor(store)
    report = ing.ingest([raw(), raw(url="https://a.example/quake?utm_source=rss&utm_medium=feed#x")])
    assert (report.new, report.duplicate) == (1, 1)
    assert report.duplicate_reasons == {"same URL": 1}


def test_syndicated_copy_keeps_both_links(store):
    """The same wire text at two outlets: one article, two places seen."""
    ing = Ingestor(store)
    report = ing.ingest([raw(), raw(outlet="Paper B", url="https://b.example/world/quake-40-dead")])
    assert (report.new, report.duplicate) == (1, 1)
    with store.session() as s:
        places = s.execute(select(Sighting.outlet, Sighting.url)).all()
    assert sorted(places) == [("Paper B", "https://b.example/world/quake-40-dead"), ("Wire A", "https://a.example/quake")]


def test_near_duplicate_with_light_edits_is_merged(store):
    edited = WIRE.replace("Tuesday", "Wednesday").replace("officials said", "local officials told reporters")
    edited = "PORT CITY (Reuters) - " + edited + " Reporting by Jane Roe; editing by John Doe."
    report = Ingestor(store).ingest([raw(), raw(text=edited, outlet="Paper C", url="https://c.example/q")])
    assert (report.new, report.duplicate) == (1, 1)
    assert next(iter(report.duplicate_reasons)) == "near-duplicate"
    assert count(store, Sighting) == 2


def test_near_duplicates_are_looked_up_through_the_band_index(sqlite_store):
    """Each new article looks its bands up: SQLite read the row-value IN that did it by scanning
    every band (0.7 s an article at 4.8 million bands, after months of feeds). The lookup as
    sent, planned by SQLite, goes through ix_article_bands_lookup."""
    from sqlalchemy import event

    sent = []
    event.listen(sqlite_store.engine, "before_cursor_execute", lambda conn, cursor, sql, params, *_: sent.append((sql, params)))
    Ingestor(sqlite_store).ingest([raw()])
    sent.clear()
    Ingestor(sqlite_store).ingest([raw(text=WIRE.replace("Tuesday", "Wednesday"), outlet="Paper C", url="https://c.example/q")])
    ((sql, params),) = [(q, p) for q, p in sent if "FROM article_bands" in q]
    with sqlite_store.engine.connect() as conn:
        plan = " / ".join(row[3] for row in conn.exec_driver_sql("EXPLAIN QUERY PLAN " + sql, params))
    assert "ix_article_bands_lookup" in plan and "SCAN article_bands" not in plan, plan


def test_different_story_of_the_same_kind_is_kept(store):
    other = (
        "A magnitude 5.9 earthquake shook the mountain region on Friday afternoon, damaging old "
        "stone houses in three villages but causing no deaths, the civil protection agency said. "
        "Schools were closed for inspection and hundreds of residents spent the night in tents. "
        "Aftershocks continued into the evening, and engineers began checking two dams upstream "
        "of the main town. The prime minister said the government would release emergency funds."
    )
    report = Ingestor(store).ingest([raw(), raw(title="Quake damages villages", text=other, url="https://d.example/v")])
    assert (report.new, report.duplicate) == (2, 0)


def test_guid_is_unique_within_its_feed_only(store):
    with store.session() as s:
        f1, f2 = Feed(url="https://f1.example/rss"), Feed(url="https://f2.example/rss")
        s.add_all([f1, f2])
        s.flush()
        ids = f1.id, f2.id
    ing = Ingestor(store)
    report = ing.ingest([
        raw(title="One", text="First item text.", url=None, guid="42", feed_id=ids[0]),
        raw(title="One, updated", text="First item text, edited.", url=None, guid="42", feed_id=ids[0]),
        raw(title="Other feed", text="Unrelated text here.", url=None, guid="42", feed_id=ids[1]),
    ])
    assert (report.new, report.duplicate) == (2, 1)
    assert report.duplicate_reasons == {"same GUID": 1}


def test_entries_of_one_feed_with_one_link_but_their_own_guids_are_all_kept(store):
    """A feed whose items all link to its home page, or to one page told apart by a parameter
    that counts as tracking ("view.php?cid=101"): the GUIDs say they are different entries."""
    with store.session() as s:
        feed = Feed(url="https://f1.example/rss")
        s.add(feed)
        s.flush()
        fid = feed.id
    items = [raw(title=f"Notice {i}", text=f"Notice number {i} says the {w} pool is closed for repairs.", url="https://f1.example/",
                 guid=f"n{i}", feed_id=fid) for i, w in enumerate(("north", "south", "east"))]
    report = Ingestor(store).ingest(items)
    assert (report.new, report.duplicate) == (3, 0), report.summary()
    again = Ingestor(store).ingest([raw(title=x.title, text=x.text, url=x.url, guid=x.guid, feed_id=fid) for x in items])
    assert (again.new, again.duplicate) == (0, 3), again.summary()
    with store.session() as s:
        assert sorted(s.scalars(select(Sighting.url)).all()) == ["https://f1.example/"] * 3  # each shows its link


def test_guids_of_two_feeds_read_by_ingest_are_told_apart_by_their_outlet(store):
    """`ingest URL` stores no feed row, so two feeds' numeric GUIDs met as one: the second
    feed's article was lost and its link listed under the first one's story."""
    report = Ingestor(store).ingest([
        raw(title="Harbour reopens", text="The harbour reopened on Monday.", outlet="Outlet B", url="https://b.example/1", guid="1"),
        raw(title="Budget passes", text="The council passed the budget.", outlet="Outlet C", url="https://c.example/1", guid="1"),
        raw(title="Harbour reopens again", text="The harbour reopened.", outlet="Outlet B", url=None, guid="1"),
    ])
    assert (report.new, report.duplicate) == (2, 1) and report.duplicate_reasons == {"same GUID": 1}
    # The same rule says whether a teaser's page is worth fetching: outlet C's entry "1" is new.
    from corpus.ingest import stored_already

    known = stored_already(store, [raw(title="Ferry strike", text="Teaser.", outlet="Outlet C", url="https://c.example/2", guid="1")])
    assert known(raw(title="Ferry strike", text="Teaser.", outlet="Outlet C", url="https://c.example/2", guid="1")) == "stored"  # C's own "1"
    other = stored_already(store, [raw(title="Ferry strike", text="Teaser.", outlet="Outlet D", url="https://d.example/2", guid="1")])
    assert other(raw(title="Ferry strike", text="Teaser.", outlet="Outlet D", url="https://d.example/2", guid="1")) is None


def test_same_text_different_url_is_a_duplicate(store):
    short = "Markets closed higher on Monday."
    report = Ingestor(store).ingest([raw(text=short), raw(text=short.upper(), url="https://z.example/m")])
    assert report.duplicate_reasons == {"same text": 1}


def test_skipped_items_are_reported_and_nothing_else_is_lost(store):
    items = [raw(), Skipped("bad.txt", "empty file"), raw(title="", text="   ", url=None),
             raw(title="Second", text="Another story entirely.", url="https://e.example/2")]
    report = Ingestor(store).ingest(items)
    assert report.new == 2
    assert [str(f) for f in report.failed] == ["bad.txt: empty file", "   : nothing left after removing boilerplate"] or len(report.failed) == 2
    assert "2 new, 0 duplicate, 2 failed" in report.summary()


def test_bundled_corpus_ingests_five_articles_then_dedupes(store, settings):
    from bot.ingesting import ingest_targets

    first = ingest_targets(store, settings, [str(d) for d in settings.corpus_dirs])
    second = ingest_targets(store, settings, [str(d) for d in settings.corpus_dirs])
    assert (first.new, first.duplicate, first.failed) == (5, 0, [])
    assert (second.new, second.duplicate) == (0, 5)
    assert count(store, Article) == 5


def test_an_empty_name_is_refused_not_read_as_the_current_folder(store, settings, tmp_path, monkeypatch):
    # `ingest "$FEED"` with FEED unset: Path("") is the current folder, whose files are not news.
    from bot.ingesting import ingest_targets

    (tmp_path / "notes.txt").write_text("A private note that is no article.\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    report = ingest_targets(store, settings, ["", "  "])
    assert (report.new, report.duplicate) == (0, 0) and count(store, Article) == 0
    assert [str(f) for f in report.failed] == ["'': an empty name; give a file, a folder or an http(s) URL",
                                              "'  ': an empty name; give a file, a folder or an http(s) URL"]


def test_every_feed_that_carried_an_article_is_recorded(store):
    """The same story through two feeds: one article, and both feeds know it."""
    from corpus.models import ArticleFeed

    with store.session() as s:
        a, b = Feed(url="https://a.example/rss"), Feed(url="https://b.example/world.rss")
        s.add_all([a, b])
        s.flush()
        ids = a.id, b.id
    report = Ingestor(store).ingest([raw(feed_id=ids[0]), raw(feed_id=ids[1]), raw(feed_id=ids[1])])
    assert (report.new, report.duplicate) == (1, 2)
    with store.session() as s:
        assert sorted(s.execute(select(ArticleFeed.feed_id)).scalars()) == sorted(ids)


def test_a_date_in_the_future_is_stored_as_when_the_article_was_seen(store):
    # A wrong clock or time zone, or a post scheduled ahead: dated 2099, a story would lead
    # every digest and never leave its window. A few minutes ahead is clock skew and stays.
    now = datetime.now(timezone.utc)
    soon = now + timedelta(minutes=5)
    texts = {
        "Far ahead": "The city council approved a new budget for parks and libraries on Monday evening.",
        "Hours ahead": "A freight train derailed near the river crossing, and no injuries were reported.",
        "Skewed": "The central bank kept its interest rate unchanged, citing slowing inflation.",
        "Undated": "Thousands of runners took part in the marathon despite the heavy rain.",
    }
    dates = {"Far ahead": datetime(2099, 1, 1, tzinfo=timezone.utc), "Hours ahead": now + timedelta(hours=13), "Skewed": soon, "Undated": None}
    Ingestor(store).ingest([raw(title=t, text=texts[t], url=f"https://a.example/{k}", published=dates[t]) for k, t in enumerate(texts)])
    with store.session() as s:
        rows = {a.title: (a.published_at, a.fetched_at) for a in s.scalars(select(Article))}
    aware = lambda d: d if d is None or d.tzinfo else d.replace(tzinfo=timezone.utc)  # SQLite keeps no zone
    for title in ("Far ahead", "Hours ahead"):
        published, fetched = map(aware, rows[title])
        assert published == fetched and abs(published - now) < timedelta(minutes=1), title
    assert aware(rows["Skewed"][0]) == soon
    assert rows["Undated"][0] is None


def test_many_notes_with_one_reason_are_one_line():
    """A new feed of 30 teasers past the page budget said the same thing 10 times over."""
    report = IngestReport(new=6)
    report.notes = [Skipped(f"https://x.example/{i}", "kept the teaser: budget spent") for i in range(5)]
    report.notes.append(Skipped("https://x.example/9", "kept the teaser: HTTP 404 Not Found"))
    report.notes += [Skipped(f"https://y.example/{i}", "kept the teaser: no link") for i in range(3)]
    assert report.summary().splitlines()[1:] == [
        "  note: 5 entries (https://x.example/0, https://x.example/1, ...): kept the teaser: budget spent",
        "  note: https://x.example/9: kept the teaser: HTTP 404 Not Found",
        *(f"  note: https://y.example/{i}: kept the teaser: no link" for i in range(3)),
    ]
