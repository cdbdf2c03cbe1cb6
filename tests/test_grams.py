"""The selector's word statistics, computed with numpy over token ids (digests/grams.py), equal
their definitions written as plain loops over sentences and sets of words, bit for bit."""

import math
from collections import Counter

import numpy as np
import pytest

from digests.grams import articles_using, means_per_row, story_grams
from digests.selector import _phrase_support, bigrams, concept_matrix, scoring
from digests.sentence_model import _word_spread
from digests.units import STOP_WORDS, split_documents
from tests.conftest import SHARED
from tests.summaries import seed_documents
from tests.test_summarize import QUAKE


def stories():
    yield "seed corpus", seed_documents()
    yield "quake", QUAKE
    path = SHARED / "eval" / "multiling2011.jsonl"
    if path.is_file():
        from bot.offline import read_clusters

        for c in read_clusters(path):
            yield c.id, c.documents


def phrase_support_by_loops(units, eligible):
    per_doc = {}
    for u in units:
        t = u.tokens
        per_doc.setdefault(u.doc, set()).update(t, zip(t, t[1:]))
    doc_freq = Counter(g for grams in per_doc.values() for g in grams)
    out = np.zeros(len(eligible))
    for k, i in enumerate(eligible):
        t = units[i].tokens
        pairs = list(zip(t, t[1:]))
        uni = sum(doc_freq[w] > 1 for w in t) / max(len(t), 1)
        bi = sum(doc_freq[p] > 1 for p in pairs) / max(len(pairs), 1)
        out[k] = (uni + bi) / 2
    return out


def word_spread_by_loops(units, eligible, n_docs):
    prose = [u for u in units if not u.is_heading]
    grams_of, frequency, earliest, lead = {}, Counter(), {}, set()
    for u in prose:
        pairs = list(zip(u.tokens, u.tokens[1:]))
        grams_of.setdefault(u.doc, set()).update(u.tokens, pairs)
        frequency.update(u.tokens)
        for w in u.tokens:
            earliest[w] = min(earliest.get(w, u.position), u.position)
        if u.position <= 1:
            lead.update(u.tokens, pairs)
    doc_freq = Counter(g for grams in grams_of.values() for g in grams)
    spread = np.zeros((len(eligible), 8))
    for k, i in enumerate(eligible):
        u = units[i]
        content = [w for w in u.tokens if w not in STOP_WORDS] or list(u.tokens)
        if content:
            values = [(doc_freq[w] / n_docs, math.log(frequency[w]), w in lead, 1 / (1 + earliest[w]), doc_freq[w] > 1) for w in content]
            spread[k, [0, 1, 2, 3, 6]] = np.array(values, dtype=float).mean(axis=0)
        pairs = list(zip(u.tokens, u.tokens[1:]))
        if pairs:
            spread[k, 4:6] = np.array([(doc_freq[p] / n_docs, p in lead) for p in pairs], dtype=float).mean(axis=0)
        spread[k, 7] = 1 - len(content) / max(len(u.tokens), 1)
    return spread


@pytest.mark.parametrize("name,documents", list(stories()), ids=lambda v: v if isinstance(v, str) else "")
def test_vectorised_statistics_equal_the_loops(name, documents):
    units = tuple(split_documents(documents))
    eligible = scoring(units, documents).features.eligible
    assert len(eligible) > 5
    n_docs = len({u.doc for u in units if not u.is_heading})
    np.testing.assert_array_equal(_phrase_support(units, eligible), phrase_support_by_loops(units, eligible))
    np.testing.assert_array_equal(_word_spread(units, eligible, n_docs), word_spread_by_loops(units, eligible, n_docs))
    # In another order, and for every unit, headings included.
    every = np.arange(len(units))[::-1]
    np.testing.assert_array_equal(_phrase_support(list(units), every), phrase_support_by_loops(units, every))


def concepts_by_loops(units, min_docs):
    rows_of, docs_of = {}, {}
    for r, u in enumerate(units):
        for g in bigrams(u):
            rows_of.setdefault(g, []).append(r)
            docs_of.setdefault(g, set()).add(u.doc)
    need = min(min_docs, len({u.doc for u in units}))
    return sorted((tuple(rows), float(len(docs_of[g]) if len(docs_of[g]) >= need else 0)) for g, rows in rows_of.items())


@pytest.mark.parametrize("name,documents", list(stories())[:3], ids=lambda v: v if isinstance(v, str) else "")
def test_concepts_are_the_bigrams_of_each_sentence(name, documents):
    units = split_documents(documents)
    m, weight = concept_matrix(units, 2)
    # Columns in any order: each bigram's sentences and weight.
    got = sorted((tuple(np.flatnonzero(col).tolist()), float(w)) for col, w in zip(m.toarray().T, weight))
    assert got == concepts_by_loops(units, 2) and m.max() == 1
    empty, no_weight = concept_matrix([], 2)
    assert empty.shape == (0, 0) and len(no_weight) == 0


def test_ids_counts_and_means():
    units = split_documents(seed_documents())
    g = story_grams(units)
    assert [g.words[i] for i in g.word[: len(units[0].tokens)]] == list(units[0].tokens)
    assert len(g.pair) == sum(max(len(u.tokens) - 1, 0) for u in units) == len(g.pair_unit)
    ids, docs = np.array([0, 0, 1, 1, 1, 3]), np.array([2, 2, 0, 1, 0, 5])
    assert articles_using(ids, docs, 5).tolist() == [1, 2, 0, 1, 0]
    assert articles_using(np.zeros(0, int), np.zeros(0, int), 2).tolist() == [0, 0]
    values = np.array([[0.1, 1.0], [0.2, 3.0], [0.7, 5.0]])
    means, count = means_per_row(values, np.array([0, 0, 2]), 3)
    np.testing.assert_array_equal(means, [values[:2].mean(axis=0), [0, 0], values[2]])
    assert count.tolist() == [2, 0, 1]
