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

from digests.grams import articles_using, means_per_row, story_grams
from digests.units import Unit

_DIGIT = re.compile(r"\d")
_QUOTE = re.compile('["“”]')
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

    spread = _word_spread(units, eligible, n_docs)
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
        "quotation": np.array([_QUOTE.search(u.text) is not None for u in chosen], dtype=float),
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


def _word_spread(units: Sequence[Unit], eligible: np.ndarray, n_docs: int) -> np.ndarray:
    """How widely the words and word pairs of each eligible unit are used across the story's
    prose: one row per eligible unit, the last eight FEATURES. Per word: the share of articles
    using it, the log of its occurrences, whether a lead sentence (position 0 or 1) uses it, 1 /
    (1 + its earliest position), whether two articles use it; the mean over the unit's content
    words (all its words when it has none). Per pair: the share of articles, whether a lead
    sentence uses it; the mean over the unit's pairs. Then the share of stop words."""
    g = story_grams(units)
    n_words = len(g.words)
    prose = np.array([not u.is_heading for u in units], dtype=bool)
    docs = np.array([u.doc for u in units], dtype=np.int64)
    position = np.array([u.position for u in units], dtype=np.int64)
    lead = prose & (position <= 1)
    in_prose, pair_in_prose = prose[g.word_unit], prose[g.pair_unit]
    words, word_unit = g.word[in_prose], g.word_unit[in_prose]
    word_docs = articles_using(words, docs[word_unit], n_words)
    frequency = np.bincount(words, minlength=n_words)
    earliest = np.zeros(n_words, dtype=np.int64)  # the value for a word that no prose uses: never read
    if len(words):
        earliest[:] = position.max()
        np.minimum.at(earliest, words, position[word_unit])
    word_lead = np.zeros(n_words, dtype=bool)
    word_lead[g.word[lead[g.word_unit]]] = True
    log_frequency = np.zeros(n_words)
    for c in np.unique(frequency[frequency > 0]).tolist():
        log_frequency[frequency == c] = math.log(c)  # math.log per distinct count, as before
    word_values = np.column_stack([word_docs / n_docs, log_frequency, word_lead, 1 / (1 + earliest), word_docs > 1])
    pairs, pair_unit = g.pair[pair_in_prose], g.pair_unit[pair_in_prose]
    pair_docs = articles_using(pairs, docs[pair_unit], g.n_pairs)
    pair_lead = np.zeros(g.n_pairs, dtype=bool)
    pair_lead[g.pair[lead[g.pair_unit]]] = True
    pair_values = np.column_stack([pair_docs / n_docs, pair_lead])

    # Rows: eligible units, in their order; -1 for any other unit.
    row = np.full(len(units), -1, dtype=np.int64)
    row[eligible] = np.arange(len(eligible))
    n = len(eligible)
    token_row = row[g.word_unit]
    content = ~g.stop[g.word]
    n_content = np.bincount(token_row[token_row >= 0], weights=content[token_row >= 0], minlength=n)
    # A unit's content words, or all its words when none is a content word.
    use = (token_row >= 0) & (content | (n_content[np.maximum(token_row, 0)] == 0))
    word_means, _ = _in_row_order(word_values[g.word[use]], token_row[use], n)
    pair_row = row[g.pair_unit]
    pair_means, _ = _in_row_order(pair_values[g.pair[pair_row >= 0]], pair_row[pair_row >= 0], n)
    n_tokens = np.bincount(token_row[token_row >= 0], minlength=n)
    spread = np.zeros((n, 8))
    spread[:, [0, 1, 2, 3, 6]] = word_means
    spread[:, 4:6] = pair_means
    spread[:, 7] = 1 - np.where(n_content > 0, n_content, n_tokens) / np.maximum(n_tokens, 1)
    return spread


def _in_row_order(values: np.ndarray, rows: np.ndarray, n_rows: int) -> tuple[np.ndarray, np.ndarray]:
    """means_per_row, with the occurrences grouped by row (each row's own order kept)."""
    order = np.argsort(rows, kind="stable")
    return means_per_row(values[order], rows[order], n_rows)
