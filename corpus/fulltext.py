"""Feed entries that carry only a teaser get their article page fetched and extracted
(settings feeds.fetch_full_text, feeds.teaser_words, feeds.max_full_text_pages). When the page
can't be had, the teaser is kept and the entry says why (RawArticle.extra["note"]); when only the
poll's page budget was spent, the entry is marked so (extra["page_pending"]) and a later poll
that sees it again fetches its page."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator

from config.settings import Settings
from corpus.http import Fetcher
from corpus.raw import RawArticle, Skipped, Stored, back_to_teaser
from corpus.words import word_count


def complete_teasers(
    items: Iterable[RawArticle | Skipped],
    settings: Settings,
    fetcher: Fetcher,
    known: Callable[[RawArticle], Stored] | None = None,
    extractor=None,
) -> Iterator[RawArticle | Skipped]:
    """`items` with teasers replaced by their page's text. `known(raw)` says an entry is stored
    already, so its page is not fetched again on every poll, unless a poll before ran out of
    pages for it: new entries get the page budget first, then those pending, in the feed's order.
    A page whose text several entries got (a consent or login wall, a live blog's one page for
    its posts, an error page served with 200) is none of theirs: they keep their teasers."""
    items = list(_completed(items, settings, fetcher, known, extractor))
    by_page: dict[str, list[int]] = {}
    for i, raw in enumerate(items):
        if isinstance(raw, RawArticle) and raw.extra.get("full_text"):
            by_page.setdefault(" ".join(raw.text.split()), []).append(i)
    for shared in (group for group in by_page.values() if len(group) > 1):
        for i in shared:
            raw = items[i]
            back_to_teaser(raw)
            items[i] = _keep(raw, f"its page is the same for {len(shared)} entries of the feed (a consent, login or error page?)")
    yield from items


def _completed(
    items: Iterable[RawArticle | Skipped],
    settings: Settings,
    fetcher: Fetcher,
    known: Callable[[RawArticle], Stored] | None,
    extractor,
) -> Iterator[RawArticle | Skipped]:
    from corpus.pages import fetch_page  # trafilatura only when a page is needed

    cfg = settings.feeds
    pages_left = cfg.max_full_text_pages
    items = list(items)
    stored = [known(raw) if known and isinstance(raw, RawArticle) else None for raw in items]
    wanted = sum(1 for raw, st in zip(items, stored) if st is None and isinstance(raw, RawArticle) and raw.url and word_count(raw.text) < cfg.teaser_words)
    pending_pages = max(0, cfg.max_full_text_pages - wanted)  # what new entries leave to pending ones
    for raw, st in zip(items, stored):
        if isinstance(raw, Skipped) or word_count(raw.text) >= cfg.teaser_words or st == "stored":
            yield raw
            continue
        if st == "pending" and cfg.fetch_full_text:
            if pending_pages <= 0 or pages_left <= 0:
                raw.extra["page_pending"] = True  # still: the stored teaser waits for another poll
                yield raw
                continue
            pending_pages -= 1
        if not raw.url:
            yield _keep(raw, "no link to fetch the full text from")
        elif not cfg.fetch_full_text:
            yield _keep(raw, None)
        elif pages_left <= 0:
            raw.extra["page_pending"] = True
            yield _keep(raw, f"full text not fetched yet: at most {cfg.max_full_text_pages} pages each time a feed is read (feeds.max_full_text_pages); the next read fetches it")
        else:
            pages_left -= 1
            page = fetch_page(raw.url, settings, fetcher, extractor)
            if isinstance(page, Skipped):
                yield _keep(raw, f"full text not fetched: {page.reason}")
            elif word_count(page.text) <= word_count(raw.text):
                yield _keep(raw, "the page held no more text than the feed")
            else:
                raw.extra["teaser"] = (raw.text, raw.title, raw.author, raw.published)
                raw.text = page.text
                raw.author = raw.author or page.author
                raw.published = raw.published or page.published
                raw.title = raw.title or page.title
                raw.extra["full_text"] = True
                yield raw


def _keep(raw: RawArticle, why: str | None) -> RawArticle | Skipped:
    """The teaser as it is; an entry with nothing but a link can't be ingested without its page."""
    if not raw.text.strip() and not raw.title.strip():
        return Skipped(raw.origin, f"entry has only a link ({why or 'feeds.fetch_full_text is off'})")
    if why:
        raw.extra["note"] = f"kept the teaser: {why}"
    return raw
