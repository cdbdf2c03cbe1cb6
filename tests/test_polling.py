"""Stored feeds: adding, conditional polling, backoff, disabling, and feed-server faults, each
against a real HTTP server on 127.0.0.1 and a real store (SQLite, and PostgreSQL when configured)."""

from __future__ import annotations

import gzip
import time
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import func, select

from corpus.models import Article, Feed
from corpus.polling import InvalidFeedURL, add_feed, due_feeds, poll_feed
from tests.http_server import Reply, zeros

NOW = datetime(2024, 6, 1, 12, 0, tzinfo=timezone.utc)
LONG = "Long enough text for the entry to count as a whole article rather than a teaser. " * 20


def rss(*items: tuple[str, str], title: str = "Polled") -> bytes:
    body = "".join(f"<item><title>{t}</title><guid isPermaLink='false'>{g}</guid><description>{LONG} {t}</description></item>" for g, t in items)
    return f"<rss version='2.0'><channel><title>{title}</title>{body}</channel></rss>".encode()


@pytest.fixture
def poll_settings(net_settings):
    s = net_settings
    s.http.read_timeout, s.http.total_timeout, s.http.max_response_bytes = 0.5, 2.0, 1_000_000
    s.feeds.backoff_base_minutes, s.feeds.backoff_max_minutes, s.feeds.max_failures = 5, 60, 4
    return s


def feed_row(store, feed_id) -> Feed:
    with store.session() as s:
        return s.get(Feed, feed_id)


def articles(store) -> int:
    with store.session() as s:
        return s.scalar(select(func.count()).select_from(Article))


def test_add_feed_validates_and_is_idempotent(store, settings):
    f = add_feed(store, " https://news.example/rss ", settings)
    assert f.id and f.url == "https://news.example/rss" and f.error_count == 0
    assert add_feed(store, "https://news.example/rss").id == f.id
    for bad, reason in [
        ("ftp://news.example/rss", "only http:// and https://"),
        ("http://127.0.0.1/rss", "refused: 127.0.0.1 is a loopback address"),
        ("http://0x7f.1/rss", "refused: 127.0.0.1 is a loopback address"),
        ("http://[::1]/rss", "refused: ::1 is a loopback address"),
        ("http://news.example:8080/rss", "port 8080 is not allowed"),
        ("not a url", "not a URL"),
    ]:
        with pytest.raises(InvalidFeedURL) as err:
            add_feed(store, bad, settings)
        assert err.value.reason.startswith(reason), bad
    with store.session() as s:
        assert s.scalar(select(func.count()).select_from(Feed)) == 1


def test_poll_stores_entries_and_validators(store, http_server, poll_settings):
    url = http_server.route("/rss", Reply(body=rss(("a", "Alpha"), ("b", "Beta")), headers={"ETag": '"e1"', "Last-Modified": "Sat, 01 Jun 2024 10:00:00 GMT"}))
    f = add_feed(store, url, poll_settings)
    r = poll_feed(store, poll_settings, f.id, NOW)
    assert (r.status, r.ok, r.entries, r.new, r.duplicate, r.failed) == ("ok", True, 2, 2, 0, [])
    assert r.next_check_at == NOW + timedelta(minutes=poll_settings.feeds.poll_minutes)
    row = feed_row(store, f.id)
    assert (row.etag, row.last_modified, row.title, row.error_count, row.last_checked_at) == ('"e1"', "Sat, 01 Jun 2024 10:00:00 GMT", "Polled", 0, NOW)
    with store.session() as s:
        assert sorted(s.scalars(select(Article.title).where(Article.feed_id == f.id))) == ["Alpha", "Beta"]
    # The next poll finds the same entries again: duplicates, nothing new.
    again = poll_feed(store, poll_settings, f.id, NOW + timedelta(hours=1))
    assert (again.new, again.duplicate) == (0, 2)
    assert r.summary() == f"{url}: 2 new, 0 duplicate, 0 failed"


def test_not_modified_updates_nothing_and_counts_as_success(store, http_server, poll_settings):
    def conditional(req):
        if req.headers.get("If-None-Match") == '"e1"' and req.headers.get("If-Modified-Since") == "Sat, 01 Jun 2024 10:00:00 GMT":
            return Reply(304, headers={"ETag": '"e1"'})
        return Reply(body=rss(("a", "Alpha")), headers={"ETag": '"e1"', "Last-Modified": "Sat, 01 Jun 2024 10:00:00 GMT"})

    url = http_server.route("/rss", conditional)
    f = add_feed(store, url, poll_settings)
    assert poll_feed(store, poll_settings, f.id, NOW).new == 1
    with store.session() as s:  # as if earlier polls had failed
        s.get(Feed, f.id).error_count = 2
    later = NOW + timedelta(hours=1)
    r = poll_feed(store, poll_settings, f.id, later)
    assert (r.status, r.ok, r.new, r.entries) == ("not_modified", True, 0, 0)
    row = feed_row(store, f.id)
    assert (row.error_count, row.etag, row.last_checked_at) == (0, '"e1"', later)
    assert row.next_check_at == later + timedelta(minutes=poll_settings.feeds.poll_minutes)
    assert articles(store) == 1 and r.summary() == f"{url}: not modified"


def test_backoff_grows_then_the_feed_is_disabled_with_its_reason(store, http_server, poll_settings):
    url = http_server.route("/rss", Reply(500, b"boom"))
    f = add_feed(store, url, poll_settings)
    now, delays = NOW, []
    for n in range(1, 5):
        r = poll_feed(store, poll_settings, f.id, now)
        assert (r.status, r.error) == ("failed", "HTTP 500 Internal Server Error")
        delays.append((r.next_check_at - now) / timedelta(minutes=1))
        assert r.just_disabled == (n == 4)
        now = r.next_check_at
    assert delays == [5, 10, 20, 40]
    row = feed_row(store, f.id)
    assert row.error_count == 4 and row.last_error == "HTTP 500 Internal Server Error"
    assert row.disabled_reason == "disabled after 4 failed checks in a row; the last: HTTP 500 Internal Server Error"
    assert r.disabled_reason == row.disabled_reason and row.disabled_at is not None
    assert "feed disabled: disabled after 4 failed checks" in r.summary()
    # A disabled feed is not fetched again, and not due.
    hits = http_server.hits("/rss")
    again = poll_feed(store, poll_settings, f.id, now + timedelta(days=1))
    assert (again.status, again.just_disabled, again.disabled_reason) == ("disabled", False, row.disabled_reason)
    assert http_server.hits("/rss") == hits and due_feeds(store, now + timedelta(days=1)) == []
    # Adding it again gives it a fresh start.
    add_feed(store, url, poll_settings)
    row = feed_row(store, f.id)
    assert (row.disabled_at, row.disabled_reason, row.error_count) == (None, None, 0)


def test_backoff_is_capped_and_success_resets_it(store, http_server, poll_settings):
    poll_settings.feeds.max_failures, poll_settings.feeds.backoff_max_minutes = 10, 15
    http_server.route("/rss", Reply(404), Reply(404), Reply(404), Reply(404), Reply(body=rss(("a", "Alpha"))))
    f = add_feed(store, http_server.url("/rss"), poll_settings)
    delays = []
    for _ in range(4):
        r = poll_feed(store, poll_settings, f.id, NOW)
        delays.append((r.next_check_at - NOW) / timedelta(minutes=1))
    assert delays == [5, 10, 15, 15]
    assert poll_feed(store, poll_settings, f.id, NOW).ok
    assert feed_row(store, f.id).error_count == 0
    r = poll_feed(store, poll_settings, f.id, NOW)  # the server now answers 200 for good
    assert r.ok


@pytest.mark.parametrize("retry_after, minutes", [("3600", 60), ("600", 10), ("60", 5), ("999999", 60)])
def test_retry_after_is_honoured_up_to_the_backoff_maximum(store, http_server, poll_settings, retry_after, minutes):
    url = http_server.route("/rss", Reply(429, headers={"Retry-After": retry_after}))
    f = add_feed(store, url, poll_settings)
    r = poll_feed(store, poll_settings, f.id, NOW)
    assert r.status == "failed" and r.retry_after == min(float(retry_after), 7 * 24 * 3600)
    assert r.error.startswith("HTTP 429 Too Many Requests; the server asks to retry after")
    assert r.next_check_at == NOW + timedelta(minutes=minutes)


def test_due_feeds(store, poll_settings):
    a = add_feed(store, "https://a.example/rss", poll_settings)
    b = add_feed(store, "https://b.example/rss", poll_settings)
    c = add_feed(store, "https://c.example/rss", poll_settings)
    d = add_feed(store, "https://d.example/rss", poll_settings)
    with store.session() as s:
        s.get(Feed, a.id).next_check_at = NOW - timedelta(minutes=1)
        s.get(Feed, b.id).next_check_at = NOW + timedelta(minutes=1)
        s.get(Feed, d.id).disabled_at = NOW
    assert [f.id for f in due_feeds(store, NOW)] == [c.id, a.id]  # never checked first
    assert [f.id for f in due_feeds(store, NOW + timedelta(minutes=2))] == [c.id, a.id, b.id]
    assert [f.id for f in due_feeds(store, NOW, limit=1)] == [c.id]


def test_a_web_page_is_not_a_feed_and_its_feed_link_is_named(store, http_server, poll_settings):
    head = '<link rel="alternate" type="application/rss+xml" title="RSS" href="/rss.xml">'
    url = http_server.route("/page", Reply(body=f"<!DOCTYPE html><html><head><title>Home</title>{head}</head><body><p>Hi</p></body></html>".encode(), headers={"Content-Type": "text/html"}))
    f = add_feed(store, url, poll_settings)
    r = poll_feed(store, poll_settings, f.id, NOW)
    assert (r.status, r.error) == ("failed", f"not a feed: a web page; the page names its feed: {http_server.url('/rss.xml')}")


def test_a_channel_is_told_at_once_when_an_address_is_no_feed(store, http_server, poll_settings):
    # The real command service, as the runner builds it, against a real feed server: a URL that
    # answers no feed is refused with its reason, and nothing is stored for it.
    from bot.runner import build_service
    from corpus.channels import SubscriptionFeed
    from corpus.polling import probe_feed
    from tests.chatkit import run, texts

    head = '<link rel="alternate" type="application/rss+xml" href="/rss.xml">'
    page = http_server.route("/page", Reply(body=f"<html><head>{head}</head><body><p>Hi</p></body></html>".encode(), headers={"Content-Type": "text/html"}))
    feed = http_server.route("/rss.xml", Reply(body=rss(("a", "Alpha"))))
    empty = http_server.route("/empty.xml", Reply(body=rss()))  # a new feed may have no entries yet
    svc = build_service(poll_settings, store)
    for url, reason in [
        (http_server.url("/gone"), "HTTP 404"),
        (page, f"not a feed: a web page; the page names its feed: {feed}"),
        (http_server.route("/down", Reply(503)), "HTTP 503"),
    ]:
        reply = run(svc, "news subscribe", url=url)
        assert reply.error and f"Can't follow that feed: {reason}" in texts(reply), texts(reply)
    with store.session() as s:
        assert s.scalar(select(func.count()).select_from(Feed)) == 0
        assert s.scalar(select(func.count()).select_from(SubscriptionFeed)) == 0
    for url in (feed, empty):
        ok = run(svc, "news subscribe", url=url)
        assert not ok.error and f"now follows {url}" in texts(ok)
    assert probe_feed(feed, poll_settings) is None
    # an address no fetch may reach is refused before any request, as add_feed refuses it
    poll_settings.http.allow_private_addresses = False
    with pytest.raises(InvalidFeedURL, match="loopback"):
        probe_feed(feed, poll_settings)


def test_permanent_redirect_moves_the_feed(store, http_server, poll_settings):
    http_server.route("/old", Reply(301, headers={"Location": "/new"}))
    new = http_server.route("/new", Reply(body=rss(("a", "Alpha"))))
    f = add_feed(store, http_server.url("/old"), poll_settings)
    assert poll_feed(store, poll_settings, f.id, NOW).ok
    assert feed_row(store, f.id).url == new
    # The address first followed still finds it: following it again is the same feed.
    assert add_feed(store, http_server.url("/old"), poll_settings).id == f.id
    assert add_feed(store, http_server.url("/old") + "#latest", poll_settings).id == f.id  # a fragment is never sent


def test_teaser_pages_are_fetched_once_not_on_every_poll(store, http_server, poll_settings):
    page = ("<html><head><title>Story</title></head><body><article>" + "<p>The story is told in full on its own page, sentence after sentence.</p>" * 30 + "</article></body></html>").encode()
    story = http_server.route("/story", Reply(body=page, headers={"Content-Type": "text/html"}))
    body = f"<rss version='2.0'><channel><title>T</title><item><title>Story</title><link>{story}</link><guid>{story}</guid><description>Teaser.</description></item></channel></rss>"
    f = add_feed(store, http_server.route("/rss", Reply(body=body.encode())), poll_settings)
    assert poll_feed(store, poll_settings, f.id, NOW).new == 1
    assert poll_feed(store, poll_settings, f.id, NOW + timedelta(hours=1)).duplicate == 1
    assert http_server.hits("/story") == 1
    with store.session() as s:
        assert "told in full" in s.scalar(select(Article.text))


def test_teasers_past_the_page_budget_get_their_pages_on_later_polls(store, http_server, poll_settings):
    """A feed of 5 teasers with a budget of 2 pages a poll: the first poll stores 2 whole articles
    and 3 teasers, the next ones fetch the rest (read in full although the feed answers 304 to a
    conditional GET), each page once; the articles keep their ids. A page that fails is not
    fetched again, nor is one whose entry left the feed."""
    poll_settings.feeds.max_full_text_pages = 2
    pages = {}
    for i in range(5):
        text = f"<p>Article {i} is told in full on its own page, sentence {{}} after sentence.</p>"
        body = "<html><head><title>S</title></head><body><article>" + "".join(text.format(j) for j in range(30)) + "</article></body></html>"
        pages[i] = http_server.route(f"/s{i}", Reply(body=body.encode(), headers={"Content-Type": "text/html"}) if i != 3 else Reply(404))
    entries = list(range(5))

    def feed(req):
        etag = f'"{"-".join(map(str, entries))}"'
        if req.headers.get("If-None-Match") == etag:
            return Reply(304, headers={"ETag": etag})
        items = "".join(f"<item><title>Story {i}</title><link>{pages[i]}</link><description>Teaser {i}.</description></item>" for i in entries)
        return Reply(body=f"<rss version='2.0'><channel><title>T</title>{items}</channel></rss>".encode(), headers={"ETag": etag})

    f = add_feed(store, http_server.route("/rss", feed), poll_settings)

    def texts() -> dict[str, tuple[int, bool]]:
        with store.session() as s:
            return {url: (len(text.split()), pending) for url, text, pending in s.execute(select(Article.canonical_url, Article.text, Article.page_pending))}

    first = poll_feed(store, poll_settings, f.id, NOW)
    assert (first.new, first.completed) == (5, 0)
    assert [texts()[pages[i]] for i in range(5)][2:] == [(2, True)] * 3  # teasers, pages to come
    with store.session() as s:
        ids = dict(s.execute(select(Article.canonical_url, Article.id)).all())

    second = poll_feed(store, poll_settings, f.id, NOW + timedelta(minutes=30))
    assert (second.new, second.completed) == (0, 1)  # page 2 arrived; page 3 is a 404
    third = poll_feed(store, poll_settings, f.id, NOW + timedelta(minutes=60))
    assert third.status == "ok" and (third.new, third.completed) == (0, 1)  # page 4, though the feed is "unchanged"
    now = texts()
    assert all(now[pages[i]][0] > 100 for i in (0, 1, 2, 4)) and now[pages[3]] == (2, False)
    assert not any(pending for _, pending in now.values())
    assert poll_feed(store, poll_settings, f.id, NOW + timedelta(minutes=90)).status == "not_modified"
    assert [http_server.hits(f"/s{i}") for i in range(5)] == [1, 1, 1, 1, 1]
    with store.session() as s:
        assert dict(s.execute(select(Article.canonical_url, Article.id)).all()) == ids
        assert "told in full" in s.scalar(select(Article.text).where(Article.canonical_url == pages[4]))

    # A teaser still waiting when its entry leaves the feed waits no more.
    poll_settings.feeds.max_full_text_pages = 0
    pages[5] = http_server.route("/s5", Reply(body=b"<html></html>", headers={"Content-Type": "text/html"}))
    entries[:] = [5]
    assert poll_feed(store, poll_settings, f.id, NOW + timedelta(hours=2)).new == 1
    assert texts()[pages[5]] == (2, True)
    entries[:] = [0]
    poll_feed(store, poll_settings, f.id, NOW + timedelta(hours=3))
    assert texts()[pages[5]] == (2, False) and http_server.hits("/s5") == 0


FAULTS = {
    "hangs after headers": (Reply(body=b"<rss/>", hang=30), "timed out after 0.5 s without data from the server"),
    "resets the connection": (Reply(reset=True), "the server reset the connection"),
    "500": (Reply(500), "HTTP 500 Internal Server Error"),
    "429 with Retry-After": (Reply(429, headers={"Retry-After": "120"}), "HTTP 429 Too Many Requests; the server asks to retry after 2 min"),
    "truncated gzip": (Reply(body=gzip.compress(rss(("a", "A")))[:-30], headers={"Content-Encoding": "gzip"}), "the gzip-compressed response was cut short"),
    "1 GB body": (Reply(body=zeros(1_000_000_000), chunked=True), "response larger than 1,000,000 bytes"),
    "malformed XML": (Reply(body=b"<rss><channel><<<>>>", headers={"Content-Type": "application/rss+xml"}), "not a feed (broken XML: not well-formed (invalid token))"),
    "an image labelled as RSS": (Reply(body=b"\xff\xd8\xff\xe0\x00\x10JFIF" + bytes(range(256)) * 8, headers={"Content-Type": "application/rss+xml"}), "not a feed (broken XML: not well-formed (invalid token))"),
    "a plain body labelled gzip": (Reply(body=rss(("a", "A")), headers={"Content-Encoding": "gzip"}), "the gzip-compressed response is corrupt"),
    "drips past the time budget": (Reply(body=lambda: (rss(("a", "A"))[i : i + 10] for i in range(0, 400, 10)), drip=0.4, chunked=True), "timed out after 2 s"),
    "500 with a huge error page": (Reply(500, body=zeros(50_000_000), chunked=True), "HTTP 500 Internal Server Error"),
}


def test_feed_server_faults_mark_the_feed_and_lose_no_other_work(store, http_server, poll_settings):
    """Each faulty feed is marked with its reason and backed off; the healthy feeds polled in
    between (one served as text/html, a content type that lies) all get their articles."""
    healthy = []
    for i, (name, (reply, _)) in enumerate(FAULTS.items()):
        add_feed(store, http_server.route(f"/bad{i}", reply), poll_settings)
        good = http_server.route(f"/good{i}", Reply(body=rss((f"g{i}", f"Good {i}"), title=f"Good feed {i}"), headers={"Content-Type": "text/html"}))
        healthy.append(add_feed(store, good, poll_settings).id)
    t = time.monotonic()
    results = {f.url: poll_feed(store, poll_settings, f.id, NOW) for f in due_feeds(store, NOW)}
    assert time.monotonic() - t < 15
    for i, (name, (_, reason)) in enumerate(FAULTS.items()):
        r = results[http_server.url(f"/bad{i}")]
        assert (r.status, r.error) == ("failed", reason), name
        row = feed_row(store, r.feed_id)
        assert row.error_count == 1 and row.last_error == reason and row.disabled_at is None
        assert row.next_check_at == NOW + timedelta(minutes=poll_settings.feeds.backoff_base_minutes)  # backed off
        assert http_server.sent[f"/bad{i}"] < 20_000_000, name  # huge bodies are not downloaded
    assert all(results[http_server.url(f"/good{i}")].new == 1 for i in range(len(FAULTS)))
    with store.session() as s:
        assert s.scalar(select(func.count()).select_from(Article).where(Article.feed_id.in_(healthy))) == len(FAULTS)


def test_an_unexpected_error_on_one_feed_is_a_failure_of_that_feed(store, http_server, poll_settings, monkeypatch):
    """A bug met on one feed's content (injected here: no real input is known to cause one) is
    logged and counted as that feed's failure, with backoff; the next feed is polled as usual."""
    import corpus.polling

    real = corpus.polling.parse_feed

    def buggy(data, url, *args, **kw):
        if url.endswith("/bad"):
            raise RuntimeError("boom")
        return real(data, url, *args, **kw)

    monkeypatch.setattr(corpus.polling, "parse_feed", buggy)
    bad = add_feed(store, http_server.route("/bad", Reply(body=rss(("a", "A")))), poll_settings)
    good = add_feed(store, http_server.route("/good", Reply(body=rss(("b", "B")))), poll_settings)
    r = poll_feed(store, poll_settings, bad.id, NOW)
    assert (r.status, r.error) == ("failed", "the feed could not be read (internal error RuntimeError)")
    assert r.next_check_at == NOW + timedelta(minutes=5)
    assert poll_feed(store, poll_settings, good.id, NOW).new == 1


def test_an_entry_that_is_only_a_link_is_a_duplicate_on_later_polls(store, http_server, poll_settings):
    page = ("<html><head><title>Linked story</title></head><body><article>" + "<p>Everything about the story is on its page, and nowhere else at all.</p>" * 30 + "</article></body></html>").encode()
    story = http_server.route("/story", Reply(body=page, headers={"Content-Type": "text/html"}))
    body = f"<rss version='2.0'><channel><title>Links</title><item><link>{story}</link></item></channel></rss>"
    f = add_feed(store, http_server.route("/rss", Reply(body=body.encode())), poll_settings)
    first = poll_feed(store, poll_settings, f.id, NOW)
    assert (first.new, first.failed) == (1, [])
    later = poll_feed(store, poll_settings, f.id, NOW + timedelta(hours=1))
    assert (later.new, later.duplicate, later.failed) == (0, 1, [])
    assert http_server.hits("/story") == 1
