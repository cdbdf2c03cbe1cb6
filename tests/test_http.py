"""The bounded fetcher against a real HTTP server on 127.0.0.1: time-outs, sizes, compression,
status codes, redirects and conditional GET. No mocking of httpx."""

from __future__ import annotations

import gzip
import time
import zlib
from datetime import datetime, timedelta, timezone
from email.utils import format_datetime

import pytest

from corpus.http import Fetcher, FetchError, retry_after_seconds
from tests.http_server import Reply, zeros

MB = 1_000_000


@pytest.fixture
def fetcher(net_settings):
    h = net_settings.http
    h.connect_timeout, h.read_timeout, h.total_timeout = 1.0, 0.5, 2.0
    h.max_response_bytes, h.max_decompressed_bytes = 1 * MB, 2 * MB
    return Fetcher(h)


def fails(fetcher, url, **kw) -> FetchError:
    with pytest.raises(FetchError) as err:
        fetcher.fetch(url, **kw)
    assert "Traceback" not in err.value.reason and "\n" not in err.value.reason
    return err.value


def test_plain_get_returns_body_headers_and_final_url(http_server, fetcher):
    url = http_server.route("/a", Reply(body=b"hello", headers={"Content-Type": "text/plain; charset=iso-8859-1"}))
    r = fetcher.fetch(url)
    assert (r.status, r.body, r.url, r.content_type, r.charset) == (200, b"hello", url, "text/plain", "iso-8859-1")
    sent = http_server.requests[-1].headers
    assert sent["User-Agent"].startswith("newsbot") and sent["Accept-Encoding"] == "gzip, deflate"


@pytest.mark.parametrize(
    "reply, reason",
    [
        (Reply(404), "HTTP 404 Not Found"),
        (Reply(500, b"oops"), "HTTP 500 Internal Server Error"),
        (Reply(410), "HTTP 410 Gone"),
        (Reply(599), "HTTP 599"),
    ],
)
def test_error_statuses_become_one_line_reasons(http_server, fetcher, reply, reason):
    err = fails(fetcher, http_server.route("/x", reply))
    assert err.reason.startswith(reason) and err.status == reply.status and err.retry_after is None


def test_429_reports_the_retry_after_delay(http_server, fetcher):
    err = fails(fetcher, http_server.route("/x", Reply(429, headers={"Retry-After": "120"})))
    assert err.reason == "HTTP 429 Too Many Requests; the server asks to retry after 2 min"
    assert err.retry_after == 120


def test_503_with_an_http_date_retry_after(http_server, fetcher):
    when = datetime.now(timezone.utc) + timedelta(hours=3)
    err = fails(fetcher, http_server.route("/x", Reply(503, headers={"Retry-After": format_datetime(when, usegmt=True)})))
    assert err.status == 503 and 3 * 3600 - 60 < err.retry_after <= 3 * 3600
    assert "retry after 3.0 h" in err.reason


def test_retry_after_parsing():
    now = datetime(2024, 1, 1, tzinfo=timezone.utc)
    assert retry_after_seconds("30") == 30
    assert retry_after_seconds("Mon, 01 Jan 2024 00:10:00 GMT", now) == 600
    assert retry_after_seconds("Sun, 31 Dec 2023 00:00:00 GMT", now) == 0  # in the past: now
    assert retry_after_seconds("soon") is None and retry_after_seconds(None) is None
    assert retry_after_seconds("²") is None  # a digit to str.isdigit(), not to int()
    assert retry_after_seconds("99999999999") == 7 * 24 * 3600  # capped


def test_server_that_hangs_after_the_headers_times_out(http_server, fetcher):
    url = http_server.route("/x", Reply(body=b"never", hang=30))
    t = time.monotonic()
    err = fails(fetcher, url)
    assert time.monotonic() - t < 1.5
    assert err.reason == "timed out after 0.5 s without data from the server"


def test_slow_drip_is_stopped_by_the_whole_request_budget(http_server, fetcher):
    """Each byte arrives within the read time-out, so only the total budget can stop it."""
    url = http_server.route("/x", Reply(body=lambda: (b"x" for _ in range(1000)), drip=0.2, chunked=True))
    t = time.monotonic()
    err = fails(fetcher, url)
    assert err.reason == "timed out after 2 s"
    assert time.monotonic() - t < 2.6


def test_server_that_never_answers_times_out(http_server, fetcher):
    t = time.monotonic()
    err = fails(fetcher, http_server.route("/x", Reply(delay=30)))
    assert "timed out" in err.reason and time.monotonic() - t < 1.5


def test_connection_reset(http_server, fetcher):
    err = fails(fetcher, http_server.route("/x", Reply(reset=True)))
    assert err.reason in ("the server reset the connection", "the server closed the connection before the response was complete")


def test_body_shorter_than_announced(http_server, fetcher):
    err = fails(fetcher, http_server.route("/x", Reply(body=b"short", length=1000)))
    assert err.reason == "the server closed the connection before the response was complete"


def test_nobody_listening(fetcher, http_server):
    url = http_server.url("/x")
    http_server.close()
    assert fails(fetcher, url).reason == "connection refused by the server"


def test_gzip_and_deflate_are_decoded(http_server, fetcher):
    text = b"<rss>" + b"news " * 1000 + b"</rss>"
    for path, enc, body in [
        ("/gz", "gzip", gzip.compress(text)),
        ("/zlib", "deflate", zlib.compress(text)),
        ("/raw", "deflate", zlib.compress(text)[2:-4]),  # raw deflate, as some servers send it
        ("/two", "gzip", gzip.compress(text[:100]) + gzip.compress(text[100:])),  # two gzip members
    ]:
        assert fetcher.fetch(http_server.route(path, Reply(body=body, headers={"Content-Encoding": enc}))).body == text, path


def test_gzip_bomb_is_stopped_while_streaming(http_server, fetcher):
    bomb = gzip.compress(b"\0" * 50 * MB)  # 50 MB that travel as ~50 KB
    assert len(bomb) < 100_000
    err = fails(fetcher, http_server.route("/bomb", Reply(body=bomb, headers={"Content-Encoding": "gzip"})))
    assert err.reason == "response larger than 2,000,000 bytes once decompressed"


def test_truncated_gzip_is_an_error_not_a_silently_short_body(http_server, fetcher):
    body = gzip.compress(b"<rss>" + b"news " * 2000 + b"</rss>")[:-40]
    err = fails(fetcher, http_server.route("/x", Reply(body=body, headers={"Content-Encoding": "gzip"})))
    assert err.reason == "the gzip-compressed response was cut short"


def test_corrupt_gzip(http_server, fetcher):
    err = fails(fetcher, http_server.route("/x", Reply(body=b"this is not gzip at all", headers={"Content-Encoding": "gzip"})))
    assert err.reason == "the gzip-compressed response is corrupt"


def test_unrequested_encoding_is_refused(http_server, fetcher):
    err = fails(fetcher, http_server.route("/x", Reply(body=b"\x00\x01", headers={"Content-Encoding": "br"})))
    assert err.reason == "unsupported content encoding 'br'"


@pytest.mark.parametrize("framing", [{"chunked": True}, {}], ids=["chunked", "close-delimited"])
def test_1gb_body_is_cut_at_the_cap_without_reading_it_all(http_server, fetcher, framing):
    url = http_server.route("/huge", Reply(body=zeros(1_000_000_000), **framing))
    t = time.monotonic()
    err = fails(fetcher, url)
    assert err.reason == "response larger than 1,000,000 bytes"
    assert time.monotonic() - t < 2
    time.sleep(0.2)  # let the server notice the closed connection
    assert http_server.sent["/huge"] < 20 * MB  # the cap plus socket buffers, not 1 GB


def test_announced_1gb_body_is_refused_before_reading(http_server, fetcher):
    url = http_server.route("/huge", Reply(body=zeros(1_000_000_000), length=1_000_000_000))
    err = fails(fetcher, url)
    assert err.reason == "response larger than 1,000,000 bytes (it announced 1,000,000,000)"
    assert http_server.sent["/huge"] < 20 * MB


def test_redirects_are_followed_to_the_final_url(http_server, fetcher):
    http_server.route("/old", Reply(301, headers={"Location": "/mid"}))
    http_server.route("/mid", Reply(308, headers={"Location": http_server.url("/new")}))
    new = http_server.route("/new", Reply(body=b"moved"))
    r = fetcher.fetch(http_server.url("/old"))
    assert (r.body, r.url, r.permanent_url) == (b"moved", new, new)
    http_server.route("/temp", Reply(302, headers={"Location": "/new"}))
    assert fetcher.fetch(http_server.url("/temp")).permanent_url is None


def test_redirect_limit(http_server, fetcher):
    for i in range(7):
        http_server.route(f"/r{i}", Reply(302, headers={"Location": f"/r{i + 1}"}))
    http_server.route("/r7", Reply(body=b"end"))
    fetcher.settings.max_redirects = 7
    assert fetcher.fetch(http_server.url("/r0")).body == b"end"
    fetcher.settings.max_redirects = 6
    err = fails(fetcher, http_server.url("/r0"))
    assert err.reason == "too many redirects (more than 6, the http.max_redirects limit)"
    assert http_server.hits("/r7") == 1  # only the first run got there


def test_redirect_loop_ends(http_server, fetcher):
    http_server.route("/loop", Reply(302, headers={"Location": "/loop"}))
    assert "too many redirects" in fails(fetcher, http_server.url("/loop")).reason
    assert http_server.hits("/loop") == fetcher.settings.max_redirects + 1


def test_conditional_get(http_server, fetcher):
    def feed(req):
        if req.headers.get("If-None-Match") == '"v1"' or req.headers.get("If-Modified-Since") == "Mon, 01 Jan 2024 00:00:00 GMT":
            return Reply(304, headers={"ETag": '"v1"'})
        return Reply(body=b"<rss/>", headers={"ETag": '"v1"', "Last-Modified": "Mon, 01 Jan 2024 00:00:00 GMT"})

    url = http_server.route("/feed", feed)
    first = fetcher.fetch(url)
    assert first.status == 200 and first.headers["etag"] == '"v1"' and not first.not_modified
    again = fetcher.fetch(url, etag=first.headers["etag"])
    assert again.not_modified and again.body == b""
    assert http_server.requests[-1].headers["If-None-Match"] == '"v1"'
    assert fetcher.fetch(url, last_modified=first.headers["last-modified"]).not_modified
    # A 304 nobody asked for is not a success.
    assert fails(fetcher, http_server.route("/odd", Reply(304))).status == 304
