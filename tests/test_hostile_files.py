"""Whatever a JSON Lines file holds, the offline commands (`summarize`, `cluster`) and file
ingestion read what they can, give every other line a one-line reason, and never raise. Property
tests (hypothesis): lines of any JSON (hostile text from tests/hostile.py in every field, values
of the wrong type, lone surrogates, deep nesting), raw text and bytes."""

from __future__ import annotations

import io
import json
from contextlib import redirect_stderr

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.clustering import cluster_file
from bot.offline import summarize_file
from corpus.files import read_path
from corpus.ingest import Ingestor
from corpus.raw import RawArticle, Skipped
from digests.cluster import ClusterConfig
from digests.units import word_count
from tests.hostile import FUZZ, URLS, hostile_text

KEYS = ["id", "documents", "title", "text", "source", "outlet", "url", "published", "references", "story"]
_leaf = (
    st.none() | st.booleans() | st.integers(-(2**70), 2**70) | st.floats() | st.sampled_from(URLS)
    | st.sampled_from(["2024-05-01T10:00:00+02:00", "0001-01-01T00:00:00+01:00", "yesterday", "\ud800", "a\udfffb"])
    | hostile_text(max_atoms=4, huge=False)
)  # fmt: skip
_value = st.recursive(_leaf, lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.sampled_from(KEYS) | st.text(max_size=4), inner, max_size=4), max_leaves=8)
_text = hostile_text(max_atoms=12) | _value
_document = st.fixed_dictionaries({"title": _text, "text": _text}, optional={k: _value for k in ("source", "url", "published")})
_cluster = st.fixed_dictionaries({"id": _value, "documents": st.lists(_document | _value, max_size=3) | _value}, optional={"references": _value})
_article = st.fixed_dictionaries({"id": _value, "title": _text, "text": _text}, optional={k: _value for k in ("source", "url", "published", "story")})
_line = (
    _cluster.map(json.dumps) | _article.map(json.dumps) | _value.map(json.dumps)
    | st.integers(900, 3000).map(lambda n: "[" * n + "]" * n) | hostile_text(max_atoms=4, huge=False)
).map(lambda s: s.encode("utf-8", "surrogatepass")) | st.binary(max_size=40)  # fmt: skip
_lines = st.lists(_line, max_size=6).map(lambda lines: b"\n".join(line.replace(b"\n", b" ") for line in lines) + b"\n")
SETTINGS = settings(max_examples=50 * FUZZ, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])


@SETTINGS
@given(_lines, st.integers(1, 60))
def test_any_cluster_file_is_summarised_or_its_lines_refused_never_a_crash(tmp_path, data, words):
    src, out = tmp_path / "in.jsonl", tmp_path / "out.jsonl"
    src.write_bytes(data)
    warn = io.StringIO()
    clusters, empty = summarize_file(src, out, words, "newsbot", warn=warn, progress=False)
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert len(rows) == clusters and empty <= clusters
    for row in rows:
        assert isinstance(row["id"], str) and word_count(row["summary"]) <= words
    assert all(line and "Traceback" not in line for line in warn.getvalue().splitlines())


@SETTINGS
@given(_lines)
def test_any_article_file_is_clustered_or_its_lines_refused_never_a_crash(tmp_path, data):
    src, out = tmp_path / "in.jsonl", tmp_path / "out.jsonl"
    src.write_bytes(data)
    err = io.StringIO()
    with redirect_stderr(err):
        code = cluster_file(src, out, ClusterConfig())
    assert code in (0, 1) and "Traceback" not in err.getvalue()
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert all(set(row) == {"id", "story"} for row in rows)


@SETTINGS
@given(_lines)
def test_any_jsonl_file_is_ingested_or_its_lines_refused_never_a_crash(tmp_path, store, data):
    folder = tmp_path / "in"
    folder.mkdir(exist_ok=True)
    (folder / "articles.jsonl").write_bytes(data)
    items = list(read_path(folder, 1_000_000))
    assert all(isinstance(x, RawArticle) or (isinstance(x, Skipped) and x.reason and "\n" not in x.reason) for x in items)
    report = Ingestor(store).ingest(items)
    assert report.new + report.duplicate + len(report.failed) == len(items)
