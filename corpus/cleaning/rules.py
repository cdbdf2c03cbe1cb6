"""The rules: each names one kind of boilerplate and says, from a line's shape and its
neighbours, whether a line is that kind. A rule combines a few cue words with shape (length,
end punctuation, capitalisation, position, runs of similar lines), never whole sentences, so it
carries over to outlets it has not seen. The first sentence of each docstring says why the rule
exists; the report (bench/cleaning_report.py) prints it."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from corpus.cleaning.shape import (
    BULLETS,
    DATE,
    PAREN_CREDIT,
    TIME,
    alpha_words,
    bulleted,
    date_only,
    ends_sentence,
    has_date,
    is_fragment,
    key,
    n_words,
    names_only,
    sentence_count,
)


@dataclass
class Doc:
    """The normalised lines of one text, blank lines included, with neighbour look-ups."""

    lines: list[str]
    title: str = ""
    nonblank: list[int] = field(init=False)

    def __post_init__(self) -> None:
        self.nonblank = [i for i, ln in enumerate(self.lines) if ln]

    def prev(self, i: int) -> int | None:
        """The nearest non-blank line before i, across blank lines."""
        return next((j for j in range(i - 1, -1, -1) if self.lines[j]), None)

    def next(self, i: int) -> int | None:
        return next((j for j in range(i + 1, len(self.lines)) if self.lines[j]), None)

    def block(self, i: int) -> list[int]:
        """The paragraph block holding line i: the run of non-blank lines around it."""
        lo, hi = i, i
        while lo > 0 and self.lines[lo - 1]:
            lo -= 1
        while hi + 1 < len(self.lines) and self.lines[hi + 1]:
            hi += 1
        return list(range(lo, hi + 1))


LineRule = Callable[[Doc, int], bool]
ContextRule = Callable[[Doc, dict[int, str]], dict[int, str]]


def _rx(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern, re.I)


# ---- whole-line rules: a line's own shape (and at most its neighbours' text) decides ----


def title_repeat(doc: Doc, i: int) -> bool:
    """The extractor repeats the headline as the first line; the title is stored on its own."""
    return bool(doc.nonblank) and i == doc.nonblank[0] and bool(doc.title) and key(doc.lines[i]) == key(doc.title)


def repeated_line(doc: Doc, i: int) -> bool:
    """A line equal to the one before it (blank lines between allowed) is an extraction echo.
    A repeated short fragment (no sentence punctuation) is an image's alt text and caption, so
    both copies go. Of a repeated sentence the first copy stays, and only from eight words on:
    a short sentence said twice ("I was trying to help. I was trying to help.") is speech."""
    line = doc.lines[i]
    if not key(line) or (ends_sentence(line) and n_words(line) < 8):
        return False
    j, k = doc.prev(i), doc.next(i)
    if j is not None and key(doc.lines[j]) == key(line):
        return True
    return (
        k is not None
        and key(doc.lines[k]) == key(line)
        and is_fragment(line)
        and n_words(line) <= 10
        and i != doc.nonblank[0]  # a doubled heading at the top keeps one copy
    )


_PLATFORMS = (
    r"twitter|facebook|instagram|linkedin|youtube|pinterest|reddit|tiktok|whatsapp|telegram|tumblr|"
    r"snapchat|threads|mastodon|bluesky|google\+|rss|x\.com"
)
_SOCIAL_START = _rx(r"^(?:follow|like|share|tweet|join|connect with|find|friend|add|pin|subscribe to)\b(?!-)")
_SOCIAL_PLACE = _rx(rf"\b(?:{_PLATFORMS})\b|(?:^|\s)@\w+")
_SHARE_START = _rx(r"^share\s+(?:this|the|on|via|to|with|article|story|post|page)\b")
_SHARE_BAR = frozenset(
    "share tweet pin email e-mail print save comment comments copy link whatsapp facebook twitter "
    "linkedin reddit pinterest messenger sms telegram flipboard".split()
)


def social_prompt(doc: Doc, i: int) -> bool:
    """"Follow X on Twitter", "Share this on Facebook", or a row of share buttons: an imperative
    social verb with a platform or @handle, in a short line without quotes."""
    line = doc.lines[i]
    if n_words(line) > 12 or re.search("[\"“”]", line):
        return False
    if _SOCIAL_START.search(line) and _SOCIAL_PLACE.search(line):
        return True
    if _SHARE_START.search(line) and n_words(line) <= 8:
        return True
    words = [w.casefold() for w in re.findall(r"[\w+-]+", line)]
    return len(words) >= 2 and all(w in _SHARE_BAR for w in words)


_CLICK = _rx(r"^(?:click|tap|press)\s+(?:here|for|to|on|through|below|above|the|this|image|photo)\b")
_READ_ON = _rx(r"^(?:continue reading|keep reading|read more|read the full|see more|view more)\b")
_LINK_LABEL = _rx(r"^(?:related|see also|read more|also read|read also|more|watch|listen|video)(?:\s+\w+){0,2}\s*:")


def click_prompt(doc: Doc, i: int) -> bool:
    """Calls to action left by links and buttons: "Click for full … coverage", "Click here to
    …", "Continue reading", or a labelled link ("Related: …", "Watch: …", "See also: …")."""
    line = doc.lines[i]
    words = n_words(line)
    return bool(
        (_CLICK.search(line) and words <= 15)
        or (_READ_ON.search(line) and words <= 8)
        or (_LINK_LABEL.search(line) and words <= 15 and sentence_count(line) == 1)
    )


_CONTACT = _rx(
    r"^(?:contact|email|e-mail|write to|message|send)\s+(?:the\s+|this\s+|our\s+)?"
    r"(?:editor|editors|author|authors|reporter|writer|newsroom|desk|us|a tip|tips)\b"
)
_EMAIL_ONLY = _rx(r"^(?:e-?mail\s*:?\s*)?[\w.+-]+@[\w-]+(?:\.[\w-]+)+$")


def contact_editor(doc: Doc, i: int) -> bool:
    """"Contact Editor", "Email the author", an e-mail address alone: a link to the newsroom."""
    line = doc.lines[i]
    return n_words(line) <= 8 and is_fragment(line.rstrip(".")) and bool(_CONTACT.search(line) or _EMAIL_ONLY.search(line))


_ROLES = frozenset(
    "staff writer writers reporter reporters correspondent correspondents editor editors contributor "
    "columnist bureau chief senior special news desk".split()
)
_POSTED = _rx(r"^(?:posted|published|written|filed|submitted|updated|last updated|reported)\s*(?:by|on|at|:)")


def byline(doc: Doc, i: int) -> bool:
    """Bylines standing alone: "By Jane Roe, Cairo", "Posted By Jane Roe Friday, June 1 -
    9:33 AM", "Jane Roe, Cairo," or "Jane Roe, Staff Writer". Names are capitalised and no
    verb follows, which tells them from "By Tuesday, the toll had risen"."""
    line = doc.lines[i]
    words = n_words(line)
    if line.startswith(("By ", "BY ")):
        return words <= 25 and (is_fragment(line) or words <= 6) and names_only(line[3:], _ROLES)
    if _POSTED.search(line) and words <= 20:
        rest = _POSTED.sub("", line, count=1)
        dated = has_date(rest) or bool(TIME.search(rest))
        ends_like_stamp = is_fragment(line) or bool(re.search(r"[ap]\.?m\.?$", line, re.I))
        return (dated or names_only(rest)) and ends_like_stamp
    if words <= 8 and is_fragment(line) and "," in line:
        # "Jane Roe, Cairo," (a trailing comma: the line was cut from a byline block) or
        # "Jane Roe, Staff Writer" (a name with a newsroom role)
        has_role = bool({w.casefold() for w in alpha_words(line)} & _ROLES)
        return (line.endswith(",") or has_role) and names_only(line, _ROLES)
    return False


_CREDIT_CUE = _rx(
    r"\b(?:photo|photograph|image|picture|pic|video)s?\s*(?:credit|courtesy|by)?\s*:"
    r"|\bphoto\s+(?:credit|courtesy)\b|^\(?(?:photos?|images?|pictures?)\s*(?:credit|courtesy|by|/)"
    r"|^\(?credits?\s*:|^\(?courtesy\s+(?:of\s+)?[A-Z]|\b(?:screenshot|screengrab|screen grab)\)?$"
)
_AGENCIES = frozenset(
    "reuters ap afp epa getty images associated press bloomberg xinhua pool handout file corbis "
    "shutterstock sipa anadolu tass ria dpa ansa efe upi zuma alamy pa photo photos".split()
)


def photo_credit(doc: Doc, i: int) -> bool:
    """Photo credits: a cue ("photo credit:", "Image:", "courtesy", "screenshot") in a short
    line; agencies joined by slashes ("Jane Roe/ Some Network/REUTERS", "AFP/Getty Images");
    or a one-sentence caption ending in a credit in parentheses ("Troops in Homs (Photo: AP)")."""
    line = doc.lines[i]
    words = n_words(line)
    end_credit = next((m for m in PAREN_CREDIT.finditer(line) if m.end() == len(line)), None)
    if end_credit and words <= 40:
        rest = line[: end_credit.start()]
        return not rest.strip() or (sentence_count(rest) == 1 and n_words(rest) <= 30)
    if words > 15:
        return False
    if _CREDIT_CUE.search(line) and (is_fragment(line) or words <= 6):
        return True
    tokens = {w.casefold() for w in re.findall(r"[A-Za-z]+", line)}
    return "/" in line and words <= 10 and is_fragment(line) and bool(tokens & _AGENCIES) and "(" not in line


_CLIP_OFFSET = _rx(
    r"\b(?:\d{1,2}:)?\d{1,2}:\d{2}\s*(?:secs?|seconds|mins?|minutes|mark)\b"
    r"|\b(?:starts?|begins?|from)\s+(?:at\s+)?(?:\d{1,2}:)?\d{1,2}:\d{2}\s+in\b"
    r"|\b\d{1,2}:\d{2}\s+(?:into|in)\s+(?:the\s+)?(?:video|clip|interview|footage)\b"
    r"|\((?:\d{1,2}:)?\d{1,2}:\d{2}\)$"  # a clip's running time after its title: "… (2:31)"
)
_MEDIA_STAMP = _rx(
    rf"^(?:taped|filmed|recorded|uploaded|shot|streamed|broadcast)(?:\s+by\s+[^,]{{1,40}})?\s+(?:on\s+|at\s+)?{DATE}\.?$"
)


def video_timestamp(doc: Doc, i: int) -> bool:
    """Notes about an embedded video: a clip offset ("starts 0:40 secs in", "at the 2:15
    mark"), a running time "(2:31)", or a recording date alone ("Taped on 24-06-2012")."""
    line = doc.lines[i]
    return n_words(line) <= 20 and bool(_CLIP_OFFSET.search(line) or _MEDIA_STAMP.search(line))


_PAY_CUE = _rx(
    r"\bsubscri(?:be|bing|ption|ber)s?\b|\bunlimited\b|\bfree (?:articles?|stories|story)\b|\bsign (?:up|in)\b"
    r"|\blog ?in\b|\bpaywall\b|\bnewsletters?\b|\bregister(?:ing)?\b|\bper (?:month|week|year)\b"
)
_PRICE = _rx(r"[$€£]\s?\d+(?:[.,]\d\d)?\s*(?:/|per |a |an )\s*(?:month|mo|week|wk|year|yr|day)\b")
_PROMPT = _rx(
    r"^(?:subscribe|sign|log|get|join|register|try|start|become|already|support|unlock|continue|read|create|"
    r"upgrade|claim|thank|don't|do not)\b|\byou(?:'ve|'re|r| have| are)?\b|\bplease\b|\bto continue\b|[>»|]"
)
_SUBSCRIBER_ONLY = _rx(r"\b(?:for|to) subscribers only\b|\bsubscribers?[- ]only\b|\bexclusive to subscribers\b")
_LEADING_LABEL = re.compile(r"^\w+(?:\s\w+)?\s*:\s*")


def paywall(doc: Doc, i: int) -> bool:
    """Subscription furniture: a price per period ("$11/month"), or a subscription cue
    (subscribe, unlimited, free articles, sign in) in a short line that speaks to the reader
    ("You've read…", "Get unlimited…") or is a button ("… > Get …"). A sentence about
    subscribers ("The paper has 2 million subscribers.") has the cue but not the shape."""
    line = doc.lines[i]
    if n_words(line) > 25:
        return False
    if _PRICE.search(line) or _SUBSCRIBER_ONLY.search(line):
        return True
    body = _LEADING_LABEL.sub("", line, count=1)
    if body != line and n_words(body) > 8 and not _PAY_CUE.search(body):
        return False  # a "Subscribe:" button glued to a real paragraph: inline.button_label cuts it
    return bool(_PAY_CUE.search(line) and _PROMPT.search(line))


_PERIODIC = _rx(
    r"\b(?:daily|weekly|monthly|morning|evening|nightly)\b.{0,40}\b(?:summary|digest|briefing|roundup|round-up|"
    r"newsletter|email|update|dose|edition)s?\b|\b(?:to|in) your inbox\b|\bnewsletters?\b"
)


def newsletter_promo(doc: Doc, i: int) -> bool:
    """A bulleted blurb that sells a newsletter or briefing ("• A daily summary of …"), or a
    short line offering one in your inbox."""
    line = doc.lines[i]
    if n_words(line) > 25 or not _PERIODIC.search(line):
        return False
    return bulleted(line) or line[:1] in BULLETS[:5] or bool(re.search(r"\b(?:to|in) your inbox\b", line, re.I))


_COPYRIGHT = _rx(r"©|\(c\)\s*\d{4}|\bcopyright\s+(?:©\s*)?\d{4}|\ball rights reserved\b|\bmay not be (?:re)?published\b")


def copyright_notice(doc: Doc, i: int) -> bool:
    """"© 2012 Some Outlet. All rights reserved.": the publisher's notice, not the story."""
    return n_words(doc.lines[i]) <= 40 and bool(_COPYRIGHT.search(doc.lines[i]))


_INTERFACE = frozenset(
    "advertisement advertising advert ad sponsored skip loading play replay video videos gallery enlarge "
    "toggle caption close menu image images photo photos more comments comment print".split()
)


def interface_label(doc: Doc, i: int) -> bool:
    """A page control left as a line of its own: "Advertisement", "Play video", "Enlarge this
    image", "Comments" (at most four words, all from a small vocabulary of interface words)."""
    words = [w.casefold() for w in re.findall(r"[\w']+", doc.lines[i])]
    return 0 < len(words) <= 4 and all(w in _INTERFACE or w in ("this", "the", "all") for w in words) and not all(
        w in ("this", "the", "all") for w in words
    )


def date_line(doc: Doc, i: int) -> bool:
    """A line that is only a date or time ("Wed Jun 27, 2012 at 11:58 AM PDT"): a post's
    time stamp. The publication time is kept as metadata; as text it is no sentence."""
    return n_words(doc.lines[i]) <= 12 and date_only(doc.lines[i])


_CONTRIBUTED = _rx(r"\bcontributed(?: reporting)?(?: to)? (?:this|the) (?:report|story|article)\b|\bcontributed reporting\b")
_REPORTING_BY = _rx(r"^\(?\s*(?:additional\s+)?(?:reporting|writing|editing|compiled|research|translation)\s+by\b")
_CREDIT_WORDS = re.compile(r"(?i)\b(?:additional|reporting|writing|editing|compiled|research|translation|by)\b")


def contributor_credit(doc: Doc, i: int) -> bool:
    """"Reuters contributed to this report.", "(Reporting by Jane Roe; Editing by John Doe)":
    the newsroom's credits, no part of the story."""
    line = doc.lines[i]
    if _CONTRIBUTED.search(line) and n_words(line) <= 15:
        return True
    if _REPORTING_BY.search(line) and n_words(line) <= 30:
        return names_only(_CREDIT_WORDS.sub(" ", line), _ROLES) or (line.startswith("(") and line.endswith(")"))
    return False


LINE_RULES: list[LineRule] = [
    title_repeat,
    repeated_line,
    social_prompt,
    click_prompt,
    contact_editor,
    byline,
    photo_credit,
    video_timestamp,
    paywall,
    newsletter_promo,
    copyright_notice,
    interface_label,
    contributor_credit,
    date_line,
]


# ---- context rules: they judge a line by the lines around it and by what is already marked ----


def caption(doc: Doc, marks: dict[int, str]) -> dict[int, str]:
    """A caption sits against its photo credit or video note: a short fragment on the next or
    previous line ("Rebel fighter 240", "Outskirts of Aleppo, Syria"), or the one sentence
    that shares a paragraph block with nothing but the credit ("Protesters march in Hama, May 4.").
    Paragraphs of several sentences are never taken, even right after a credit."""
    found: dict[int, str] = {}
    for c in [i for i, rule in marks.items() if rule in ("photo_credit", "video_timestamp")]:
        for j in (c - 1, c + 1):
            if 0 <= j < len(doc.lines) and doc.lines[j] and j not in marks:
                if is_fragment(doc.lines[j]) and n_words(doc.lines[j]) <= 15:
                    found[j] = "caption"
        block = doc.block(c)
        if marks[c] == "photo_credit" and len(block) == 2:
            (other,) = [j for j in block if j != c]
            if other not in marks and _caption_shaped(doc.lines[other]):
                found[other] = "caption"
    return found


def _caption_shaped(line: str) -> bool:
    return n_words(line) <= 40 and sentence_count(line) == 1 and not re.search("[\"“”]", line)


_LIST_INTRO = _rx(
    r"\b(?:related|recommended|popular|trending)\b"
    r"|\b(?:more|other|recent|previous|earlier|latest|further|my|our)\b(?:\s+\w+){0,2}\s+"
    r"(?:diaries|diary|stories|posts|articles|coverage|headlines|reading|links|videos)\b"
    r"|^(?:see also|read more|also read|read also|more on this|more from|you may also like|you might also like|don't miss|also on)\b"
)
_INTRO_START = _rx(r"^(?:see also|read more|also read|read also|more from|related)\b")


def _headline_shaped(line: str, max_words: int = 20) -> bool:
    return bool(line) and n_words(line) <= max_words and line.rstrip("\"'”’)]")[-1:] not in tuple(".,;:")


def related_list(doc: Doc, marks: dict[int, str]) -> dict[int, str]:
    """A run of headlines linking elsewhere: an intro line with a cue ("Here are my related
    diaries:", "More stories:", "See also") followed by two or more headline-shaped lines
    (short, no closing period); or, with no intro, five or more such lines closing the text."""
    found: dict[int, str] = {}
    for i in doc.nonblank:
        line = doc.lines[i]
        if i in marks or n_words(line) > 12 or not _LIST_INTRO.search(line):
            continue
        if ends_sentence(line) or not (line.endswith(":") or _INTRO_START.search(line)):
            continue
        start = doc.next(i)  # the list may start after a blank line
        run: list[int] = []
        for j in range(start if start is not None else len(doc.lines), len(doc.lines)):
            if not _headline_shaped(doc.lines[j]):
                break
            run.append(j)
        if len(run) >= 2:
            found.update(dict.fromkeys([i, *run], "related_list"))
    kept = [i for i in doc.nonblank if i not in marks and i not in found]
    if kept:  # a closing run without an intro
        tail = [j for j in doc.block(kept[-1]) if j not in marks and j not in found]
        if len(tail) >= 5 and all(_headline_shaped(doc.lines[j], 15) for j in tail):
            found.update(dict.fromkeys(tail, "related_list"))
    return found


_NOTE_CUE = _rx(
    r"\b(?:desk|reporting by|editing by|writing by|contributed|this (?:story|article|report) (?:was|has been|is)|"
    r"correction|originally (?:published|appeared)|updated (?:at|on)|keeping you updated)\b"
)


def editorial_note(doc: Doc, marks: dict[int, str]) -> dict[int, str]:
    """A note from the newsroom closing the text, wholly in parentheses: "(Our desk is
    keeping you updated …)", "(This story has been corrected …)"."""
    kept = [i for i in doc.nonblank if i not in marks]
    if not kept:
        return {}
    last = doc.lines[kept[-1]]
    if last.startswith("(") and last.endswith(")") and last.count("(") == 1 and _NOTE_CUE.search(last):
        return {kept[-1]: "editorial_note"}
    return {}


CONTEXT_RULES: list[ContextRule] = [caption, related_list, editorial_note]
