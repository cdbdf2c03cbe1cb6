"""`python run_bot.py digest` on the bundled corpus: the product's promise on the seeds."""

from __future__ import annotations

import re
from pathlib import Path

from corpus.cleaning import explain
from corpus.files import read_path
from tests.helpers import ROOT, run_bot

SEEDS = [a for a in read_path(ROOT / "corpus" / "articles", 5_000_000)]


def stories(out: str) -> list[str]:
    """The digest's story blocks, in order (each starts with a bullet: "• ")."""
    return [b for b in re.split(r"\n(?=• )", out) if b.startswith("• ")]


def test_digest_of_the_bundled_corpus(tmp_path):
    r = run_bot(tmp_path, "digest")
    assert r.returncode == 0, r.stderr
    blocks = stories(r.stdout)
    first = blocks[0]
    # No rank number to take for an id: the id that /news story takes is on the meta line.
    assert all(re.match(r"• (?!#\d)", b) and re.match(r"\s+\(story \d+ · ", b.splitlines()[1]) for b in blocks), blocks
    # The defection story comes first and cites all five articles with their links.
    assert "defect" in first.splitlines()[0].lower()
    for seed in SEEDS:
        assert seed.url in first, f"{seed.title} is not cited in the first story"
    # The other events in the live-blog posts are their own, smaller stories.
    heads = [b.splitlines()[0].lower() for b in blocks[1:]]
    for event in ("turkish", "s-300", "morsi", "houla", "tv channel"):
        assert any(event in h for h in heads), f"no story of its own for {event!r}: {heads}"
    assert all(len(re.findall(r"^\s+\[\d+\] ", b, re.M)) < len(SEEDS) for b in blocks[1:])
    # The live blog's headings say "BREAKING:" (and a tweet in it "BREAKING NEWS:"); a digest tells
    # the story without the stale label, while its sources keep their titles as published.
    assert not [b for b in blocks if re.match(r"• (?i:breaking)", b) or "\n   BREAKING" in b]
    assert "· BREAKING: Senior Syrian Officers Defect ·" in first
    # Every summary sentence carries a citation, and no boilerplate line made it into the digest.
    for block in blocks:
        summary = block.splitlines()[2]
        assert re.search(r"\[\d+\]$", summary.strip()), summary
    titles = {seed.title for seed in SEEDS}  # a related-headlines list may repeat a real title
    removed = [rm.text for seed in SEEDS for rm in explain(seed.text, seed.title)
               if len(rm.text) > 12 and rm.text.strip() not in titles]
    assert removed, "cleaning removes boilerplate from the seeds"
    for line in removed:
        assert line.strip() not in r.stdout, f"boilerplate in the digest: {line!r}"


def test_digest_topic_and_empty_store(tmp_path):
    r = run_bot(tmp_path, "digest", "--topic", "S-300 missiles", "--words", "40")
    assert r.returncode == 0, r.stderr
    blocks = stories(r.stdout)
    assert len(blocks) == 1 and "S-300" in blocks[0].splitlines()[0]
    empty = tmp_path / "empty"
    empty.mkdir()
    none = run_bot(tmp_path, "digest", NEWSBOT_CORPUS__DIRS=f'["{empty}"]', NEWSBOT_DATA_DIR=str(tmp_path / "other"))
    assert none.returncode == 1 and "ingest some articles first" in none.stderr and "Traceback" not in none.stderr
    # A topic that no story mentions is said as such (there are stories); a blank one is no topic.
    r = run_bot(tmp_path, "digest", "--topic", "zeppelin")
    assert r.returncode == 1 and "No stored story mentions 'zeppelin'" in r.stderr and "ingest" not in r.stderr
    r = run_bot(tmp_path, "digest", "--topic", "   ", "--stories", "1", NEWSBOT_CHANNELS__TIMEZONE="Asia/Tokyo")
    assert r.returncode == 0 and r.stdout.startswith("== News digest · 1 story"), r.stderr
    assert re.match(r"== News digest · 1 story · \d{4}-\d\d-\d\d \d\d:\d\d JST ==", r.stdout)  # the configured timezone
    r = run_bot(tmp_path, "digest", "--topic", "x" * 300)
    assert r.returncode == 2 and "keep it under 200" in r.stderr and "Traceback" not in r.stderr
