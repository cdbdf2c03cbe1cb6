"""Stored feeds: adding one, polling it with a conditional GET, and backing off when it fails.

A poll that fails (network, HTTP error, refused address, not a feed) counts one failure: the next
check waits feeds.backoff_base_minutes * 2^(failures-1), capped at feeds.backoff_max_minutes, and
never less than the server's Retry-After (itself capped at that maximum). After
feeds.max_failures failures in a row the feed is disabled with the reason kept; adding it again
re-enables it. A success, including 304 Not Modified, clears the count."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import httpx
from sqlalchemy import exists, or_, select
from sqlalchemy.exc import SQLAlchemyError

from config.settings import HttpSettings, Settings
from corpus.feeds import ParsedFeed, parse_feed
from corpus.fulltext import complete_teasers
from corpus.http import ACCEPT_FEED, Fetcher, FetchError, Response
from corpus.ingest import Ingestor, forget_pending, stored_already
from corpus.models import Article, Feed
from corpus.netguard import DEFAULT_PORTS, Guard, NameNotResolved, URLRefused
from corpus.raw import Skipped
from corpus.sniff import classify, feed_links
from corpus.store import Store


log = logging.getLogger(__name__)


class InvalidFeedURL(ValueError):
    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass
class PollResult:
    """What one poll did, for the log and for telling the feed's subscribers."""

    feed_id: int
    url: str
    status: str  # "ok", "not_modified", "failed", "disabled" (not polled: disabled earlier)
    entries: int = 0  # entries in the feed as fetched
    new: int = 0
    duplicate: int = 0
    completed: int = 0  # stored teasers that got their page's text
    failed: list[Skipped] = field(default_factory=list)  # entries rejected, with reasons
    notes: list[Skipped] = field(default_factory=list)
    new_ids: list[int] = field(default_factory=list)
    error: str | None = None  # why the poll failed
    retry_after: float | None = None  # seconds the server asked us to wait
    next_check_at: datetime | None = None
    just_disabled: bool = False  # this poll disabled the feed: tell its subscribers
    disabled_reason: str | None = None

    @property
    def ok(self) -> bool:
        return self.status in ("ok", "not_modified")

    def summary(self) -> str:
        if self.status == "not_modified":
            return f"{self.url}: not modified"
        if self.status == "disabled":
            return f"{self.url}: disabled ({self.disabled_reason})"
        if self.status == "failed":
            tail = f"; feed disabled: {self.disabled_reason}" if self.just_disabled else ""
            return f"{self.url}: failed: {self.error}{tail}"
        completed = f", {self.completed} teasers given the full text" if self.completed else ""
        return f"{self.url}: {self.new} new, {self.duplicate} duplicate{completed}, {len(self.failed)} failed"


def validate_feed_url(url: str, http: HttpSettings | None = None) -> str:
    """The URL, tidied, or InvalidFeedURL with the reason. Checks its form (scheme, port, an
    address written into it) and where its host name leads now; every fetch checks again."""
    http = http or HttpSettings()
    guard = Guard(http.allow_private_addresses, http.extra_ports)
    try:
        parsed = guard.check_url(url)
        try:
            guard.addresses(parsed.host, parsed.port or DEFAULT_PORTS[parsed.scheme])
        except NameNotResolved:
            pass  # not resolvable right now: the first poll says so, and the channel is told
    except URLRefused as exc:
        raise InvalidFeedURL(exc.reason) from None
    return str(parsed.copy_with(fragment=None))  # never sent: "feed.xml#x" is feed.xml


def feed_key(url: str) -> str:
    """What two ways of writing one feed's address share: scheme and host in lower case, no
    default port, no fragment, no trailing slash ("HTTP://Example.com:80/rss/#top")."""
    try:
        parsed = httpx.URL(url.strip())
    except (httpx.InvalidURL, ValueError, TypeError):
        return url.strip().rstrip("/")
    port = "" if parsed.port in (None, DEFAULT_PORTS.get(parsed.scheme)) else f":{parsed.port}"
    path = parsed.raw_path.decode("ascii", "replace").rstrip("/")
    return f"{parsed.scheme}://{parsed.host}{port}{path}"


def add_feed(store: Store, url: str, settings: Settings | None = None) -> Feed:
    """The stored feed for `url` (at the address it has now, or the one it was first followed
    at before it moved), added if new; a feed that was disabled is enabled again."""
    url = validate_feed_url(url, settings.http if settings else None)
    with store.session() as s:
        feed = s.scalar(select(Feed).where(Feed.url == url)) or s.scalar(select(Feed).where(Feed.added_url == url).limit(1))
        if feed is None:
            feed = Feed(url=url, added_url=url, error_count=0)
            s.add(feed)
        elif feed.disabled_at is not None:
            feed.disabled_at = feed.disabled_reason = feed.next_check_at = None
            feed.error_count = 0
        s.flush()
        s.refresh(feed)
        return feed


def probe_feed(url: str, settings: Settings, fetcher: Fetcher | None = None) -> str | None:
    """Why `url` can't be followed as a feed (its address is refused, it answers an error or a web
    page, it holds no feed), or None when it answers with a feed: a channel that asks to follow it
    is told at once, not when the feed is disabled after hours of failed polls. Raises
    InvalidFeedURL for an address no fetch may reach, as add_feed does."""
    url = validate_feed_url(url, settings.http)
    fetcher = fetcher or Fetcher(settings.http)
    try:
        parsed = _read(fetcher.fetch(url, accept=ACCEPT_FEED), None)
    except FetchError as exc:
        return exc.reason
    except Exception as exc:  # as in _poll: a bug on one feed's content is a reason, not a crash
        log.exception("probing %s failed", url)
        return f"the feed could not be read (internal error {type(exc).__name__})"
    return parsed.reason if isinstance(parsed, Skipped) else None


def due_feeds(store: Store, now: datetime, limit: int | None = None) -> list[Feed]:
    """Enabled feeds whose next check is due (never-checked ones first)."""
    with store.session() as s:
        q = (
            select(Feed)
            .where(Feed.disabled_at.is_(None), or_(Feed.next_check_at.is_(None), Feed.next_check_at <= now))
            .order_by(Feed.next_check_at.is_not(None), Feed.next_check_at, Feed.id)
        )
        return list(s.scalars(q.limit(limit) if limit else q))


def poll_feed(store: Store, settings: Settings, feed_id: int, now: datetime, fetcher: Fetcher | None = None) -> PollResult:
    """Fetch the feed (conditionally), ingest its new entries, and record the outcome."""
    result = _poll(store, settings, feed_id, now, fetcher)
    log.log(logging.WARNING if result.just_disabled else logging.INFO, "feed #%d %s", feed_id, result.summary())
    return result


def _poll(store: Store, settings: Settings, feed_id: int, now: datetime, fetcher: Fetcher | None) -> PollResult:
    with store.session() as s:
        feed = s.get(Feed, feed_id)
        if feed is None:
            raise LookupError(f"no feed #{feed_id}")
        url, etag, modified = feed.url, feed.etag, feed.last_modified
        if feed.disabled_at is not None:
            return PollResult(feed_id, url, "disabled", disabled_reason=feed.disabled_reason)
        if s.scalar(select(exists().where(Article.feed_id == feed_id, Article.page_pending))):
            etag = modified = None  # teasers wait for their pages: read the entries even if unchanged

    fetcher = fetcher or Fetcher(settings.http)
    # No database session is held while the network is used.
    try:
        resp = fetcher.fetch(url, etag=etag, last_modified=modified, accept=ACCEPT_FEED)
    except FetchError as exc:
        return _failed(store, settings, feed_id, now, exc.reason, exc.retry_after)
    if resp.not_modified:
        result = PollResult(feed_id, url, "not_modified")
        _succeeded(store, settings, feed_id, now, result, resp.headers.get("etag") or etag, resp.headers.get("last-modified") or modified)
        return result

    try:
        parsed = _read(resp, feed_id)
        items = None if isinstance(parsed, Skipped) else list(complete_teasers(parsed.items, settings, fetcher, stored_already(store, parsed.items)))
    except SQLAlchemyError:
        raise  # the database's trouble, not the feed's
    except Exception as exc:  # a bug on one feed's content must not stop the others (nor skip backoff)
        log.exception("feed #%d: reading %s failed", feed_id, url)
        parsed = Skipped(url, f"the feed could not be read (internal error {type(exc).__name__})")
    if isinstance(parsed, Skipped):
        return _failed(store, settings, feed_id, now, parsed.reason, None)
    report = Ingestor(store, settings.dedupe.near_duplicate_threshold).ingest(items)
    forget_pending(store, feed_id, items)
    result = PollResult(
        feed_id, url, "ok", entries=len(parsed.items), new=report.new, duplicate=report.duplicate, completed=report.completed,
        failed=report.failed, notes=report.notes, new_ids=report.new_ids,
    )  # fmt: skip
    _succeeded(store, settings, feed_id, now, result, resp.headers.get("etag"), resp.headers.get("last-modified"), parsed, resp.permanent_url)
    return result


def _read(resp: Response, feed_id: int | None) -> ParsedFeed | Skipped:
    if classify(resp.content_type, resp.body) == "page":
        links = feed_links(resp.body, resp.url)
        hint = f"; the page names its feed: {links[0]}" if links else ""
        return Skipped(resp.url, f"not a feed: a web page{hint}")
    return parse_feed(resp.body, resp.url, resp.headers, feed_id=feed_id)


def _succeeded(store, settings, feed_id, now, result: PollResult, etag, modified, parsed=None, moved_to=None) -> None:
    with store.session() as s:
        feed = s.get(Feed, feed_id)
        feed.etag = (etag or None) and etag[:512]
        feed.last_modified = (modified or None) and modified[:128]
        feed.error_count = 0
        feed.last_error = None
        feed.last_checked_at = now
        feed.next_check_at = now + timedelta(minutes=settings.feeds.poll_minutes)
        if parsed is not None and parsed.title:
            feed.title = parsed.title[:512]
        if moved_to and moved_to != feed.url and not s.scalar(select(Feed.id).where(Feed.url == moved_to)):
            feed.url = moved_to[:2048]  # moved permanently: poll the new address from now on
        result.next_check_at = feed.next_check_at


def _failed(store, settings, feed_id, now, reason: str, retry_after: float | None) -> PollResult:
    cfg = settings.feeds
    with store.session() as s:
        feed = s.get(Feed, feed_id)
        feed.error_count = (feed.error_count or 0) + 1
        minutes = min(cfg.backoff_base_minutes * 2 ** min(feed.error_count - 1, 30), cfg.backoff_max_minutes)
        if retry_after:
            minutes = max(minutes, min(retry_after / 60, cfg.backoff_max_minutes))
        feed.last_error = reason[:512]
        feed.last_checked_at = now
        feed.next_check_at = now + timedelta(minutes=minutes)
        result = PollResult(feed_id, feed.url, "failed", error=reason, retry_after=retry_after, next_check_at=feed.next_check_at)
        if feed.error_count >= cfg.max_failures:
            feed.disabled_at = now
            feed.disabled_reason = f"disabled after {feed.error_count} failed checks in a row; the last: {reason}"[:512]
            result.just_disabled = True
            result.disabled_reason = feed.disabled_reason
        return result
