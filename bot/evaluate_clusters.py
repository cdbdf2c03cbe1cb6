"""Clustering evaluation: B-cubed precision, recall and F1 and the adjusted Rand index of the
project's clustering and of a naive baseline, on an article file whose lines carry "story".

The baseline is the one the issue names: TF-IDF of the headline, average-link agglomerative
clustering, one cosine-distance threshold. It is shown at its best threshold (an oracle choice,
so it flatters the baseline) and at 0.9."""

from __future__ import annotations

import sys
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

import numpy as np
from tqdm import tqdm

from bot.cluster_files import read_articles
from digests.cluster import ClusterConfig
from digests.model import Document

BASELINE_THRESHOLDS = tuple(round(t, 2) for t in np.arange(0.5, 1.0, 0.02))
BASELINE_MAX_DOCS = 20_000  # its dense distance matrix needs n^2 floats


@dataclass(frozen=True)
class Score:
    name: str
    precision: float
    recall: float
    f1: float
    ari: float
    stories: int
    seconds: float


def bcubed(gold: Sequence[str], predicted: Sequence[object]) -> tuple[float, float, float]:
    """B-cubed precision, recall and F1 (Bagga & Baldwin): per item, the share of its predicted
    cluster that shares its gold story, and the share of its gold story found in its cluster."""
    n = len(gold)
    if n == 0:
        return 0.0, 0.0, 0.0
    both = Counter(zip(gold, predicted))
    g, p = Counter(gold), Counter(predicted)
    precision = sum(c * c / p[pc] for (_, pc), c in both.items()) / n
    recall = sum(c * c / g[gc] for (gc, _), c in both.items()) / n
    return precision, recall, 2 * precision * recall / (precision + recall)


def score(name: str, gold: Sequence[str], predicted: Sequence[object], seconds: float) -> Score:
    from sklearn.metrics import adjusted_rand_score

    p, r, f = bcubed(gold, predicted)
    labels = {x: i for i, x in enumerate(dict.fromkeys(predicted))}
    ari = adjusted_rand_score(list(gold), [labels[x] for x in predicted])
    return Score(name, p, r, f, ari, len(labels), seconds)


def baseline_tree(titles: Sequence[str]):
    """Average-link tree over TF-IDF headline vectors with cosine distance."""
    from scipy.cluster.hierarchy import linkage
    from scipy.spatial.distance import squareform
    from sklearn.feature_extraction.text import TfidfVectorizer

    X = TfidfVectorizer().fit_transform([t or "" for t in titles])
    sim = (X @ X.T).toarray()
    np.clip(sim, 0.0, 1.0, out=sim)
    np.fill_diagonal(sim, 1.0)
    return linkage(squareform(1.0 - sim, checks=False), method="average")


def run(path: str | Path, out: TextIO | None = None, config: ClusterConfig = ClusterConfig(),
        progress: bool = True, limit: int | None = None) -> list[Score]:
    """Evaluate on `path`; prints a table to `out` and returns the rows."""
    from scipy.cluster.hierarchy import fcluster

    from bot.clustering import label_documents

    out = out or sys.stdout
    path = Path(path)
    data = read_articles(path)
    for p in data.problems:
        print(f"warning: {p}", file=sys.stderr)
    docs: list[Document] = [d for d in data.documents if d.id in data.stories][:limit]
    if len(docs) < len(data.documents):
        print(f"warning: {len(data.documents) - len(docs)} articles carry no \"story\" and are left out", file=sys.stderr)
    if not docs:
        raise ValueError(f'{path.name}: no article with a "story" label; a clustering file needs one on every line')
    gold = [data.stories[d.id] for d in docs]
    steps = 1 + (1 + len(BASELINE_THRESHOLDS) if len(docs) <= BASELINE_MAX_DOCS else 0)
    bar = tqdm(total=steps, desc="evaluating", unit="step", file=sys.stderr, disable=not progress, leave=False)

    bar.set_postfix_str("newsbot clustering")
    t0 = time.perf_counter()
    labels = label_documents(docs, config)
    rows = [score("newsbot (centroid linkage, time-aware)", gold, [labels[d.id] for d in docs], time.perf_counter() - t0)]
    bar.update()

    if len(docs) <= BASELINE_MAX_DOCS:
        bar.set_postfix_str("baseline: tf-idf tree")
        t0 = time.perf_counter()
        tree = baseline_tree([d.title for d in docs])
        built = time.perf_counter() - t0
        bar.update()
        sweep = []
        for t in BASELINE_THRESHOLDS:
            t1 = time.perf_counter()
            predicted = fcluster(tree, t, criterion="distance")
            sweep.append((t, score(f"tf-idf baseline, threshold {t:.2f}", gold, predicted, built + time.perf_counter() - t1)))
            bar.update()
        best_t, best = max(sweep, key=lambda ts: ts[1].f1)
        rows.append(Score(f"tf-idf baseline, best threshold {best_t:.2f}", *_numbers(best)))
        at_09 = dict(sweep)[0.9]
        rows.append(at_09)
    else:
        print(f"note: the baseline is skipped above {BASELINE_MAX_DOCS:,} articles (its distance matrix grows as n^2)", file=sys.stderr)
    bar.close()
    print_table(rows, f"{path.name}: {len(docs):,} articles, {len(set(gold)):,} stories", out)
    return rows


def _numbers(s: Score) -> tuple:
    return s.precision, s.recall, s.f1, s.ari, s.stories, s.seconds


def print_table(rows: Sequence[Score], caption: str, out: TextIO) -> None:
    print(caption, file=out)
    head = f"{'system':<42} {'B3 P':>6} {'B3 R':>6} {'B3 F1':>6} {'ARI':>6} {'stories':>8} {'time s':>7}"
    print(head, file=out)
    print("-" * len(head), file=out)
    for r in rows:
        print(
            f"{r.name:<42} {100 * r.precision:6.1f} {100 * r.recall:6.1f} {100 * r.f1:6.1f} "
            f"{100 * r.ari:6.1f} {r.stories:8d} {r.seconds:7.2f}",
            file=out,
        )
