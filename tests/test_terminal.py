"""The terminal channel, driven through a pipe like a person typing commands."""

from __future__ import annotations

from tests.helpers import run_bot

SESSION = """\
/news search defect
/news sources 1
/news story 999
/news search
/news schedule daily 25:00
/news schedule weekdays 07:30 Europe/Berlin
/news subscribe ftp://example.com/feed
what is this
\x1b]0;pwned\x07\x1b[2Jhello there
/news frobnicate
/digest turkey
"""


def test_the_command_loop_answers_each_line_and_exits_at_end_of_input(tmp_path):
    r = run_bot(tmp_path, "run", stdin=SESSION)
    assert r.returncode == 0, r.stderr
    out = r.stdout
    assert "Traceback" not in r.stderr + out
    # the first digest is printed before any command is read, then the help line
    digest_at, help_at = out.index("== News digest · 5 stories"), out.index("Ctrl-C to quit")
    assert digest_at < help_at < out.index("== Search: defect ==")
    # /news sources 1: the first stored article's source link with outlet, title and date
    assert "== Sources of story 1: Senior Syrian Officers Defect ==" in out
    assert "http://linuxbeach.org/content/breaking-senior-syrian-officers-defect" in out
    assert "! There is no story '999'." in out
    assert "! /news search <query> [page:N] needs a query" in out
    assert "! '25:00' is not a time of day" in out
    assert "weekdays at 07:30 (Europe/Berlin)" in out
    assert "! Can't follow that feed: only http:// and https://" in out
    assert "Commands start with a slash, like /news search what." in out
    # typed text echoed back: never a terminal's control sequence (a title, a cleared screen)
    assert "Commands start with a slash, like /news search ]0;pwned[2Jhello." in out
    assert "\x1b" not in out and "\x07" not in out
    assert "! /news has no 'frobnicate' command" in out
    # 000 and 004 report on Turkey; 002 named it only in its "related diaries" list, which
    # cleaning removes before storing.
    assert "== News digest: turkey · 2 stories" in out
    assert out.rstrip().endswith("bye")
