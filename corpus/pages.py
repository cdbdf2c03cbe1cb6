"""Article pages: fetched with the bounded fetcher, main text and metadata extracted with
trafilatura in a worker process that is stopped when a page takes too long
(corpus/extract_worker.py)."""

from __future__ import annotations

import re
import time
import warnings
from urllib.parse import urlsplit

import webencodings
from urllib3.exceptions import DependencyWarning

with warnings.catch_warnings():
    # urllib3's notice that SOCKS proxies need PySocks: irrelevant, pages are fetched with httpx.
    warnings.simplefilter("ignore", DependencyWarning)
    import trafilatura
    from trafilatura.settings import set_date_params

from config.settings import Settings
from corpus.cleaning import clean_text
from corpus.dates import to_utc
from corpus.extract_worker import PageExtractor, default_extractor
from corpus.feeds import utf8_mislabelled
from corpus.http import ACCEPT_PAGE, PAGE_TYPES, Fetcher, FetchError, Response
from corpus.nonarticle import not_an_article, refresh_target
from corpus.raw import RawArticle, Skipped
from corpus.sniff import classify


def extract_article(html: str | bytes, url: str | None, origin: str) -> RawArticle | Skipped:
    """The article in an HTML page, or Skipped when the page holds no article text."""
    try:
        doc = trafilatura.bare_extraction(
            html,
            url=url,
            with_metadata=True,
            include_comments=False,
            include_tables=False,
            favor_precision=True,
            # With its time and zone where the page gives them ("23:30-08:00" is the next day in
            # UTC); trafilatura's default keeps the date alone.
            date_extraction_params={**set_date_params(True), "outputformat": "%Y-%m-%dT%H:%M:%S%z",
                                    # A date in the link ("/2024/05/14/") has no time: the page's
                                    # own metadata first, the link's date only when it has none.
                                    "deferred_url_extractor": True},
        )
    except Exception as exc:  # trafilatura/lxml raise a wide variety on broken markup
        return Skipped(origin, f"could not parse the page ({type(exc).__name__})")
    if doc is None or not (doc.text or "").strip():
        return Skipped(origin, "no article text found in the page")
    # An error page served with 200, a consent wall, a stub that needs JavaScript or redirects.
    if why := not_an_article(html, doc.title or "", doc.text, url):
        return Skipped(origin, why)
    # A page whose only text is its title or boilerplate (a directory listing, a bare landing
    # page) would be stored as a headline without a story; a feed entry keeps its teaser instead.
    if not clean_text(doc.text, doc.title or ""):
        return Skipped(origin, "no article text found in the page, only its title or boilerplate")
    return RawArticle(
        title=(doc.title or "").strip(),
        text=doc.text,
        outlet=(doc.sitename or doc.hostname or "").strip(),
        url=_article_url(url, doc.url),
        author=(doc.author or None),
        published=to_utc(doc.date),
        origin=origin,
    )


_AMP = re.compile(r"(?:^|[/.?&=_-])amp(?:$|[/.?&=_-])|outputType=amp", re.IGNORECASE)


def _article_url(fetched: str | None, canonical: str | None) -> str | None:
    """The fetched address, except for an AMP copy whose page names the article's own address on
    the same site (its rel=canonical): readers are sent to the article, and a later read of it is
    the same URL."""
    if not (fetched and canonical) or canonical == fetched:
        return fetched or canonical
    f, c = urlsplit(fetched), urlsplit(canonical)
    same_site = _site(f.hostname) == _site(c.hostname) and c.scheme in ("http", "https")
    return canonical if same_site and c.path.strip("/") and _AMP.search(f"{f.hostname}{f.path}?{f.query}") else fetched


def _site(host: str | None) -> str:
    return (host or "").lower().removeprefix("www.").removeprefix("amp.").removeprefix("m.")


# --- pages over HTTP, extraction bounded in time ----------------------------------------------

def fetch_page(url: str, settings: Settings, fetcher: Fetcher | None = None, extractor: PageExtractor | None = None) -> RawArticle | Skipped:
    """The article on the page at `url`: fetched and extracted within settings.pages.timeout."""
    deadline = time.monotonic() + settings.pages.timeout
    fetcher = fetcher or Fetcher(settings.http)
    try:
        resp = fetcher.fetch(url, accept=ACCEPT_PAGE, budget=settings.pages.timeout, body_types=PAGE_TYPES)
    except FetchError as exc:
        return Skipped(url, exc.reason)
    return page_article(resp, url, deadline - time.monotonic(), extractor, fetcher)


def page_article(
    resp: Response, origin: str, timeout: float, extractor: PageExtractor | None = None, fetcher: Fetcher | None = None
) -> RawArticle | Skipped:
    """The article in a fetched page; a page that redirects with a meta refresh is followed with
    `fetcher`, as HTTP redirects are (the same guard, http.max_redirects for all hops together)."""
    deadline = time.monotonic() + timeout
    resp = _follow_refresh(resp, origin, deadline, fetcher)
    if isinstance(resp, Skipped):
        return resp
    timeout = deadline - time.monotonic()
    if (kind := classify(resp.content_type, resp.body)) != "page":
        what = "a feed" if kind == "feed" else resp.content_type or "no content type"
        return Skipped(origin, f"not a web page ({what})")
    return (extractor or default_extractor()).extract(_decode(resp), resp.url, origin, timeout)


def _follow_refresh(resp: Response, origin: str, deadline: float, fetcher: Fetcher | None) -> Response | Skipped:
    hops = resp.redirects
    while classify(resp.content_type, resp.body) == "page" and (target := refresh_target(resp.body, resp.url)):
        if fetcher is None:
            return Skipped(origin, f"the page only redirects (meta refresh) to {target}")
        hops += 1
        limit = fetcher.settings.max_redirects
        if hops > limit:
            return Skipped(origin, f"too many redirects (more than {limit}, the http.max_redirects limit; the last a meta refresh)")
        try:
            budget = max(deadline - time.monotonic(), 0.1)
            resp = fetcher.fetch(target, accept=ACCEPT_PAGE, budget=budget, body_types=PAGE_TYPES, redirects_used=hops)
        except FetchError as exc:
            return Skipped(origin, f"the page redirects (meta refresh) to {target}: {exc.reason}")
        hops += resp.redirects
    return resp


_META_CHARSET = re.compile(rb"""<meta[^>]*?charset\s*=\s*["']?\s*([\w.:-]+)""", re.IGNORECASE)


def _decode(resp: Response) -> str | bytes:
    """Text by the charset the server declared, else the page's <meta> in its first 1,024 bytes,
    read as browsers read its label (WHATWG's: "ISO-8859-1" is windows-1252, whose curly quotes,
    dashes and euro sign Latin-1 has not); UTF-8 when a single-byte charset is declared for a
    UTF-8 body, the common mislabelling. Bytes otherwise: trafilatura guesses."""
    charset = resp.charset or ((m := _META_CHARSET.search(resp.body[:1024])) and m.group(1).decode("ascii"))
    if not charset:
        return resp.body
    if utf8_mislabelled(charset, resp.body):
        return resp.body.decode("utf-8")
    try:
        codec = webencodings.lookup(charset).codec_info.name
        if not resp.charset and codec.startswith("utf-16"):
            codec = "utf-8"  # a <meta> that could be read is in an ASCII-compatible page (WHATWG)
        return resp.body.decode(codec)
    except (AttributeError, LookupError, UnicodeError):  # an unknown label; bytes the charset can't hold
        return resp.body
