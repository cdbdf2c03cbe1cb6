"""Clustering speed: 10,000 real articles clustered in one call, wall time and peak memory.

The 10,000: the 6,366 UCI headlines (headline-only, with their own publication times) and full
texts from the shared summarization sets (Multi-News validation sample and MultiLing 2011). Those
come to 835; the rest are consecutive 40-word passages of those texts, each taken as an article of
its own, so that about a third of the input has text. Full texts get publication times spread over the same 36 hours.

    python -m bench.bench_cluster_speed          (needs ../shared/eval)
"""

from __future__ import annotations

import json
import resource
import sys
import time
from datetime import timedelta
from pathlib import Path

from bot.cluster_files import read_articles
from digests.cluster import ClusterConfig, cluster
from digests.model import Document

EVAL = Path(__file__).resolve().parent.parent.parent / "shared" / "eval"
TOTAL = 10_000
BUDGET_SECONDS = 60.0
BUDGET_MB = 1024.0


def full_texts() -> list[tuple[str, str]]:
    out = []
    for name in ("multinews-val-300.jsonl", "multiling2011.jsonl"):
        with open(EVAL / name, encoding="utf-8") as fh:
            for line in fh:
                for d in json.loads(line)["documents"]:
                    if d["text"].strip():
                        out.append((d.get("title", ""), d["text"]))
    return out


def build(total: int = TOTAL) -> list[Document]:
    headlines = read_articles(EVAL / "uci-stories.jsonl").documents
    start = min(d.published for d in headlines)
    texts = full_texts()
    passages = []
    for title, text in texts:
        words = text.split()
        passages += [(title, " ".join(words[i : i + 40])) for i in range(0, len(words) - 20, 40)]
    pool = texts + passages
    docs = list(headlines)
    need = total - len(docs)
    if need > len(pool):
        raise SystemExit(f"only {len(docs) + len(pool)} articles can be built from {EVAL}")
    for k, (title, text) in enumerate(pool[:need]):
        docs.append(Document(id=f"full{k}", title=title, text=text, outlet="shared eval",
                             published=start + timedelta(hours=36 * k / need)))
    return docs


def main() -> int:
    if not (EVAL / "uci-stories.jsonl").exists():
        print(f"no evaluation data at {EVAL}", file=sys.stderr)
        return 1
    docs = build()
    words = sum(len(d.text.split()) for d in docs)
    print(f"clustering {len(docs):,} articles ({sum(1 for d in docs if d.text):,} with full text, {words:,} words of text)")
    t0 = time.perf_counter()
    stories = cluster(docs, config=ClusterConfig())
    seconds = time.perf_counter() - t0
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux reports KiB
    print(f"{len(stories):,} stories in {seconds:.1f} s; peak RSS of the process {peak_mb:.0f} MB")
    ok = seconds <= BUDGET_SECONDS and peak_mb <= BUDGET_MB
    print(f"budget: <= {BUDGET_SECONDS:.0f} s and <= {BUDGET_MB:.0f} MB: {'met' if ok else 'NOT MET'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
