"""Story clustering quality on full articles, beyond the headline-only UCI file: checks built from
the shared summarization sets (Multi-News validation sample and MultiLing 2011), where every
cluster is one story.

- **mix**: every cluster, all in one collection (the `bench.full_articles` file), B-cubed scores.
- **mix, cleaned**: the same without label noise. Multi-News clusters were gathered by the links of
  a newser.com write-up, and some of their documents are about something else (a background page,
  another story the page linked to). A document counts as noise when it shares almost nothing
  with its cluster's human reference summary (TF-IDF cosine below `NOISE_COSINE`); the rule is
  applied to every document alike, whatever the clustering does with it.
- **similar pairs**: the `PAIRS` pairs of different clusters most alike in their words (two
  Lindsay Lohan court stories, two Senate budget votes, two North Korea stories...). On the mix:
  how many pairs some story mixes, and the B-cubed precision over each pair's documents. Alone:
  each pair clustered as a collection of its own (a small set, where IDF says little), mean
  B-cubed F1.
- **titled**: the mix and the similar pairs again, with a synthetic headline on every untitled
  document (its first sentence, cut to 20 words and taken out of the text) and one publication
  time for all. It exercises the title weight and the date paths that Multi-News cannot (no titles,
  no dates), with same-day events as the worst case for the time window; a first sentence is not a
  real headline (it is often a photo caption or a dateline), so read it as a stress test, not as
  the figure on real newswire.
- **MultiLing alone**: its three topics (WikiNews, real headlines) as a collection of their own.

    python -m bench.bench_cluster_quality           (needs ../shared/eval)
"""

from __future__ import annotations

import json
import math
import re
import sys
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timezone
from pathlib import Path

import numpy as np

from bench.full_articles import SHARED_EVAL, SOURCES, is_boilerplate
from bot.evaluate_clusters import bcubed
from digests.cluster import ClusterConfig, cluster, tokens
from digests.model import Document

NOISE_COSINE = 0.10
PAIRS = 40
TITLED_TIME = datetime(2020, 1, 1, 12, tzinfo=timezone.utc)
_FIRST_SENTENCE = re.compile(r"(.{20,}?[.!?])\s+(?=\S)", re.S)


@dataclass(frozen=True)
class Gold:
    id: str
    documents: tuple[Document, ...]
    references: tuple[str, ...]


def load(eval_dir: Path = SHARED_EVAL, names: Sequence[str] = SOURCES) -> list[Gold]:
    out = []
    for name in names:
        with open(eval_dir / name, encoding="utf-8") as fh:
            for line in fh:
                c = json.loads(line)
                docs = tuple(
                    Document(id=f"{c['id']}-{k}", title=d.get("title", ""), text=d["text"], outlet=d.get("source", ""))
                    for k, d in enumerate(c["documents"]) if not is_boilerplate(d.get("text", ""))
                )
                if docs:
                    out.append(Gold(c["id"], docs, tuple(c.get("references", ()))))
    return out


def titled(golds: Sequence[Gold]) -> list[Gold]:
    """The same clusters with a synthetic headline (the first sentence, at most 20 words, taken out
    of the text) on every untitled document, and one publication time for all."""
    out = []
    for g in golds:
        docs = []
        for d in g.documents:
            if not d.title:
                m = _FIRST_SENTENCE.match(d.text)
                first = m.group(1) if m else d.text
                d = replace(d, title=" ".join(first.split()[:20]), text=d.text[len(first):].strip())
            docs.append(replace(d, published=TITLED_TIME))
        out.append(Gold(g.id, tuple(docs), g.references))
    return out


def _vectors(texts: Sequence[str], df: Counter, n: int) -> list[dict[str, float]]:
    out = []
    for t in texts:
        c = Counter(tokens(t))
        v = {w: (1 + math.log(k)) * math.log(1 + n / (1 + df[w])) for w, k in c.items()}
        norm = math.sqrt(sum(x * x for x in v.values())) or 1.0
        out.append({w: x / norm for w, x in v.items()})
    return out


def _cos(a: dict[str, float], b: dict[str, float]) -> float:
    if len(b) < len(a):
        a, b = b, a
    return sum(x * b.get(w, 0.0) for w, x in a.items())


def noise(golds: Sequence[Gold]) -> set[str]:
    """Documents that share almost nothing with their cluster's reference summary."""
    docs = [d for g in golds for d in g.documents]
    df = Counter(w for d in docs for w in set(tokens(d.text)))
    out = set()
    for g in golds:
        if not g.references:
            continue
        ref = _vectors([" ".join(g.references)], df, len(docs))[0]
        for d, v in zip(g.documents, _vectors([f"{d.title}\n{d.text}" for d in g.documents], df, len(docs))):
            if _cos(v, ref) < NOISE_COSINE:
                out.add(d.id)
    return out


def similar_pairs(golds: Sequence[Gold], n: int = PAIRS) -> list[tuple[float, int, int]]:
    """The n pairs of clusters whose summed document vectors are most alike."""
    texts = [" ".join(f"{d.title}\n{d.text}" for d in g.documents) for g in golds]
    df = Counter(w for t in texts for w in set(tokens(t)))
    vecs = _vectors(texts, df, len(texts))
    scored = [(_cos(vecs[i], vecs[j]), i, j) for i in range(len(golds)) for j in range(i + 1, len(golds))]
    return sorted(scored, reverse=True)[:n]


def predict(docs: Sequence[Document], config: ClusterConfig) -> dict[str, int]:
    return {d.id: k for k, s in enumerate(cluster(docs, config=config)) for d in s.documents}


def scores(golds: Sequence[Gold], config: ClusterConfig, drop: set[str] = frozenset()) -> tuple[float, float, float]:
    docs = [d for g in golds for d in g.documents if d.id not in drop]
    gold = {d.id: g.id for g in golds for d in g.documents}
    labels = predict(docs, config)
    return bcubed([gold[d.id] for d in docs], [labels[d.id] for d in docs])


@dataclass(frozen=True)
class PairScores:
    mixed: int  # pairs that some story of the mix mixes
    precision_in_mix: float  # mean B-cubed precision over each pair's documents, clustered in the mix
    alone: tuple[float, float, float]  # mean B-cubed P, R, F1 of each pair clustered alone


def pair_scores(golds: Sequence[Gold], config: ClusterConfig, drop: set[str] = frozenset()) -> PairScores:
    golds = [Gold(g.id, tuple(d for d in g.documents if d.id not in drop), g.references) for g in golds]
    golds = [g for g in golds if g.documents]
    pairs = similar_pairs(golds)
    labels = predict([d for g in golds for d in g.documents], config)
    mixed, precisions, alone = 0, [], []
    for _, i, j in pairs:
        a, b = golds[i], golds[j]
        docs = a.documents + b.documents
        gold = [a.id] * len(a.documents) + [b.id] * len(b.documents)
        pred = [labels[d.id] for d in docs]
        mixed += bool({labels[d.id] for d in a.documents} & {labels[d.id] for d in b.documents})
        precisions.append(bcubed(gold, pred)[0])
        own = predict(docs, config)
        alone.append(bcubed(gold, [own[d.id] for d in docs]))
    return PairScores(mixed, float(np.mean(precisions)), tuple(float(x) for x in np.mean(alone, axis=0)))


def main(config: ClusterConfig = ClusterConfig()) -> int:
    if not (SHARED_EVAL / SOURCES[0]).exists():
        print(f"no evaluation data at {SHARED_EVAL}", file=sys.stderr)
        return 1
    golds = load()
    drop = noise(golds)
    n = sum(len(g.documents) for g in golds)
    print(f"{n} documents in {len(golds)} clusters; {len(drop)} judged label noise (cosine with the reference < {NOISE_COSINE})")
    print(f"{'check':<44} {'B3 P':>6} {'B3 R':>6} {'B3 F1':>6}")
    for name, d in (("mix", frozenset()), ("mix, cleaned", drop)):
        p, r, f = scores(golds, config, d)
        print(f"{name:<44} {100 * p:6.1f} {100 * r:6.1f} {100 * f:6.1f}")
    ps = pair_scores(golds, config)
    p, r, f = ps.alone
    print(f"{f'{PAIRS} similar pairs, each clustered alone':<44} {100 * p:6.1f} {100 * r:6.1f} {100 * f:6.1f}")
    print(f"{f'{PAIRS} similar pairs within the mix':<44} {100 * ps.precision_in_mix:6.1f}"
          f"   ({ps.mixed} of {PAIRS} pairs share a story)")
    with_titles = titled(golds)
    p, r, f = scores(with_titles, config)
    print(f"{'titled: mix':<44} {100 * p:6.1f} {100 * r:6.1f} {100 * f:6.1f}")
    p, r, f = pair_scores(with_titles, config).alone
    print(f"{f'titled: {PAIRS} similar pairs, each alone':<44} {100 * p:6.1f} {100 * r:6.1f} {100 * f:6.1f}")
    p, r, f = scores(load(names=("multiling2011.jsonl",)), config)
    print(f"{'MultiLing alone (real headlines, no dates)':<44} {100 * p:6.1f} {100 * r:6.1f} {100 * f:6.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
