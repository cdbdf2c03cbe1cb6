"""Line shape: the measurements the cleaning rules are built from (length, end punctuation,
capitalisation, dates and times). No rule lives here, only the vocabulary they share."""

from __future__ import annotations

import re
import unicodedata

from corpus.words import CJK_CLOSERS, CJK_SENTENCE_END, word_count

# Extractors leave no-break spaces, zero-width characters and runs of spaces behind.
_ZERO_WIDTH = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"))


def normalise(line: str) -> str:
    line = line.translate(_ZERO_WIDTH)
    line = "".join(" " if unicodedata.category(c) == "Zs" or c == "\t" else c for c in line)
    return " ".join(line.split())


def key(line: str) -> str:
    """What two copies of a line share: case, spacing and outer punctuation ignored."""
    return " ".join(line.casefold().split()).strip(" .,;:!?-–—\"'“”‘’()[]")


def n_words(line: str) -> int:
    """Its words; Chinese and Japanese counted by characters (corpus/words.py)."""
    return word_count(line)


_CLOSERS = "\"'”’)]»" + CJK_CLOSERS
_TERMINAL = ".!?…" + CJK_SENTENCE_END
# What ends a clause: a headline-shaped line never ends with one (nor with a period).
CLAUSE_END = ".,;:" + "。．｡，、；："


def ends_sentence(line: str) -> bool:
    """The line ends like a sentence (a period, ? or !, maybe inside a closing quote; in Chinese
    and Japanese 。！？ and their full-width forms, maybe inside 」 or 』)."""
    return line.rstrip(_CLOSERS + " ")[-1:] in tuple(_TERMINAL) if line.strip() else False


def is_fragment(line: str) -> bool:
    """No sentence punctuation at the end: a heading, caption, credit or name."""
    return not ends_sentence(line)


def sentence_count(line: str) -> int:
    """A rough count of sentences: terminal punctuation followed by a space and a capital, or
    a Chinese or Japanese sentence's end followed by more text."""
    return (
        1
        + len(re.findall(r"[.!?][\"'”’)]*\s+[\"'“‘(]?[A-Z]", line))
        + len(_CJK_BREAK.findall(line))
    )


# A Chinese or Japanese sentence's end with more text after it.
_CJK_BREAK = re.compile(f"[{CJK_SENTENCE_END}][{CJK_CLOSERS}”’\"')]*(?=\\s*[^\\s{CJK_CLOSERS}])")


_WORD = re.compile(r"[^\W\d_][\w'’-]*")


def alpha_words(line: str) -> list[str]:
    return _WORD.findall(line)


def capitalised(word: str) -> bool:
    return word[:1].isupper()


# Words a name line may hold in lower case: "Suha Maayeh in Amman and Peter Foster".
NAME_JOINERS = frozenset(
    "and in of the for at with from de da di del der van von la le al el bin ibn y e und".split()
)


def names_only(line: str, allowed: frozenset[str] = frozenset()) -> bool:
    """Every word is capitalised (a name, place or organisation) except joiners and `allowed`.

    Needs at least one capitalised word beyond the first, so that lower-cased text (Multi-News
    is tokenised and lower-cased) never passes by accident."""
    ws = alpha_words(line)
    caps = [w for w in ws if capitalised(w)]
    rest = [w for w in ws if not capitalised(w) and w.casefold() not in NAME_JOINERS and w.casefold() not in allowed]
    return len(caps) >= 2 and not rest


MONTHS = frozenset(
    "january february march april may june july august september october november december "
    "jan feb mar apr jun jul aug sep sept oct nov dec".split()
)
WEEKDAYS = frozenset(
    "monday tuesday wednesday thursday friday saturday sunday mon tue tues wed thu thur thurs fri sat sun".split()
)
TIMEZONES = frozenset("utc gmt bst cet cest eet eest est edt cst cdt mst mdt pst pdt pt et ct mt ist aest z".split())
_NUM_DATE = r"\d{1,4}[-/.]\d{1,2}[-/.]\d{2,4}"
_TIME = r"\d{1,2}[:.]\d{2}(?::\d{2})?\s*(?:[ap]\.?m\.?)?"
NUM_DATE = re.compile(rf"\b{_NUM_DATE}\b")
TIME = re.compile(rf"\b{_TIME}", re.I)
_MONTH_ALT = "|".join(sorted(MONTHS, key=len, reverse=True))
NAMED_DATE = re.compile(rf"\b(?:{_MONTH_ALT})\.?\s+\d{{1,2}}(?:st|nd|rd|th)?\b|\b\d{{1,2}}\s+(?:{_MONTH_ALT})\b", re.I)
# A date as it trails a media note: "2/27/12", "24-06-2012", "June 27, 2012".
DATE = (
    rf"(?:{_NUM_DATE}|(?:{_MONTH_ALT})\.?\s+\d{{1,2}}(?:st|nd|rd|th)?,?(?:\s+\d{{4}})?"
    rf"|\d{{1,2}}\s+(?:{_MONTH_ALT})\.?,?(?:\s+\d{{4}})?)"
)
_DATE_FILLER = frozenset("at on of the - – — | , : am pm a.m. p.m. updated posted".split())


def has_date(line: str) -> bool:
    return bool(NUM_DATE.search(line) or NAMED_DATE.search(line))


def date_only(line: str) -> bool:
    """The line is nothing but a date and/or time: "Wed Jun 27, 2012 at 11:58 AM PDT"."""
    tokens = re.findall(r"[^\s,|]+", line)
    if len(tokens) < 2 or not any(t.isdigit() or re.fullmatch(_NUM_DATE, t) for t in tokens):
        return False
    named = False
    for t in tokens:
        low = t.casefold().strip(".()[]")
        if low in MONTHS or low in WEEKDAYS:
            named = True
        elif re.fullmatch(_NUM_DATE, low):
            named = True
        elif not (
            low in TIMEZONES
            or low in _DATE_FILLER
            or re.fullmatch(r"\d{1,4}(?:st|nd|rd|th)?", low)
            or re.fullmatch(_TIME, low, re.I)
        ):
            return False
    return named


BULLETS = "•·▪►›»◦‣∙*-–"


def bulleted(line: str) -> bool:
    return line[:1] in BULLETS and line[1:2] == " "


# A parenthesis that is a credit, not a dateline: "(photo credit: …)", "(AP Photo/Jane Roe)",
# "(Jane Roe/Getty Images)", "(Photo by …)". A bare "(AP)" or "(Reuters)" is a dateline and stays.
PAREN_CREDIT = re.compile(
    r"\s*\(\s*(?:"
    r"(?:ap |afp |reuters |epa |file |staff |handout )?(?:photo|photograph|image|picture|pic)s?\s*(?:credit\s*)?[:/]"
    r"|(?:photo|image|picture)s?\s+(?:credit|courtesy|by)\b"
    r"|credits?\s*:|courtesy\s+of\b"
    r"|[^()]{1,60}/\s*getty images"
    r")[^()]{0,100}\)",
    re.I,
)
