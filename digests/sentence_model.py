"""A learned estimate of how much of a sentence a human summary would reuse.

A linear model over features that mean the same in any news story (position in its article,
length, centrality, cross-source support, how widely its words and word pairs are used across
the story's articles, concept coverage, quotation), each standardised. It predicts the number of
words (plus twice the word pairs) per word that a human write-up shares with the sentence. The
weights are data, `digests/data/sentence_model.json`, fitted by `bench/train_sentence_model.py`
on Multi-News with the clusters split into folds; that script reports the figures.
"""

from __future__ import annotations

import json
import math
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
from scipy import sparse
from scipy.stats import rankdata

from digests.units import STOP_WORDS, Unit

_DIGIT = re.compile(r"\d")
_PUNCTUATION_WORD = re.compile(r"(?<!\S)[\W_]+(?!\S)")  # a "word" without a letter or digit: "(", "--", "…"
MODEL_PATH = Path(__file__).with_name("data") / "sentence_model.json"

_RANKED = ("centrality", "support", "phrase_support", "concepts", "concepts_per_word", "centroid", "log_length")
FEATURES = (
    "centrality", "position_prior", "lead", "relative_position", "support", "phrase_support", "concepts",
    "concepts_per_word", "log_length", "log_articles", "centroid", "points_back", "quotation", "digits",
    "article_share", *(f"{n}_rank" for n in _RANKED), "punctuation_share", "log_candidates", "opens_quote",
    "word_spread", "word_frequency", "lead_words", "word_earliness", "pair_spread", "lead_pairs",
    "shared_words", "stop_word_share",
)  # fmt: skip


@dataclass(frozen=True)
class SentenceModel:
    features: tuple[str, ...]
    mean: np.ndarray
    scale: np.ndarray
    coef: np.ndarray
    intercept: float

    def predict(self, x: np.ndarray) -> np.ndarray:
        return ((x - self.mean) / self.scale) @ self.coef + self.intercept

    def to_json(self, **about) -> str:
        return json.dumps(
            {**about, "features": list(self.features), "mean": self.mean.tolist(), "scale": self.scale.tolist(),
             "coef": self.coef.tolist(), "intercept": self.intercept},
            indent=1,
        )


@lru_cache(maxsize=1)
def shipped_model() -> SentenceModel:
    data = json.loads(MODEL_PATH.read_text(encoding="utf-8"))
    if tuple(data["features"]) != FEATURES:
        raise ValueError(f"{MODEL_PATH} was fitted on other features; rerun bench/train_sentence_model.py")
    return SentenceModel(FEATURES, *(np.array(data[k], dtype=float) for k in ("mean", "scale", "coef")), float(data["intercept"]))


def sentence_features(
    units: Sequence[Unit],
    eligible: np.ndarray,
    centrality: np.ndarray,
    position_prior: np.ndarray,
    support: np.ndarray,
    phrase_support: np.ndarray,
    concept_gain: np.ndarray,
    standalone: np.ndarray,
    weights: sparse.csr_matrix,
) -> np.ndarray:
    """One row per eligible unit, one column per name in FEATURES. The scoring arrays are the
    selector's, for the eligible units; `weights`, their tf-idf rows (lexrank.tfidf_matrix)."""
    chosen = [units[i] for i in eligible]
    n = len(chosen)
    prose = [u for u in units if not u.is_heading]
    n_docs = len({u.doc for u in prose}) or 1
    lengths = np.array([u.n_words for u in chosen], dtype=float)
    per_doc = Counter(u.doc for u in prose)
    doc_words = Counter()
    for u in prose:
        doc_words[u.doc] += u.n_words
    # The story's centroid (sum of the tf-idf rows), and each sentence's cosine to it.
    centre = np.asarray(weights.sum(axis=0)).ravel()
    norms = np.sqrt(np.asarray(weights.multiply(weights).sum(axis=1)).ravel())
    norms[norms == 0] = 1.0
    centroid = (weights @ centre) / norms / (np.linalg.norm(centre) or 1.0)

    # How widely each word and word pair is used: articles using it, occurrences, first position.
    grams_of: dict[int, set] = {}
    frequency: Counter = Counter()
    earliest: dict[str, int] = {}
    lead_words: set = set()
    for u in prose:
        pairs = list(zip(u.tokens, u.tokens[1:]))
        grams_of.setdefault(u.doc, set()).update(u.tokens, pairs)
        frequency.update(u.tokens)
        for w in u.tokens:
            if w not in earliest:  # prose comes in article order, so the first seen is the earliest
                earliest[w] = u.position
            elif u.position < earliest[w]:
                earliest[w] = u.position
        if u.position <= 1:
            lead_words.update(u.tokens)
            lead_words.update(pairs)
    doc_freq = Counter(g for grams in grams_of.values() for g in grams)
    # Each word's (and pair's) values once, then a mean per sentence.
    word_values = {
        w: (doc_freq[w] / n_docs, math.log(frequency[w]), w in lead_words, 1 / (1 + earliest[w]), doc_freq[w] > 1)
        for w in frequency
    }
    pair_values: dict = {}
    spread = np.zeros((n, 8))
    for k, u in enumerate(chosen):
        content = [w for w in u.tokens if w not in STOP_WORDS] or list(u.tokens)
        if content:
            words_k = np.array([word_values[w] for w in content], dtype=float).mean(axis=0)
            spread[k, [0, 1, 2, 3, 6]] = words_k
        pairs = list(zip(u.tokens, u.tokens[1:]))
        if pairs:
            values = [pair_values.get(p) or pair_values.setdefault(p, (doc_freq[p] / n_docs, p in lead_words)) for p in pairs]
            spread[k, 4:6] = np.array(values, dtype=float).mean(axis=0)
        spread[k, 7] = 1 - len(content) / max(len(u.tokens), 1)
    columns = {
        "centrality": centrality,
        "position_prior": position_prior,
        "lead": np.array([u.position == 0 for u in chosen], dtype=float),
        "relative_position": np.array([u.position / max(per_doc[u.doc], 1) for u in chosen]),
        "support": support,
        "phrase_support": phrase_support,
        "concepts": concept_gain,
        "concepts_per_word": concept_gain / np.sqrt(lengths),
        "log_length": np.log(lengths),
        "log_articles": np.full(n, math.log(n_docs)),
        "centroid": centroid,
        "points_back": 1.0 - standalone,
        "quotation": np.array([any(q in u.text for q in '"“”') for u in chosen], dtype=float),
        "digits": np.array([_DIGIT.search(u.text) is not None for u in chosen], dtype=float),
        "article_share": np.array([doc_words[u.doc] for u in chosen]) / max(sum(doc_words.values()), 1),
        "punctuation_share": np.array([len(_PUNCTUATION_WORD.findall(u.text)) / u.n_words for u in chosen]),
        "log_candidates": np.full(n, math.log(n)),
        "opens_quote": np.array([u.text.lstrip().startswith(('"', "“")) for u in chosen], dtype=float),
    }
    for name in _RANKED:
        columns[f"{name}_rank"] = rankdata(columns[name]) / n
    for k, name in enumerate(FEATURES[-8:]):
        columns[name] = spread[:, k]
    return np.column_stack([columns[name] for name in FEATURES])
