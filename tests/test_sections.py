"""Live-blog splitting (digests/sections.py) on the bundled seed articles and on small cases."""

from __future__ import annotations

from pathlib import Path

import pytest

from corpus.cleaning import clean_text
from corpus.files import read_path
from digests.cluster import cluster
from digests.model import Document
from digests.sections import split_sections

ARTICLES = Path(__file__).resolve().parent.parent / "corpus" / "articles"


@pytest.fixture(scope="module")
def seeds() -> dict[str, Document]:
    docs = {}
    for raw in read_path(ARTICLES, 5_000_000):
        key = Path(raw.origin).name[:3]
        docs[key] = Document(id=key, title=raw.title, text=clean_text(raw.text, raw.title), outlet=raw.outlet,
                             url=raw.url, published=raw.published)
    assert len(docs) == 5
    return docs


def test_live_blogs_split_into_their_events(seeds):
    first = split_sections(seeds["000"])
    assert [d.id for d in first] == [f"000#{n}" for n in range(1, len(first) + 1)]
    titles = [d.title for d in first]
    assert titles[0] == seeds["000"].title  # the post's own lead keeps the post's title
    assert "Turkish warplane shot down" in titles
    second = [d.title for d in split_sections(seeds["002"])]
    assert any("Morsi" in t for t in second)
    assert any("S-300" in t for t in second)
    assert any("Houla" in t for t in second)
    assert any("jet defection" in t for t in second)
    for d in first:
        assert (d.outlet, d.url, d.published) == (seeds["000"].outlet, seeds["000"].url, seeds["000"].published)
        assert len(d.text.split()) >= 40
    # Nothing is lost: every word of the post is in one of its sections.
    assert sum(len(d.text.split()) for d in first) >= 0.97 * len(seeds["000"].text.split())


@pytest.mark.parametrize("key", ["001", "003", "004"])
def test_normal_articles_stay_whole(seeds, key):
    assert split_sections(seeds[key]) == [seeds[key]]


def test_seed_events_form_their_own_stories(seeds):
    sections = [s for d in seeds.values() for s in split_sections(d)]
    stories = cluster(sections)
    main = max(stories, key=lambda s: len(s.documents))
    articles_in_main = {d.id.split("#")[0] for d in main.documents}
    assert {"000", "001", "003", "004"} <= articles_in_main
    assert "defect" in main.headline.lower()
    by_title = {d.title: s for s in stories for d in s.documents}
    turkish = by_title["Turkish warplane shot down"]
    s300 = next(s for t, s in by_title.items() if "S-300" in t)
    assert turkish is not main and s300 is not main and turkish is not s300
    # The June 27 post's mass-defection section joins the defection story of June 22-25...
    assert by_title["BREAKING: Another mass defection from Syrian army."] is main
    # ...while its other events stay out of it, each a story of its own.
    others = [next(s for t, s in by_title.items() if word in t) for word in ("Morsi", "Houla Massacre", "TV channel")]
    assert all(s is not main for s in others) and len({id(s) for s in others + [turkish, s300]}) == 5


def test_a_report_quoted_from_another_outlet_opens_its_own_section(seeds):
    sections = split_sections(seeds["002"])
    attack = next(d for d in sections if "TV channel" in d.title)
    assert attack.title == "In Damascus today freedom fighters stormed a pro-Assad TV channel"
    assert attack.text.startswith("In Damascus today") and "Ikhbariya" in attack.text
    assert all("Ikhbariya" not in d.text for d in sections if d is not attack)
    assert all(d.section_of == "002" for d in sections)


def test_headings_without_prose_or_in_a_list_do_not_split():
    para = ("The council voted on Tuesday to extend the contract for another five years, after a long "
            "debate about costs and about the delays that residents had reported over the winter.")
    listing = "\n".join(["Related stories:", "Council votes on budget", "Mayor opens new bridge",
                         "School reopens after flood", "Park wins award"])
    doc = Document(id="a", title="Council extends contract", text=f"{para}\n\n{listing}\n\n{para}")
    assert split_sections(doc) == [doc]


QUAKE = ("A magnitude 6.1 earthquake struck eastern Hokkaido on Tuesday, halting bullet trains and cutting power to "
         "20,000 homes in Kushiro, the Japan Meteorological Agency said. Aftershocks rattled the port overnight.")
VOTE = ("Lawmakers in Lisbon approved the national budget on Wednesday after the Socialist party abstained, "
        "ending weeks of uncertainty over spending on schools and hospitals across the country.")


@pytest.mark.parametrize(("lead_in", "same_topic_lead_in"), [
    ("Elsewhere, Portugal's parliament voted. Reuters reported:", "More from Hokkaido. NHK reported:"),
    ("6:13pm pst More on the vote in Lisbon, where the budget passed:", "6:13pm pst More on the quake in Hokkaido:"),
])
def test_lead_ins_and_time_stamps_split_only_when_the_topic_changes(lead_in, same_topic_lead_in):
    heading = "Hokkaido earthquake halts trains"
    text = f"{heading}\n\n{QUAKE}\n\n{QUAKE}\n\n{lead_in}\n\n{VOTE}\n\n{VOTE}"
    parts = split_sections(Document(id="blog", title="Live: world news", text=text))
    assert parts[0].title == heading
    assert len(parts) == 2 and parts[1].text.startswith(lead_in) and VOTE in parts[1].text
    assert "Portugal" in parts[1].title or "Lisbon" in parts[1].title
    # The same lead-in before more of the same story is no boundary.
    same = f"{heading}\n\n{QUAKE}\n\n{QUAKE}\n\n{same_topic_lead_in}\n\n{QUAKE}\n\n{QUAKE}"
    assert len(split_sections(Document(id="blog", title="Live", text=same))) == 1
    # In an ordinary article, without headings of its own, a lead-in is only a line.
    article = Document(id="a", title="World news", text=text.removeprefix(f"{heading}\n\n"))
    assert split_sections(article) == [article]


def test_two_headed_sections_on_different_things_split():
    quake = ("A magnitude 6.1 earthquake struck eastern Hokkaido on Tuesday, halting bullet trains and "
             "cutting power to 20,000 homes in Kushiro, the Japan Meteorological Agency said.")
    vote = ("Lawmakers in Lisbon approved the national budget on Wednesday after the Socialist party "
            "abstained, ending weeks of uncertainty over spending on schools and hospitals.")
    text = f"Hokkaido earthquake halts trains\n\n{quake}\n\n{quake}\n\nLisbon lawmakers approve budget\n\n{vote}\n\n{vote}"
    parts = split_sections(Document(id="blog", title="Live: world news", text=text))
    assert [p.title for p in parts] == ["Hokkaido earthquake halts trains", "Lisbon lawmakers approve budget"]
    assert [p.id for p in parts] == ["blog#1", "blog#2"]


def test_a_heading_that_only_introduces_the_next_one_heads_that_section(seeds):
    # 002: "Human Rights Watch Reports on ..." / "Today Human Rights Watch issued a report and
    # demanded:" / the report's own title / its subtitle "... - June 27, 2012" / the report.
    sections = split_sections(seeds["002"])
    hrw = next(d for d in sections if d.title.startswith("Human Rights Watch Reports"))
    houla = next(d for d in sections if "Houla Massacre" in d.title)
    assert hrw is not houla
    assert "Border Forces Appear to Shoot on Sight" in hrw.text and "Syrian soldiers on the border" in hrw.text
    assert "Human Rights Watch" not in houla.text and "shabiha" in houla.text


def test_a_headline_with_its_date_after_a_dash_is_a_heading():
    text = (f"Hokkaido earthquake halts trains\n\n{QUAKE}\n\n{QUAKE}\n\n"
            f"Lisbon lawmakers approve budget - June 27, 2012\n\n{VOTE}\n\n{VOTE}")
    parts = split_sections(Document(id="blog", title="Live: world news", text=text))
    assert [p.title for p in parts] == ["Hokkaido earthquake halts trains", "Lisbon lawmakers approve budget"]
    # A line that is only a date stamp still is no heading.
    stamped = f"Hokkaido earthquake halts trains\n\n{QUAKE}\n\nWed Jun 27, 2012 at 11:58 AM PDT\n\n{QUAKE}"
    assert len(split_sections(Document(id="b", title="Live", text=stamped))) == 1


def test_a_long_title_taken_from_a_lead_in_ends_at_a_clause():
    update = ("6:13pm pst The budget in Lisbon has been passed by the parliament of Portugal who said it would "
              "fund schools and hospitals in every region of the country next year.")
    text = f"Hokkaido earthquake halts trains\n\n{QUAKE}\n\n{QUAKE}\n\n{update}\n\n{VOTE}\n\n{VOTE}"
    parts = split_sections(Document(id="blog", title="Live: world news", text=text))
    assert parts[1].title == "The budget in Lisbon has been passed by the parliament of Portugal"
