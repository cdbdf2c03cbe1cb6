"""Measure supervised bigram concept weights (Li, Qian & Liu 2013, "Using Supervised Bigram-based
ILP for Extractive Summarization") in the selector's exact choice, against the shipped weighting
(the number of articles using a bigram). A measurement of an idea, not part of the engine: the
figures in docs/stories-and-summaries.md come from here.

    .venv/bin/python -m bench.try_concept_weights [--folds 5] [--newswire FILE]

Each bigram concept of a story's eligible sentences gets features that mean the same in any
story (share and number of articles using it, sentences carrying it, the best position prior,
centrality, learned estimate and support of those sentences, stop words and digits in it, how
often and how widely its words are used, its rank among the story's bigrams), and a logistic
regression predicts whether a human summary contains it (digests.units.tokens on both sides).
On Multi-News, each fold's sentence model and bigram model are fitted on the other folds; the
newswire file (MultiLing, never used for fitting) is summarised with models fitted on every
Multi-News cluster. Variants: the probability p as the weight (bigrams used by one article
still dropped), p² (sharper), p × articles using the bigram, and, as a ceiling, the share of the
cluster's human summaries that contain the bigram (the answer, not a model).
"""

from __future__ import annotations

import argparse
import math
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from unittest import mock

import numpy as np
from scipy import sparse
from scipy.stats import rankdata

from bench.train_sentence_model import DEFAULT_FILE, fit, targets
from bot.offline import read_clusters
from digests import selector
from digests.summarize import summarize
from digests.units import STOP_WORDS, split_documents, tokens

NEWSWIRE = DEFAULT_FILE.with_name("multiling2011.jsonl")
VARIANTS = ("articles (shipped)", "p", "p squared", "p x articles", "in the summary (oracle)")


@dataclass
class Reweighted(selector.Scoring):
    """A story's scoring with other concept weights; the sentence model keeps its own features."""

    table: np.ndarray | None = None

    def learning_table(self, units):
        return self.table


def concept_index(units) -> tuple[sparse.csc_matrix, list[tuple[str, str]]]:
    index: dict = {}
    rows, cols = [], []
    for r, u in enumerate(units):
        for g in selector.bigrams(u):
            rows.append(r)
            cols.append(index.setdefault(g, len(index)))
    return sparse.csc_matrix((np.ones(len(rows)), (rows, cols)), shape=(len(units), len(index))), list(index)


def _column_max(m: sparse.csc_matrix, values: np.ndarray) -> np.ndarray:
    """Per column, the largest of `values` (all >= 0) over the rows carrying it."""
    x = sparse.csc_matrix(m.multiply(values.reshape(-1, 1)))
    out = np.zeros(m.shape[1])
    full = np.diff(x.indptr) > 0
    out[full] = np.maximum.reduceat(x.data, x.indptr[:-1][full])
    return out


def concept_features(units, s: selector.Scoring, m: sparse.csc_matrix, grams, estimate) -> tuple[np.ndarray, np.ndarray]:
    """Features per bigram (rows of the result) and the number of articles using each."""
    f = s.features
    eligible = [units[i] for i in f.eligible]
    n, k = m.shape
    docs = np.array([u.doc for u in eligible])
    n_docs = len({u.doc for u in units})
    by_doc = sparse.csr_matrix((np.ones(n), (np.arange(n), docs)), shape=(n, docs.max() + 1))
    used_by = np.asarray(((m.T @ by_doc) > 0).sum(axis=1)).ravel().astype(float)
    carriers = np.asarray(m.sum(axis=0)).ravel()
    frequency = Counter(w for u in units for w in u.tokens)
    word_docs: dict = {}
    for u in units:
        for w in set(u.tokens):
            word_docs.setdefault(w, set()).add(u.doc)
    content = np.array([[math.log(frequency[w]) if w not in STOP_WORDS else np.nan for w in g] for g in grams])
    rarest = np.where(np.isnan(content).all(1), 0, np.nanmin(np.where(np.isnan(content), np.inf, content), 1))
    commonest = np.where(np.isnan(content).all(1), 0, np.nanmax(np.where(np.isnan(content), -np.inf, content), 1))
    word_share = np.array([(len(word_docs[a]) + len(word_docs[b])) / 2 / n_docs for a, b in grams])
    narrowest = np.array([min(len(word_docs[a]), len(word_docs[b])) / n_docs for a, b in grams])
    best_estimate = _column_max(m, estimate - estimate.min())
    columns = [
        used_by / n_docs, np.log(used_by), np.log(carriers), _column_max(m, f.position), _column_max(m, f.centrality),
        best_estimate, np.asarray(m.T @ estimate).ravel() / carriers, _column_max(m, f.support),
        np.array([(a in STOP_WORDS) + (b in STOP_WORDS) for a, b in grams], dtype=float),
        np.array([any(ch.isdigit() for ch in a + b) for a, b in grams], dtype=float),
        np.full(k, math.log(n_docs)), _column_max(m, f.phrase_support), word_share, np.full(k, math.log(n)),
        (used_by >= 2).astype(float), rarest, commonest, narrowest,
        np.asarray(m.T @ np.array([u.position == 0 for u in eligible], dtype=float)).ravel() / n_docs,
        rankdata(carriers) / k, rankdata(best_estimate) / k, rankdata(word_share) / k, rankdata(rarest) / k, rankdata(commonest) / k,
    ]  # fmt: skip
    return np.column_stack(columns), used_by


@dataclass
class Story:
    cluster: object
    units: list
    scoring: selector.Scoring
    table: np.ndarray
    sentence_target: np.ndarray
    concepts: sparse.csc_matrix
    grams: list
    in_reference: np.ndarray


def prepare(path: Path, tokenize) -> list[Story]:
    stories = []
    for c in read_clusters(path):
        if not (c.documents and c.references):
            continue
        units = split_documents(c.documents)
        s = selector.scoring(units, c.documents)
        if len(s.features.eligible) < 2:
            continue
        eligible = [units[i] for i in s.features.eligible]
        m, grams = concept_index(eligible)
        refs = [set(zip(t, t[1:])) for t in map(tokens, c.references)]
        present = np.array([np.mean([g in r for r in refs]) for g in grams])
        y = targets(units, s.features.eligible, c.references, tokenize)
        stories.append(Story(c, units, s, s.learning_table(units), y, m, grams, present))
    return stories


class ConceptModel:
    def __init__(self, stories, estimates):
        from sklearn.linear_model import LogisticRegression

        x = np.vstack([concept_features(st.units, st.scoring, st.concepts, st.grams, e)[0] for st, e in zip(stories, estimates)])
        y = np.concatenate([st.in_reference for st in stories]) > 0
        self.mean, self.scale = x.mean(axis=0), x.std(axis=0)
        self.scale[self.scale == 0] = 1.0
        self.fit = LogisticRegression(max_iter=3000).fit((x - self.mean) / self.scale, y)

    def probability(self, st: Story, estimate: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Each concept's probability of being in a human summary, and the articles using it."""
        x, used_by = concept_features(st.units, st.scoring, st.concepts, st.grams, estimate)
        return self.fit.predict_proba((x - self.mean) / self.scale)[:, 1], used_by

    def weights(self, st: Story, estimate: np.ndarray, variant: str) -> np.ndarray:
        p, used_by = self.probability(st, estimate)
        p = np.where(used_by >= min(selector.DEFAULT.min_concept_docs, len({u.doc for u in st.units})), p, 0.0)
        return {"p": p, "p squared": p**2, "p x articles": p * used_by, "in the summary (oracle)": st.in_reference}[variant]


def standardised(model, table):
    e = model.predict(table)
    return (e - e.mean()) / (e.std() or 1.0)


def summary(st: Story, words: int, model, weight: np.ndarray | None, config: selector.SelectorConfig = selector.DEFAULT) -> str:
    """The selector's summary, with `weight` (one per column of st.concepts) in place of the
    number of articles using each bigram when given."""
    if weight is None:
        return summarize(st.cluster.documents, words, config=config, units=st.units, model=model).text
    gain = float((st.concepts @ weight).max()) or 1.0
    s = Reweighted(st.scoring.features, sparse.csr_matrix(st.concepts), weight, gain, st.scoring.standalone, st.table)
    with mock.patch.object(selector, "scoring", lambda *a, **k: s):
        return summarize(st.cluster.documents, words, config=config, units=st.units, model=model).text


def main(argv: list[str] | None = None) -> int:
    from rouge_score import rouge_scorer, tokenizers

    p = argparse.ArgumentParser(prog="bench.try_concept_weights")
    p.add_argument("file", nargs="?", type=Path, default=DEFAULT_FILE)
    p.add_argument("--newswire", type=Path, default=NEWSWIRE)
    p.add_argument("--folds", type=int, default=5)
    p.add_argument("--seed", type=int, default=0)
    args = p.parse_args(argv)
    tokenize = tokenizers.DefaultTokenizer(use_stemmer=True).tokenize
    scorer = rouge_scorer.RougeScorer(["rouge1", "rouge2"], use_stemmer=True)

    def rouge(st, text):
        s = [scorer.score(r, text) for r in st.cluster.references]
        return np.array([np.mean([x[m].recall for x in s]) for m in ("rouge1", "rouge2")] + [np.mean([x[m].fmeasure for x in s]) for m in ("rouge1", "rouge2")])

    def run(stories, model, concepts, words):
        out = {}
        for v in VARIANTS:
            out[v] = np.zeros(4)
            for st in stories:
                w = None if concepts is None or v == VARIANTS[0] else concepts.weights(st, standardised(model, st.table), v)
                out[v] += rouge(st, summary(st, words, model, w))
        return out

    stories = prepare(args.file, tokenize)
    many = [k for k, st in enumerate(stories) if len(st.cluster.documents) >= 3]
    f250 = {v: np.zeros(4) for v in VARIANTS}
    r100 = {v: np.zeros(4) for v in VARIANTS}
    order = np.random.default_rng(args.seed).permutation(len(stories))
    truth, predicted, articles = [], [], []
    for fold in range(args.folds):
        held = set(order[fold :: args.folds].tolist())
        train = [stories[k] for k in range(len(stories)) if k not in held]
        model = fit([st.table for st in train], [st.sentence_target for st in train], 10.0)
        concepts = ConceptModel(train, [standardised(model, st.table) for st in train])
        for k in held:
            p, used_by = concepts.probability(stories[k], standardised(model, stories[k].table))
            truth.append(stories[k].in_reference > 0)
            predicted.append(p)
            articles.append(used_by)
        for v, t in run([stories[k] for k in sorted(held)], model, concepts, 250).items():
            f250[v] += t
        for v, t in run([stories[k] for k in sorted(held) if k in many], model, concepts, 100).items():
            r100[v] += t
    print(f"{args.file.name}: {len(stories)} clusters, {args.folds}-fold cross-validation (both models fitted without the scored cluster)")
    print("  weight of a bigram        250 w F1 R-1 / R-2   3+ articles, 100 w, recall R-1 / R-2")
    for v in VARIANTS:
        a, b = 100 * f250[v] / len(stories), 100 * r100[v] / max(len(many), 1)
        print(f"  {v:24s}  {a[2]:.2f} / {a[3]:.2f}         {b[0]:.2f} / {b[1]:.2f}")
    truth = np.concatenate(truth)
    if 0 < truth.mean() < 1:
        from sklearn.metrics import roc_auc_score

        print(f"bigrams in the human summary: {truth.mean():.1%} of {len(truth)}; ROC AUC of held-out predictions "
              f"{roc_auc_score(truth, np.concatenate(predicted)):.3f}, of the articles using them {roc_auc_score(truth, np.concatenate(articles)):.3f}")
    if args.newswire.is_file():
        model = fit([st.table for st in stories], [st.sentence_target for st in stories], 10.0)
        concepts = ConceptModel(stories, [standardised(model, st.table) for st in stories])
        wire = prepare(args.newswire, tokenize)
        at = {w: run(wire, model, concepts, w) for w in (100, 250)}
        print(f"{args.newswire.name}: {len(wire)} clusters, models fitted on every cluster above; recall R-1 / R-2 at 100 w | 250 w")
        for v in VARIANTS:
            a, b = 100 * at[100][v] / len(wire), 100 * at[250][v] / len(wire)
            print(f"  {v:24s}  {a[0]:.2f} / {a[1]:.2f} | {b[0]:.2f} / {b[1]:.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
