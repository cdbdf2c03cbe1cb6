"""The project's own sentence selector: the best set of sentences within a word budget.

A sentence's value: sumy's LexRank centrality (vectorised), a prior for its position in its
article, cross-source support (the share of the other articles stating the same thing, and the
share of its words and word pairs that other articles use), a learned estimate, and the bigram
concepts it covers, each weighted by the number of articles using it and counted once however
many chosen sentences carry it. Filtered sentences never compete; two sentences too similar are
never both chosen (the same fact is never said twice); one that opens by pointing back ("He
added", "Such...") is worth less. The set is solved exactly (covered concepts plus relevance per
word, among the most relevant sentences; digests/coverage.py), or greedily by gain per word when
the solver runs out of time or `solver="greedy"`."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy as np
from scipy import sparse

from digests.coverage import best_subset
from digests.filters import headline_terms, reject_reason
from digests.grams import articles_using, story_grams
from digests.lexrank import lexrank_of_weights, tfidf_matrix
from digests.model import Document
from digests.sentence_model import SentenceModel, sentence_features, shipped_model
from digests.units import STOP_WORDS, Unit


@dataclass(frozen=True)
class SelectorConfig:
    centrality: float = 1.0
    position: float = 1.0
    support: float = 1.0
    concepts: float = 2.0
    support_similarity: float = 0.3  # cosine at which another article counts as stating the fact
    redundancy: float = 0.3  # never add a sentence this similar (cosine) to one already chosen
    # Gain per word^power: a little in favour of dense sentences. Higher powers prefer short
    # sentences and cost recall at 100 words (Multi-News clusters of 3+ articles: -1.9 R-1 at 0.5).
    length_power: float = 0.2
    min_concept_docs: int = 2
    phrase_support: float = 1.0  # share of the sentence's words and word pairs other articles use
    dangling: float = 0.5  # gain multiplier for a sentence opening with a word that points back
    learned: float = 1.0  # weight of the learned estimate (digests/sentence_model.py), standardised per story
    # "ilp": the exact best set (digests/coverage.py) of covered concepts + relevance per word,
    # among the `pool` most relevant sentences that fit; "greedy": gain per word^length_power.
    # The solver falls back to the greedy choice when it has no proven optimum within `node_limit`
    # branch-and-bound nodes: a bound on work, not time, so that a summary never depends on how
    # busy the machine is (the evaluation proxies' 442 problems need at most 1 node). `time_limit`
    # is only a safety net for a starved machine; these problems take 0.01-0.08 s on an idle core.
    solver: str = "ilp"
    pool: int = 20
    ilp_relevance: float = 0.7  # weight of a chosen sentence's relevance per word, against `concepts`
    node_limit: int = 1000
    time_limit: float = 5.0  # s
    # A digest's story that has grown over days tells its latest development: a sentence of the
    # articles of its newest day is always chosen (select()). Off for evaluation, whose clusters
    # are summarised as a whole; the digest turns it on (digests/digest.py).
    latest: bool = False
    # Sentences a channel was already sent for this story (digests/digest.py): never chosen
    # again, so a story that grew tells what is new rather than its earlier summary once more.
    said: frozenset[str] = frozenset()
    # A digest quotes whole sentences whatever the algorithm: with it on, a plain sumy ranking
    # skips headings, furniture and sentences cut off (filters.may_stand_in). Off for evaluation,
    # whose baselines are sumy as it is.
    whole_sentences: bool = False


DEFAULT = SelectorConfig()


@dataclass
class Features:
    eligible: np.ndarray  # indices into units
    centrality: np.ndarray
    position: np.ndarray
    support: np.ndarray
    phrase_support: np.ndarray
    similarity: np.ndarray  # cosine between eligible sentences
    weights: sparse.csr_matrix  # their tf-idf rows (sumy's weighting), which the cosines come from


def bigrams(unit: Unit) -> set[tuple[str, str]]:
    t = unit.tokens
    return {(a, b) for a, b in zip(t, t[1:]) if not (a in STOP_WORDS and b in STOP_WORDS)}


_POINTS_BACK = frozenset(
    "such this these that those it its he she they them his her their but however also and yet "
    "meanwhile still instead then there".split()
)


# Openers that point back though their first word alone need not ("Since 2011, ..." stands alone).
_POINTS_BACK_PHRASES = ("since then", "after that", "by then", "before that", "even so", "at the time,", "as a result,", "in response,")


# The marks a sentence opening with a quotation starts with (the LDC's `` is “ by now).
OPENING_QUOTES = "\"“'‘"


def stands_alone(text: str) -> bool:
    """Whether a sentence opens without pointing back at one before it ("He added", "Since then")."""
    opening = text.lstrip(OPENING_QUOTES + "(").lower()
    first = opening.split(" ", 1)[0].strip(",;:")
    return first not in _POINTS_BACK and not opening.startswith(_POINTS_BACK_PHRASES)


def concept_matrix(units: Sequence[Unit], min_docs: int) -> tuple[sparse.csr_matrix, np.ndarray]:
    """Sentences x bigrams (0/1), and each bigram's weight: the number of articles using it,
    or 0 below `min_docs` (capped by the number of articles)."""
    rows, cols, n_bigrams = _bigram_entries(units)
    m = sparse.csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(len(units), n_bigrams))
    docs = np.array([u.doc for u in units], dtype=np.int64)
    need = min(min_docs, len(set(docs.tolist())))
    used_by = articles_using(cols, docs[rows], n_bigrams).astype(float)
    return m, np.where(used_by >= need, used_by, 0.0)


def _bigram_entries(units: Sequence[Unit]) -> tuple[np.ndarray, np.ndarray, int]:
    """The (sentence, bigram) pairs of `bigrams`, each once, with numpy over token ids: the
    sentences' rows, the bigrams' columns (numbered in order of first use), their number."""
    g = story_grams(units)
    kept = ~(g.stop[g.pair_words[:, 0]] & g.stop[g.pair_words[:, 1]])[g.pair]
    pair, unit = g.pair[kept], g.pair_unit[kept]
    if len(pair) == 0:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64), 0
    distinct, first = np.unique(unit * g.n_pairs + pair, return_index=True)
    rows, pairs = np.divmod(distinct[np.argsort(first)], g.n_pairs)
    used, first_use, column = np.unique(pairs, return_index=True, return_inverse=True)
    rank = np.empty(len(used), dtype=np.int64)
    rank[np.argsort(first_use)] = np.arange(len(used))
    return rows, rank[column.ravel()], len(used)


def features(units: Sequence[Unit], documents: Sequence[Document], config: SelectorConfig) -> Features:
    titles = headline_terms(d.title for d in documents)
    eligible = np.array([i for i, u in enumerate(units) if reject_reason(u, titles) is None and u.text not in config.said], dtype=int)
    if len(eligible) == 0:
        z = np.zeros(0)
        return Features(eligible, z, z, z, z, np.zeros((0, 0)), sparse.csr_matrix((0, 0)))
    weights = tfidf_matrix([units[i].terms for i in eligible])
    cent, sim = lexrank_of_weights(weights)
    cent = cent / cent.max() if cent.max() > 0 else cent
    position = np.array([1.0 / math.sqrt(1 + units[i].position) for i in eligible])
    docs = np.array([units[i].doc for i in eligible])
    n_docs = len({u.doc for u in units})
    support = np.zeros(len(eligible))
    if n_docs > 1:
        for d in set(docs.tolist()):
            cols = docs == d
            # For each sentence, does article d (other than its own) state the same thing?
            best = sim[:, cols].max(axis=1)
            support += np.where(docs != d, best >= config.support_similarity, False)
        support /= n_docs - 1
    return Features(eligible, cent, position, support, _phrase_support(units, eligible), sim, weights)


def _phrase_support(units: Sequence[Unit], eligible: np.ndarray) -> np.ndarray:
    """For each sentence: the mean share of its words, and of its word pairs, that appear in
    other articles of the story (in at least two articles, its own being one)."""
    g = story_grams(units)
    docs = np.array([u.doc for u in units], dtype=np.int64)
    shares = []
    for ids, unit, n_ids in ((g.word, g.word_unit, len(g.words)), (g.pair, g.pair_unit, g.n_pairs)):
        shared = articles_using(ids, docs[unit], n_ids) > 1
        used = np.bincount(unit, weights=shared[ids], minlength=len(units))  # counts: exact in floats
        shares.append(used / np.maximum(np.bincount(unit, minlength=len(units)), 1))
    return ((shares[0] + shares[1]) / 2)[eligible]


@dataclass
class Scoring:
    """What choosing needs about a story's eligible sentences."""

    features: Features
    concepts: sparse.csr_matrix  # eligible sentences x bigrams
    weight: np.ndarray  # each bigram's weight (articles using it)
    max_gain: float
    standalone: np.ndarray  # 1, or config.dangling for a sentence that points back

    def learning_table(self, units: Sequence[Unit]) -> np.ndarray:
        """The sentence model's features for the eligible sentences."""
        f = self.features
        gain = self.concepts @ self.weight / self.max_gain
        return sentence_features(units, f.eligible, f.centrality, f.position, f.support, f.phrase_support, gain, self.standalone, f.weights)


def scoring(units: Sequence[Unit], documents: Sequence[Document], config: SelectorConfig = DEFAULT) -> Scoring:
    f = features(units, documents, config)
    eligible = [units[i] for i in f.eligible]
    # Concepts: bigrams weighted by the number of articles that use them (cross-source support
    # at the level of phrases); each counts once, however many chosen sentences carry it.
    concepts, weight = concept_matrix(eligible, config.min_concept_docs)
    max_gain = float((concepts @ weight).max()) if len(eligible) else 1.0
    # "Such defections...", "He added...", "But...": the sentence needs the one before it.
    standalone = np.array([1.0 if stands_alone(u.text) else config.dangling for u in eligible])
    return Scoring(f, concepts, weight, max_gain or 1.0, standalone)


def select(
    units: Sequence[Unit],
    documents: Sequence[Document],
    words: int,
    config: SelectorConfig = DEFAULT,
    model: SentenceModel | None = None,
) -> list[int]:
    """Indices into `units` of the chosen sentences, the most valuable first. `model` defaults
    to the shipped sentence model."""
    s = scoring(units, documents, config)
    f = s.features
    n = len(f.eligible)
    if n == 0:
        return []
    relevance = (
        config.centrality * f.centrality
        + config.position * f.position
        + config.support * f.support
        + config.phrase_support * f.phrase_support
    )
    if config.learned and n > 1:
        estimate = (model or shipped_model()).predict(s.learning_table(units))
        relevance = relevance + config.learned * (estimate - estimate.mean()) / (estimate.std() or 1.0)

    lengths = np.array([units[i].n_words for i in f.eligible], dtype=float)
    newest = _newest_day(units, f.eligible, documents) if config.latest else np.zeros(n, dtype=bool)
    chosen = _choose(s, relevance, lengths, words, config)
    if newest.any() and not newest[chosen].any():
        # The newest day's news is its articles' lead: their earliest sentence that fits (the
        # most relevant among equals), then the best set around it. It comes last: what the
        # story was about opens the summary.
        fits = np.flatnonzero(newest & (lengths <= words))
        if len(fits):
            lead = int(min(fits, key=lambda i: (units[f.eligible[i]].position, -relevance[i])))
            rest_scoring, rest_lengths = _taken(s, lead, lengths, config)
            chosen = [*_choose(rest_scoring, relevance, rest_lengths, words - int(lengths[lead]), config), lead]
    return [int(f.eligible[i]) for i in chosen]


def _choose(s: Scoring, relevance: np.ndarray, lengths: np.ndarray, words: int, config: SelectorConfig) -> list[int]:
    chosen = _exact(s, relevance, lengths, words, config) if config.solver == "ilp" else None
    return _greedy(s, relevance, lengths, words, config) if chosen is None else chosen


def _taken(s: Scoring, k: int, lengths: np.ndarray, config: SelectorConfig) -> tuple[Scoring, np.ndarray]:
    """The scoring and lengths once sentence k is taken: its concepts are covered, and it and the
    sentences too similar to it are out of the running (longer than any budget)."""
    weight = s.weight.copy()
    weight[s.concepts[k].indices] = 0.0
    out = s.features.similarity[k] >= config.redundancy
    out[k] = True
    return replace(s, weight=weight), np.where(out, np.inf, lengths)


def _newest_day(units: Sequence[Unit], eligible: np.ndarray, documents: Sequence[Document]) -> np.ndarray:
    """Which eligible sentences come from articles published within a day of the story's newest
    one, when the story spans more than a day (none otherwise)."""
    dates = [d.published for d in documents]
    known = [d for d in dates if d is not None]
    if not known or (max(known) - min(known)).total_seconds() <= 86400:
        return np.zeros(len(eligible), dtype=bool)
    newest = max(known)
    recent = [d is not None and (newest - d).total_seconds() <= 86400 for d in dates]
    return np.array([recent[units[i].doc] for i in eligible], dtype=bool)


def _gain(s: Scoring, relevance: np.ndarray, lengths: np.ndarray, weight: np.ndarray, config: SelectorConfig) -> np.ndarray:
    return s.standalone * (relevance + config.concepts * (s.concepts @ weight) / s.max_gain) / lengths**config.length_power


def _greedy(s: Scoring, relevance: np.ndarray, lengths: np.ndarray, words: int, config: SelectorConfig) -> list[int]:
    n = len(lengths)
    weight = s.weight.copy()
    chosen: list[int] = []
    left = words
    available = np.ones(n, dtype=bool)
    while True:
        available &= lengths <= left
        if not available.any():
            break
        gain = _gain(s, relevance, lengths, weight, config)
        gain[~available] = -np.inf
        best = int(np.argmax(gain))
        chosen.append(best)
        weight[s.concepts[best].indices] = 0.0  # covered now
        left -= int(lengths[best])
        available[best] = False
        available &= s.features.similarity[best] < config.redundancy
    return chosen


def _exact(s: Scoring, relevance: np.ndarray, lengths: np.ndarray, words: int, config: SelectorConfig) -> list[int] | None:
    """The best set by coverage.best_subset, best sentence first (by the greedy gain), or None
    when the solver gives up."""
    pool = np.flatnonzero(lengths <= words)
    if len(pool) > config.pool:
        # Only the most relevant sentences compete: bounds the solver's time on long stories.
        pool = np.sort(pool[np.argsort(-relevance[pool], kind="stable")[: config.pool]])
    if len(pool) == 0:
        return []
    length = lengths[pool]
    # Relevance per word, so that a sentence is worth what it adds to the summary's words; one
    # that points back keeps less of its value (or loses more).
    bonus = config.ilp_relevance * relevance[pool] * length / length.mean()
    standalone = s.standalone[pool]
    bonus = np.where(bonus > 0, bonus * standalone, bonus / standalone)
    similar = np.triu(s.features.similarity[np.ix_(pool, pool)] >= config.redundancy, 1)
    conflicts = np.argwhere(similar)
    picked = best_subset(length, s.concepts[pool], config.concepts * s.weight / s.max_gain, bonus, words, conflicts, config.time_limit, config.node_limit)
    if picked is None:
        return None
    chosen = pool[picked]
    gain = _gain(s, relevance, lengths, s.weight, config)
    return [int(i) for i in chosen[np.argsort(-gain[chosen], kind="stable")]]
