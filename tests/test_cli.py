"""The command-line entry point, run as a real subprocess."""

from __future__ import annotations

import signal
import subprocess
import sys
import time

import pytest

from tests.helpers import ROOT, bot_env, run_bot


def test_run_on_the_embedded_default_exits_at_end_of_input(tmp_path):
    r = run_bot(tmp_path)  # no subcommand means `run`; stdin is empty
    assert r.returncode == 0, r.stderr
    assert "5 new" in r.stdout
    assert "Three top Syrian officers defect to Turkey" in r.stdout
    assert "Traceback" not in r.stderr
    assert (tmp_path / "data" / "newsbot.db").exists()


def test_terminal_answers_a_search_from_stdin(tmp_path):
    r = run_bot(tmp_path, "run", stdin="/news search pilot jordan asylum\n")
    assert r.returncode == 0, r.stderr
    assert "israelnationalnews.com" in r.stdout


def test_ingest_then_search(tmp_path):
    f = tmp_path / "in"
    f.mkdir()
    (f / "a.txt").write_text("Volcano erupts on island\nLava reached the sea on Monday.", encoding="utf-8")
    (f / "b.txt").write_bytes(b"\xff\xfe not utf8 \x00")
    r = run_bot(tmp_path, "ingest", str(f))
    assert r.returncode == 0, r.stderr
    assert "1 new, 0 duplicate, 1 failed" in r.stdout
    assert "b.txt: binary file, not text" in r.stdout
    s = run_bot(tmp_path, "search", "volcano", "(")
    assert s.returncode == 0 and "Volcano erupts on island" in s.stdout and "unknown outlet" in s.stdout
    (f / "c.txt").write_text("Volcano quiet again\nThe island's volcano went quiet on Friday.", encoding="utf-8")
    assert run_bot(tmp_path, "ingest", str(f)).returncode == 0
    first = run_bot(tmp_path, "search", "volcano", "--limit", "1")
    assert "More: search volcano --limit 1 --page 2" in first.stdout and "/news search" not in first.stdout  # the CLI's own options
    second = run_bot(tmp_path, "search", "volcano", "--limit", "1", "--page", "2")
    assert second.returncode == 0 and "(page 2)" in second.stdout and "More:" not in second.stdout
    none = run_bot(tmp_path, "search", '"zzz')
    assert none.returncode == 1 and "No stored article matches" in none.stdout


def test_bad_config_names_the_setting_and_exits_2(tmp_path):
    r = run_bot(tmp_path, "search", "x", NEWSBOT_HTTP__MAX_REDIRECTS="lots")
    assert r.returncode == 2
    assert "http.max_redirects" in r.stderr and "NEWSBOT_HTTP__MAX_REDIRECTS" in r.stderr
    assert "Traceback" not in r.stderr


def test_unreachable_database_exits_1_with_a_hint(tmp_path):
    r = run_bot(tmp_path, "search", "x", NEWSBOT_DATABASE__URL="postgresql+psycopg://u@127.0.0.1:1/db?connect_timeout=2")
    assert r.returncode == 1
    assert "cannot open the database" in r.stderr and "NEWSBOT_DATABASE__URL" in r.stderr
    assert "Traceback" not in r.stderr


@pytest.mark.parametrize(
    ("where", "message"),
    [
        ("postgresql+psycopg://u:hunter2pass@127.0.0.1:1/db?connect_timeout=2",
         "cannot open the database at postgresql+psycopg://u:***@127.0.0.1:1/db?connect_timeout=2: connection failed"),
        ("{tmp}/a-file/newsbot.db", "cannot create the folder {tmp}/a-file for the SQLite database (File exists)"),
        ("{tmp}/a-folder", "cannot open the database at sqlite:///{tmp}/a-folder: unable to open database file"),
        ("{tmp}/not-a-database.db", "cannot open the database at sqlite:///{tmp}/not-a-database.db: file is not a database"),
    ],
)
def test_run_with_an_unusable_database_says_why_and_exits_1(tmp_path, where, message):
    (tmp_path / "a-file").write_text("")
    (tmp_path / "a-folder").mkdir()
    (tmp_path / "not-a-database.db").write_bytes(b"this is not SQLite\n" * 100)
    url = where if "://" in where else f"sqlite:///{where}"
    r = run_bot(tmp_path, "run", NEWSBOT_DATABASE__URL=url.format(tmp=tmp_path), timeout=60)
    assert r.returncode == 1
    line = r.stderr.strip()
    assert line.startswith("newsbot: " + message.format(tmp=tmp_path)) and "check database.url (env NEWSBOT_DATABASE__URL)" in line, line
    assert "\n" not in line and "hunter2pass" not in r.stderr + r.stdout


@pytest.mark.parametrize(("url", "reason"), [
    ("mysql://bob:hunter2pass@db.example/news", "newsbot stores its data in SQLite or PostgreSQL, not mysql"),
    ("bob:hunter2pass@db.example", "not a database URL; use sqlite:///path/to/newsbot.db or postgresql+psycopg://user@host/db"),
])
def test_run_with_a_database_url_it_cannot_use_is_a_config_error(tmp_path, url, reason):
    r = run_bot(tmp_path, "run", NEWSBOT_DATABASE__URL=url, timeout=60)
    assert r.returncode == 2
    assert f"database.url (env NEWSBOT_DATABASE__URL): {reason}" in r.stderr
    assert "hunter2pass" not in r.stderr and "Traceback" not in r.stderr


def test_ctrl_c_exits_cleanly(tmp_path):
    p = subprocess.Popen(
        [sys.executable, str(ROOT / "run_bot.py"), "run"], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
        stderr=subprocess.PIPE, text=True, cwd=ROOT, env=bot_env(tmp_path),
    )
    try:
        deadline = time.monotonic() + 60
        seen = ""
        while "quit" not in seen and time.monotonic() < deadline:
            seen += p.stdout.readline()
        assert "quit" in seen, seen
        p.send_signal(signal.SIGINT)
        out, err = p.communicate(timeout=30)
    finally:
        p.kill()
    assert p.returncode == 0, err
    assert "bye" in out and "Traceback" not in err
