"""Stories in, a Digest out: each story summarised with numbered citations, and the stories
ranked by independent outlets, recency and size."""

from __future__ import annotations

import hashlib
import html
import math
import re
import threading
from collections import OrderedDict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timezone
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from corpus.words import CJK_SENTENCE_END, has_cjk, word_count
from digests.attribution import CITATION_SIMILARITY, supporting_documents
from digests.model import Digest, Document, Source, Story, SummarySentence
from digests.selector import DEFAULT as SELECTOR_DEFAULT
from digests.sentences import KICKER
from digests.summarize import DEFAULT_ALGORITHM, summarize
from digests.units import content_terms, split_documents


@dataclass(frozen=True)
class StoryInput:
    """A story as the clustering side hands it over."""

    id: str
    documents: Sequence[Document]
    headline: str | None = None


@dataclass(frozen=True)
class DigestOptions:
    words_per_story: int = 100
    max_stories: int = 10
    algorithm: str = DEFAULT_ALGORITHM
    citation_similarity: float = CITATION_SIMILARITY
    title: str = "News digest"
    now: datetime | None = field(default=None)  # for ranking by recency; defaults to the clock
    # Sentences the channel was already sent, by story id: not chosen again (SelectorConfig.said).
    said: Mapping[str, frozenset[str]] = field(default_factory=dict)
    zone: str = "UTC"  # the IANA timezone the digest's time is shown in (the channel's)


def headline(documents: Sequence[Document]) -> str:
    """The best title among a story's articles: the one whose words most of the story's articles
    use (in title or text), shorter on ties."""
    ranked = _titles_best_first(documents)
    return ranked[0][0] if ranked else ""


def _titles_best_first(documents: Sequence[Document]) -> list[tuple[str, int]]:
    """The articles' titles with their article's index, those whose words most of the story's
    articles use (in title or text) first, shorter on ties."""
    titles = [(d.title.strip(), i) for i, d in enumerate(documents) if d.title and d.title.strip()]
    if len(titles) <= 1:
        return titles
    vocab = [set(content_terms(d.title)) | set(content_terms(d.text)) for d in documents]

    def score(title: str) -> float:
        terms = set(content_terms(title))
        return sum(sum(t in v for v in vocab) for t in terms) / math.sqrt(len(terms)) if terms else 0.0

    return sorted(titles, key=lambda ti: (-round(score(ti[0]), 9), len(ti[0]), ti[1]))


# A story of headlines only says at most this many of its other headlines.
HEADLINE_LINES = 4


def _headline_lines(docs: Sequence[Document], shown: str, words: int) -> tuple[list[str], list[list[int]]]:
    """A story whose articles carry headlines and no text (feeds of titles only): its other
    outlets' headlines are what it has to say, the most representative first, each wording once
    (citing every article that carries it), none that only repeats the story's own headline,
    within `words`."""
    wording = [frozenset(content_terms(bare_headline(d.title))) for d in docs]  # "BREAKING:" aside
    seen = {frozenset(content_terms(shown))}
    lines: list[str] = []
    cites: list[list[int]] = []
    left = words
    for title, i in _titles_best_first(docs):
        terms = wording[i]
        if len(lines) == HEADLINE_LINES:
            break
        if not terms or terms in seen:
            continue
        seen.add(terms)
        line = " ".join(bare_headline(title).split())
        if not line.endswith((".", "!", "?", "…", *CJK_SENTENCE_END)):
            line += "。" if has_cjk(line) else "."  # a headline among sentences reads as one
        if word_count(line) > left:
            continue
        left -= word_count(line)
        lines.append(line)
        cites.append([k for k, w in enumerate(wording) if w == terms])
    return lines, cites


# An urgency or format label on a headline ("BREAKING:", "UPDATE:", "LIVE:", "WATCH:"): stale or
# empty words in a digest, which tells the story rather than announcing it.
_HEADLINE_LABEL = re.compile(rf"^(?i:{KICKER}|live(?: updates)?|watch|video)\s*:\s+(?=\S)")


def bare_headline(title: str) -> str:
    """The headline without a leading label, unless little would be left; a first word in lower
    case is capitalised ("Breaking: quake hits..."), one like "iPhone" is not."""
    m = _HEADLINE_LABEL.match(title)
    if not m or len(title) - m.end() < 12:
        return title
    rest = title[m.end() :]
    return rest[0].upper() + rest[1:] if rest.split(" ", 1)[0].islower() else rest


# A hashtag's mark in a quoted tweet ("a #Syrian jet fled to #Jordan"), not "C#", "#1" or a
# link's "#section". Only at a word's start: dropping it inside one would glue two words
# ("jet.#Syria" is not "jet.Syria").
_HASHTAG = re.compile(r"(?<![^\s\"“‘(\[])#(?=[^\W\d_])")


def decoded(document: Document) -> Document:
    """The article with HTML entities left by extraction decoded ("&amp;"), before summarising,
    so that the word budget counts what a reader sees ("a&nbsp;b" is two words)."""
    return replace(document, text=html.unescape(document.text)) if "&" in document.text else document


def readable(sentence: str) -> str:
    """A sentence as a reader sees it: hashtags as plain words, and a capital first letter (a
    stripped dateline can leave "congressional investigators...")."""
    text = _HASHTAG.sub("", sentence) if "#" in sentence else sentence
    return text[:1].upper() + text[1:]


def build_story(story: StoryInput, options: DigestOptions = DigestOptions()) -> Story:
    """The story summarised with numbered citations. The same articles with the same options
    always give the same story, so it is built once and then served from a small cache: chat
    commands ask for the same stories again and again (`random` is never cached)."""
    if options.algorithm == "random":
        return _build_story(story, options)
    key = _story_key(story, options)
    with _CACHE_LOCK:
        if (hit := _CACHE.get(key)) is not None:
            _CACHE.move_to_end(key)
            return hit
    built = _build_story(story, options)
    with _CACHE_LOCK:
        _CACHE[key] = built
        while len(_CACHE) > CACHE_STORIES:
            _CACHE.popitem(last=False)
    return built


CACHE_STORIES = 2048
_CACHE: OrderedDict[bytes, Story] = OrderedDict()
_CACHE_LOCK = threading.Lock()


def _story_key(story: StoryInput, options: DigestOptions) -> bytes:
    """A digest of everything a built story depends on (the articles whole, not their ids alone:
    an article edited in place is a new input)."""
    h = hashlib.blake2b(digest_size=20)
    parts = [story.id, story.headline or "", str(options.words_per_story), options.algorithm, repr(options.citation_similarity),
             *sorted(options.said.get(story.id, ()))]  # fmt: skip
    for d in story.documents:
        parts += [d.id, d.title, d.text, d.outlet, d.url or "", d.published.isoformat() if d.published else ""]
    for part in parts:
        data = part.encode("utf-8", "surrogatepass")
        h.update(len(data).to_bytes(8, "little") + data)  # length-prefixed: no two inputs run together
    return h.digest()


# In a digest a story that grew over days leads with what is new (SelectorConfig.latest), and
# every algorithm quotes whole sentences only (SelectorConfig.whole_sentences).
DIGEST_SELECTOR = replace(SELECTOR_DEFAULT, latest=True, whole_sentences=True)


def _build_story(story: StoryInput, options: DigestOptions) -> Story:
    docs = [decoded(d) for d in story.documents]
    shown_headline = bare_headline((story.headline or "").strip() or headline(docs))
    units = split_documents(docs)
    # What the channel was sent is stored as shown (readable()); the selector knows sentences as cut.
    said = frozenset(u.text for u in units if readable(u.text) in options.said.get(story.id, ()))
    config = replace(DIGEST_SELECTOR, said=said) if said else DIGEST_SELECTOR
    extract = summarize(docs, options.words_per_story, options.algorithm, config, units=units)
    lines = extract.sentences
    supports = supporting_documents(extract.units, extract.chosen, options.citation_similarity)
    if not lines and headlines_only(docs):
        lines, supports = _headline_lines(docs, shown_headline, options.words_per_story)
    # A citation names an article: the sections of one live-blog post share its source.
    article = [d.section_of or d.id for d in docs]
    # Number sources in the order a reader first meets them, then the uncited ones.
    order: list[str] = []
    for d in [d for support in supports for d in support] + list(range(len(docs))):
        if article[d] not in order:
            order.append(article[d])
    number = {a: n for n, a in enumerate(order, start=1)}
    # Each article is shown by its first document, the whole article when the story has it.
    shown = {}
    for i, d in enumerate(docs):
        if article[i] not in shown or d.section_of is None:
            shown[article[i]] = d
    sources = tuple(
        Source(number[a], a, shown[a].outlet, shown[a].title, shown[a].url, shown[a].published) for a in order
    )
    sentences = tuple(
        SummarySentence(readable(text), tuple(dict.fromkeys(number[article[d]] for d in support)))
        for text, support in zip(lines, supports)
    )
    dates = [d.published for d in docs if d.published]
    return Story(
        id=story.id,
        headline=shown_headline or bare_headline((extract.sentences[:1] or [""])[0]),
        sentences=sentences,
        sources=sources,
        updated=max(dates) if dates else None,
    )


def headlines_only(documents: Sequence[Document]) -> bool:
    """Whether a story's articles carry a headline and no text at all."""
    return any(d.title.strip() for d in documents) and not any(d.text.strip() for d in documents)


def story_weight(story: StoryInput, now: datetime) -> float:
    """Independent outlets count most, then size; older stories fade (halved after a day).
    Computed from the documents alone, so a digest summarises only the stories it shows."""
    docs = story.documents
    size = len({d.outlet for d in docs}) + 0.5 * math.log1p(len(docs))
    dates = [d.published for d in docs if d.published]
    if not dates:
        return size * 0.5
    age_days = max(0.0, (now - max(dates)).total_seconds() / 86400)
    return size / (1 + age_days)


def _says_something(story: StoryInput, options: DigestOptions) -> bool:
    """Whether the story has a sentence to quote when the word budget is no limit."""
    return options.words_per_story < UNBOUNDED_WORDS and bool(build_story(story, replace(options, words_per_story=UNBOUNDED_WORDS)).sentences)


UNBOUNDED_WORDS = 10_000


def build_digest(stories: Sequence[StoryInput], options: DigestOptions = DigestOptions()) -> Digest:
    now = options.now or datetime.now(timezone.utc)
    # Ties go to the older story id, in numeric order when ids are numbers ("4" before "10").
    ranked = sorted((s for s in stories if s.documents), key=lambda s: (-story_weight(s, now), len(s.id), s.id))
    built: list[Story] = []
    for story in ranked:
        if len(built) == options.max_stories:
            break
        # A story with nothing to say (a page of boilerplate) is left out; one of headlines only
        # (a feed of titles) is shown by its headline, its other headlines and its sources, and
        # so is one whose every sentence is longer than a small word budget (words:10).
        summary = build_story(story, options)
        if summary.sentences or headlines_only(story.documents) or _says_something(story, options):
            built.append(summary)
    return Digest(title=options.title, generated_at=in_zone(now, options.zone), stories=tuple(built))


def in_zone(t: datetime, zone: str) -> datetime:
    """`t` in the IANA timezone `zone`, or in UTC when the name is unknown (a stored digest from a
    machine whose tz database had it)."""
    try:
        return t.astimezone(ZoneInfo(zone))
    except (ZoneInfoNotFoundError, ValueError):
        return t.astimezone(timezone.utc)
