"""`evaluate`: ROUGE of the project's summarizer and every plain sumy algorithm, side by side
in one run, on summarization files with human `references`. Clustering files (`story` keys)
go to bot.evaluate_clusters: B-cubed and ARI against a TF-IDF baseline."""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

from bot.offline import InputError, read_clusters
from config.settings import PROJECT_ROOT
from corpus import untrusted
from digests.cluster import ClusterConfig
from digests.summarize import ALGORITHMS, DEFAULT_ALGORITHM, summarize
from digests.units import word_count

EVAL_DIR = PROJECT_ROOT.parent / "shared" / "eval"
# Default budgets: Multi-News write-ups are ~260 words; newswire (DUC-style) summaries 100.
DEFAULT_WORDS = {"multinews": 250}
NEWSWIRE_WORDS = 100
# KL-Sum is about cubic in the number of sentences (499 s for a 1,000-sentence story).
SLOW_ALGORITHMS = ("kl",)
METRICS = ("rouge1", "rouge2", "rougeL")


@dataclass
class Totals:
    recall: dict[str, float] = field(default_factory=lambda: dict.fromkeys(METRICS, 0.0))
    f1: dict[str, float] = field(default_factory=lambda: dict.fromkeys(METRICS, 0.0))
    seconds: float = 0.0
    words: int = 0
    clusters: int = 0


def file_kind(path: Path) -> str:
    """'summarization' (has references), 'clustering' (has story) or a reason it is neither."""
    with path.open("rb") as handle:
        for raw in handle:
            try:
                item = untrusted.json_loads(raw)
            except (json.JSONDecodeError, UnicodeDecodeError):
                continue
            if isinstance(item, dict) and "references" in item:
                return "summarization"
            if isinstance(item, dict) and "story" in item:
                return "clustering"
            break
    return "unknown"


def default_words(path: Path) -> int:
    return next((w for key, w in DEFAULT_WORDS.items() if key in path.name), NEWSWIRE_WORDS)


def evaluate_summaries(
    path: Path, words: int, algorithms: Sequence[str], limit: int | None = None, progress: bool = True, warn: TextIO = sys.stderr
) -> dict[str, Totals]:
    from rouge_score import rouge_scorer
    from tqdm import tqdm

    scorer = rouge_scorer.RougeScorer(list(METRICS), use_stemmer=True)
    clusters = [c for c in read_clusters(path, warn) if c.references and c.documents][:limit]
    totals = {a: Totals() for a in algorithms}
    with tqdm(total=len(clusters) * len(algorithms), desc=path.name, unit=" summaries", disable=not progress, file=sys.stderr) as bar:
        for cluster in clusters:
            for algorithm in algorithms:
                start = time.perf_counter()
                summary = summarize(cluster.documents, words, algorithm).text
                t = totals[algorithm]
                t.seconds += time.perf_counter() - start
                t.words += word_count(summary)
                t.clusters += 1
                # Several references: the mean of the scores against each.
                scores = [scorer.score(ref, summary) for ref in cluster.references]
                for m in METRICS:
                    t.recall[m] += sum(s[m].recall for s in scores) / len(scores)
                    t.f1[m] += sum(s[m].fmeasure for s in scores) / len(scores)
                bar.update()
    return totals


def format_table(title: str, totals: dict[str, Totals]) -> str:
    head = ["algorithm", "R-1 R", "R-2 R", "R-L R", "R-1 F1", "R-2 F1", "R-L F1", "words", "s/cluster"]
    rows = []
    for name, t in totals.items():
        n = max(t.clusters, 1)
        rows.append(
            [name + (" (default)" if name == DEFAULT_ALGORITHM else "")]
            + [f"{100 * t.recall[m] / n:.2f}" for m in METRICS]
            + [f"{100 * t.f1[m] / n:.2f}" for m in METRICS]
            + [f"{t.words / n:.0f}", f"{t.seconds / n:.3f}"]
        )
    widths = [max(len(r[i]) for r in [head, *rows]) for i in range(len(head))]
    fmt = lambda r: "  ".join(c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in enumerate(zip(r, widths)))  # noqa: E731
    lines = [title, fmt(head), "  ".join("-" * w for w in widths), *map(fmt, rows)]
    return "\n".join(lines)


def pick_algorithms(spec: str | None) -> list[str]:
    if not spec:
        return list(ALGORITHMS)
    names = [s.strip() for s in spec.split(",") if s.strip()]
    excluded = {n[1:] for n in names if n.startswith("-")}
    chosen = [n for n in names if not n.startswith("-")] or list(ALGORITHMS)
    unknown = [n for n in [*chosen, *excluded] if n not in ALGORITHMS]
    if unknown:
        raise InputError(f"unknown algorithm(s) {', '.join(unknown)}; choose from: {', '.join(ALGORITHMS)}")
    return [n for n in chosen if n not in excluded]


def run(
    files: Sequence[str], words: int | None, limit: int | None, algorithms: str | None,
    cluster_config: ClusterConfig = ClusterConfig(), out: TextIO = sys.stdout,
) -> int:
    names = pick_algorithms(algorithms)
    paths = [Path(f) for f in files]
    if not paths:
        if not EVAL_DIR.is_dir():
            raise InputError(f"no evaluation files given and {EVAL_DIR} does not exist; pass FILE arguments")
        paths = sorted(EVAL_DIR.glob("*.jsonl"))
    status = 0
    for path in paths:
        if not path.is_file():
            what = "not a file" if path.exists() else "no such file"
            print(f"evaluate: {path}: {what}; give a JSON Lines file with references or story labels", file=sys.stderr)
            status = 1
            continue
        kind = file_kind(path)
        if kind == "clustering":
            status |= _evaluate_clusters(path, limit, out, cluster_config)
        elif kind == "summarization":
            n = words or default_words(path)
            totals = evaluate_summaries(path, n, names, limit)
            count = next(iter(totals.values())).clusters if totals else 0
            title = (
                f"\n{path.name}: {count} clusters, at most {n} words; ROUGE (rouge-score, stemming on; "
                "mean over a cluster's references) recall R and F1"
            )
            print(format_table(title, totals), file=out)
        else:
            print(f"evaluate: {path}: neither a summarization file (references) nor a clustering file (story); skipped", file=sys.stderr)
            status = 1
    return status


def _evaluate_clusters(path: Path, limit: int | None, out: TextIO, config: ClusterConfig) -> int:
    from bot.evaluate_clusters import run as run_clusters

    try:
        run_clusters(path, out=out, config=config, limit=limit)
    except ValueError as exc:
        print(f"evaluate: {exc}", file=sys.stderr)
        return 1
    return 0
