"""Story clustering (digests/cluster.py): pure computation on hand-written reports."""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import timedelta

from digests.cluster import ClusterConfig, ExistingStory, cluster
from digests.model import Document
from tests.news_samples import (
    T0,
    expected_partition,
    furnished_reports,
    partition,
    sample_documents,
    wildfire_documents,
)


def test_joins_cross_outlet_reports_and_keeps_similar_events_apart():
    docs = sample_documents()
    stories = cluster(docs)
    # Two earthquakes and two rehab stories: same kind, different places and people.
    assert partition(stories) == expected_partition(docs)
    for s in stories:
        assert len({d.outlet for d in s.documents}) == len(s.documents)


def test_headline_only_documents_never_merge_different_events():
    docs = sample_documents(headlines_only=True)
    stories = cluster(docs)
    events = [{d.id.rsplit("-", 1)[0] for d in s.documents} for s in stories]
    assert all(len(e) == 1 for e in events), events
    # Headlines that share the event's names do join.
    assert any(len(s.documents) >= 2 for s in stories)


def test_headline_is_one_of_the_titles_and_stories_are_oldest_first():
    stories = cluster(sample_documents())
    for s in stories:
        assert s.headline in {d.title for d in s.documents}
        assert list(s.documents) == sorted(s.documents, key=lambda d: d.published)
    firsts = [s.documents[0].published for s in stories]
    assert firsts == sorted(firsts)


def test_time_window_separates_the_same_words_far_apart():
    docs = sample_documents()
    chile = [d for d in docs if d.id.startswith("chile")]
    later = [replace(d, id=d.id + "-later", published=d.published + timedelta(days=10)) for d in chile]
    stories = cluster(chile + later)
    assert partition(stories) == {frozenset(d.id for d in chile), frozenset(d.id for d in later)}
    # With a window wide enough, the same reports are one story again.
    wide = ClusterConfig(window_hours=24 * 30, decay_hours=24 * 365)
    assert len(cluster(chile + later, config=wide)) == 1


def test_date_without_time_of_day_is_one_day_wide():
    # Two reports dated a day apart, without times, are as close as two on the same day.
    a, b = sample_documents()[:2]
    day = T0.replace(hour=0)
    pair = [replace(a, published=day), replace(b, published=day + timedelta(days=1))]
    same = [replace(a, published=day), replace(b, published=day)]
    assert partition(cluster(pair)) == partition(cluster(same))


def test_deterministic_whatever_the_input_order():
    docs = sample_documents()
    first = cluster(docs)
    for seed in range(3):
        shuffled = docs[:]
        random.Random(seed).shuffle(shuffled)
        again = cluster(shuffled)
        assert [(s.headline, [d.id for d in s.documents]) for s in again] == \
               [(s.headline, [d.id for d in s.documents]) for s in first]


def test_incremental_keeps_story_keys_and_adds_to_them():
    docs = sample_documents()
    first_batch = [d for d in docs if d.id.endswith("-0")]
    later_batch = [d for d in docs if not d.id.endswith("-0")]
    earlier = [ExistingStory(f"story-{n}", s.documents) for n, s in enumerate(cluster(first_batch))]
    assert len(earlier) == 4
    stories = cluster(later_batch, earlier)
    # Every later report joined the story of its event; no story was opened or lost.
    assert {s.key for s in stories} == {e.key for e in earlier}
    assert partition(stories) == expected_partition(docs)
    # Documents that already belong to an earlier story are not taken again as new.
    again = cluster(first_batch, earlier)
    assert {(s.key, s.documents) for s in again} == {(e.key, e.documents) for e in earlier}


def test_an_earlier_story_that_took_nothing_keeps_its_headline():
    """Its headline is not chosen again (the bot clusters every open story after each poll; that
    took seconds among thousands) and stays the one given; a story that grows gets one chosen."""
    docs = sample_documents()
    first_batch = [d for d in docs if d.id.endswith("-0")]
    earlier = [ExistingStory(f"story-{n}", s.documents, f"Kept {n}") for n, s in enumerate(cluster(first_batch))]
    assert {s.headline for s in cluster(first_batch, earlier)} == {f"Kept {n}" for n in range(4)}
    grown = [d for d in docs if d.id.startswith("chile") and not d.id.endswith("-0")]
    by_key = {s.key: s for s in cluster(grown, earlier)}
    chile = next(e.key for e in earlier if any(d.id.startswith("chile") for d in e.documents))
    assert not by_key[chile].headline.startswith("Kept")
    assert sorted(s.headline for k, s in by_key.items() if k != chile) == sorted(f"Kept {n}" for n in range(4) if f"story-{n}" != chile)


def test_incremental_never_merges_two_earlier_stories():
    docs = sample_documents()
    chile = [d for d in docs if d.id.startswith("chile")]
    # One event split by hand into two earlier stories stays two stories.
    earlier = [ExistingStory("a", tuple(chile[:1])), ExistingStory("b", tuple(chile[1:2]))]
    stories = cluster(chile[2:], earlier)
    assert {s.key for s in stories} == {"a", "b"}
    assert sum(len(s.documents) for s in stories) == 3


def test_new_event_opens_a_new_story_next_to_earlier_ones():
    docs = sample_documents()
    quakes = [d for d in docs if "quake" in d.id]
    rehab = [d for d in docs if "rehab" in d.id]
    earlier = [ExistingStory(str(n), s.documents) for n, s in enumerate(cluster(quakes))]
    stories = cluster(rehab, earlier)
    assert sorted(s.key or "new" for s in stories) == ["0", "1", "new", "new"]


def test_empty_and_blank_documents():
    assert cluster([]) == []
    blank = Document(id="x", title="", text="")
    docs = sample_documents() + [blank]
    stories = cluster(docs)
    alone = next(s for s in stories if blank in s.documents)
    assert alone.documents == (blank,) and alone.headline == "(untitled)"
    assert partition(s for s in stories if s is not alone) == expected_partition(docs[:-1])


def test_sections_of_one_article_never_link_to_each_other():
    a, b = [d for d in sample_documents() if d.id.startswith("chile")][:2]
    as_sections = [replace(a, section_of="blog"), replace(b, section_of="blog")]
    # Two sections of one live blog about the same event each stand alone without another article...
    assert len(cluster(as_sections)) == 2
    # ...while the same texts as two articles form one story, and an outside report joins all three.
    assert len(cluster([a, b])) == 1
    c = next(d for d in sample_documents() if d.id == "chile-quake-2")
    assert len(cluster(as_sections + [c])) == 1


def test_second_stage_splits_two_similar_events_chained_into_one_story():
    docs = wildfire_documents()
    # Centroid linkage alone chains the two fires through their shared wording...
    assert len(cluster(docs, config=ClusterConfig(split_ratio=0.0))) == 1
    # ...and the second stage finds the two groups of reports, each about its own place and people.
    assert partition(cluster(docs)) == expected_partition(docs)


def test_second_stage_keeps_reprints_and_rewrites_of_one_event_together():
    chile = [d for d in sample_documents() if d.id.startswith("chile")]
    # Each report reprinted word for word by a second outlet: three dense pairs of one event.
    reprints = [replace(d, id=d.id + "-reprint", outlet="Wire reprint") for d in chile]
    assert len(cluster(chile + reprints)) == 1


def test_second_stage_never_splits_an_earlier_story():
    docs = wildfire_documents()
    earlier = [ExistingStory("both-fires", tuple(docs[:-1]))]
    # A story stored by an earlier run keeps its members, whatever the second stage would make of them.
    stories = cluster(docs[-1:], earlier)
    assert [(s.key, set(s.documents)) for s in stories] == [("both-fires", set(docs))]


def _bridge_documents() -> list[Document]:
    """Two reports of one bridge collapse written from distant angles (the collapse; the mayor's
    troubles the next day) that share little beyond the town's name, and a collapse elsewhere."""
    reports = [
        ("ostrava-0", "CTK", 30, "Footbridge collapses into the Oder in Ostrava during morning rush",
         "A pedestrian footbridge over the Oder river in Ostrava collapsed on Wednesday morning, throwing "
         "about a dozen commuters into the water. Firefighters pulled eleven people out alive; one woman is "
         "missing. Photos from the scene show the steel span folded in the middle, with its concrete pier "
         "cracked. The bridge, opened in 1974, had been closed for repairs twice in the past decade."),
        ("ostrava-1", "Reuters", 34, "Ostrava mayor Jan Dohnal faces calls to resign",
         "Opposition councillors in Ostrava demanded the resignation of mayor Jan Dohnal on Thursday, saying "
         "the town hall had ignored an engineer's letter warning of rust. Dohnal said he would not step down "
         "while divers were still looking for a woman swept away. Czech Prime Minister Petr Fiala is due to "
         "visit on Friday."),
        ("genoa-0", "ANSA", 31, "Highway bridge collapses in Genoa storm, cars plunge into riverbed",
         "A section of a highway bridge in Genoa collapsed during a violent storm on Wednesday, sending cars "
         "plunging onto the riverbed below. Italian firefighters said rescuers were searching the rubble; "
         "transport minister Matteo Salvini ordered inspections of motorway bridges across Liguria. The "
         "concrete bridge, built in 1967, had long been criticised for corrosion."),
    ]
    return [Document(id=i, title=title, text=text, outlet=outlet, published=T0 + timedelta(hours=h))
            for i, outlet, h, title, text in reports]


def _unrelated_documents(n: int) -> list[Document]:
    """Reports on subjects of their own (no word in common with any other document): they only make
    the collection as large as a day of news, where IDF can tell a topic word from a name."""
    return [Document(id=f"other-{k}", title=f"Item {k}", text=" ".join(f"w{k}x{j}" for j in range(40)),
                     outlet="Elsewhere", published=T0 + timedelta(hours=k % 48)) for k in range(n)]


def test_two_lone_reports_of_one_event_join_below_the_group_threshold():
    docs = sample_documents() + _bridge_documents() + _unrelated_documents(300)
    bridges = lambda stories: {ids & {"ostrava-0", "ostrava-1", "genoa-0"} for ids in partition(stories)} - {frozenset()}
    # Two single reports meet at a lower cosine than a report and a story: the Ostrava reports join,
    # the Genoa collapse (same kind of event, as close in words to the first Ostrava report as the
    # two earthquakes' first reports are to each other) stays apart, and so do the earthquakes and
    # rehab stories.
    stories = cluster(docs)
    assert bridges(stories) == {frozenset({"ostrava-0", "ostrava-1"}), frozenset({"genoa-0"})}
    events = {ids for ids in partition(stories) if not any(i.startswith(("other", "ostrava", "genoa")) for i in ids)}
    assert events == expected_partition(sample_documents())
    # With the group threshold for single reports too, the two Ostrava reports stay apart...
    strict = ClusterConfig(pair_threshold=ClusterConfig().threshold)
    apart = {frozenset({"ostrava-0"}), frozenset({"ostrava-1"}), frozenset({"genoa-0"})}
    assert bridges(cluster(docs, config=strict)) == apart
    # ...and so they do in a handful of articles, where every shared word looks rare.
    assert bridges(cluster(sample_documents() + _bridge_documents())) == apart


def test_lone_headlines_keep_the_group_threshold():
    # A headline alone has too few words for the lower threshold of two single reports: the first
    # headlines of the two earthquakes share "magnitude" and "earthquake" and stay apart...
    quakes = [d for d in sample_documents(headlines_only=True) if d.id in {"chile-quake-0", "japan-quake-0"}]
    docs = quakes + _unrelated_documents(300)
    assert all(len(s.documents) == 1 for s in cluster(docs))
    # ...where the same two, counted as reports with text, would join.
    assert any(len(s.documents) == 2 for s in cluster(docs, config=ClusterConfig(split_min_words=0)))


def test_reports_that_share_only_page_furniture_stay_apart(monkeypatch, request):
    docs = furnished_reports()
    for collection in (docs, docs + _unrelated_documents(300)):
        stories = cluster(collection)
        assert {frozenset({"dam-0"}), frozenset({"mine-0"})} <= partition(stories)
    # The furniture alone is enough to join them when it stays in the documents' vectors (the
    # leads are cached: emptied now, and again afterwards for the other tests).
    import digests.cluster

    monkeypatch.setattr(digests.cluster, "strip_furniture", lambda text: text)
    digests.cluster._lead_of.cache_clear()
    request.addfinalizer(digests.cluster._lead_of.cache_clear)
    assert frozenset({"dam-0", "mine-0"}) in partition(cluster(docs))
