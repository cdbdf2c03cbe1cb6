"""Reading articles from files and folders, and skipping bad files with a reason."""

from __future__ import annotations

import codecs
import json
import os
from datetime import datetime, timezone

from sqlalchemy import select

from corpus.files import read_path
from corpus.ingest import Ingestor
from corpus.models import Article
from corpus.raw import RawArticle, Skipped

LIMIT = 10_000


def read(path):
    return list(read_path(path, LIMIT))


def test_front_matter_article(tmp_path):
    p = tmp_path / "a.md"
    p.write_text('---\ntitle: "Quake: 6.1"\noutlet: Wire\nurl: https://w.example/q\npublished: 2024-03-01T10:00:00+02:00\nauthor: Ann\n---\nBody text.\n', encoding="utf-8")
    (a,) = read(p)
    assert isinstance(a, RawArticle)
    assert (a.title, a.outlet, a.url, a.author) == ("Quake: 6.1", "Wire", "https://w.example/q", "Ann")
    assert a.published == datetime(2024, 3, 1, 8, 0, tzinfo=timezone.utc)
    assert a.text.strip() == "Body text."


def test_plain_txt_and_md(tmp_path):
    (tmp_path / "a.txt").write_text("\nFirst line is the title\nThe rest is text.\n", encoding="utf-8")
    (tmp_path / "b.md").write_text("# A heading\n\nSee [the report](https://x.example/r).\n", encoding="utf-8")
    a, b = read(tmp_path)
    assert a.title == "First line is the title"
    assert b.title == "A heading" and "See the report." in b.text and "https://" not in b.text


def test_json_jsonl_and_json_feed(tmp_path):
    (tmp_path / "one.json").write_text(json.dumps({"title": "T1", "text": "x", "source": "S"}), encoding="utf-8")
    deep = "[" * 4_000 + "]" * 4_000  # json.loads raises RecursionError here, not a JSONDecodeError
    (tmp_path / "many.jsonl").write_text(f'{{"title": "T2", "text": "y"}}\nnot json\n{deep}\n{{"title": "T3", "text": ""}}\n', encoding="utf-8")
    out = read(tmp_path)
    titles = [x.title for x in out if isinstance(x, RawArticle)]
    assert sorted(titles) == ["T1", "T2", "T3"]
    assert [x.reason for x in out if isinstance(x, Skipped)] == ["invalid JSON: Expecting value", "invalid JSON: nested too deeply"]
    assert next(x for x in out if getattr(x, "title", "") == "T1").outlet == "S"


def test_html_file(tmp_path):
    para = "<p>" + "The council voted on the new bridge after a long debate about its cost. " * 6 + "</p>"
    (tmp_path / "p.html").write_text(f"<html><head><title>Bridge vote</title></head><body><article><h1>Bridge vote</h1>{para}</article></body></html>", encoding="utf-8")
    (a,) = read(tmp_path)
    assert a.title == "Bridge vote" and "council voted" in a.text


def test_bad_files_are_skipped_with_reasons_and_the_rest_go_in(tmp_path):
    (tmp_path / "good.txt").write_text("Good title\nGood text.", encoding="utf-8")
    (tmp_path / "empty.txt").write_text("  \n", encoding="utf-8")
    (tmp_path / "binary.txt").write_bytes(b"\x89PNG\x00\x00\x01")
    (tmp_path / "latin1.txt").write_bytes("Caf\xe9 news".encode("latin-1"))
    (tmp_path / "huge.txt").write_text("x" * (LIMIT + 1), encoding="utf-8")
    (tmp_path / "doc.pdf").write_bytes(b"%PDF-1.4")
    (tmp_path / "bad.md").write_text("---\ntitle: [unclosed\n---\nText", encoding="utf-8")
    (tmp_path / "gone.txt").symlink_to(tmp_path / "missing-target.txt")
    (tmp_path / "zero.jsonl").symlink_to("/dev/zero")  # read to its end, it never ends
    os.mkfifo(tmp_path / "pipe.txt")  # opened for reading, it waits for a writer forever
    (tmp_path / ".hidden.txt").write_text("Hidden\nnot an article", encoding="utf-8")
    (tmp_path / "README.md").write_text("# Docs\nnot an article", encoding="utf-8")
    out = read(tmp_path)
    good = [x for x in out if isinstance(x, RawArticle)]
    reasons = {x.origin.rsplit("/", 1)[-1]: x.reason for x in out if isinstance(x, Skipped)}
    assert [g.title for g in good] == ["Good title"]
    assert reasons["empty.txt"] == "empty file"
    assert reasons["binary.txt"] == "binary file, not text"
    assert reasons["latin1.txt"].startswith("not UTF-8")
    assert reasons["huge.txt"].startswith("file too large")
    assert reasons["doc.pdf"].startswith("unsupported file type .pdf")
    assert reasons["bad.md"].startswith("front matter is not valid YAML")
    # A broken link is not a file, so a folder walk passes it by; named directly it is unreadable.
    assert "gone.txt" not in reasons
    assert all("\n" not in r for r in reasons.values())
    (gone,) = read(tmp_path / "gone.txt")
    assert isinstance(gone, Skipped)
    # Named directly, a device or a pipe is refused before it is opened.
    for name in ("zero.jsonl", "pipe.txt"):
        assert [x.reason for x in read(tmp_path / name)] == ["not a regular file (a device, pipe or socket)"]


def test_text_saved_as_utf16_or_utf32_with_its_byte_order_mark_is_read(tmp_path):
    # Windows' "Unicode" is UTF-16 with a byte order mark; its NUL bytes are no sign of a binary.
    body = "Storm hits coast\n\nA storm hit the coast on Monday – 40,000 homes lost power.\n"
    (tmp_path / "utf8.txt").write_text(body, encoding="utf-8")
    (same,) = read(tmp_path / "utf8.txt")
    for name, data in [
        ("le16.txt", body.encode("utf-16-le")), ("be16.txt", body.encode("utf-16-be")),
        ("le32.txt", body.encode("utf-32-le")), ("be32.txt", body.encode("utf-32-be")),
    ]:
        bom = {"le16": codecs.BOM_UTF16_LE, "be16": codecs.BOM_UTF16_BE, "le32": codecs.BOM_UTF32_LE, "be32": codecs.BOM_UTF32_BE}[name[:4]]
        (tmp_path / name).write_bytes(bom + data)
        (article,) = read(tmp_path / name)
        assert isinstance(article, RawArticle), article
        assert (article.title, article.text) == (same.title, same.text) and article.title == "Storm hits coast", name
    (tmp_path / "front.md").write_bytes(codecs.BOM_UTF16_LE + "---\ntitle: Quake\n---\nA quake struck.\n".encode("utf-16-le"))
    assert read(tmp_path / "front.md")[0].title == "Quake"
    # A lone surrogate is no UTF-16, so its NUL bytes mean binary, as they do without a mark.
    (tmp_path / "bad.txt").write_bytes(codecs.BOM_UTF16_LE + b"\x00\xd8A\x00")
    assert read(tmp_path / "bad.txt")[0].reason == "binary file, not text"
    (tmp_path / "nomark.txt").write_bytes(body.encode("utf-16-le"))
    assert read(tmp_path / "nomark.txt")[0].reason == "binary file, not text"


def test_bundled_corpus_has_the_five_seeds_with_metadata():
    from tests.conftest import ROOT, SHARED

    out = list(read_path(ROOT / "corpus" / "articles", 5_000_000))
    assert len(out) == 5 and all(isinstance(a, RawArticle) for a in out)
    if (SHARED / "seeds" / "seeds.json").exists():
        seeds = json.loads((SHARED / "seeds" / "seeds.json").read_text())
        assert sorted(a.url for a in out) == sorted(s["url"] for s in seeds)
        assert sorted(a.title for a in out) == sorted(s["title"] for s in seeds)


def test_lone_surrogates_in_json_and_yaml_are_read_as_replacement_characters_and_stored(tmp_path, store):
    """JSON and YAML may escape a lone surrogate ("\\ud800"): no character, which the database
    refuses. One such line took the whole ingest run down; it is read as U+FFFD now. A NUL
    ("\\u0000"), which PostgreSQL refuses in text, is dropped."""
    tmp_path = tmp_path / "files"  # beside the SQLite store's file
    tmp_path.mkdir()
    (tmp_path / "many.jsonl").write_text(
        '{"title": "Budget \\ud800 passes", "text": "Parliament passed the budget \\udfff on\\u0000 Tuesday.", "source": "Daily \\ud83d", "author": "A\\u0000B"}\n'
        '{"title": "Emoji \\ud83d\\ude00 pair", "text": "A pair of escapes is one character and stays one."}\n',
        encoding="utf-8",
    )
    (tmp_path / "post.md").write_text('---\ntitle: "Mayor \\ud800 elected"\nauthor: "Jo \\U0000dfff"\n---\nVoters chose a new mayor.', encoding="utf-8")
    out = read(tmp_path)
    assert all(isinstance(x, RawArticle) for x in out)
    assert sorted(x.title for x in out) == ["Budget \ufffd passes", "Emoji \U0001f600 pair", "Mayor \ufffd elected"]
    assert {x.outlet for x in out} >= {"Daily \ufffd"} and {x.author for x in out} >= {"Jo \ufffd", "AB"}
    report = Ingestor(store).ingest(out)
    assert (report.new, report.failed) == (3, [])
    with store.session() as s:
        assert "Parliament passed the budget \ufffd on Tuesday." in s.scalars(select(Article.text)).all()


def test_front_matter_fields_that_are_lists_are_ignored_not_spelled_out(tmp_path):
    """YAML aliases can nest a list in itself level after level: nine levels of nine make a
    "billion laughs" whose text took all the memory there was when a title was spelled out with
    str(). Six levels here (half a million items): a list is no title, author or date."""
    lines, prev = ['a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]'], "a"
    for name in "bcdef":
        lines.append(f"{name}: &{name} [" + ", ".join([f"*{prev}"] * 9) + "]")
        prev = name
    lines += [f"title: *{prev}", f"author: *{prev}", f"date: *{prev}", f"url: *{prev}"]
    (tmp_path / "laughs.md").write_text("---\n" + "\n".join(lines) + "\n---\nLava reached the sea on Sunday.\n", encoding="utf-8")
    (a,) = read(tmp_path / "laughs.md")
    assert (a.title, a.author, a.published, a.url) == ("Lava reached the sea on Sunday.", None, None, None)
