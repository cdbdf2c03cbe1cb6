"""Article pages: main text and metadata extracted with trafilatura."""

from __future__ import annotations

import warnings

from urllib3.exceptions import DependencyWarning

with warnings.catch_warnings():
    # urllib3's notice that SOCKS proxies need PySocks: irrelevant, pages are fetched with httpx.
    warnings.simplefilter("ignore", DependencyWarning)
    import trafilatura

from corpus.dates import to_utc
from corpus.raw import RawArticle, Skipped


def extract_article(html: str, url: str | None, origin: str) -> RawArticle | Skipped:
    """The article in an HTML page, or Skipped when the page holds no article text."""
    try:
        doc = trafilatura.bare_extraction(
            html,
            url=url,
            with_metadata=True,
            include_comments=False,
            include_tables=False,
            favor_precision=True,
        )
    except Exception as exc:  # trafilatura/lxml raise a wide variety on broken markup
        return Skipped(origin, f"could not parse the page ({type(exc).__name__})")
    if doc is None or not (doc.text or "").strip():
        return Skipped(origin, "no article text found in the page")
    return RawArticle(
        title=(doc.title or "").strip(),
        text=doc.text,
        outlet=(doc.sitename or doc.hostname or "").strip(),
        url=url or doc.url,
        author=(doc.author or None),
        published=to_utc(doc.date),
        origin=origin,
    )
