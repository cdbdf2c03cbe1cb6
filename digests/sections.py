"""Live-blog splitting: a post that covers several events under their own headings becomes one
Document per section, so that each section can join its own story.

A heading is a short, title-like line (no closing full stop, unless it opens with a label such
as "BREAKING:"), not a dateline, followed within three lines by a paragraph of prose that uses
its words. A post may also move to another event without a heading, by quoting another outlet's
report ("In Damascus today gunmen stormed a TV channel. Reuters reported:") or under a time stamp
("6:13pm pst More on ..."): in a post that has headings, such a lead-in opens a section too,
titled by its own words.
Neighbouring sections about the same thing are then joined back together, as are sections too
short to stand alone; an article is split only when two or more sections remain."""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass, replace

from digests.cluster import tokens
from digests.model import Document
from digests.sentences import MONTH as _MONTH, UPDATE_STAMP, strip_dateline

PROSE_WORDS = 15  # a paragraph at least this long, ending like a sentence, is prose
HEADING_MAX_WORDS = 15
SECTION_MIN_WORDS = 40  # a section shorter than this joins its neighbour
SAME_TOPIC = 0.15  # a section at least this alike (cosine) to the one before joins it

_LABEL = re.compile(r"^[A-Z][A-Z ]{2,20}:\s")  # "BREAKING: ...", "UPDATE: ..."
# Datelines and bylines: "Wed Jun 27, 2012 at 11:58 AM PDT", "Posted By ...", "Taped on 24-06-2012".
_DATELINE = re.compile(
    rf"^(by|posted|updated|published)\b|\b{_MONTH}\s+\d{{1,2}}\b|\b\d{{1,2}}\s+{_MONTH}\b|\b\d{{1,2}}[-/.]\d{{1,2}}[-/.]\d{{2,4}}\b",
    re.I,
)
# A paragraph that introduces a quoted report: it ends with a colon and names the reporting.
_LEAD_IN = re.compile(
    r"\b(report(s|ed|ing)?|says|said|writes|wrote|quot(es|ed|ing)|posted|tweeted|announced|we have)\b[^.!?]{0,80}:$", re.I
)
# A headline's own date after a dash: "Border Forces Appear to Shoot on Sight - June 27, 2012".
_DATE_TAIL = re.compile(
    rf"\s+[-–—|]\s+((Mon|Tue|Wed|Thu|Fri|Sat|Sun)[a-z]*\.?,?\s+)?({_MONTH}\s+\d{{1,2}},?\s+\d{{4}}|\d{{1,2}}\s+{_MONTH},?\s+\d{{4}})\s*$",
    re.I,
)
_TRAILING_STAMP = re.compile(
    r"(\s+(\d{1,2}[-/.]\d{1,2}[-/.]\d{2,4}|\d{1,2}:\d{2}(:\d{2})?|[AP]\.?M\.?|[AP]DT|[AP]ST|GMT|UTC|BST))+\s*$",
    re.I,
)


def split_sections(doc: Document) -> list[Document]:
    """The document's sections as Documents (ids "<id>#1", "<id>#2", ...), or [doc] itself."""
    paragraphs = [p.strip() for p in doc.text.split("\n") if p.strip()]
    sections = _merge(_segments(paragraphs))
    if len(sections) < 2:
        return [doc]
    return [
        replace(doc, id=f"{doc.id}#{n}", title=title or doc.title, text="\n\n".join(body), section_of=doc.id)
        for n, (title, body) in enumerate(sections, 1)
    ]


def _words(p: str) -> int:
    return len(p.split())


def _is_prose(p: str) -> bool:
    n = _words(p)
    return n >= 2 * PROSE_WORDS or (n >= PROSE_WORDS and p.rstrip("\"'”’)]").endswith((".", "!", "?")))


def _is_heading(paragraphs: list[str], i: int) -> bool:
    """A short title-like line, not a dateline nor an item of a list of headlines, with prose
    right after it (a dateline or a quotation's lead-in between the two is fine)."""
    line = paragraphs[i]
    n = _words(line)
    if not 2 <= n <= HEADING_MAX_WORDS or not (line[0].isupper() or line[0].isdigit()):
        return False
    labelled = bool(_LABEL.match(line))
    if line.endswith((",", ";", ":")) or (line.endswith(".") and not labelled):
        return False
    # A headline may carry its date after a dash; what is left must still read as a headline
    # ("Update - June 27, 2012" does not).
    titled = _DATE_TAIL.sub("", line)
    if not labelled and (_DATELINE.search(titled) or _words(titled) < 4 < n):
        return False
    if i >= 2 and all(_looks_like_heading(p) for p in paragraphs[i - 2 : i]):
        return False  # an item in a list of headlines ("related stories")
    return any(_is_prose(p) for p in paragraphs[i + 1 : i + 5])


def _looks_like_heading(line: str) -> bool:
    return 2 <= _words(line) <= HEADING_MAX_WORDS and line[0].isupper() and not line.endswith((".", ",", ";", ":"))


@dataclass
class _Section:
    title: str
    body: list[str]
    lead_in: bool = False  # opened by a lead-in or a time stamp: the title comes from the body

    @property
    def words(self) -> int:
        return sum(map(_words, self.body))


def _segments(paragraphs: list[str]) -> list[_Section]:
    """Runs of paragraphs under a heading or a lead-in. The run before the first one has no title
    of its own. A heading whose words hardly recur below it (a link text, a caption) is only a line."""
    out = [_Section("", [])]
    for i, p in enumerate(paragraphs):
        if _is_heading(paragraphs, i):
            # A lead-in right before a heading introduces that heading's report.
            lead = out.pop().body if out[-1].lead_in and len(out[-1].body) == 1 else []
            out.append(_Section(_TRAILING_STAMP.sub("", _DATE_TAIL.sub("", p)).rstrip(" -–—"), lead))
        elif out[-1].body and _opens_without_heading(paragraphs, i):
            out.append(_Section(_lead_in_title(paragraphs, i), [p], lead_in=True))
        else:
            out[-1].body.append(p)
    kept = [out[0]]
    # Lead-ins open sections only in a post that is a live blog by its headings: an ordinary
    # article quoting several people is not split at each "she said:".
    blog = any(not seg.lead_in for seg in out[1:])
    for seg in out[1:]:
        heading = set(tokens(seg.title))
        below = set(tokens(" ".join(seg.body[:6])))
        if (seg.lead_in and blog) or (not seg.lead_in and len(heading & below) >= max(1, len(heading) / 2)):
            kept.append(seg)
        else:
            kept[-1].body.extend(seg.body if seg.lead_in else [seg.title, *seg.body])
    return [s for s in kept if s.title or s.body]


def _opens_without_heading(paragraphs: list[str], i: int) -> bool:
    """A time-stamped update, or a lead-in to a quoted report that follows as prose."""
    p = paragraphs[i]
    prose_follows = any(_is_prose(q) for q in paragraphs[i + 1 : i + 3])
    if UPDATE_STAMP.match(p):
        return _words(p) >= PROSE_WORDS or prose_follows
    return _words(p) <= 3 * PROSE_WORDS and bool(_LEAD_IN.search(p)) and prose_follows


TITLE_MAX_WORDS = 20
_CLAUSE = {"who", "which", "that", "while", "after", "because", "as", "but", "although", "when", "where"}


def _lead_in_title(paragraphs: list[str], i: int) -> str:
    """The lead-in's own words without the time stamp and the reporting clause ("Reuters
    reported:"); when nothing else is left, the quoted report's first sentence."""
    p = UPDATE_STAMP.sub("", paragraphs[i], count=1)
    sentences = [x for x in re.split(r"(?<=[.!?])\s+", p) if x]
    if sentences and _LEAD_IN.search(sentences[-1]) and len(sentences) > 1:
        sentences.pop()
    text = sentences[0] if sentences else p
    if _LEAD_IN.search(text) and _words(text) <= PROSE_WORDS and i + 1 < len(paragraphs):
        text = strip_dateline(re.split(r"(?<=[.!?])\s+", paragraphs[i + 1])[0])  # "Reuters reported:" says nothing
    text = text.split(":")[0] if _words(text.split(":")[0]) >= 4 else text
    words = text.rstrip(" .:").split()
    if len(words) <= TITLE_MAX_WORDS:
        return " ".join(words)
    # Too long for a headline: end at the last clause boundary that leaves a headline's worth
    # ("This bomb has been IDed by Brown Moses | who said ..."), else cut with an ellipsis.
    cuts = [k for k in range(6, TITLE_MAX_WORDS) if words[k - 1].endswith((",", ";")) or words[k].lower() in _CLAUSE]
    return " ".join(words[: cuts[-1]]).rstrip(",;") if cuts else " ".join(words[:TITLE_MAX_WORDS]) + "…"


def _merge(segments: list[_Section]) -> list[tuple[str, list[str]]]:
    """Join a section to the one before it when it continues what the previous part was about;
    then fold sections too short to stand alone into a neighbour."""
    vectors = _tfidf([" ".join(s.body if s.lead_in else [s.title, *s.body]) for s in segments])
    segments, vectors = _carry_forward(segments, vectors)
    merged: list[_Section] = []
    merged_vector = Counter()
    for seg, vec in zip(segments, vectors):
        if merged and (seg.words < SECTION_MIN_WORDS or _cosine(merged_vector, vec) >= SAME_TOPIC):
            _absorb(merged[-1], seg)
            merged_vector.update(vec)
        else:
            merged.append(_Section(seg.title, list(seg.body), seg.lead_in))
            merged_vector = Counter(vec)
    # A short opening (a social prompt, a caption) belongs to the first real section; one with
    # some prose is the article's own lead, so that section keeps the article's title.
    while len(merged) > 1 and merged[0].words < SECTION_MIN_WORDS:
        first = merged.pop(0)
        if not first.title and first.words >= PROSE_WORDS:
            merged[0].body.insert(0, merged[0].title)
            merged[0].title = ""
        merged[0].body[:0] = first.body
    if len(merged) > 1 and merged[-1].words < SECTION_MIN_WORDS:
        _absorb(merged[-2], merged.pop())
    return [(s.title, s.body) for s in merged]


def _carry_forward(segments: list[_Section], vectors: list[Counter]) -> tuple[list[_Section], list[Counter]]:
    """A short section under its own heading that only introduces the next one (a heading, "HRW
    issued a report:", then the report's own title) heads that next section rather than joining
    the one before it."""
    out: list[_Section] = []
    out_vectors: list[Counter] = []
    carried: tuple[_Section, Counter] | None = None
    for k, (seg, vec) in enumerate(zip(segments, vectors)):
        if carried:
            head, head_vector = carried
            seg = _Section(head.title, [*head.body, *([seg.title] if seg.title and not seg.lead_in else []), *seg.body])
            vec = head_vector + vec
            carried = None
        introduces_next = (
            0 < k < len(segments) - 1 and seg.title and not seg.lead_in and seg.words < SECTION_MIN_WORDS
            and _cosine(vec, vectors[k + 1]) >= SAME_TOPIC
        )
        if introduces_next:
            carried = (seg, vec)
            continue
        out.append(seg)
        out_vectors.append(vec)
    return out, out_vectors


def _absorb(into: _Section, seg: _Section) -> None:
    if into.title and into.words == 0:
        into.title = seg.title or into.title  # a heading with nothing under it gives way
    elif seg.title and seg.title != into.title and not seg.lead_in:
        into.body.append(seg.title)
    into.body.extend(seg.body)


def _tfidf(texts: list[str]) -> list[Counter]:
    counts = [Counter(tokens(t)) for t in texts]
    df = Counter(t for c in counts for t in c)
    n = len(texts)
    # Within one article, a word that every section uses (the article's subject) says little
    # about where one section ends: it weighs little (but not nothing, or two sections could
    # never be alike).
    return [Counter({t: (1 + math.log(k)) * math.log((2 + n) / (1 + df[t])) for t, k in c.items()}) for c in counts]


def _cosine(a: Counter, b: Counter) -> float:
    dot = sum(v * b[t] for t, v in a.items() if t in b)
    na = math.sqrt(sum(v * v for v in a.values()))
    nb = math.sqrt(sum(v * v for v in b.values()))
    return dot / (na * nb) if na and nb else 0.0
