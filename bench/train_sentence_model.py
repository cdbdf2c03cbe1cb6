"""Fit the selector's sentence model (digests/sentence_model.py) and write its weights as data.

    .venv/bin/python -m bench.train_sentence_model [FILE] [--folds 5] [--alpha 10] [--dry-run]

FILE: clusters with human references (default ../shared/eval/multinews-val-300.jsonl). The
target of each eligible sentence: the words, plus twice the word pairs, it shares with the
references (rouge-score's tokens, Porter-stemmed; clipped counts, mean over the references),
per word of the sentence. A ridge regression on the standardised features.

Cross-validation: the clusters are split into folds; each fold's summaries come from a model
fitted on the other folds only, so no evaluated cluster was seen in fitting. It prints ROUGE F1
of `newsbot` with those fold models, `newsbot` without the learned term, and plain sumy LexRank,
on the same clusters. Then it fits on every cluster and writes digests/data/sentence_model.json
(unless --dry-run); `python run_bot.py evaluate` measures that in-sample model.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from dataclasses import replace
from pathlib import Path

import numpy as np

from bot.offline import read_clusters
from digests.selector import DEFAULT, scoring
from digests.sentence_model import FEATURES, MODEL_PATH, SentenceModel
from digests.summarize import summarize
from digests.units import split_documents

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_FILE = ROOT.parent / "shared" / "eval" / "multinews-val-300.jsonl"
WORDS = 250


def _ngrams(tokens: list[str], n: int) -> Counter:
    return Counter(zip(*(tokens[i:] for i in range(n))))


def targets(units, eligible, references, tokenize) -> np.ndarray:
    refs = [tokenize(r) for r in references]
    refs = [(_ngrams(t, 1), _ngrams(t, 2)) for t in refs]
    out = np.zeros(len(eligible))
    for k, i in enumerate(eligible):
        t = tokenize(units[i].text)
        uni, bi = _ngrams(t, 1), _ngrams(t, 2)
        shared = [sum((uni & r1).values()) + 2 * sum((bi & r2).values()) for r1, r2 in refs]
        out[k] = np.mean(shared) / units[i].n_words
    return out


def fit(tables: list[np.ndarray], ys: list[np.ndarray], alpha: float) -> SentenceModel:
    from sklearn.linear_model import Ridge

    x, y = np.vstack(tables), np.concatenate(ys)
    mean, scale = x.mean(axis=0), x.std(axis=0)
    scale[scale == 0] = 1.0  # a feature constant in the training data (no headlines) gets weight 0
    ridge = Ridge(alpha=alpha).fit((x - mean) / scale, y)
    return SentenceModel(FEATURES, mean, scale, ridge.coef_, float(ridge.intercept_))


def main(argv: list[str] | None = None) -> int:
    from rouge_score import rouge_scorer, tokenizers

    p = argparse.ArgumentParser(prog="bench.train_sentence_model")
    p.add_argument("file", nargs="?", type=Path, default=DEFAULT_FILE)
    p.add_argument("--folds", type=int, default=5)
    p.add_argument("--alpha", type=float, default=10.0)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--dry-run", action="store_true", help="report only; do not write the model")
    args = p.parse_args(argv)
    if not args.file.is_file():
        print(f"{args.file}: no such file; give a clusters file with references", file=sys.stderr)
        return 1
    tokenize = tokenizers.DefaultTokenizer(use_stemmer=True).tokenize
    clusters = [c for c in read_clusters(args.file) if c.documents and c.references]
    stories, tables, ys = [], [], []
    for c in clusters:
        units = split_documents(c.documents)
        s = scoring(units, c.documents)
        stories.append(units)
        tables.append(s.learning_table(units) if len(s.features.eligible) else np.zeros((0, len(FEATURES))))
        ys.append(targets(units, s.features.eligible, c.references, tokenize))
    print(f"{args.file.name}: {len(clusters)} clusters, {sum(len(y) for y in ys)} eligible sentences")

    scorer = rouge_scorer.RougeScorer(["rouge1", "rouge2", "rougeL"], use_stemmer=True)
    systems = ("newsbot (fold model)", "newsbot, learned term off", "lexrank")
    totals = {name: np.zeros(3) for name in systems}
    order = np.random.default_rng(args.seed).permutation(len(clusters))
    for fold in range(args.folds):
        held = set(order[fold :: args.folds].tolist())
        train = [k for k in range(len(clusters)) if k not in held]
        model = fit([tables[k] for k in train], [ys[k] for k in train], args.alpha)
        for k in held:
            c, units = clusters[k], stories[k]
            texts = {
                systems[0]: summarize(c.documents, WORDS, units=units, model=model).text,
                systems[1]: summarize(c.documents, WORDS, units=units, config=replace(DEFAULT, learned=0.0)).text,
                systems[2]: summarize(c.documents, WORDS, "lexrank", units=units).text,
            }
            for name, text in texts.items():
                scores = [scorer.score(ref, text) for ref in c.references]
                totals[name] += [np.mean([s[m].fmeasure for s in scores]) for m in ("rouge1", "rouge2", "rougeL")]
    print(f"{args.folds}-fold cross-validation over clusters, {WORDS} words, ROUGE F1 R-1 / R-2 / R-L:")
    for name, t in totals.items():
        r1, r2, rl = 100 * t / len(clusters)
        print(f"  {name:28s} {r1:.2f} / {r2:.2f} / {rl:.2f}")

    model = fit(tables, ys, args.alpha)
    about = {"fitted_on": args.file.name, "clusters": len(clusters), "sentences": sum(len(y) for y in ys), "alpha": args.alpha,
             "script": "bench/train_sentence_model.py"}
    if args.dry_run:
        print("dry run: model not written")
    else:
        MODEL_PATH.parent.mkdir(exist_ok=True)
        MODEL_PATH.write_text(model.to_json(**about) + "\n", encoding="utf-8")
        print(f"wrote {MODEL_PATH.relative_to(ROOT)}")
    for name, c in sorted(zip(FEATURES, model.coef), key=lambda x: -abs(x[1]))[:8]:
        print(f"  weight {name:22s} {c:+.4f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
