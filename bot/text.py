"""Text hygiene shared by every renderer: no control characters, no mention tricks."""

from __future__ import annotations

import re
import unicodedata
from urllib.parse import quote, urlsplit

# C0/C1 controls except newline and tab, and the bidi/zero-width controls that can disguise text.
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]")
_BROADCAST = re.compile(r"@(?=(everyone|here|channel)\b)", re.IGNORECASE)
WORD_JOINER = "\u2060"


def clean(s: str | None, *, keep_newlines: bool = False) -> str:
    """Printable text: control characters dropped; whitespace collapsed unless keep_newlines."""
    s = _CONTROL.sub("", unicodedata.normalize("NFC", s or ""))
    if keep_newlines:
        return "\n".join(" ".join(line.split()) for line in s.replace("\t", " ").splitlines()).strip()
    return " ".join(s.split())


def defuse_broadcasts(s: str) -> str:
    """`@everyone`, `@here`, `@channel` shown as text, never as a mention, on any platform."""
    return _BROADCAST.sub("@" + WORD_JOINER, s)


def safe_url(url: str | None) -> str | None:
    """An http(s) URL fit to sit inside link markup, or None: spaces, quotes, brackets, pipes
    and angle brackets percent-encoded so no markup can end early."""
    if not url:
        return None
    url = clean(url).replace(" ", "")
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return None
    return quote(url, safe=":/?#@!$&*+,;=%~-._")


def shorten(s: str, limit: int) -> str:
    """At most `limit` characters, cut at a word boundary with an ellipsis."""
    if len(s) <= limit:
        return s
    cut = s[: limit - 1]
    if " " in cut[limit // 2 :]:
        cut = cut[: cut.rfind(" ")]
    return cut.rstrip() + "…"


def chunks(text: str, limit: int, sep: str = "\n") -> list[str]:
    """Split text into pieces of at most `limit` characters: at `sep` where possible, else at
    a space, else anywhere. Nothing is dropped."""
    out: list[str] = []
    current = ""
    for part in text.split(sep):
        candidate = part if not current else current + sep + part
        if len(candidate) <= limit:
            current = candidate
            continue
        if current:
            out.append(current)
        while len(part) > limit:
            cut = part.rfind(" ", 0, limit + 1)
            cut = cut if cut > limit // 2 else limit
            out.append(part[:cut].rstrip())
            part = part[cut:].lstrip()
        current = part
    if current:
        out.append(current)
    return out
