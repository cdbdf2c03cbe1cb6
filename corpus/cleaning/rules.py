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
    CLAUSE_END,
    DATE,
    PAREN_CREDIT,
    TIME,
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
from corpus.words import CJK_CLOSERS


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
    return i == doc.nonblank[0] and bool(doc.title) and key(doc.lines[i]) == key(doc.title)


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
# "Watch:" and "Video:" are left alone: as kickers they start headings of video items.
_LINK_LABEL = _rx(r"^(?:related|see also|read more|also read|read also|more)(?:\s+\w+){0,2}\s*:")


def click_prompt(doc: Doc, i: int) -> bool:
    """Calls to action left by links and buttons: "Click for full … coverage", "Click here to
    …", "Continue reading", or a labelled link ("Related: …", "See also: …", "More: …")."""
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
    linked = _CONTACT.search(line) or _EMAIL_ONLY.search(line)
    return n_words(line) <= 8 and is_fragment(line.rstrip(".")) and bool(linked)


_ROLES = frozenset(
    "staff writer writers reporter reporters correspondent correspondents editor editors contributor "
    "contributing columnist bureau chief senior special foreign political".split()
)
# A role needs its head noun: "Staff Writer", "Foreign Correspondent"; "Chief" or "News" alone is
# a headline word ("Mt. Gox Chief Stole …").
_ROLE = _rx(r"\b(?:writer|reporter|correspondent|editor|contributor|columnist|bureau chief)s?\b")
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
        # "Jane Roe, Staff Writer" (a name with a newsroom role); each part as short as a name
        parts_short = all(n_words(p) <= 3 for p in line.split(","))
        named = line.endswith(",") or bool(_ROLE.search(line))
        return parts_short and named and names_only(line, _ROLES)
    return False


_CREDIT_CUE = _rx(
    r"\bphoto\s+(?:credit|courtesy)\b|^\(?(?:photos?|images?|pictures?)\s*(?:credit|courtesy|by|/)"
    r"|^\(?credits?\s*:|^\(?courtesy\s+(?:of\s+)?[A-Z]|\b(?:screenshot|screengrab|screen grab)\)?$"
)
# "Photo: Jane Roe", "Image: Getty Images": the label names who took it. After "PHOTO:" or
# "Video:" a headline follows instead ("PHOTO: First look at the new costume"), which stays.
_CREDIT_LABEL = _rx(r"^\(?(?:photo|photograph|image|picture|pic)s?\s*(?:credit|courtesy|by)?\s*:\s*(.*?)\)?\.?$")
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
    if label := _CREDIT_LABEL.match(line):
        who = label.group(1)
        tokens = {w.casefold() for w in re.findall(r"[A-Za-z]+", who)}
        short = n_words(who) <= 2 or (n_words(who) <= 4 and names_only(who))
        return short or "/" in who or tokens <= _AGENCIES
    tokens = {w.casefold() for w in re.findall(r"[A-Za-z]+", line)}
    if "/" in line and "(" not in line and words <= 10 and is_fragment(line) and tokens & _AGENCIES:
        return True
    return words <= 4 and "images" in tokens and tokens <= _AGENCIES  # "Getty Images" alone


_CLIP_OFFSET = _rx(
    r"\b(?:\d{1,2}:)?\d{1,2}:\d{2}\s*(?:secs?|seconds|mins?|minutes|mark)\b"
    r"|\b(?:starts?|begins?|from)\s+(?:at\s+)?(?:\d{1,2}:)?\d{1,2}:\d{2}\s+in\b"
    r"|\b\d{1,2}:\d{2}\s+(?:into|in)\s+(?:the\s+)?(?:video|clip|interview|footage)\b"
    r"|\((?:\d{1,2}:)?\d{1,2}:\d{2}\)$"  # a clip's running time after its title: "… (2:31)"
)
_MEDIA_STAMP = _rx(
    r"^(?:taped|filmed|recorded|uploaded|shot|streamed|broadcast)(?:\s+by\s+[^,]{1,40})?"
    rf"\s+(?:on\s+|at\s+)?{DATE}\.?$"
)


def video_timestamp(doc: Doc, i: int) -> bool:
    """Notes about an embedded video: a clip offset ("starts 0:40 secs in", "at the 2:15
    mark"), a running time "(2:31)", or a recording date alone ("Taped on 24-06-2012")."""
    line = doc.lines[i]
    return n_words(line) <= 20 and bool(_CLIP_OFFSET.search(line) or _MEDIA_STAMP.search(line))


_PAY_CUE = _rx(
    r"\bsubscri(?:be|bing|ption|ber)s?\b|\bunlimited\b|\bfree (?:articles?|stories|story)\b"
    r"|\bsign (?:up|in)\b|\blog ?in\b|\bpaywall\b|\bnewsletters?\b|\bregister(?:ing)?\b|\bper (?:month|week|year)\b"
)
_PRICE = _rx(r"[$€£]\s?\d+(?:[.,]\d\d)?\s*(?:/|per |a |an )\s*(?:month|mo|week|wk|year|yr|day)\b")
# Paywalls are about reading this site: a cue with the shape but not the subject ("You can now
# watch the show without a Netflix subscription") is news.
_READING = _rx(
    r"\b(?:read|reading|articles?|stor(?:y|ies)|access|journalism|reporting|coverage|content|continue|digital|"
    r"account|newsletters?|profile|updates|offers|alerts|trial|subscrib(?:ing|er|ers)|registering|"
    r"member(?:ship)?|log ?in|sign (?:in|up))\b"
)
_PROMPT = _rx(
    r"^(?:subscribe|sign|log|get|join|register|try|start|become|already|support|unlock|continue|read|create|"
    r"upgrade|claim|thank|don't|do not)\b|\byou(?:'ve|'re|r| have| are)?\b|\bplease\b|\bto continue\b|[>»|]"
)
_OFFER = _rx(r"\b(?:only|just|save|off|offer|trial|for the first)\b")
_SUBSCRIBER_ONLY = _rx(r"\bsubscribers?[- ]only\b|\bfor subscribers only\b|\bexclusive to subscribers\b")
_LEADING_LABEL = re.compile(r"^\w+(?:\s\w+)?\s*:\s*")


def paywall(doc: Doc, i: int) -> bool:
    """Subscription furniture: a price per period ("$11/month"), or a subscription cue
    (subscribe, unlimited, free articles, sign in) in a short line that speaks to the reader
    ("You've read…", "Get unlimited…") or is a button ("… > Get …"). A sentence about
    subscribers ("The paper has 2 million subscribers.") has the cue but not the shape."""
    line = doc.lines[i]
    if n_words(line) > 25:
        return False
    if _SUBSCRIBER_ONLY.search(line):
        return True
    if _PRICE.search(line):  # an offer, not a report of a price rise
        return bool(_PROMPT.search(line) or n_words(line) <= 6 or _OFFER.search(line))
    body = _LEADING_LABEL.sub("", line, count=1)
    if body != line and n_words(body) > 8 and not _PAY_CUE.search(body):
        return False  # a "Subscribe:" button glued to a real paragraph: inline.button_label cuts it
    return bool(_PAY_CUE.search(line) and _PROMPT.search(line) and _READING.search(line))


_INBOX = _rx(r"\b(?:to|in) your inbox\b")
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
    return bulleted(line) or bool(_INBOX.search(line))


_COPYRIGHT = _rx(
    r"©|\(c\)\s*\d{4}|\bcopyright\s+(?:©\s*)?\d{4}|\ball rights reserved\b|\bmay not be (?:re)?published\b"
)


def copyright_notice(doc: Doc, i: int) -> bool:
    """A publisher's notice ("© 2012 Some Outlet, all rights reserved"), not the story."""
    return n_words(doc.lines[i]) <= 40 and bool(_COPYRIGHT.search(doc.lines[i]))


_INTERFACE = frozenset(
    "advertisement advertising advert ad sponsored skip loading play replay video videos gallery enlarge "
    "toggle caption close menu image images photo photos more comments comment print email".split()
)


_FILLER = frozenset({"this", "the", "all"})


def interface_label(doc: Doc, i: int) -> bool:
    """A page control left as a line of its own: "Advertisement", "Play video", "Enlarge this
    image", "Comments" (at most four words, all from a small vocabulary of interface words)."""
    words = {w.casefold() for w in re.findall(r"[\w']+", doc.lines[i])}
    return n_words(doc.lines[i]) <= 4 and bool(words - _FILLER) and words <= _INTERFACE | _FILLER


def date_line(doc: Doc, i: int) -> bool:
    """A line that is only a date or time ("Wed Jun 27, 2012 at 11:58 AM PDT"): a post's
    time stamp. The publication time is kept as metadata; as text it is no sentence."""
    return n_words(doc.lines[i]) <= 12 and date_only(doc.lines[i])


_CONTRIBUTED = _rx(r"\bcontributed (?:reporting|(?:reporting )?(?:to )?(?:this|the) (?:report|story|article))\b")
_REPORTING_BY = _rx(r"^\(?\s*(?:additional\s+)?(?:reporting|writing|editing|compiled|research|translation)\s+by\b")
_CREDIT_WORDS = re.compile(r"(?i)\b(?:additional|reporting|writing|editing|compiled|research|translation|by)\b")


def contributor_credit(doc: Doc, i: int) -> bool:
    """"Reuters contributed to this report.", "(Reporting by Jane Roe; Editing by John Doe)":
    the newsroom's credits, no part of the story."""
    line = doc.lines[i]
    if _CONTRIBUTED.search(line) and n_words(line) <= 15:
        return True
    if _REPORTING_BY.search(line) and n_words(line) <= 30:
        in_parens = line.startswith("(") and line.endswith(")")
        return in_parens or names_only(_CREDIT_WORDS.sub(" ", line), _ROLES)
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
    that shares a paragraph block with nothing but the credit ("Protesters march, May 4.").
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
    r"|^(?:see also|read more|also read|read also|more on this|more from|you (?:may|might) also like|don't miss)\b"
)
_INTRO_START = _rx(r"^(?:see also|read more|also read|read also|more from|related)\b")


def _headline_shaped(line: str, max_words: int = 20) -> bool:
    return bool(line) and n_words(line) <= max_words and line.rstrip("\"'”’)]" + CJK_CLOSERS)[-1:] not in tuple(CLAUSE_END)


def related_list(doc: Doc, marks: dict[int, str]) -> dict[int, str]:
    """A run of headlines linking elsewhere: an intro line with a cue ("Here are my related
    diaries:", "More stories:", "See also") followed by two or more headline-shaped lines
    (short, no closing period); or, with no intro, five or more such lines closing the text."""
    found: dict[int, str] = {}
    for i in doc.nonblank:
        line = doc.lines[i]
        if i in marks or n_words(line) > 12 or not _LIST_INTRO.search(line):
            continue
        # an intro ends with a colon, or starts with its cue, or is a short label ("Most Popular")
        if ends_sentence(line) or not (line.endswith(":") or _INTRO_START.search(line) or n_words(line) <= 4):
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
    r"\b(?:desk|newsroom|reporting by|editing by|writing by|contributed|correct(?:ed|ion)|earlier version|"
    r"this (?:story|article|report) (?:was|has been|is|will be)|originally (?:published|appeared)|updated (?:at|on))\b"
)
# "UPDATE:" is left alone: it is a live-blog heading's kicker.
_NOTE_LABEL = _rx(r"^(?:editor'?s'? note|editorial note|correction|clarification)\s*:")


def editorial_note(doc: Doc, marks: dict[int, str]) -> dict[int, str]:
    """A note from the newsroom about the article itself, opening or closing the text, wholly
    in parentheses or labelled ("Editor's note:", "Correction:"), with a newsroom cue: "(Our
    Washington desk will update this story …)", "Correction: An earlier version …"."""
    kept = [i for i in doc.nonblank if i not in marks]
    found: dict[int, str] = {}
    for i in {kept[0], kept[-1]} if kept else ():
        line = doc.lines[i]
        in_parens = line.startswith("(") and line.endswith(")") and line.count("(") == 1
        if (in_parens or _NOTE_LABEL.search(line)) and _NOTE_CUE.search(line) and n_words(line) <= 60:
            found[i] = "editorial_note"
    return found


CONTEXT_RULES: list[ContextRule] = [caption, related_list, editorial_note]
