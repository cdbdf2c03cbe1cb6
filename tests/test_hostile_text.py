"""Text from the world is hostile until rendered safely. Property tests (hypothesis) push
generated hostile text (tests/hostile.py) through cleaning, segmentation, summarising and every
renderer: nothing crashes, limits hold, nothing notifies anyone, no link shows one address and
opens another, no control character gets through. The default example counts keep the suite
fast; the `slow` variants (NEWSBOT_RUN_SLOW=1) run many more."""

from __future__ import annotations

import sys
from datetime import datetime, timezone

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.messages import DigestView, Fields, Link, Links, Notice, Reply, StoryView
from bot.text import _CONTROL, clean
from corpus.cleaning import clean_text
from corpus.cleaning.shape import normalise
from digests.digest import DigestOptions, StoryInput, build_digest, headlines_only
from digests.model import Digest, Document, Source, Story, SummarySentence
from digests.sentences import NewsTokenizer, segment, words
from digests.units import word_count
from tests.hostile import FUZZ, NEWS, hostile_text, hostile_url, when
from tests.render_checks import hidden_characters, renders_safely

FAST, SLOW = 40, 400 * FUZZ
NOW = datetime(2024, 6, 1, 8, 0, tzinfo=timezone.utc)
text = hostile_text()
short = hostile_text(max_atoms=4)


def examples(n: int):
    return settings(max_examples=n, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


# --- the neutral replies a command or the scheduler hands to a renderer ------------------------------


@st.composite
def stories(draw) -> Story:
    n_sources = draw(st.integers(0, 4))
    sources = tuple(
        Source(n, f"d{n}", draw(short), draw(short), draw(hostile_url()), draw(when())) for n in range(1, n_sources + 1)
    )
    cite = st.lists(st.integers(1, max(n_sources, 1)), max_size=3, unique=True).map(tuple) if n_sources else st.just(())
    sentences = tuple(SummarySentence(draw(text), draw(cite)) for _ in range(draw(st.integers(0, 5))))
    return Story(draw(short), draw(text), sentences, sources, draw(when()))


links = st.builds(Link, title=short, url=hostile_url(), outlet=short, published=when(), note=short,
                  number=st.none() | st.integers(1, 30))
messages = st.one_of(
    st.builds(Notice, text=text, title=short),
    st.builds(Fields, title=short, rows=st.lists(st.tuples(short, text), max_size=30).map(tuple), footer=short),
    st.builds(Links, title=short, links=st.lists(links, max_size=25).map(tuple), footer=short),
    st.builds(DigestView, digest=st.builds(Digest, title=short, generated_at=st.just(NOW),
                                           stories=st.lists(stories(), max_size=20).map(tuple)), footer=short),
    st.builds(StoryView, story=stories()),
)
replies = st.builds(Reply, messages=st.lists(messages, min_size=1, max_size=3).map(tuple), ephemeral=st.booleans(), error=st.booleans())


@examples(FAST)
@given(replies)
def test_every_renderer_keeps_hostile_text_harmless_and_within_limits(reply):
    renders_safely(reply)


@pytest.mark.slow
@examples(SLOW)
@given(replies)
def test_every_renderer_keeps_hostile_text_harmless_and_within_limits_slow(reply):
    renders_safely(reply)


def test_the_hidden_character_set_is_every_control_and_format_character():
    """bot.text's list, checked against this Python's Unicode database: every Cc (but newline and
    tab), Cf and Cs code point, and nothing else."""
    everything = "".join(map(chr, range(sys.maxunicode + 1)))
    removed = set(_CONTROL.findall(everything))
    expected = {c for c in everything if hidden_characters(c) and c != "\t"}
    assert removed == expected
    assert clean("a\tb\u00a0c") == "a b c"


# --- cleaning, segmentation, summarising -----------------------------------------------------------


def cleans_safely(body: str, title: str) -> None:
    out = clean_text(body, title)
    assert clean_text(out, title) == out  # cleaning cleaned text changes nothing
    source = " ".join(normalise(line) for line in body.splitlines())
    assert all(w in source for w in out.split())  # nothing invented (zero-width characters aside)


@examples(FAST)
@given(text, short)
def test_cleaning_survives_hostile_text(body, title):
    cleans_safely(body, title)


@pytest.mark.slow
@examples(SLOW)
@given(text, short)
def test_cleaning_survives_hostile_text_slow(body, title):
    cleans_safely(body, title)


def segments_safely(body: str) -> None:
    segments = segment(body)
    source = " ".join(body.split())
    for s in segments:
        assert s.text.strip()
        # Pieces of the text, nothing added; the LDC's `` and '' quotes come out curly, as documented.
        assert all(w in source or w.replace("“", "``").replace("”", "''") in source for w in s.text.split()), s.text
    tokenizer = NewsTokenizer()
    for sentence in tokenizer.to_sentences(body):
        assert set(tokenizer.to_words(sentence)) <= set(words(body.replace("\n", " "))) | set(words(sentence))


@examples(FAST)
@given(text)
def test_segmentation_survives_hostile_text(body):
    segments_safely(body)


@pytest.mark.slow
@examples(SLOW)
@given(text)
def test_segmentation_survives_hostile_text_slow(body):
    segments_safely(body)


documents = st.builds(
    Document, id=st.uuids().map(str), title=short, text=st.lists(st.one_of(text, st.sampled_from(NEWS)), max_size=6).map(" ".join),
    outlet=short, url=hostile_url(), published=when(),
)


def summarises_safely(groups: list[list[Document]], budget: int) -> None:
    digest = build_digest(
        [StoryInput(str(i), docs) for i, docs in enumerate(groups)],
        DigestOptions(words_per_story=budget, max_stories=25, title="Digest", now=NOW),
    )
    for story, docs in ((s, groups[int(s.id)]) for s in digest.stories):
        assert sum(word_count(x.text) for x in story.sentences) <= budget
        # a story of headlines only says its headlines; any other says its articles' text
        source = " ".join(" ".join(d.title if headlines_only(docs) else d.text for d in docs).split())
        assert all(w.casefold() in source.casefold() for x in story.sentences for w in words(x.text))
        assert {n for x in story.sentences for n in x.citations} <= {s.number for s in story.sources}
    renders_safely(Reply.of(DigestView(digest, footer="Read one story: /news story <id>")))
    for story in digest.stories:
        renders_safely(Reply.of(StoryView(story)))


@examples(FAST // 2)
@given(st.lists(st.lists(documents, min_size=1, max_size=4), min_size=1, max_size=4), st.integers(1, 150))
def test_summaries_of_hostile_articles_render_safely(groups, budget):
    summarises_safely(groups, budget)


@pytest.mark.slow
@examples(SLOW // 2)
@given(st.lists(st.lists(documents, min_size=1, max_size=4), min_size=1, max_size=4), st.integers(1, 150))
def test_summaries_of_hostile_articles_render_safely_slow(groups, budget):
    summarises_safely(groups, budget)
