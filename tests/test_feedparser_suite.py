"""feedparser's own 2,107 test feeds (../shared/robustness/feeds/feedparser/), each served by a
local HTTP server with the headers of its `Header:` lines and polled as a stored feed into a real
store: no crash, every entry stored or rejected with a reason, and titles decoded to the right
characters.

Expected titles come only from the simple `Expect:` forms (`feed['title'] == '...'`,
`entries[0]['title_detail']['value'] == '...'`, `feed.title == '...'`, possibly after
`not bozo and`). The expression is parsed with `ast.parse` and only its string literal is read,
with `ast.literal_eval`; it is never evaluated."""

from __future__ import annotations

import ast
import html
import io
import json
import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timezone

import feedparser
import pytest

from corpus.feeds import ParsedFeed, parse_feed
from corpus.http import Fetcher
from corpus.polling import add_feed, poll_feed
from corpus.raw import RawArticle
from tests.conftest import SHARED
from tests.http_server import Reply

SUITE = SHARED / "robustness" / "feeds" / "feedparser"
MANIFEST = SUITE / "manifest.jsonl"
NOW = datetime(2024, 1, 1, tzinfo=timezone.utc)
TITLE_PATHS = {
    ("feed", "title"): "feed", ("feed", "title_detail", "value"): "feed",
    ("entries", 0, "title"): "entry", ("entries", 0, "title_detail", "value"): "entry",
}  # fmt: skip

pytestmark = pytest.mark.skipif(not MANIFEST.exists(), reason=f"feedparser's test feeds are not at {SUITE}")


def rows() -> list[dict]:
    return [json.loads(line) for line in MANIFEST.read_text(encoding="utf-8").splitlines() if line.strip()]


def expected_titles(expect: str | None) -> list[tuple[str, str]]:
    """[("feed" | "entry", title)] read from the simple comparisons in an Expect expression."""
    try:
        tree = ast.parse(expect or "", mode="eval").body
    except SyntaxError:
        return []
    parts = tree.values if isinstance(tree, ast.BoolOp) and isinstance(tree.op, ast.And) else [tree]
    found = []
    for part in parts:
        if (
            isinstance(part, ast.Compare)
            and len(part.ops) == 1
            and isinstance(part.ops[0], ast.Eq)
            and isinstance(part.comparators[0], ast.Constant)
            and isinstance(part.comparators[0].value, str)
            and (where := TITLE_PATHS.get(_path(part.left)))
        ):
            found.append((where, ast.literal_eval(part.comparators[0])))
    return found


def _path(node) -> tuple | None:
    keys = []
    while isinstance(node, (ast.Subscript, ast.Attribute)):
        if isinstance(node, ast.Attribute):
            keys.append(node.attr)
        elif isinstance(node.slice, ast.Constant):
            keys.append(node.slice.value)
        else:
            return None
        node = node.value
    return (node.id, *reversed(keys)) if isinstance(node, ast.Name) else None


def as_text(value: str, kind: str) -> str:
    """The characters a reader sees in a title feedparser gives as `value` of type `kind`: markup
    removed and entities decoded for HTML titles (a regex and html.unescape, independent of the
    code under test), white space folded as the store folds it."""
    if kind in ("text/html", "application/xhtml+xml"):
        value = html.unescape(re.sub(r"<[^>]*>", " ", value))
    return " ".join(value.split())


def headers_for(row: dict) -> dict[str, str]:
    if row["http_headers"]:
        return row["http_headers"]
    # Files with no Header: lines were parsed from disk in feedparser's suite; the neutral media
    # type leaves the charset to the BOM and the XML declaration, as reading from disk does.
    return {"Content-Type": "application/feed+json" if row["file"].endswith(".json") else "application/xml"}


@dataclass
class Figures:
    feeds: int = 0
    polls_ok: int = 0
    polls_failed: Counter = field(default_factory=Counter)
    entries: int = 0
    stored: int = 0
    duplicates: int = 0
    rejected: Counter = field(default_factory=Counter)
    titles_checked: int = 0
    title_failures: list[str] = field(default_factory=list)
    crashes: list[str] = field(default_factory=list)
    unaccounted: list[str] = field(default_factory=list)

    def report(self) -> str:
        lines = [
            f"feedparser suite: {self.feeds} feeds served, {self.polls_ok} polled ok, "
            f"{sum(self.polls_failed.values())} failed as a whole; {self.entries} entries: {self.stored} stored, "
            f"{self.duplicates} duplicates, {sum(self.rejected.values())} rejected; "
            f"titles {self.titles_checked - len(self.title_failures)}/{self.titles_checked} right; "
            f"{len(self.crashes)} crashes",
        ]
        lines += [f"  feed failed ({n}): {why}" for why, n in self.polls_failed.most_common()]
        lines += [f"  entry rejected ({n}): {why}" for why, n in self.rejected.most_common()]
        lines += [f"  title wrong: {t}" for t in self.title_failures[:20]]
        return "\n".join(lines)


def run_suite(selected: list[dict], store, settings, server) -> Figures:
    settings.feeds.fetch_full_text = False  # the entries link to hosts on the internet
    fetcher = Fetcher(settings.http)
    fig = Figures()
    for i, row in enumerate(selected):
        body = (SUITE / row["file"]).read_bytes()
        url = server.route(f"/{i}/{row['file']}", Reply(body=body, headers=headers_for(row)))
        fig.feeds += 1
        try:
            feed = add_feed(store, url, settings)
            result = poll_feed(store, settings, feed.id, NOW, fetcher)
        except Exception as exc:  # the point of the test: there must be none
            fig.crashes.append(f"{row['file']}: {type(exc).__name__}: {exc}")
            continue
        if result.ok:
            fig.polls_ok += 1
            fig.entries += result.entries
            fig.stored += result.new
            fig.duplicates += result.duplicate
            fig.rejected.update(s.reason for s in result.failed)
            if result.new + result.duplicate + len(result.failed) != result.entries or not all(s.reason for s in result.failed):
                fig.unaccounted.append(row["file"])
        else:
            fig.polls_failed[result.error] += 1
            if not result.error:
                fig.unaccounted.append(row["file"])
        check_titles(row, body, url, fetcher, fig)
    return fig


def check_titles(row: dict, body: bytes, url: str, fetcher: Fetcher, fig: Figures) -> None:
    expected = expected_titles(row["expect"])
    if not expected:
        return
    resp = fetcher.fetch(url)
    ours = parse_feed(resp.body, resp.url, resp.headers)
    # Which titles are HTML: feedparser's own reading of the file (a third-party oracle).
    theirs = feedparser.parse(io.BytesIO(body), response_headers={k.lower(): v for k, v in headers_for(row).items()})
    for where, value in expected:
        fig.titles_checked += 1
        if where == "feed":
            kind = theirs.feed.get("title_detail", {}).get("type", "text/plain")
            got = ours.title if isinstance(ours, ParsedFeed) else None
        else:
            kind = theirs.entries[0].get("title_detail", {}).get("type", "text/plain") if theirs.entries else "text/plain"
            first = ours.items[0] if isinstance(ours, ParsedFeed) and ours.items else None
            got = first.title if isinstance(first, RawArticle) else None
        want = as_text(value, kind)
        if want == "" and not got:
            continue  # nothing left of the title: the entry is rightly rejected when nothing else is there
        if got is None or " ".join(got.split()) != want:
            fig.title_failures.append(f"{row['file']}: {where} title {got!r}, expected {want!r}")


def check(fig: Figures) -> None:
    print("\n" + fig.report())
    assert fig.crashes == []
    assert fig.unaccounted == []
    assert fig.title_failures == []


def test_expect_parsing_reads_literals_only():
    assert expected_titles("not bozo and feed['title'] == u'\\u5e74'") == [("feed", "\u5e74")]
    assert expected_titles("entries[0]['title_detail']['value'] == '&#38;'") == [("entry", "&#38;")]
    assert expected_titles("feed.title == 'My Example Feed' and len(entries) == 2") == [("feed", "My Example Feed")]
    assert expected_titles("entries[0]['title'] == __import__('os').getcwd()") == []
    assert expected_titles("entries[1]['title'] == 'x'") == [] and expected_titles("bozo") == []


def test_feedparser_suite_all(sqlite_store, net_settings, http_server):
    """All 2,107 feeds into SQLite (about 15 s)."""
    all_rows = rows()
    assert len(all_rows) == 2107
    fig = run_suite(all_rows, sqlite_store, net_settings, http_server)
    assert fig.feeds == 2107 and fig.titles_checked > 400
    check(fig)


def test_feedparser_suite_sample_on_postgresql(store, net_settings, http_server):
    """Every 8th feed, plus the encoding, ill-formed and JSON groups, into PostgreSQL."""
    if store.dialect == "sqlite":
        pytest.skip("the whole suite runs on SQLite above")
    sample = [r for i, r in enumerate(rows()) if i % 8 == 0 or r["group"] in ("encoding", "illformed", "json")]
    fig = run_suite(sample, store, net_settings, http_server)
    assert fig.feeds == len(sample) > 300 and fig.titles_checked > 50
    check(fig)
