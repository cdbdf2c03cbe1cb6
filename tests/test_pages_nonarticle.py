"""Pages that hold no article: an error page served with 200 OK, a cookie/consent wall, a stub
that needs JavaScript, a meta refresh. Refused with the reason, or (meta refresh) followed as
HTTP redirects are; a feed entry whose page is one of them keeps its teaser. Real articles that
mention cookies, privacy, "not found" or JavaScript are still stored."""

from __future__ import annotations

import html as htmllib
from pathlib import Path

import pytest

from config.settings import HttpSettings
from corpus.files import read_file
from corpus.http import Fetcher
from corpus.ingest import Ingestor
from corpus.netguard import Guard
from corpus.nonarticle import parse_refresh, refresh_target
from corpus.pages import extract_article, fetch_page
from corpus.raw import RawArticle, Skipped
from corpus.web import read_url
from tests.http_server import Reply

HTML = {"Content-Type": "text/html; charset=utf-8"}
ROOT = Path(__file__).resolve().parent.parent

# The prober's pages (/tmp/hpage/pages), as a site serves them.
SOFT_404 = b"""<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">
<title>Page not found | The Daily Ledger</title>
<meta property="og:site_name" content="The Daily Ledger">
</head><body>
<header><nav><a href="/">Home</a> <a href="/news">News</a> <a href="/business">Business</a></nav></header>
<main>
<h1>Sorry, we couldn't find that page</h1>
<p>The page you were looking for may have been moved, deleted or may never have existed. Please check the address and try again, or use the search box below to find what you were looking for.</p>
<form><input type="search" placeholder="Search"><button>Search</button></form>
<h2>You might be interested in</h2>
<ul>
<li><a href="/news/1">Government announces new plan to cut energy bills for millions of households this winter</a></li>
<li><a href="/news/2">Interest rates held at 5.25 percent as inflation falls faster than expected</a></li>
<li><a href="/news/3">Record number of tourists visited the country last summer, new figures show</a></li>
</ul>
</main>
<footer>\xc2\xa9 2024 The Daily Ledger</footer>
</body></html>"""

CONSENT = b"""<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Before you continue</title></head><body>
<div class="consent-wall">
<h1>We value your privacy</h1>
<p>We and our 842 partners store and access information on your device, such as cookies, and process personal data, such as unique identifiers and browsing data, for personalised advertising and content, advertising and content measurement, audience research and services development.</p>
<p>With your permission we and our partners may use precise geolocation data and identification through device scanning. You may click to consent to our and our partners' processing as described above. Alternatively you may access more detailed information and change your preferences before consenting or to refuse consenting.</p>
<p>Please note that some processing of your personal data may not require your consent, but you have a right to object to such processing. Your preferences will apply to this website only. You can change your preferences at any time by returning to this site or visiting our privacy policy.</p>
<button>Accept all</button><button>Reject all</button><button>More options</button>
</div></body></html>"""

JS_STUB = b"""<!DOCTYPE html><html><head><meta charset="utf-8"><title>Riverside Gazette</title><script>window.location.replace("/article");</script></head><body><noscript>Please enable JavaScript to continue.</noscript></body></html>"""


def refresh(target: str, delay: str = "0") -> bytes:
    return (
        f'<!DOCTYPE html><html><head><meta charset="utf-8"><meta http-equiv="refresh" content="{delay}; url={target}">'
        f'<title>Redirecting…</title></head><body><p>If you are not redirected automatically, <a href="{target}">follow this link</a>.</p></body></html>'
    ).encode()


TRAM = """The Riverside city council approved the construction of a new tram line on Tuesday night after a debate that lasted more than nine hours, ending years of argument over how to connect the eastern districts to the city centre. Councillors voted 31 to 24 in favour of the plan.
The 12-kilometre line will run from the central station to the Eastfield housing estate, with 18 stops, and is expected to carry around 40,000 passengers a day when it opens.
"This is the most important transport decision this city has made in a generation," said Mayor Helen Brandt after the vote.
Opposition councillors criticised the cost of the project, estimated at 620 million euros, and warned that construction would disrupt traffic on the main eastern roads for at least three years.
The regional government has promised to cover half of the cost, and the council hopes to secure European funding for a further quarter."""


def article(title: str, text: str, chrome: str = "") -> bytes:
    paras = "".join(f"<p>{htmllib.escape(p)}</p>" for p in text.split("\n") if p.strip())
    return (
        f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>{htmllib.escape(title)} | Riverside Gazette</title></head><body>"
        f"<nav><a href='/'>Home</a></nav><article><h1>{htmllib.escape(title)}</h1>{paras}</article>{chrome}"
        "<footer>Contact us</footer></body></html>"
    ).encode()


def feed(*entries: tuple[str, str, str]) -> bytes:
    items = "".join(f"<item><title>{t}</title><link>{u}</link><guid>{u}</guid><description>{d}</description></item>" for t, u, d in entries)
    return f"<?xml version='1.0' encoding='utf-8'?><rss version='2.0'><channel><title>Riverside Gazette</title>{items}</channel></rss>".encode()


NOT_FOUND = "the page says it was not found (an error page served as 200 OK), not the article"
CONSENT_WALL = "the page is a cookie/consent wall, not the article"


# --- (5) single pages that are no article ------------------------------------------------------

def test_an_error_page_served_with_200_is_refused(http_server, net_settings):
    url = http_server.route("/missing", Reply(body=SOFT_404, headers=HTML))
    assert list(read_url(url, net_settings)) == [Skipped(url, NOT_FOUND)]


def test_a_consent_wall_is_refused(http_server, net_settings):
    url = http_server.route("/story", Reply(body=CONSENT, headers=HTML))
    assert list(read_url(url, net_settings)) == [Skipped(url, CONSENT_WALL)]


def test_a_page_that_needs_javascript_is_refused(http_server, net_settings):
    url = http_server.route("/stub", Reply(body=JS_STUB, headers=HTML))
    target = http_server.url("/article")
    assert list(read_url(url, net_settings)) == [Skipped(url, f"the page needs JavaScript to show anything (a script redirect to {target}), not the article")]
    bare = JS_STUB.replace(b'window.location.replace("/article");', b"startApp();")
    url = http_server.route("/app", Reply(body=bare, headers=HTML))
    assert list(read_url(url, net_settings)) == [Skipped(url, "the page needs JavaScript to show anything, not the article")]


def test_an_html_file_that_is_an_error_page_or_a_redirect_is_refused(tmp_path):
    """Files have no fetcher: a meta refresh is not followed, and the stub is not an article."""
    (tmp_path / "gone.html").write_bytes(SOFT_404)
    (tmp_path / "moved.html").write_bytes(refresh("https://news.example/article"))
    (gone,) = read_file(tmp_path / "gone.html", 1_000_000)
    (moved,) = read_file(tmp_path / "moved.html", 1_000_000)
    assert gone.reason == NOT_FOUND
    assert moved.reason == "the page only redirects (meta refresh) to https://news.example/article"


# --- real articles that mention the same words ------------------------------------------------

COURT = """A High Court judge ruled on Thursday that the prosecution's central claim could not stand, after forensic examiners told the court that traces of the chemical were not found on any of the samples taken from the warehouse.
Justice Amelia Hart said the evidence the Crown had promised the jury "was not found, was never tested, and cannot now be produced". The page of the laboratory log that recorded the samples could not be found either, the court heard.
The three defendants, who had been held on remand for eleven months, were released on bail pending a further hearing next month. Their lawyers said they would seek costs.
The Crown Prosecution Service said it was reviewing the judgment and would decide within 28 days whether to appeal."""

COOKIES = """The data protection regulator fined four news publishers a total of 3.2 million euros on Monday over cookie consent banners that made it harder to refuse tracking than to accept it.
The regulator said the sites showed an "Accept all" button on the first screen but hid the option to refuse behind two further menus, which it said breached the rule that consent must be freely given.
One publisher said it would appeal. "Our readers' privacy matters to us," its chief executive said, adding that the company had already redesigned its banner.
Advertising industry groups warned that the decision could cut the revenue of smaller sites, which rely on personalised advertising, by as much as a third.
Consumer groups welcomed the fines and called on the regulator to examine how mobile apps share personal data with partners."""

JAVASCRIPT = """Thousands of customers of Riverside Savings could not log in to online banking on Friday after an update to the bank's website stopped it working in older browsers.
Customers who had disabled JavaScript, or whose browsers did not support the new code, saw only a blank page with a message asking them to enable JavaScript.
The bank apologised and said it had restored the previous version of the site by the evening."""

COOKIE_BANNER = (
    "<div class='cookie-banner'><p>We use cookies to improve your experience. By clicking Accept all, you agree to our "
    "cookie policy. You can change your preferences at any time.</p><button>Accept all</button></div>"
)


def _seeds() -> list[tuple[str, str]]:
    out = []
    for path in sorted((ROOT / "corpus" / "articles").glob("*.md")):
        (raw,) = read_file(path, 1_000_000)
        out.append((raw.title, raw.text))
    assert len(out) == 5
    return out


@pytest.mark.parametrize("i", range(5))
def test_the_seed_articles_as_pages_are_stored(i):
    """Whole, and cut to their first paragraphs (short, where the length test no longer
    protects them) with a line that mentions the words in passing, inside a page that also
    shows a cookie banner."""
    title, text = _seeds()[i]
    paragraphs = [p for p in text.split("\n") if len(p.split()) > 12]
    aside = "(The video page was not found on the broadcaster's site; readers who see a blank page should enable JavaScript, and our privacy policy explains the cookies we use.)"
    for body in (text, "\n".join(paragraphs[:2]), "\n".join([*paragraphs[:2], aside])):
        got = extract_article(article(title, body, COOKIE_BANNER), "https://news.example/a", "seed")
        assert isinstance(got, RawArticle), (title, got)


@pytest.mark.parametrize(
    "title, text",
    [
        ("Court throws out case after key evidence 'not found'", COURT),
        ("Not found: the evidence that collapsed a trial", COURT),
        ("Regulator fines news sites over cookie consent banners", COOKIES),
        ("We value your privacy, publishers tell regulator", COOKIES),
        ("Bank's website fails for customers who disable JavaScript", JAVASCRIPT),
        ("Councillors approve tram line; cookies and privacy policy updated", TRAM),
        # short items whose title or words name the very errors
        ("Flight 404 lands safely after engine warning", "Flight 404 from Lisbon landed safely in Boston on Sunday after the crew "
         "reported an engine warning over the Atlantic. None of the 212 passengers was hurt, the airline said."),
        ("Tax portal shows error 404 on deadline day", "The tax office's website showed only an error 404 page for six hours "
         "on Friday, the last day for returns. The office said the deadline would be extended by a week."),
        ("Ticket site crashes as tour sale opens", "Fans trying to buy tickets saw a page saying JavaScript is required. "
         "The site crashed within minutes of the sale opening, and the promoter said it would reopen on Monday."),
    ],
)
def test_articles_that_mention_not_found_cookies_or_javascript_are_stored(http_server, net_settings, title, text):
    url = http_server.route("/a", Reply(body=article(title, text, COOKIE_BANNER), headers=HTML))
    (got,) = read_url(url, net_settings)
    assert isinstance(got, RawArticle), got
    assert got.title == title


# --- (6) meta refresh: followed like an HTTP redirect, within the same guard and limits -----------

def test_a_meta_refresh_is_followed_to_the_article(http_server, net_settings):
    final = http_server.route("/article", Reply(body=article("City council approves new tram line", TRAM), headers=HTML))
    start = http_server.route("/r", Reply(body=refresh("/article"), headers=HTML))
    (a,) = read_url(start, net_settings)
    assert isinstance(a, RawArticle), a
    assert a.title == "City council approves new tram line" and a.url == final and a.origin == start
    assert http_server.hits("/article") == 1


def test_a_refresh_in_noscript_for_a_reload_or_after_a_long_delay_is_no_redirect(http_server, net_settings):
    """A live page that reloads itself, or sends readers on after a minute, is still the page."""
    body = article("City council approves new tram line", TRAM)
    for path, meta in [
        ("/noscript", "<noscript><meta http-equiv='refresh' content='0; url=/nojs'></noscript>"),
        ("/reload", "<meta http-equiv='refresh' content='300'>"),
        ("/self", "<meta http-equiv='refresh' content='60; url=/self'>"),
        ("/later", "<meta http-equiv='refresh' content='120; url=/elsewhere'>"),
    ]:
        url = http_server.route(path, Reply(body=body.replace(b"<title>", meta.encode() + b"<title>"), headers=HTML))
        (a,) = read_url(url, net_settings)
        assert isinstance(a, RawArticle) and a.title == "City council approves new tram line", (path, a)
    assert http_server.hits("/nojs") == http_server.hits("/elsewhere") == 0


@pytest.mark.parametrize("target", ["http://10.0.0.5/", "http://127.0.0.2:{port}/", "http://[::1]:{port}/", "http://169.254.169.254/latest/meta-data/"])
def test_a_meta_refresh_to_an_inside_address_is_refused(http_server, net_settings, target):
    """The same guard as an HTTP redirect: the first page is allowed (127.0.0.1 only, for the
    test), the page it refreshes to must pass the guard again."""
    port = http_server.port
    start = http_server.route("/go", Reply(body=refresh(target.format(port=port)), headers=HTML))
    fetcher = Fetcher(HttpSettings(extra_ports=[port]), guard=Guard(extra_ports=[port], allowed_networks=["127.0.0.1/32"]))
    (skipped,) = read_url(start, net_settings, fetcher)
    assert isinstance(skipped, Skipped) and skipped.reason.startswith(f"the page redirects (meta refresh) to {target.format(port=port)}: refused: ")
    assert [r.path for r in http_server.requests] == ["/go"]
    # Behind a feed entry, the teaser stays with the reason.
    url = http_server.route("/feed", Reply(body=feed(("Tram line approved", start, "Councillors voted 31 to 24."))))
    (entry,) = read_url(url, net_settings, fetcher)
    assert entry.text == "Councillors voted 31 to 24." and ": refused: " in entry.extra["note"]


def test_meta_refreshes_and_http_redirects_share_the_redirect_limit(http_server, net_settings):
    net_settings.http.max_redirects = 3
    http_server.route("/loop", Reply(body=refresh("/loop2"), headers=HTML))
    http_server.route("/loop2", Reply(body=refresh("/loop"), headers=HTML))
    (skipped,) = read_url(http_server.url("/loop"), net_settings)
    assert skipped.reason == "too many redirects (more than 3, the http.max_redirects limit; the last a meta refresh)"
    assert http_server.hits("/loop") + http_server.hits("/loop2") == 4  # the page and 3 refreshes
    # Two HTTP redirects, a refresh and one more HTTP redirect: four hops.
    http_server.route("/a1", Reply(302, headers={"Location": "/a2"}))
    http_server.route("/a2", Reply(302, headers={"Location": "/a3"}))
    http_server.route("/a3", Reply(body=refresh("/a4"), headers=HTML))
    http_server.route("/a4", Reply(302, headers={"Location": "/article"}))
    http_server.route("/article", Reply(body=article("City council approves new tram line", TRAM), headers=HTML))
    (skipped,) = read_url(http_server.url("/a1"), net_settings)
    assert skipped.reason.endswith("too many redirects (more than 3, the http.max_redirects limit)") and http_server.hits("/article") == 0
    net_settings.http.max_redirects = 4
    (a,) = read_url(http_server.url("/a1"), net_settings)
    assert isinstance(a, RawArticle) and a.url == http_server.url("/article")


def test_refresh_content_forms():
    base = "https://news.example/a/page"
    assert parse_refresh("0; url=/next", base) == "https://news.example/next"
    assert parse_refresh("0;URL='next'", base) == "https://news.example/a/next"
    assert parse_refresh('1, url="https://other.example/x"', base) == "https://other.example/x"
    assert parse_refresh("5; https://other.example/y", base) == "https://other.example/y"
    assert parse_refresh("30", base) is None  # a reload
    assert parse_refresh("0; url=/a/page#top", base) is None  # the page itself
    assert parse_refresh("3600; url=/next", base) is None  # not a redirect
    assert parse_refresh("0; url = ' /next '", base) == "https://news.example/next"
    # A page can make the attribute as long as it likes: its old pattern took seconds on 20,000
    # spaces (minutes on 200,000), in the poller, holding every other task up.
    assert parse_refresh("0; a" + " " * 20_000 + "b", base) is None
    assert refresh_target(f'<meta http-equiv="refresh" content="0; a{" " * 20_000}b">', base) is None


# --- (4) a feed teaser is not replaced by such a page -----------------------------------------

def test_a_feed_entry_whose_page_is_no_article_keeps_its_teaser(http_server, net_settings, store):
    """One entry each: the shared-page check (several entries on one page) can't see these."""
    http_server.route("/article", Reply(body=article("City council approves new tram line", TRAM), headers=HTML))
    entries = [
        ("Ferry service suspended", http_server.route("/ferry", Reply(body=SOFT_404, headers=HTML)), "The island ferry has been suspended after a crash in the harbour."),
        ("Budget vote delayed", http_server.route("/budget", Reply(body=CONSENT, headers=HTML)), "The council postponed its budget vote by a week."),
        ("Cycle lanes plan unveiled", http_server.route("/cycle", Reply(body=JS_STUB, headers=HTML)), "The council unveiled a plan for 50 km of new cycle lanes."),
        ("Tram line approved", http_server.route("/tram", Reply(body=refresh("/article"), headers=HTML)), "Councillors voted 31 to 24."),
    ]
    ferry, budget, cycle, tram = read_url(http_server.route("/feed", Reply(body=feed(*entries))), net_settings)
    assert (ferry.title, ferry.text) == entries[0][::2]
    assert ferry.extra["note"] == f"kept the teaser: full text not fetched: {NOT_FOUND}"
    assert budget.text == entries[1][2] and budget.extra["note"] == f"kept the teaser: full text not fetched: {CONSENT_WALL}"
    assert cycle.text == entries[2][2] and "needs JavaScript" in cycle.extra["note"]
    assert tram.extra.get("full_text") and "nine hours" in tram.text and "note" not in tram.extra
    report = Ingestor(store).ingest([ferry, budget, cycle, tram])
    assert report.new == 4, report.summary()
    assert f"note: {entries[0][1]}: kept the teaser: full text not fetched: {NOT_FOUND}" in report.summary()


def test_fetch_page_refuses_the_error_page(http_server, net_settings):
    url = http_server.route("/missing", Reply(body=SOFT_404, headers=HTML))
    assert fetch_page(url, net_settings) == Skipped(url, NOT_FOUND)
