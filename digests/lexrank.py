"""LexRank with sumy's arithmetic, vectorised.

sumy's LexRankSummarizer builds its similarity matrix with n² pure-Python cosine calls, each
recomputing both sentences' norms, and its idf with a scan of every sentence per term. Here the
same quantities come from one sparse matrix product: tf (count over the sentence's largest
count) times idf (log(n / (1 + df))), idf-modified cosine, a 0/1 adjacency above the threshold,
rows divided by their degree, and sumy's own power method. The adjacency is the same, so the
scores and the ranking are the same (tests/test_lexrank.py checks it on real articles).
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence

import numpy as np
from scipy import sparse
from sumy.summarizers.lex_rank import LexRankSummarizer

THRESHOLD = LexRankSummarizer.threshold
EPSILON = LexRankSummarizer.epsilon


def tfidf_matrix(sentences: Sequence[Sequence[str]]) -> sparse.csr_matrix:
    """Rows: sentences; columns: terms; values: sumy's tf (count / max count) times idf."""
    n = len(sentences)
    vocab: dict[str, int] = {}
    df: Counter[int] = Counter()
    rows, cols, vals = [], [], []
    for i, terms in enumerate(sentences):
        counts = Counter(terms)
        if not counts:
            continue
        top = max(counts.values())
        for term, c in counts.items():
            j = vocab.setdefault(term, len(vocab))
            df[j] += 1
            rows.append(i)
            cols.append(j)
            vals.append(c / top)
    idf = np.zeros(len(vocab))
    for j, d in df.items():
        idf[j] = math.log(n / (1 + d))
    m = sparse.csr_matrix((vals, (rows, cols)), shape=(n, len(vocab)))
    return sparse.csr_matrix(m.multiply(idf[np.newaxis, :]))


def cosine_matrix(weights: sparse.csr_matrix) -> np.ndarray:
    """Idf-modified cosine between every pair of rows; 0 where a row has no weight."""
    num = (weights @ weights.T).toarray()
    norms = np.sqrt(np.asarray(weights.multiply(weights).sum(axis=1)).ravel())
    with np.errstate(divide="ignore", invalid="ignore"):
        sim = num / np.outer(norms, norms)
    sim[~np.isfinite(sim)] = 0.0
    sim[norms == 0, :] = 0.0
    sim[:, norms == 0] = 0.0
    return sim


def transition_matrix(similarity: np.ndarray, threshold: float = THRESHOLD) -> np.ndarray:
    adjacency = (similarity > threshold).astype(float)
    degrees = adjacency.sum(axis=1)
    degrees[degrees == 0] = 1
    return adjacency / degrees[:, np.newaxis]


def lexrank_scores(
    sentences: Sequence[Sequence[str]], threshold: float = THRESHOLD, epsilon: float = EPSILON
) -> tuple[np.ndarray, np.ndarray]:
    """LexRank centrality of each sentence (given as its normalised, stemmed terms), and the
    cosine matrix it was computed from, which callers reuse for redundancy and attribution."""
    if not sentences:
        return np.zeros(0), np.zeros((0, 0))
    return lexrank_of_weights(tfidf_matrix(sentences), threshold, epsilon)


def lexrank_of_weights(weights: sparse.csr_matrix, threshold: float = THRESHOLD, epsilon: float = EPSILON) -> tuple[np.ndarray, np.ndarray]:
    """lexrank_scores from the sentences' tfidf_matrix, for a caller that needs the matrix too."""
    sim = cosine_matrix(weights)
    with np.errstate(invalid="ignore"):
        scores = LexRankSummarizer.power_method(transition_matrix(sim, threshold), epsilon)
    # All-zero weights (every term in n-1 sentences: idf 0) give 0/0, as in sumy; callers want 0.
    return np.nan_to_num(scores), sim


class FastLexRankSummarizer(LexRankSummarizer):
    """A drop-in sumy summarizer: sumy's LexRank, with the matrix computed as above."""

    def __call__(self, document, sentences_count):
        sentences_words = [self._to_words_set(s) for s in document.sentences]
        if not sentences_words:
            return ()
        scores, _ = lexrank_scores(sentences_words, self.threshold, self.epsilon)
        ratings = dict(zip(document.sentences, scores))
        return self._get_best_sentences(document.sentences, sentences_count, ratings)
