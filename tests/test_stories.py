"""Stories persisted in the store (bot/stories.py), on SQLite and PostgreSQL."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from sqlalchemy import func, select

from bot.ingesting import ingest_targets
from bot.clustering import cluster_config
from bot.stories import load_stories, story_headlines, update_stories
from corpus.ingest import Ingestor
from corpus.models import Story, StoryMember
from corpus.raw import RawArticle
from digests.cluster import cluster
from digests.model import Document
from tests.news_samples import REPORTS, T0


def raw(event: str, k: int, hours: float = 0.0) -> RawArticle:
    title, text = REPORTS[event][k]
    return RawArticle(origin=f"{event}-{k}", title=title, text=text, outlet=["Reuters", "AP", "BBC News"][k],
                      url=f"https://news.example/{event}/{k}", published=T0 + timedelta(hours=3 * k + hours))


def headlines(store) -> dict[int, set[str]]:
    return {sid: {d.title for d in docs} for sid, _, docs in load_stories(store)}


def test_new_articles_join_stored_stories_and_ids_stay(store, settings):
    ingest = Ingestor(store).ingest
    ingest([raw("chile-quake", 0), raw("japan-quake", 0)])
    first = update_stories(store, cluster_config(settings))
    assert first.articles == 2 and len(first.new_stories) == 2 and first.grown_stories == ()
    before = headlines(store)

    ingest([raw("chile-quake", 1), raw("japan-quake", 1), raw("rehab-a", 0)])
    second = update_stories(store, cluster_config(settings))
    assert second.articles == 3 and len(second.new_stories) == 1
    assert set(second.grown_stories) == set(before)  # both earthquakes grew, under their old ids
    after = headlines(store)
    for sid, titles in before.items():
        assert titles < after[sid]
    assert update_stories(store, cluster_config(settings)).articles == 0  # nothing left to assign

    stories = load_stories(store)
    assert len(stories) == 3
    for _, headline, docs in stories:
        assert headline in {d.title for d in docs}
        assert all(d.url and d.url.startswith("https://news.example/") for d in docs)


def test_a_story_closes_after_the_window(store, settings):
    ingest = Ingestor(store).ingest
    ingest([raw("chile-quake", 0)])
    update_stories(store, cluster_config(settings))
    ingest([raw("chile-quake", 1, hours=24 * 10)])  # the same event's words, ten days later
    update = update_stories(store, cluster_config(settings))
    assert len(update.new_stories) == 1 and update.grown_stories == ()


def test_a_story_stays_open_as_long_as_a_date_without_a_time_lets_it(store, settings):
    """A date with no time of day forgives a day on each side (the clusterer's DAY_SLACK): 75
    hours after two date-only reports, a follow-up joins their story when clustered together, and
    it must when it arrives later too; the open stories were cut at the bare window (72 hours)."""
    day = T0.replace(hour=0, minute=0, second=0, microsecond=0)
    first = [replace(raw("chile-quake", k), published=day) for k in (0, 1)]
    later = replace(raw("chile-quake", 2), published=day + timedelta(hours=75))
    config = cluster_config(settings)
    docs = [Document(id=str(i), title=r.title, text=r.text, outlet=r.outlet, published=r.published) for i, r in enumerate((*first, later))]
    assert len(cluster(docs, config=config)) == 1  # all at once: one story
    Ingestor(store).ingest(first)
    update_stories(store, config, now=day + timedelta(hours=1))
    Ingestor(store).ingest([later])
    update = update_stories(store, config, now=later.published + timedelta(hours=1))
    assert update.new_stories == () and len(update.grown_stories) == 1
    assert len(load_stories(store)) == 1


def test_live_blog_sections_are_members_of_their_own_stories(store, settings):
    ingest_targets(store, settings, [str(settings.corpus_dirs[0])])
    update = update_stories(store, cluster_config(settings))
    assert update.articles == 5 and update.documents > 5
    with store.session() as s:
        assert s.scalar(select(func.count()).select_from(StoryMember)) == update.documents
        sections = s.scalars(select(StoryMember).where(StoryMember.section > 0)).all()
        assert sections and all(m.text and m.title for m in sections)
        assert s.scalar(select(func.count()).select_from(Story)) == len(update.new_stories)
    stories = load_stories(store)
    main = max(stories, key=lambda st: len(st[2]))
    assert "defect" in main[1].lower()
    assert len({d.url for d in main[2]}) >= 4
    titles = {d.title: sid for sid, _, docs in stories for d in docs}
    assert titles["Turkish warplane shot down"] != main[0]


def test_load_stories_since_and_limit(store, settings):
    Ingestor(store).ingest([raw("chile-quake", 0), raw("rehab-b", 0, hours=48)])
    update_stories(store, cluster_config(settings))
    assert len(load_stories(store)) == 2
    recent = load_stories(store, since=T0 + timedelta(hours=24))
    assert [h for _, h, _ in recent] == [REPORTS["rehab-b"][0][0]]
    assert len(load_stories(store, limit=1)) == 1


def test_story_headlines_match_an_ids_digits_or_the_headlines_words(store):
    """What Discord suggests while a story id is typed, on both engines: LIKE's own marks in what
    is typed are plain characters."""
    with store.session() as s:
        stories = [Story(headline=h, latest_at=T0 + timedelta(hours=i)) for i, h in enumerate(["Pier reopens", "Pier 100% rebuilt", "Tram_line approved"])]
        s.add_all(stories)
        s.flush()
        ids = [st.id for st in stories]
    assert [sid for sid, _ in story_headlines(store)] == ids[::-1]  # newest first
    assert [sid for sid, _ in story_headlines(store, "PIER")] == [ids[1], ids[0]]
    assert [h for _, h in story_headlines(store, "pier 100%")] == ["Pier 100% rebuilt"]
    assert [h for _, h in story_headlines(store, "m_l")] == ["Tram_line approved"]
    assert story_headlines(store, "%") == [(ids[1], "Pier 100% rebuilt")] and story_headlines(store, "_") == [(ids[2], "Tram_line approved")]
    assert story_headlines(store, f"#{ids[2]}") == [(ids[2], "Tram_line approved")]
    assert story_headlines(store, "pier", limit=1) == [(ids[1], "Pier 100% rebuilt")]
    assert story_headlines(store, "nothing like it") == []


def test_headline_words_are_looked_for_among_the_newest_stories(store, monkeypatch):
    """Words are matched in Python, so only the newest HEADLINES_SCANNED stories are read: a
    table of 100,000 stories took 10-20 s a keystroke."""
    import bot.stories

    with store.session() as s:
        stories = [Story(headline=f"Harbour story {i}", latest_at=T0 + timedelta(hours=i)) for i in range(5)]
        s.add_all(stories)
        s.flush()
        ids = [st.id for st in stories]
    monkeypatch.setattr(bot.stories, "HEADLINES_SCANNED", 3)
    assert [sid for sid, _ in story_headlines(store, "harbour")] == ids[:1:-1]  # the three newest
    assert story_headlines(store, "story 0") == []  # the oldest is past the scan
    assert [sid for sid, _ in story_headlines(store, str(ids[0]))] == [ids[0]]  # by its id, still found


def test_story_headlines_match_without_accents_or_case(store):
    """`/news story zurich` found "Zürich" on neither engine, and SQLite's lower() left "Ü" as it
    was, so "ZÜRICH" failed there."""
    with store.session() as s:
        story = Story(headline="Flood in Zürich", latest_at=T0)
        s.add_all([story, Story(headline="Flood in Bern", latest_at=T0)])
        s.flush()
        sid = story.id
    for typed in ("zurich", "ZÜRICH", "Zu\u0308rich", "flood zurich", "ürich"):
        assert story_headlines(store, typed, ids=False) == [(sid, "Flood in Zürich")], typed
