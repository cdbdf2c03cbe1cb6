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
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from functools import lru_cache
from itertools import chain

import numpy as np
from scipy import sparse
from sumy.summarizers.lex_rank import LexRankSummarizer
from threadpoolctl import ThreadpoolController

THRESHOLD = LexRankSummarizer.threshold
EPSILON = LexRankSummarizer.epsilon


def tfidf_matrix(sentences: Sequence[Sequence[str]]) -> sparse.csr_matrix:
    """Rows: sentences; columns: terms (numbered in order of first use); values: sumy's tf
    (count / max count) times idf. A row's entries are in the order of its terms' first use,
    which fixes the order of every later sum over them."""
    n = len(sentences)
    flat = list(chain.from_iterable(sentences))
    vocab = {term: j for j, term in enumerate(dict.fromkeys(flat))}
    lengths = np.fromiter(map(len, sentences), dtype=np.int64, count=n)
    keys = np.repeat(np.arange(n, dtype=np.int64), lengths) * max(len(vocab), 1)
    keys += np.fromiter(map(vocab.__getitem__, flat), dtype=np.int64, count=len(flat))
    # Each (sentence, term) once, where the sentence first uses the term, with its count.
    distinct, first, counts = np.unique(keys, return_index=True, return_counts=True)
    order = np.argsort(first)
    rows, cols = np.divmod(distinct[order], max(len(vocab), 1))
    counts = counts[order]
    top = np.zeros(n, dtype=np.int64)
    np.maximum.at(top, rows, counts)
    vals = counts / top[rows]
    df = np.bincount(cols, minlength=len(vocab))
    idf = np.zeros(len(vocab))
    for d in np.unique(df).tolist():
        idf[df == d] = math.log(n / (1 + d))
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
    with np.errstate(invalid="ignore"), _one_blas_thread():
        scores = LexRankSummarizer.power_method(transition_matrix(sim, threshold), epsilon)
    # All-zero weights (every term in n-1 sentences: idf 0) give 0/0, as in sumy; callers want 0.
    return np.nan_to_num(scores), sim


_BLAS_LIMIT = threading.Lock()


@lru_cache(maxsize=1)
def _blas() -> ThreadpoolController:
    return ThreadpoolController()


@contextmanager
def _one_blas_thread() -> Iterator[None]:
    """The power method's products on one BLAS thread. OpenBLAS splits a product of more than
    ~460,000 entries (a story of ~680 sentences) between threads; waking them cost 10-40 ms a
    product on a busy 2-core machine, against 0.1 ms on one, and the split changes the last bit
    of a few scores with the machine's number of cores. Smaller products use one thread anyway,
    so their scores are unchanged. The limit is process-wide while it lasts: the lock keeps two
    summaries from restoring it under each other."""
    with _BLAS_LIMIT, _blas().limit(limits=1, user_api="blas"):
        yield


class FastLexRankSummarizer(LexRankSummarizer):
    """A drop-in sumy summarizer: sumy's LexRank, with the matrix computed as above."""

    def __call__(self, document, sentences_count):
        sentences_words = [self._to_words_set(s) for s in document.sentences]
        if not sentences_words:
            return ()
        scores, _ = lexrank_scores(sentences_words, self.threshold, self.epsilon)
        ratings = dict(zip(document.sentences, scores))
        return self._get_best_sentences(document.sentences, sentences_count, ratings)
