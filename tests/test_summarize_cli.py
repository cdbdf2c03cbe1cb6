"""The fixed `summarize` contract, run as a subprocess, and `evaluate` on the shared data."""

import json
import re

import pytest

from bot.evaluate import EVAL_DIR, pick_algorithms
from bot.offline import InputError
from digests.units import word_count
from tests.helpers import run_bot
from tests.summaries import seed_documents

QUAKE_DOCS = [
    {"title": "Deadly quake hits Chile", "source": "Wire A", "url": "https://a.example/1", "published": "2024-05-01",
     "text": "A magnitude 7.1 earthquake struck northern Chile on Tuesday, killing at least 12 people. "
             "Rescue teams searched collapsed buildings in Iquique through the night."},
    {"title": "Chile earthquake kills 12", "source": "Wire B",
     "text": "A magnitude 7.1 earthquake struck northern Chile on Tuesday, killing at least 12 people, officials said. "
             "A tsunami warning was issued for the Pacific coast and later lifted."},
]


def write_lines(path, lines):
    path.write_bytes(b"".join((ln if isinstance(ln, bytes) else ln.encode()) + b"\n" for ln in lines))


def test_round_trip(tmp_path):
    seed = [{"title": d.title, "text": d.text, "source": d.outlet, "url": d.url} for d in seed_documents()]
    clusters = [
        {"id": "quake", "documents": QUAKE_DOCS, "references": ["ignored"]},
        {"id": "syria", "documents": seed},
    ]
    inp, out = tmp_path / "in.jsonl", tmp_path / "out.jsonl"
    write_lines(inp, [json.dumps(c) for c in clusters])
    for algorithm in ("newsbot", "lexrank"):
        r = run_bot(tmp_path, "summarize", "--input", str(inp), "--output", str(out), "--words", "40", "--algorithm", algorithm)
        assert r.returncode == 0, r.stderr
        rows = [json.loads(ln) for ln in out.read_text().splitlines()]
        assert [set(row) for row in rows] == [{"id", "summary"}] * 2
        assert [row["id"] for row in rows] == ["quake", "syria"]
        for row, cluster in zip(rows, clusters):
            assert 0 < word_count(row["summary"]) <= 40
            text = " ".join(" ".join(d["text"] for d in cluster["documents"]).split())
            # Whole sentences only: the summary's first sentence is in the input as written.
            first = re.split(r"(?<=[.!?])[’”\"']?\s+", row["summary"])[0]
            assert first in text
    assert "Traceback" not in r.stderr


def test_bad_input_gets_messages_or_empty_summaries(tmp_path):
    inp, out = tmp_path / "in.jsonl", tmp_path / "out.jsonl"
    write_lines(inp, [
        "this is not json",
        json.dumps({"id": "empty", "documents": []}),
        json.dumps({"id": "blank", "documents": [{"title": "", "text": "", "source": ""}]}),
        json.dumps({"id": "one", "documents": [{"title": "t", "text": "Parliament passed the budget on Tuesday.", "source": "s"}]}),
        json.dumps({"id": "weird", "documents": ["nope", {"title": 5, "text": None}]}),
        b'{"id": "latin", "documents": [{"title": "t", "text": "Caf\xe9 owners said prices rose sharply this year.", "source": "s"}]}',
        json.dumps(["no", "id"]),
        "",
        # "\\ud800" is valid JSON but no character: UTF-8 can't hold it, so it is read as U+FFFD.
        '{"id": "half\\ud800", "documents": [{"title": "t", "text": "Voters \\udfff chose a new mayor on Sunday.", "source": "s"}]}',
        "[" * 100_000 + "]" * 100_000,  # json.loads raises RecursionError here, not a JSONDecodeError
        '{"id": "two\\nlines", "documents": []}',  # a message about it stays on one line
        '{"id": "sep\\u2028x\\u0085y", "documents": [{"title": "t", "text": "Rain fell over the city on Monday.", "source": "s"}]}',
        json.dumps({"id": "a0", "title": "Budget passes", "text": "Parliament passed the budget."}),  # an article, as `cluster` reads
    ])
    r = run_bot(tmp_path, "summarize", "--input", str(inp), "--output", str(out), "--words", "20")
    assert r.returncode == 0, r.stderr
    assert "Traceback" not in r.stderr
    rows = {json.loads(ln)["id"]: json.loads(ln)["summary"] for ln in out.read_text(encoding="utf-8").splitlines()}
    assert rows == {
        "empty": "", "blank": "", "one": "Parliament passed the budget on Tuesday.", "weird": "",
        "latin": "Café owners said prices rose sharply this year.",
        "half\ufffd": "Voters \ufffd chose a new mayor on Sunday.",
        "two\nlines": "",
        "sep\u2028x\x85y": "Rain fell over the city on Monday.",  # line ends to str.splitlines(), escaped in the file
        "a0": "",
    }
    assert "line 1: not valid JSON" in r.stderr
    assert "line 2 (id empty): no documents" in r.stderr
    assert "line 6: not valid UTF-8" in r.stderr
    assert "line 7: expected an object" in r.stderr
    assert "line 10: not valid JSON (nested too deeply); skipped" in r.stderr
    assert "line 11 (id 'two\\nlines'): no documents; empty summary" in r.stderr
    assert "line 13 (id a0): no documents; empty summary (this looks like one article, as `cluster` reads" in r.stderr
    assert "line 2 (id empty): no documents; empty summary\n" in r.stderr  # no such hint for a cluster without documents


def test_missing_input_and_bad_options_are_one_line_errors(tmp_path):
    r = run_bot(tmp_path, "summarize", "--input", str(tmp_path / "nope.jsonl"), "--output", str(tmp_path / "o"), "--words", "5")
    assert r.returncode == 2 and "cannot read" in r.stderr and "Traceback" not in r.stderr
    r = run_bot(tmp_path, "summarize", "--input", "x", "--output", "y", "--words", "-3")
    assert r.returncode == 2 and "whole number above 0" in r.stderr
    r = run_bot(tmp_path, "summarize", "--input", "x", "--output", "y", "--words", "5", "--algorithm", "gpt")
    assert r.returncode == 2 and "invalid choice" in r.stderr


def test_the_output_never_costs_the_input_or_an_earlier_output(tmp_path):
    clusters = tmp_path / "clusters.jsonl"
    write_lines(clusters, [json.dumps({"id": "quake", "documents": QUAKE_DOCS})])
    before = clusters.read_bytes()
    # The input named as the output too (as itself or through a link) would be emptied before it is read.
    (tmp_path / "link.jsonl").symlink_to(clusters)
    for output in (clusters, tmp_path / "link.jsonl"):
        r = run_bot(tmp_path, "summarize", "--input", str(clusters), "--output", str(output), "--words", "30")
        assert r.returncode == 2 and "is the input file" in r.stderr and "Traceback" not in r.stderr, r.stderr
        assert clusters.read_bytes() == before
    # An output in a folder that does not exist, or a folder as the output: one line, no traceback.
    for output in (tmp_path / "missing" / "out.jsonl", tmp_path):
        r = run_bot(tmp_path, "summarize", "--input", str(clusters), "--output", str(output), "--words", "30")
        assert r.returncode == 2 and f"cannot write {output}" in r.stderr and "Traceback" not in r.stderr, r.stderr
        assert len(r.stderr.strip().splitlines()) == 1
    # An input that can't be read leaves an earlier output as it was.
    earlier = tmp_path / "earlier.jsonl"
    earlier.write_text('{"id": "quake", "summary": "kept"}\n')
    r = run_bot(tmp_path, "summarize", "--input", str(tmp_path / "nope.jsonl"), "--output", str(earlier), "--words", "30")
    assert r.returncode == 2 and "cannot read" in r.stderr
    assert earlier.read_text() == '{"id": "quake", "summary": "kept"}\n'
    # A pipe in and out is no "same file", even where both ends are one device.
    r = run_bot(tmp_path, "summarize", "--input", "/dev/stdin", "--output", "/dev/stdout", "--words", "30", stdin=before.decode())
    assert r.returncode == 0 and json.loads(r.stdout)["id"] == "quake"


def test_algorithm_selection_for_evaluate():
    assert pick_algorithms("newsbot,lexrank") == ["newsbot", "lexrank"]
    assert "kl" not in pick_algorithms("-kl") and "lexrank" in pick_algorithms("-kl")
    with pytest.raises(InputError, match="unknown algorithm"):
        pick_algorithms("bert")


def test_evaluate_names_what_is_wrong_with_a_path(tmp_path):
    r = run_bot(tmp_path, "evaluate", str(tmp_path / "nope.jsonl"), str(tmp_path))
    assert r.returncode == 1 and "Traceback" not in r.stderr
    assert f"{tmp_path / 'nope.jsonl'}: no such file" in r.stderr and f"{tmp_path}: not a file" in r.stderr


def needs(name):
    path = EVAL_DIR / name
    if not path.is_file():
        pytest.skip(f"{path} is absent: the shared evaluation data is not beside this checkout")
    return path


def test_evaluate_prints_rouge_side_by_side(tmp_path):
    path = needs("multinews-val-300.jsonl")
    r = run_bot(tmp_path, "evaluate", str(path), "--limit", "3", "--algorithms", "newsbot,lexrank,luhn")
    assert r.returncode == 0, r.stderr
    lines = r.stdout.splitlines()
    assert "3 clusters, at most 250 words" in r.stdout
    rows = {ln.split()[0]: ln.split() for ln in lines if ln.split() and ln.split()[0] in ("newsbot", "lexrank", "luhn")}
    assert set(rows) == {"newsbot", "lexrank", "luhn"}
    for row in rows.values():
        numbers = [float(x) for x in row[-8:]]
        assert all(0 < x < 100 for x in numbers[:6]) and 0 < numbers[6] <= 250
    assert "summaries" in r.stderr  # the progress bar


def test_evaluate_hands_clustering_files_over(tmp_path):
    path = needs("uci-stories.jsonl")
    r = run_bot(tmp_path, "evaluate", str(path), "--limit", "50", timeout=600)
    assert r.returncode == 0, r.stderr
    import importlib.util

    if importlib.util.find_spec("bot.evaluate_clusters") is None:
        assert "clustering evaluation is not available" in r.stdout
    else:
        assert r.stdout.strip() and "Traceback" not in r.stderr
