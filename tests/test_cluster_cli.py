"""The `cluster` and `evaluate` commands: the fixed JSON-lines contract, bad input, and the
evaluation on the shared data (skipped where ../shared/eval is absent)."""

from __future__ import annotations

import io
import json
from itertools import islice

import pytest

from bot.cluster_files import read_articles
from bot.clustering import label_documents
from bot.evaluate_clusters import bcubed, run
from digests.cluster import ClusterConfig
from tests.conftest import SHARED
from tests.helpers import run_bot
from tests.news_samples import furnished_reports, sample_documents

UCI = SHARED / "eval" / "uci-stories.jsonl"
needs_uci = pytest.mark.skipif(not UCI.exists(), reason=f"shared evaluation data not found at {UCI}")


def write_articles(path, docs, **extra):
    with open(path, "w", encoding="utf-8") as fh:
        for d in docs:
            fh.write(json.dumps({"id": d.id, "title": d.title, "text": d.text, "source": d.outlet, "url": d.url,
                                 "published": d.published.isoformat(), **extra}) + "\n")


def read_labels(path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def test_cluster_command_round_trips(tmp_path):
    docs = sample_documents()
    src, out = tmp_path / "in.jsonl", tmp_path / "out.jsonl"
    write_articles(src, docs, story="ignored")
    r = run_bot(tmp_path, "cluster", "--input", str(src), "--output", str(out))
    assert r.returncode == 0, r.stderr
    labels = read_labels(out)
    assert [row["id"] for row in labels] == [d.id for d in docs]  # input order, every article
    assert all(set(row) == {"id", "story"} for row in labels)
    groups: dict[str, set[str]] = {}
    for row in labels:
        groups.setdefault(row["story"], set()).add(row["id"])
    assert {frozenset(g) for g in groups.values()} == {
        frozenset(d.id for d in docs if d.id.startswith(e)) for e in ("chile", "japan", "rehab-a", "rehab-b")
    }
    assert "Traceback" not in r.stderr


def test_cluster_command_reports_bad_lines_and_keeps_the_rest(tmp_path):
    src, out = tmp_path / "in.jsonl", tmp_path / "out.jsonl"
    good = {"id": 7, "title": "Magnitude 6.1 earthquake hits Hokkaido", "text": ""}
    src.write_bytes(
        b'{"id": "a", "title": "Chile earthquake", "text": ""}\n'
        b"not json\n"
        b"[1, 2]\n"
        b'{"title": "no id"}\n'
        b'{"id": "a", "title": "repeated id", "text": ""}\n'
        b'{"id": "b", "title": 5, "text": ""}\n'
        b'{"id": "c", "title": "Odd date", "text": "", "published": "someday"}\n'
        b'{"id": "d", "title": "", "text": ""}\n'
        b'{"id": "e\\ud800", "title": "Lone \\udfff surrogate", "text": ""}\n'
        + b"[" * 100_000 + b"]" * 100_000 + b"\n"
        b"\xff\xfe\x00 binary\n\n" + json.dumps(good).encode() + b"\n"
    )
    r = run_bot(tmp_path, "cluster", "--input", str(src), "--output", str(out))
    assert r.returncode == 0, r.stderr
    assert "Traceback" not in r.stderr
    for reason in ("line 2: not JSON", "line 3: expected a JSON object", 'line 4: no "id"', "line 5: id 'a' repeats",
                   'line 6: id \'b\': "title" and "text" must be strings', "line 7: id 'c': unreadable \"published\"",
                   "line 8: id 'd': empty title and text", "line 10: not JSON (nested too deeply", "line 11: not UTF-8"):
        assert reason in r.stderr, reason
    labels = read_labels(out)
    assert [row["id"] for row in labels] == ["a", "c", "d", "e\ufffd", 7]  # ids keep their JSON type; a lone surrogate is U+FFFD


def test_cluster_command_keeps_reports_that_share_only_page_furniture_apart(tmp_path):
    # The command's texts are not cleaned on the way in: a newsletter box and caption labels
    # shared by two pages of different events must not make one story of them.
    docs = furnished_reports()
    src, out = tmp_path / "in.jsonl", tmp_path / "out.jsonl"
    write_articles(src, docs)
    r = run_bot(tmp_path, "cluster", "--input", str(src), "--output", str(out))
    assert r.returncode == 0, r.stderr
    assert len({row["story"] for row in read_labels(out)}) == 2


def test_cluster_command_missing_input_and_arguments(tmp_path):
    r = run_bot(tmp_path, "cluster", "--input", str(tmp_path / "nope.jsonl"), "--output", str(tmp_path / "o.jsonl"))
    assert r.returncode == 1 and "cannot read" in r.stderr and "Traceback" not in r.stderr
    r = run_bot(tmp_path, "cluster", "--input", str(tmp_path / "x"))
    assert r.returncode == 2 and "--output" in r.stderr
    # The input named as the output too, or through a link, would be replaced by the labels.
    src = tmp_path / "in.jsonl"
    write_articles(src, sample_documents())
    before = src.read_bytes()
    (tmp_path / "link.jsonl").symlink_to(src)
    for output in (src, tmp_path / "link.jsonl"):
        r = run_bot(tmp_path, "cluster", "--input", str(src), "--output", str(output))
        assert r.returncode == 2 and "is the input file" in r.stderr and src.read_bytes() == before, r.stderr


def test_bcubed_on_known_partitions():
    gold = ["a", "a", "b", "b"]
    assert bcubed(gold, [1, 1, 2, 2]) == (1.0, 1.0, 1.0)
    p, r, f = bcubed(gold, [1, 1, 1, 1])
    assert (p, r) == (0.5, 1.0) and abs(f - 2 / 3) < 1e-12
    p, r, _ = bcubed(gold, [1, 2, 3, 4])
    assert (p, r) == (1.0, 0.5)


def test_evaluate_refuses_a_file_without_stories(tmp_path):
    src = tmp_path / "plain.jsonl"
    write_articles(src, sample_documents())
    r = run_bot(tmp_path, "evaluate", str(src))
    assert r.returncode == 1 and 'nor a clustering file (story)' in r.stderr and "Traceback" not in r.stderr


@needs_uci
def test_evaluate_prints_both_systems_on_a_slice(tmp_path):
    src = tmp_path / "slice.jsonl"
    with open(UCI, encoding="utf-8") as fh:
        src.write_text("".join(islice(fh, 800)), encoding="utf-8")
    out = io.StringIO()
    rows = run(src, out=out, progress=False)
    table = out.getvalue()
    assert "B3 F1" in table and "ARI" in table
    assert rows[0].name.startswith("newsbot") and rows[1].name.startswith("tf-idf baseline, best")
    assert rows[0].f1 > rows[1].f1


@needs_uci
def test_uci_target_is_met():
    data = read_articles(UCI)
    labels = label_documents(data.documents, ClusterConfig())
    gold = [data.stories[d.id] for d in data.documents]
    _, _, f1 = bcubed(gold, [labels[d.id] for d in data.documents])
    assert f1 >= 0.80, f1
