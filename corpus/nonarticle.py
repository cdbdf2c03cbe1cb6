"""Pages that hold no article although they have text: an error page served with 200 OK ("soft
404"), a cookie or consent wall, a stub that needs JavaScript, a redirect page (meta refresh).

Stored, each would be a story ("Sorry, we couldn't find that page", "We value your privacy");
behind a feed entry, it would replace the teaser. The signals are the page's own words where
such pages put them (its <title> and <h1>) together with text that is short and made of the
phrases such pages use: an article that mentions cookies, a court that found nothing, or
JavaScript in passing is long, or its sentences are about something else."""

from __future__ import annotations

import re
from urllib.parse import urljoin, urldefrag

from lxml import etree
from trafilatura.utils import load_html

# A meta refresh that fires within this many seconds is a redirect; a longer one reloads a live
# page, or sends the reader on after the article has been read.
MAX_REFRESH_DELAY = 10

_REFRESH_CUE = re.compile(rb"http-equiv\s*=\s*[\"']?\s*refresh", re.I)
# The delay and the "url=" before the target; the target is the rest, stripped of one pair of
# quotes (a regular expression over the rest took minutes on a long attribute).
_REFRESH = re.compile(r"""\s*(\d+(?:\.\d*)?)?\s*[;,]?\s*(?:url\s*=\s*)?""", re.I)
MAX_REFRESH_CONTENT = 4096  # a longer attribute is no redirect a browser would follow

_NOT_FOUND_HEAD = re.compile(
    r"^\s*(error\s+)?404(\s+error)?(\s+(page\s+)?not\s+found)?\s*$|\bpage\s+not\s+found\b|^\s*(error\s+)?not\s+found\s*$|^\s*file\s+not\s+found\s*$"
    r"|\b(couldn't|could\s+not|can't|cannot|can\s+not|unable\s+to)\s+(find|locate)\s+(that|the|this|your)\s+(page|article|story|content)\b"
    r"|\b(page|article|story|content)\s+((you\s+)?(requested|are\s+looking\s+for|were\s+looking\s+for)\s+)?"
    r"(could\s+not|couldn't|cannot|can't)\s+be\s+found\b"
    r"|\b(page|article|story)\s+(does\s+not|doesn't|no\s+longer)\s+exists?\b|\b(page|article|story)\s+(is\s+)?no\s+longer\s+available\b",
    re.I,
)  # fmt: skip
_NOT_FOUND_BODY = re.compile(
    r"\b(page|article|content|story)\s+(that\s+)?you\s*(are|were|'re|’re)\s+(looking|searching)\s+for\b"
    r"|\b(page|article|url|address)\s+(that\s+)?you\s+(requested|entered|tried\s+to\s+reach)\b"
    r"|\b(may|might)\s+(have\s+been|be)\s+(re)?moved\b|\bcheck\s+(the|your)\s+(address|url|link|spelling)\b"
    r"|\b(broken|dead|mistyped|outdated|incorrect)\s+(link|url|address)\b|\berror\s+404\b|\b404\s+error\b"
    r"|\b(return|go\s+back|go)\s+to\s+(the|our)\s+home\s*page\b"
    r"|\bpage\s+(could\s+not|couldn't|cannot|can't)\s+be\s+found\b|\bpage\s+(does\s+not|doesn't|no\s+longer)\s+exists?\b",
    re.I,
)  # fmt: skip
_CONSENT_HEAD = re.compile(r"\bprivacy\b|\bcookies?\b|\bconsent\b|\bbefore\s+you\s+continue\b|\byour\s+choices\b|\bdata\s+protection\b|\bgdpr\b", re.I)
# Phrases a consent wall says to the reader, in its own voice; a report about consent rules
# tells them in the third person.
_CONSENT_WALL = re.compile(
    r"\bwe\s+value\s+your\s+privacy\b|\bwe\s+(and|&)\s+our\s+(\d[\d,]*\s+)?(partners|vendors)\b|\baccept\s+all\b|\breject\s+all\b"
    r"|\b(store|stores)\s+(and|and/or)\s+access\s+information\s+on\s+(a|your)\s+device\b|\bby\s+clicking\b"
    r"|\b(change|manage|update|withdraw)\s+your\s+(preferences|consent|choices|settings|cookie\s+settings)\b"
    r"|\b(this|our)\s+(site|website)\s+uses\s+cookies\b|\bwe\s+use\s+cookies\b|\bour\s+(privacy|cookie)\s+policy\b"
    r"|\bconsent\s+to\s+(our|the\s+use|cookies|the\s+processing)\b|\blegitimate\s+interests?\b",
    re.I,
)  # fmt: skip
_CONSENT_WORDS = re.compile(
    r"\bcookies?\b|\bconsent\w*|\bpartners\b|\bvendors\b|\bpersonal\s+data\b|\bprivacy\b|\bpreferences\b|\bpersonali[sz]\w+"
    r"|\badvertising\b|\btracking\b|\bopt[- ]out\b|\bdevice\b|\bbrowsing\s+data\b|\bprocessing\b",
    re.I,
)  # fmt: skip
_TO_THE_READER = re.compile(r"\b(we|our|you|your)\b", re.I)
_NEEDS_JS = re.compile(
    r"\b(enable|turn\s+on|activate|allow)\s+javascript\b|\bjavascript\s+(is\s+)?(required|disabled|turned\s+off|off)\b"
    r"|\bjavascript\s+(needs|has)\s+to\s+be\s+(enabled|turned\s+on)\b|\bjavascript\s+must\s+be\s+enabled\b|\brequires?\s+javascript\b"
    r"|\b(browser|you)\s+(does\s+not|doesn't|do\s+not|don't)\s+(support|have|seem\s+to\s+have)\s+javascript\b",
    re.I,
)  # fmt: skip
_SCRIPT_REDIRECT = re.compile(r"""\blocation(?:\.href)?\s*(?:=|\.replace\(|\.assign\()\s*["']([^"']+)["']""")
_REDIRECT_HEAD = re.compile(r"^\s*(redirecting|you\s+are\s+being\s+redirected|redirect)\b", re.I)
_SENTENCE = re.compile(r"(?<=[.!?])\s+|\n+")


def refresh_target(html: str | bytes, url: str | None) -> str | None:
    """Where the page's meta refresh sends the reader within MAX_REFRESH_DELAY seconds, as an
    absolute URL (None: no such refresh, or one to the page itself). A refresh inside <noscript>
    is for browsers without JavaScript only, so it is not the page's redirect."""
    if not _REFRESH_CUE.search(html if isinstance(html, bytes) else html.encode("utf-8", "surrogatepass")):
        return None
    return _refresh_in(_tree(html), url)


def _refresh_in(tree, url: str | None) -> str | None:
    for meta in tree.iterfind(".//meta[@http-equiv]") if tree is not None else ():
        if meta.get("http-equiv", "").strip().lower() != "refresh" or any(a.tag == "noscript" for a in meta.iterancestors()):
            continue
        if target := parse_refresh(meta.get("content", ""), url):
            return target
    return None


def parse_refresh(content: str, url: str | None) -> str | None:
    """The target of a refresh ("0; url=/next", "0;URL='/next'", "3, /next") due within
    MAX_REFRESH_DELAY seconds; None for a reload of the page itself."""
    if not content or len(content) > MAX_REFRESH_CONTENT:
        return None
    m = _REFRESH.match(content)
    rest = content[m.end():].strip()
    if len(rest) >= 2 and rest[0] in "\"'" and rest[-1] == rest[0]:
        rest = rest[1:-1].strip()
    if not rest or (m.group(1) is not None and float(m.group(1)) > MAX_REFRESH_DELAY):
        return None
    target = urljoin(url or "", rest)
    if url and urldefrag(target)[0] == urldefrag(url)[0]:
        return None
    return target


def not_an_article(html: str | bytes, title: str, text: str, url: str | None = None) -> str | None:
    """Why the page, whose extracted title and text are given, is not an article; None when it
    may be one."""
    words = len(text.split())
    if words > 400:
        return None
    tree = _tree(html)
    heads = [title] + _heads(tree)
    # The text without the lines that repeat the title or a heading ("Error 404 on the tax
    # portal" as headline and in the report is one mention, not two).
    named = {" ".join(h.split()) for h in heads}
    body = " ".join(line for line in text.splitlines() if " ".join(line.split()) not in named)
    body = " ".join(body.split()).replace("’", "'")
    if words <= 150:
        head_says = any(_NOT_FOUND_HEAD.search(part) for h in heads for part in _title_parts(h))
        body_says = len(_NOT_FOUND_BODY.findall(body))
        if (head_says and (body_says or words <= 40)) or (body_says >= 2 and words <= 80):
            return "the page says it was not found (an error page served as 200 OK), not the article"
    if _consent_wall(heads, text):
        return "the page is a cookie/consent wall, not the article"
    if words <= 40 and _mostly(text, _NEEDS_JS):
        target = _script_redirect(tree, url)
        where = f" (a script redirect to {target})" if target else ""
        return f"the page needs JavaScript to show anything{where}, not the article"
    if words <= 50:
        if target := _refresh_in(tree, url):
            return f"the page only redirects (meta refresh) to {target}"
        if any(_REDIRECT_HEAD.search(h) for h in heads[:2]):
            return "the page only redirects elsewhere, not the article"
    return None


def _mostly(text: str, pattern: re.Pattern) -> bool:
    """Most of the text's words are in sentences that say `pattern` ("Please enable JavaScript to
    continue."), not one sentence of a short report ("... the site said JavaScript is required")."""
    sentences = [" ".join(x.split()).replace("’", "'") for x in _SENTENCE.split(text) if x.strip()]
    total = sum(len(x.split()) for x in sentences)
    return bool(total) and sum(len(x.split()) for x in sentences if pattern.search(x)) * 2 > total


def _consent_wall(heads: list[str], text: str) -> bool:
    """Text mostly sentences about cookies and consent, most of them addressed to the reader
    ("we and our partners", "your preferences"), in a wall's own words (at least two of its
    phrases, or one and a heading about privacy or cookies). A report on consent rules is about
    the same things, but in the third person."""
    sentences = [s for s in _SENTENCE.split(text) if s.strip()]
    total = sum(len(s.split()) for s in sentences)
    about = sum(len(s.split()) for s in sentences if _CONSENT_WORDS.search(s))
    if not total or about / total < 0.6 or sum(1 for s in sentences if _TO_THE_READER.search(s)) * 2 < len(sentences):
        return False
    said = len(_CONSENT_WALL.findall(text)) + sum(len(_CONSENT_WALL.findall(h)) for h in heads)
    return said >= 2 or (said >= 1 and any(_CONSENT_HEAD.search(h) for h in heads))


def _tree(html: str | bytes):
    try:
        return load_html(html)
    except (ValueError, etree.ParserError):
        return None


def _heads(tree) -> list[str]:
    """The page's <title> and first <h1>s: where an error page or a wall names itself."""
    if tree is None:
        return []
    found = [tree.findtext(".//title") or ""]
    found += [" ".join(h.itertext()) for h in tree.iterfind(".//h1")][:2]
    return [" ".join(h.split()) for h in found if h and h.strip()]


def _title_parts(title: str) -> list[str]:
    """"Page not found | The Daily Ledger": the title, and each part between separators."""
    parts = [p.strip() for p in re.split(r"\s+[|\-–—:·•]\s+|\s*::\s*", title)]
    return [title.replace("’", "'")] + [p.replace("’", "'") for p in parts if p]


def _script_redirect(tree, url: str | None) -> str | None:
    if tree is None:
        return None
    for script in tree.iterfind(".//script"):
        if m := _SCRIPT_REDIRECT.search(script.text or ""):
            return urljoin(url or "", m.group(1))
    return None
