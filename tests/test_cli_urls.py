"""`python run_bot.py ingest URL...` as a real subprocess against a local HTTP server."""

from __future__ import annotations

from tests.helpers import run_bot
from tests.http_server import Reply

TEXT = "The city council approved the new tram line on Tuesday after two years of public hearings. " * 8


def serve(http_server) -> tuple[str, str, str]:
    body = (f"<?xml version='1.0' encoding='utf-8'?><rss version='2.0'><channel><title>City Wire</title>"
            f"<item><title>Tram line approved</title><link>https://city.example/tram</link><description>{TEXT}</description></item>"
            "</channel></rss>").encode()  # fmt: skip
    feed = http_server.route("/rss", Reply(body=body, headers={"Content-Type": "application/rss+xml"}))
    para = "<p>" + "Divers found the wreck of a wooden cargo ship at the bottom of the bay. " * 6 + "</p>"
    html = f"<!DOCTYPE html><html><head><title>Wreck found in the bay</title></head><body><article><h1>Wreck found in the bay</h1>{para}</article></body></html>"
    page = http_server.route("/wreck", Reply(body=html.encode(), headers={"Content-Type": "text/html; charset=utf-8"}))
    return feed, page, http_server.url("/missing")


def test_ingest_feed_and_page_urls(tmp_path, http_server):
    feed, page, missing = serve(http_server)
    env = {"NEWSBOT_HTTP__ALLOW_PRIVATE_ADDRESSES": "true", "NEWSBOT_HTTP__EXTRA_PORTS": f"[{http_server.port}]"}
    r = run_bot(tmp_path, "ingest", feed, page, missing, **env)
    assert r.returncode == 0, r.stderr
    assert "2 new, 0 duplicate, 1 failed" in r.stdout
    assert f"failed: {missing}: HTTP 404 Not Found" in r.stdout
    assert "Traceback" not in r.stderr
    s = run_bot(tmp_path, "search", "wreck", **env)
    assert "Wreck found in the bay" in s.stdout
    s = run_bot(tmp_path, "search", "tram", **env)
    assert "Tram line approved" in s.stdout and "City Wire" in s.stdout


def test_loopback_urls_are_refused_by_default(tmp_path, http_server):
    feed, page, _ = serve(http_server)
    r = run_bot(tmp_path, "ingest", feed, f"http://127.1:{http_server.port}/rss", NEWSBOT_HTTP__EXTRA_PORTS=f"[{http_server.port}]")
    assert r.returncode == 1
    assert f"failed: {feed}: refused: 127.0.0.1 is a loopback address" in r.stdout
    assert f"failed: http://127.1:{http_server.port}/rss: refused: 127.0.0.1 is a loopback address" in r.stdout
    assert http_server.requests == [] and "Traceback" not in r.stderr


def test_ingesting_a_feed_again_does_not_fetch_its_teasers_pages_again(tmp_path, http_server):
    """A teaser's page is fetched to store the whole article; ingesting the feed a second time
    finds the entry stored (by its link) and leaves the page alone."""
    para = "<p>" + "The ferry service to the island resumes on Monday after the storm damaged the pier. " * 8 + "</p>"
    html = f"<!DOCTYPE html><html><head><title>Ferry resumes</title></head><body><article>{para}</article></body></html>"
    story = http_server.route("/ferry", Reply(body=html.encode(), headers={"Content-Type": "text/html; charset=utf-8"}))
    body = (f"<rss version='2.0'><channel><title>Harbour News</title><item><title>Ferry resumes</title><link>{story}</link>"
            "<description>Ferry back on Monday.</description></item></channel></rss>").encode()  # fmt: skip
    feed = http_server.route("/rss", Reply(body=body, headers={"Content-Type": "application/rss+xml"}))
    env = {"NEWSBOT_HTTP__ALLOW_PRIVATE_ADDRESSES": "true", "NEWSBOT_HTTP__EXTRA_PORTS": f"[{http_server.port}]"}
    first = run_bot(tmp_path, "ingest", feed, **env)
    assert "1 new, 0 duplicate, 0 failed" in first.stdout, first.stdout + first.stderr
    assert http_server.hits("/ferry") == 1
    second = run_bot(tmp_path, "ingest", feed, **env)
    assert "0 new, 1 duplicate (1 same URL), 0 failed" in second.stdout, second.stdout + second.stderr
    assert http_server.hits("/ferry") == 1 and http_server.hits("/rss") == 2
    s = run_bot(tmp_path, "search", "pier", **env)
    assert "Ferry resumes" in s.stdout  # the page's text was stored, not the teaser's


def test_ingesting_a_feed_again_fetches_the_pages_the_first_run_had_no_budget_for(tmp_path, http_server):
    """With one page a run, the first `ingest` stores a whole article and a teaser; the second
    fetches the teaser's page, and the article is searchable by its page's words."""
    stories = []
    for name, words in (("ferry", "The ferry service resumes on Monday after the storm damaged the pier. "),
                        ("lighthouse", "The old lighthouse on the cape gets a new lamp and a coat of paint. ")):
        html = f"<!DOCTYPE html><html><head><title>{name}</title></head><body><article><p>{words * 8}</p></article></body></html>"
        stories.append(http_server.route(f"/{name}", Reply(body=html.encode(), headers={"Content-Type": "text/html; charset=utf-8"})))
    items = "".join(f"<item><title>{t}</title><link>{u}</link><description>{t} news.</description></item>" for t, u in zip(("Ferry", "Lighthouse"), stories))
    feed = http_server.route("/rss", Reply(body=f"<rss version='2.0'><channel><title>Harbour News</title>{items}</channel></rss>".encode()))
    env = {"NEWSBOT_HTTP__ALLOW_PRIVATE_ADDRESSES": "true", "NEWSBOT_HTTP__EXTRA_PORTS": f"[{http_server.port}]", "NEWSBOT_FEEDS__MAX_FULL_TEXT_PAGES": "1"}
    first = run_bot(tmp_path, "ingest", feed, **env)
    assert "2 new, 0 duplicate, 0 failed" in first.stdout and "the next read fetches it" in first.stdout, first.stdout + first.stderr
    assert "paint" not in run_bot(tmp_path, "search", "paint", **env).stdout.replace("'paint'", "")
    second = run_bot(tmp_path, "ingest", feed, **env)
    assert "0 new, 1 duplicate (1 same URL), 1 stored teaser given the full text, 0 failed" in second.stdout, second.stdout + second.stderr
    assert "Lighthouse" in run_bot(tmp_path, "search", "paint", **env).stdout
    assert [http_server.hits("/ferry"), http_server.hits("/lighthouse")] == [1, 1]
