"""Sentences a summary should never carry: fragments, captions and credits, page furniture,
and lines that only repeat a headline. Each rule names its reason, for debugging and tests."""

from __future__ import annotations

import re
from collections.abc import Iterable

from digests.units import Unit, content_terms

MIN_WORDS = 6
MAX_WORDS = 80

# Page furniture and captions: video players, share buttons, photo credits, paywalls.
_FURNITURE = re.compile(
    r"https?://|www\.|\S+@\S+\.\w|\.com/|"
    r"\b(?:click|tap) here\b|\bread (?:more|the full)\b|\bsubscribe\b|\bsign up\b|\bnewsletters?\b|"
    r"\bfollow (?:us|him|her|them|@)|\blike us on\b|\bshare (?:this|on)\b|\bjust watched\b|"
    r"\bmust watch\b|\breplay\b|\bmore videos\b|\bwatch (?:the )?video\b|\bvideo:|\bphoto:|"
    r"\b(?:image|media) (?:copyright|caption)\b|\bmedia playback\b|\bpicture:|\bcaption:|\bcredit:|"
    r"\ball rights reserved\b|\bcontinue reading\b|\bthank you for (?:reading|subscribing)\b|"
    r"©|\bcopyright\b|\bgetty images\b|\bshutterstock\b|"
    r"\(\s*(?:ap|afp|reuters|epa|getty)\s+photo|\bphoto(?:graph)?\s*(?:by|credit)\b|"
    r"\bpublished on\b|\bupdated\s+\d|\bfile photo\b|\bpermalink\b|\badvertisement\b|"
    r"\bnot available in your (?:region|country)\b|\benable javascript\b|\bcookies?\b[^.]{0,80}\b(?:accept|browser)\b|"
    r"\bthis (?:article|story) (?:was|has been) (?:updated|corrected)\b|\bcorrection:|"
    r"\b(?:free|unlimited) (?:articles|access|stories)\b|\bloading\b\.\.\.",
    re.IGNORECASE,
)
# Every furniture pattern contains one of these; most sentences contain none, and testing
# plain substrings first keeps the filter cheap on long stories.
_FURNITURE_HINTS = (
    "http", "www.", "@", ".com", "click", "tap here", "read", "subscrib", "sign up", "newsletter", "follow",
    "like us", "share", "watch", "replay", "video", "photo", "image", "media", "picture", "caption", "credit", "rights",
    "©", "copyright", "getty", "shutterstock", "published on", "updated", "permalink", "advertisement",
    "available in your", "javascript", "cookie", "correct", "free", "unlimited", "loading",
)
# A photo caption credit tail: "... (Photo: Jane Roe/Reuters)" or "Name/Agency" at the end.
_CREDIT_TAIL = re.compile(r"[A-Z][\w.]+(?: [A-Z][\w.]+)*\s*/\s*(?:AP|AFP|Reuters|Getty|EPA|[A-Z]{2,})\)?\s*$")
_QUOTED = re.compile(r'"[^"]*"|“[^”]*”')
_FIRST_PERSON = re.compile(r"\b(?:I(?![.’'])|I'm|I've|I'd|I'll|my|me)\b")


def _first_person_narration(text: str) -> bool:
    """First person singular outside quotation marks: a blogger's or columnist's voice. With
    unbalanced quotes it cannot be told apart from speech, so it does not count."""
    outside = _QUOTED.sub(" ", text)
    if any(q in outside for q in '"“”'):
        return False
    return bool(_FIRST_PERSON.search(outside))


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
    if not any(c.islower() for c in text):
        return "all capitals"
    if _looks_like_furniture(text):
        return "page furniture or caption"
    end = text.rstrip("\"'”’) ")
    if not end.endswith((".", "!", "?")) or end.endswith(("...", "…")):
        return "cut off"
    if end.endswith("?") and not _quote_around_question(text):
        return "question (headline style)"
    if _first_person_narration(text):
        return "first person outside a quotation (blog voice)"
    terms = frozenset(unit.terms)
    for title in title_terms:
        if title and terms <= title:
            return "repeats a headline"
    return None


def _looks_like_furniture(text: str) -> bool:
    lower = text.lower()
    if any(h in lower for h in _FURNITURE_HINTS) and _FURNITURE.search(text):
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


def headline_terms(titles: Iterable[str]) -> list[frozenset[str]]:
    return [frozenset(content_terms(t)) for t in titles if t.strip()]


def _quote_around_question(text: str) -> bool:
    """A question inside a quotation is reported speech; a bare one is usually a teaser."""
    return text.rstrip()[-1:] in "\"”'’"
