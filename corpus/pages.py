"""Article pages: fetched with the bounded fetcher, main text and metadata extracted with
trafilatura in a worker process that is stopped when a page takes too long
(corpus/extract_worker.py)."""

from __future__ import annotations

import time
import warnings

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
            date_extraction_params={**set_date_params(True), "outputformat": "%Y-%m-%dT%H:%M:%S%z"},
        )
    except Exception as exc:  # trafilatura/lxml raise a wide variety on broken markup
        return Skipped(origin, f"could not parse the page ({type(exc).__name__})")
    if doc is None or not (doc.text or "").strip():
        return Skipped(origin, "no article text found in the page")
    # A page whose only text is its title or boilerplate (a directory listing, a bare landing
    # page) would be stored as a headline without a story; a feed entry keeps its teaser instead.
    if not clean_text(doc.text, doc.title or ""):
        return Skipped(origin, "no article text found in the page, only its title or boilerplate")
    return RawArticle(
        title=(doc.title or "").strip(),
        text=doc.text,
        outlet=(doc.sitename or doc.hostname or "").strip(),
        url=url or doc.url,
        author=(doc.author or None),
        published=to_utc(doc.date),
        origin=origin,
    )


# --- pages over HTTP, extraction bounded in time ----------------------------------------------

def fetch_page(url: str, settings: Settings, fetcher: Fetcher | None = None, extractor: PageExtractor | None = None) -> RawArticle | Skipped:
    """The article on the page at `url`: fetched and extracted within settings.pages.timeout."""
    deadline = time.monotonic() + settings.pages.timeout
    fetcher = fetcher or Fetcher(settings.http)
    try:
        resp = fetcher.fetch(url, accept=ACCEPT_PAGE, budget=settings.pages.timeout, body_types=PAGE_TYPES)
    except FetchError as exc:
        return Skipped(url, exc.reason)
    return page_article(resp, url, deadline - time.monotonic(), extractor)


def page_article(resp: Response, origin: str, timeout: float, extractor: PageExtractor | None = None) -> RawArticle | Skipped:
    if (kind := classify(resp.content_type, resp.body)) != "page":
        what = "a feed" if kind == "feed" else resp.content_type or "no content type"
        return Skipped(origin, f"not a web page ({what})")
    return (extractor or default_extractor()).extract(_decode(resp), resp.url, origin, timeout)


def _decode(resp: Response) -> str | bytes:
    """Text by the charset the server declared (UTF-8 when it declared a single-byte one for a
    UTF-8 body, the common mislabelling); bytes (trafilatura reads <meta charset>) otherwise."""
    if resp.charset and utf8_mislabelled(resp.charset, resp.body):
        return resp.body.decode("utf-8")
    if resp.charset:
        try:
            return resp.body.decode(resp.charset)
        except (LookupError, UnicodeError):  # UnicodeError: a codec such as punycode, which is no charset
            pass
    return resp.body
