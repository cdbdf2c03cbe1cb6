"""Summarizer speed: a 1,000-sentence story summarised by the default selector (target 0.3 s),
against plain sumy LexRank on the same input, in the same run.

    .venv/bin/python -m bench.bench_summarize [--sentences 1000] [--repeat 5]
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from dataclasses import replace
from pathlib import Path

from digests.model import Document
from digests.selector import DEFAULT
from digests.summarize import summarize
from digests.units import split_documents

ROOT = Path(__file__).resolve().parent.parent
SHARED_EVAL = ROOT.parent / "shared" / "eval"


def real_documents() -> list[Document]:
    """Real news text: the shared newswire and Multi-News clusters when present, else the seed corpus."""
    docs: list[Document] = []
    for name in ("multiling2011.jsonl", "multinews-val-300.jsonl"):
        path = SHARED_EVAL / name
        if path.is_file():
            for line in path.read_text(encoding="utf-8").splitlines():
                for k, d in enumerate(json.loads(line)["documents"]):
                    docs.append(Document(id=f"{len(docs)}", title=d["title"], text=d["text"], outlet=d["source"]))
    if not docs:
        from tests.summaries import seed_documents

        docs = seed_documents()
    return docs


def story_of(sentences: int) -> list[Document]:
    """Whole articles, in order, until the story holds `sentences` prose sentences (repeating
    the pool with a changed id if it is too small)."""
    pool, story, count, round_ = real_documents(), [], 0, 0
    while count < sentences:
        for d in pool:
            n = sum(not u.is_heading for u in split_documents([d]))
            if count + n > sentences:
                continue
            story.append(Document(id=f"{round_}-{d.id}", title=d.title, text=d.text, outlet=d.outlet))
            count += n
        round_ += 1
    return story


def timed(fn, repeat: int) -> tuple[float, object]:
    times, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="bench.bench_summarize")
    p.add_argument("--sentences", type=int, default=1000)
    p.add_argument("--repeat", type=int, default=5)
    p.add_argument("--words", type=int, default=250)
    args = p.parse_args(argv)
    docs = story_of(args.sentences)
    n = sum(not u.is_heading for u in split_documents(docs))
    words = sum(len(d.text.split()) for d in docs)
    print(f"story: {len(docs)} articles, {n} sentences, {words} words; budget {args.words} words")
    summarize(docs[:3], args.words)  # warm caches (stemmer, Punkt model) outside the timing
    ours, extract = timed(lambda: summarize(docs, args.words), args.repeat)
    print(f"newsbot (default), whole pipeline from raw text: {ours:.3f} s (median of {args.repeat}); "
          f"{len(extract.chosen)} sentences chosen; target <= 0.3 s: {'met' if ours <= 0.3 else 'MISSED'}")
    greedy, _ = timed(lambda: summarize(docs, args.words, config=replace(DEFAULT, solver="greedy")), args.repeat)
    print(f"newsbot with the greedy choice instead of the exact one: {greedy:.3f} s (median of {args.repeat})")
    sumy, _ = timed(lambda: summarize(docs, args.words, "lexrank"), 1)
    print(f"plain sumy LexRank on the same input: {sumy:.2f} s; newsbot is {sumy / ours:.0f}x faster")
    return 0 if ours <= 0.3 else 1


if __name__ == "__main__":
    raise SystemExit(main())
