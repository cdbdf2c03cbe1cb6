"""Sentences a summary should never carry: fragments, captions and credits, page furniture,
and lines that only repeat a headline. Each rule names its reason, for debugging and tests."""

from __future__ import annotations

import re
from collections.abc import Iterable

from corpus.words import CJK_CLOSERS, CJK_SENTENCE_END, has_cjk
from digests.units import Unit, content_terms

MIN_WORDS = 6
MAX_WORDS = 80

# Page furniture and captions: video players, share buttons, photo credits, paywalls. Each
# pattern comes with the hints (lower case) that any match of it contains: most sentences
# contain none, and testing plain substrings first keeps the filter cheap on long stories.
_FURNITURE_PATTERNS = (
    (("http",), r"https?://"), (("www.",), r"www\."), (("@",), r"\S+@\S+\.\w"), ((".com",), r"\.com/"),
    (("click", "tap here"), r"\b(?:click|tap) here\b"), (("click to",), r"\bclick to (?:launch|watch|view|play|see|read|enlarge|open)\b"), (("read ",), r"\bread (?:more|the full)\b"),
    (("subscribe",), r"\bsubscribe\b"), (("sign up",), r"\bsign up\b"), (("newsletter",), r"\bnewsletters?\b"),
    (("follow",), r"\bfollow (?:us|him|her|them|@)"), (("like us",), r"\blike us on\b"),
    (("share",), r"\bshare (?:this|on)\b"), (("watch",), r"\bjust watched\b"), (("watch",), r"\bmust watch\b"),
    (("replay",), r"\breplay\b"), (("video",), r"\bmore videos\b"), (("watch", "video"), r"\bwatch (?:the )?video\b"),
    (("video",), r"\bvideo:"), (("photo",), r"\bphoto:"), (("image", "media"), r"\b(?:image|media) (?:copyright|caption)\b"),
    (("media playback",), r"\bmedia playback\b"), (("continue reading",), r"\bcontinue reading\b"),
    (("thank you for",), r"\bthank you for (?:reading|subscribing)\b"),
    (("picture",), r"\bpicture:"), (("caption",), r"\bcaption:"), (("credit",), r"\bcredit:"),
    (("rights",), r"\ball rights reserved\b"), (("©",), r"©"), (("copyright",), r"\bcopyright\b"),
    (("getty",), r"\bgetty images\b"), (("shutterstock",), r"\bshutterstock\b"),
    (("photo",), r"\(\s*(?:ap|afp|reuters|epa|getty)\s+photo"), (("photo",), r"\bphoto(?:graph)?\s*(?:by|credit)\b"),
    (("published on",), r"\bpublished on\b"), (("updated",), r"\bupdated(?: at)?:?\s*\d"), (("posted:",), r"\bposted:\s*\d"), (("photo",), r"\bfile photo\b"),
    (("permalink",), r"\bpermalink\b"), (("advertisement",), r"^\W*advertisement\b|\badvertisement continue reading\b"),
    (("available in your",), r"\bnot available in your (?:region|country)\b"), (("javascript",), r"\benable javascript\b"),
    (("cookie",), r"\bcookies?\b[^.]{0,80}\b(?:accept|browser)\b"),
    (("updated", "correct"), r"\bthis (?:article|story) (?:was|has been) (?:updated|corrected)\b"),
    (("correct",), r"\bcorrection:"), (("free", "unlimited"), r"\b(?:free|unlimited) (?:articles|access|stories)\b"),
    (("loading",), r"\bloading\b\.\.\."),
    # Boxes that embedded tweets and newsletter sign-ups bring along.
    (("tweet",), r"\btweet location\b|\blocation information to your tweets\b"),
    (("weekday",), r"\bdelivered weekday mornings\b"), (("breaking news",), r"\bbreaking news (?:emails|alerts)\b"),
    (("breaking news",), r"\bthis is a breaking news update\b"), (("check back",), r"\bcheck back (?:soon|later)\b"),
    # A live blog's sign-off, as the whole sentence ('"Stay tuned," advises VentureBeat' is news).
    (("stay tuned",), r"^\W*stay tuned(?: for (?:further |more )?(?:details|updates|information|news))?\W*$"),
    (("verification email",), r"\bsent you a verification email\b"),
    # Video players' controls run into the text: "Play Facebook Twitter Embed <title> 2:55".
    (("embed",), r"\b(?:facebook twitter embed|embed x share|embed more (?:news )?videos)\b"),
    # Credit lines and link boxes.
    (("contributed to this report",), r"\bcontributed to this report\b"),
    (("related",), r"\brelated (?:story|stories|coverage|articles?|content|links?):"),
    (("see also",), r"\bsee also:"), (("trending now",), r"\btrending now:"),
    (("listen to",), r"\blisten to (?:this )?article\b"), (("toggle caption", "enlarge this image"), r"\btoggle caption\b|\benlarge this image\b"),
    # A link box's label at the start of a sentence: "More: ...", "Related: ...", "Exclusive photos: ...".
    (("more:", "watch:", "interactive:", "topics:", "related:", "full story:"), r"^\W*(?:more|watch|interactive|topics|related|full story):"),
    (("photos:", "videos:"), r"^\W*(?:\w+ )?(?:photos|videos):"),
    # CNN's box of highlights, run together without stops; ABC News's topic line.
    (("story highlights",), r"^\W*story highlights\b"), (("and analysis from",), r"\bnews, video,? and analysis from\b"),
)  # fmt: skip
_FURNITURE = re.compile("|".join(p for _, p in _FURNITURE_PATTERNS), re.IGNORECASE)
_FURNITURE_HINTS = tuple(dict.fromkeys(h for hints, _ in _FURNITURE_PATTERNS for h in hints))
# One pattern per hint, of the patterns whose matches may contain it: in ASCII text a match holds
# its hint as written, so only the patterns of the hints present need to be tried (one regex of
# 42 alternatives costs ~0.1 ms a sentence). Other text takes the whole pattern.
_FURNITURE_BY_HINT = {
    h: re.compile("|".join(p for hints, p in _FURNITURE_PATTERNS if h in hints), re.IGNORECASE) for h in _FURNITURE_HINTS
}
# A photo caption credit tail: "... (Photo: Jane Roe/Reuters)" or "Name/Agency" at the end.
_CREDIT_TAIL = re.compile(r"[A-Z][\w.]+(?: [A-Z][\w.]+)*\s*/\s*(?:AP|AFP|Reuters|Getty|EPA|[A-Z]{2,})\)?\s*$")
# A news photo's caption, as agencies write them: the full date with its weekday at the end
# ("... speaks in Havana, Cuba, Monday, June 2, 2014."), which AP style leaves out of prose, or an
# opening that points at the picture ("In this Sept. 5 photo, ...", "This photo provided by ...",
# "FILE - ...").
_WEEKDAY_DATE = r"(?:mon|tues|wednes|thurs|fri|satur|sun)day,? (?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.? \d{1,2},? \d{4}"
_CAPTION_END = re.compile(rf"\b{_WEEKDAY_DATE}(?:,? in [^.!?]{{0,40}})?\.[\"”)]?\s*$", re.IGNORECASE)
_CAPTION_OPENING = re.compile(
    r"\W*(?:file(?: photo)?\s*[-—–]+\s|in this\b[^!?]{0,60}?\b(?:photo|image|picture|frame|handout)\b"
    r"|this\b[^.!?]{0,40}?\b(?:photo|image|picture|handout)s? (?:provided|released|made available|distributed|obtained)\b)",
    re.IGNORECASE,
)


def _is_caption(text: str) -> bool:
    # The date and its place fit in the last 100 characters: no need to scan a long sentence whole.
    return bool(_CAPTION_OPENING.match(text) or _CAPTION_END.search(text[-100:]))


_QUOTED = re.compile(r'"[^"]*"|“[^”]*”')
# "I", "my", "me"; in lower-cased text (scraped pages, Multi-News) also "i", "i'm", but not "(i)",
# "i.e." or a word's letter.
_FIRST_PERSON = re.compile(r"\b(?:(?:I(?![.’'])|I'm|I've|I'd|I'll|[Mm]y|me)\b|(?<![’'-])i(?:'m|'ve|'d|'ll)?(?![\w.’')-]))")
# A Roman numeral one, which is nobody's voice: "World War I", "a Phase I trial".
_NUMERAL_ONE = re.compile(r"\b(?:war|phase|type|title|part|stage|class|chapter|season|volume)\s+I\b", re.IGNORECASE)


def _first_person_narration(text: str) -> bool:
    """First person singular outside quotation marks: a blogger's or columnist's voice. With
    unbalanced quotes it cannot be told apart from speech, so it does not count."""
    outside = _QUOTED.sub(" ", text)
    if any(q in outside for q in '"“”'):
        return False
    # Numerals are rare: look for them only where a first person was found.
    return bool(_FIRST_PERSON.search(outside)) and bool(_FIRST_PERSON.search(_NUMERAL_ONE.sub(" ", outside)))


def reject_reason(unit: Unit, title_terms: Iterable[frozenset[str]] = ()) -> str | None:
    """Why this sentence must not be in a summary, or None when it may be."""
    if unit.is_heading:
        return "heading line"
    if unit.n_words < MIN_WORDS or len(unit.terms) < 3:
        return "fragment"
    if unit.continues_quote:
        return "inside a quotation left open"
    if unit.n_words > MAX_WORDS:
        return "run-on"
    text = unit.text
    if _in_capitals(text):
        return "all capitals"
    if _looks_like_furniture(text):
        return "page furniture or caption"
    if _is_caption(text):
        return "photo caption"
    end = _ending(text)
    if _cut_off(end):
        return "cut off"
    if end.endswith(("?", "？")) and not _quote_around_question(text):
        return "question (headline style)"
    if _first_person_narration(text):
        return "first person outside a quotation (blog voice)"
    terms = frozenset(unit.terms)
    if isinstance(title_terms, Headlines) and not terms <= title_terms.words:
        return None  # a word no headline has: no headline can hold all its words
    for title in title_terms:
        if title and terms <= title:
            return "repeats a headline"
    return None


def may_stand_in(unit: Unit) -> bool:
    """Whether a sentence may be quoted when none of its story's passes `reject_reason` (a
    one-line story, a short note): a short sentence, a question, a blogger's line or one that
    introduces a quotation ("... who said:") may stand in then; a heading, page furniture, a
    caption, a line in capitals or half a sentence never."""
    text = unit.text
    introduces = text.rstrip().endswith(":")
    return bool(unit.terms) and not (
        unit.is_heading
        or _in_capitals(text)
        or _looks_like_furniture(text)
        or _is_caption(text)
        or (_cut_off(_ending(text)) and not introduces)
    )


def _in_capitals(text: str) -> bool:
    # Chinese and Japanese have no lower case: their sentences are not shouted.
    return not any(c.islower() for c in text) and not has_cjk(text)


def _ending(text: str) -> str:
    """The text without closing quotes and brackets, to read its final punctuation."""
    return text.rstrip("\"'”’) " + CJK_CLOSERS)


def _cut_off(end: str) -> bool:
    """Whether a sentence, read from its `_ending`, stops without final punctuation or trails off."""
    return not end.endswith((".", "!", "?", *CJK_SENTENCE_END)) or end.endswith(("...", "…"))


def _looks_like_furniture(text: str) -> bool:
    lower = text.lower()
    if text.isascii():
        if any(h in lower and _FURNITURE_BY_HINT[h].search(text) for h in _FURNITURE_HINTS):
            return True
    elif any(h in lower for h in _FURNITURE_HINTS) and _FURNITURE.search(text):
        return True
    return "/" in text and bool(_CREDIT_TAIL.search(text))


# Sentences as the clustering's lead needs them: cut after . ! or ? (and a closing quote).
_SENTENCE_END = re.compile(r"(?:(?<=[.!?])|(?<=[.!?][\"'”’)]))\s+")
# A box of furniture (a newsletter sign-up, a paywall notice): furniture sentences at most
# BOX_GAP apart with only short ones between them ("Invalid email address. Please re-enter.").
BOX_GAP = 4
BOX_SHORT_WORDS = 6


def strip_furniture(text: str) -> str:
    """The text without its page furniture, for the story clustering, which must not link two
    reports by the furniture of their pages. A box of furniture sentences goes whole; of a lone
    furniture sentence only the phrases go ("file photo", "image caption", "advertisement
    continue reading"), so a photo caption keeps the words that say what it shows."""
    lower = text.lower()
    if not any(h in lower for h in _FURNITURE_HINTS):
        return text
    sentences = _SENTENCE_END.split(text)
    boxed = [False] * len(sentences)
    last = None  # the furniture sentence before
    for i, sentence in enumerate(sentences):
        if not _looks_like_furniture(sentence):
            continue
        if last is not None and i - last <= BOX_GAP and all(
            len(s.split()) <= BOX_SHORT_WORDS for s in sentences[last + 1 : i]
        ):
            boxed[last : i + 1] = [True] * (i + 1 - last)
        last = i
    return " ".join(_FURNITURE.sub(" ", s) for s, box in zip(sentences, boxed) if not box)


class Headlines(list):
    """Each headline's content terms, and all of them together (`words`), so that a sentence
    using a word that no headline has is not compared with every headline of a long story."""

    def __init__(self, terms: Iterable[frozenset[str]]):
        super().__init__(terms)
        self.words = frozenset().union(*self)


def headline_terms(titles: Iterable[str]) -> Headlines:
    return Headlines(frozenset(content_terms(t)) for t in titles if t.strip())


def _quote_around_question(text: str) -> bool:
    """A question inside a quotation is reported speech; a bare one is usually a teaser."""
    return text.rstrip()[-1:] in "\"”'’」』"
