"""Attribution: the article each summary sentence was taken from, plus the other articles that
state the same fact (a sentence of theirs at least `threshold` similar, idf-modified cosine)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from digests.lexrank import tfidf_matrix
from digests.units import Unit

CITATION_SIMILARITY = 0.5


def supporting_documents(
    units: Sequence[Unit], chosen: Sequence[int], threshold: float = CITATION_SIMILARITY
) -> list[tuple[int, ...]]:
    """For each chosen unit: its own document index first, then the other documents that state
    the same thing, most similar first."""
    if not chosen:
        return []
    weights = tfidf_matrix([u.terms for u in units])
    norms = np.sqrt(np.asarray(weights.multiply(weights).sum(axis=1)).ravel())
    norms[norms == 0] = np.inf
    sim = (weights[list(chosen)] @ weights.T).toarray() / np.outer(norms[list(chosen)], norms)
    docs = np.array([u.doc for u in units])
    prose = np.array([not u.is_heading for u in units])
    out = []
    for row, i in zip(sim, chosen):
        best: dict[int, float] = {}
        for j in np.flatnonzero((row >= threshold) & prose & (docs != units[i].doc)):
            d = int(docs[j])
            best[d] = max(best.get(d, 0.0), float(row[j]))
        out.append((units[i].doc, *sorted(best, key=lambda d: (-best[d], d))))
    return out
