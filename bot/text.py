"""Text hygiene shared by every renderer: no control characters, no mention tricks."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from urllib.parse import quote, urlsplit

# What never reaches a chat or a terminal: C0/C1 controls except newline and tab (Unicode Cc),
# every format character (Cf: bidi overrides and isolates, zero-width characters, soft hyphen,
# tag characters that hide text), lone surrogates (Cs: they can't be encoded, so a send would
# fail) and the noncharacters U+FFFE/U+FFFF. tests/test_hostile_text.py checks this list against
# unicodedata, so a newer Unicode's additions are noticed.
_CONTROL = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\xad\u0600-\u0605\u061c\u06dd\u070f\u0890\u0891\u08e2\u180e"
    "\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u206f\ud800-\udfff\ufeff\ufff9-\ufffb\ufffe\uffff"
    "\U000110bd\U000110cd\U00013430-\U00013438\U0001bca0-\U0001bca3\U0001d173-\U0001d17a"
    "\U000e0001\U000e0020-\U000e007f]"
)
# A credential in a URL's query: a private feed's "?passkey=...", "&api_key=...", "access_token=".
# Shown and logged as "passkey=…"; an admin types it once and it is never echoed to a channel.
URL_SECRET = re.compile(
    r"([?&;](?:[\w.-]*?[_-])?(?:token|key|apikey|passkey|password|passwd|pwd|secret|sig|signature|auth|authkey|credentials?)=)[^&#\s'\"<>…]+",
    re.IGNORECASE,
)


def without_secrets(url: str) -> str:
    """The URL with its query's credential values left out ("...?passkey=…")."""
    return URL_SECRET.sub(lambda m: m.group(1) + "…", url)


_BROADCAST = re.compile(r"@(?=everyone|here|channel)", re.IGNORECASE)
WORD_JOINER = "\u2060"
MAX_URL = 2048  # longer links are shown as text (Discord refuses longer embed URLs)
# Something a reader takes for a web address: a URL with a scheme, or a name with a dot and a
# top-level domain of letters (any script), or an IPv4 address.
_ADDRESS = re.compile(
    r"[a-z][a-z0-9+.-]*://[^\s<>|\[\]()]*|\b\d{1,3}(?:\.\d{1,3}){3}\b"
    r"|(?:[^\W_](?:[\w-]*[^\W_])?\.)+[^\W\d_]{2,}\b",
    re.IGNORECASE,
)


def clean(s: str | None, *, keep_newlines: bool = False) -> str:
    """Printable text: control characters dropped; whitespace collapsed unless keep_newlines."""
    s = unicodedata.normalize("NFC", _CONTROL.sub("", s or ""))
    if keep_newlines:
        return "\n".join(" ".join(line.split()) for line in s.replace("\t", " ").splitlines()).strip()
    return " ".join(s.split())


def defuse_broadcasts(s: str) -> str:
    """`@everyone`, `@here`, `@channel` shown as text, never as a mention, on any platform."""
    return _BROADCAST.sub("@" + WORD_JOINER, s)


def safe_url(url: str | None) -> str | None:
    """An http(s) URL fit to sit inside link markup, or None: spaces, quotes, brackets, pipes
    and angle brackets percent-encoded so no markup can end early; at most MAX_URL characters."""
    if not url:
        return None
    url = clean(url).replace(" ", "")
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return None
    # "@" encoded too: no "@everyone" in a link shown as text, and no user name before the host.
    quoted = quote(parts.scheme.lower() + url[len(parts.scheme) :], safe=":/?#!$&*+,;=%~-._")
    return quoted if len(quoted) <= MAX_URL else None  # encoded, a non-ASCII character is 6-9


def fit(raw: str | None, limit: int, escape: Callable[[str], str]) -> str:
    """`raw` escaped for a platform in at most `limit` characters, shortened before escaping so
    that no escape sequence is cut in half."""
    n = limit
    while len(out := escape(shorten(clean(raw), n))) > limit:
        n -= max(1, len(out) - limit)
    return out


_DOTS = str.maketrans({"\u3002": ".", "\uff0e": ".", "\uff61": "."})  # IDNA's label separators


def shows_another_address(label: str, url: str) -> bool:
    """Whether link text names a web address other than where the link goes ("paypal.com" on a
    link to evil.example): such a link must not be masked, or it shows one URL and opens another."""
    host = (_hostname(url) or "").lower().rstrip(".")
    # Read as a browser reads a host: full-width letters ("ｐａｙｐａｌ") and the dots other scripts
    # write ("paypal。com", "．") are the ASCII ones.
    label = unicodedata.normalize("NFKC", label).translate(_DOTS)
    for m in _ADDRESS.finditer(label.replace("\\", "")):
        shown = (_hostname(m.group(0)) if "://" in m.group(0) else m.group(0).split("/")[0]) or m.group(0)
        shown = shown.lower().rstrip(".").removeprefix("www.")
        if not (host == shown or host.endswith("." + shown)):
            return True
    return False


def _hostname(address: str) -> str | None:
    # urlsplit raises on some text that looks like an address ("https://[::1", a full-width "＠"
    # in the host); such text names no host we could match, so it is shown as it is.
    try:
        return urlsplit(address).hostname
    except ValueError:
        return None


def shorten(s: str, limit: int) -> str:
    """At most `limit` characters, cut at a word boundary with an ellipsis."""
    if len(s) <= limit:
        return s
    cut = s[: limit - 1]
    if " " in cut[limit // 2 :]:
        cut = cut[: cut.rfind(" ")]
    return cut.rstrip() + "…"


def chunks(text: str, limit: int, sep: str = "\n", keep: re.Pattern[str] | None = None) -> list[str]:
    """Split text into pieces of at most `limit` characters: at `sep` where possible, else at
    a space, else anywhere, but never inside a match of `keep` (a link's markup, an escape)
    shorter than `limit`. Nothing is dropped."""
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
            cut = _cut(part, limit, keep)
            out.append(part[:cut].rstrip())
            part = part[cut:].lstrip()
        current = part
    if current:
        out.append(current)
    return out


def _cut(part: str, limit: int, keep: re.Pattern[str] | None) -> int:
    spans = [m.span() for m in keep.finditer(part, 0, 2 * limit + 1)] if keep else []

    def inside(i: int) -> tuple[int, int] | None:
        return next(((a, b) for a, b in spans if a < i < b and b - a <= limit), None)

    cut = part.rfind(" ", 0, limit + 1)
    while cut > limit // 2 and inside(cut):
        cut = part.rfind(" ", 0, inside(cut)[0] + 1)
    if cut <= limit // 2:
        cut = limit
        if span := inside(cut):
            cut = span[0]
    return cut or limit
