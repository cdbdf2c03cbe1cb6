"""Story clustering: group the documents that report the same event, across outlets and over time.

Each document becomes a TF-IDF vector over stemmed words and word pairs of its title (counted
`title_weight` times) and the lead of its text, page furniture left out. Words that the
collection writes capitalised in running text (names of people, places, firms) weigh more, so two
events of the same kind (two bankruptcies, two earthquakes) that share only topical words stay
apart. Pairwise cosine similarities decay with the time between two documents. Sections of one
live-blog article never link to each other directly: each joins its own story on the strength of
other articles.

Stories then form by agglomerative clustering with centroid linkage: the two groups whose summed
vectors are most alike merge, as long as that cosine reaches `threshold` and the two groups lie
within `window_hours` of each other. Centroid linkage compares a document with the whole of a
story, so it suits both a tight 2-article story and a loose 300-headline one. Two single articles
with body text may merge from a lower cosine (`pair_threshold`): a centroid averages out each
report's own wording, two lone reports have no centroid yet. The clustering is
incremental: stories given as `existing` keep their members and never merge with each other, but
new documents can join them.

Centroid linkage can chain two events of one kind through their shared topic words, so a second
stage splits a story whose members form two groups far less alike across than within."""

from __future__ import annotations

import heapq
import math
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache

import numpy as np
import scipy.sparse as sp
from nltk.stem.snowball import SnowballStemmer
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

from digests.filters import strip_furniture
from digests.model import Document


@dataclass(frozen=True)
class ClusterConfig:
    """One configuration for every data set. A deployment sets the first three in
    `config/default.toml` [stories], which documents them; the rest are the engine's constants,
    measured by `bench/bench_cluster_quality.py` and documented here."""

    threshold: float = 0.09
    window_hours: float = 72.0
    decay_hours: float = 72.0
    lead_words: int = 200
    # The headline is the densest statement of the event: its words count this many times.
    title_weight: int = 4
    proper_noun_boost: float = 1.0
    # IDF as if the collection sat among this many more documents that lack every word: in a
    # handful of articles on one subject, the subject's words would otherwise weigh nothing.
    background_documents: int = 30
    # Document pairs less alike than this count as unrelated: many faint links would otherwise
    # let a large story absorb everything on its topic.
    min_similarity: float = 0.05
    # Two single articles with body text merge from this cosine on, in a collection large enough
    # for IDF to tell names from topic words (`_pair_threshold`). Within a story a report lies closer
    # to the story's centroid, which averages out each report's own wording, than to any one other
    # report: two lone reports of one event meet at a lower cosine than a report and a story do.
    pair_threshold: float = 0.06
    # Second stage (_split_stories): a story whose members form two groups, each of two or more,
    # whose mean cosine across is below `split_ratio` times the (geometric) mean cosine within
    # them and below `split_max_across`, becomes two stories. The absolute bound keeps two sets of
    # near-copies (wire stories reprinted word for word) of one event together.
    split_ratio: float = 0.5
    split_max_across: float = 0.1
    # Documents with fewer words of body text than this are headline-only: the second stage and
    # `pair_threshold` leave them alone.
    split_min_words: int = 30


@dataclass(frozen=True)
class ExistingStory:
    """A story from an earlier run: its members stay together and keep `key` (and `headline`,
    when given, as long as no document joins it)."""

    key: str
    documents: tuple[Document, ...]
    headline: str = ""


@dataclass(frozen=True)
class StoryCluster:
    key: str | None  # the ExistingStory's key, or None for a new story
    headline: str
    documents: tuple[Document, ...]  # oldest first

    @property
    def latest(self) -> datetime | None:
        dates = [d.published for d in self.documents if d.published]
        return max(dates) if dates else None


def cluster(
    documents: Sequence[Document], existing: Sequence[ExistingStory] = (), config: ClusterConfig = ClusterConfig()
) -> list[StoryCluster]:
    """Cluster `documents` into stories, joining them to `existing` stories where they belong.

    Returns every story that holds at least one of `documents` or is in `existing`, oldest first.
    The result does not depend on the order of the inputs."""
    new = sorted(_unique(documents, existing), key=chronological)
    groups = [sorted(s.documents, key=chronological) for s in existing]
    docs = [d for g in groups for d in g] + new
    if not docs:
        return []
    # Nodes: one per existing story, then one per new document.
    node_of = np.concatenate([np.repeat(np.arange(len(groups)), [len(g) for g in groups]),
                              np.arange(len(groups), len(groups) + len(new))]).astype(np.int64)
    locked = [True] * len(groups) + [False] * len(new)
    X = vectorize(docs, config)
    hours = _hours(docs)
    S = similarities(X, hours, config, _articles(docs))
    texted = np.array([len(d.text.split()) >= config.split_min_words for d in docs], dtype=bool)
    labels = _agglomerate(S, node_of, locked, hours, config, texted)
    if config.split_ratio > 0:
        labels = _split_stories(X, labels, node_of, len(groups), _articles(docs), texted, config)

    stories: dict[int, list[int]] = {}
    for i, lab in enumerate(labels):
        stories.setdefault(int(lab), []).append(i)
    out = []
    for members in stories.values():
        node = next((int(node_of[i]) for i in members if node_of[i] < len(groups)), None)
        key = existing[node].key if node is not None else None
        members.sort(key=lambda i: chronological(docs[i]))
        unchanged = node is not None and existing[node].headline and len(members) == len(groups[node])
        headline = existing[node].headline if unchanged else best_headline(docs, members, X)
        out.append(StoryCluster(key, headline, tuple(docs[i] for i in members)))
    out.sort(key=lambda s: chronological(s.documents[0]))
    return out


# --- features -------------------------------------------------------------------------------

_WORD = re.compile(r"[^\W_]+(?:['’.\-][^\W_]+)*")
_STOP = frozenset(ENGLISH_STOP_WORDS) | {"s", "t", "said", "says", "say"}
_STEM = SnowballStemmer("english")
# Lines or sentences that evidence whether a word is written capitalised in running text.
_SENTENCES = re.compile(r"(?<=[.!?:;\"“”])\s+|\n+")


@lru_cache(maxsize=200_000)
def _stem(word: str) -> str:
    return _STEM.stem(word)


def _words(text: str) -> list[str]:
    return _WORD.findall(text)


def tokens(text: str) -> list[str]:
    """Stemmed, lower-cased content words; possessives and dotted initialisms folded ("U.S." -> "us")."""
    out = []
    for w in _words(text):
        w = w.lower().replace("’", "'")
        if w.endswith("'s"):
            w = w[:-2]
        w = w.replace(".", "").replace("'", "")
        if w and w not in _STOP:
            out.append(_stem(w))
    return out


@lru_cache(maxsize=200_000)
def _first_token(word: str) -> str | None:
    # Cached: every word of every open story's lead is read again after each poll.
    found = tokens(word)
    return found[0] if found else None


def _grams(toks: list[str]) -> list[str]:
    return toks + [f"{a} {b}" for a, b in zip(toks, toks[1:])]


def lead(doc: Document, config: ClusterConfig) -> str:
    """The first `lead_words` words of the text, page furniture left out: texts that were not
    cleaned on the way in (the `cluster` command's files) carry "file photo", "advertisement
    continue reading the main story" or a newsletter box, and two reports of different events
    must not meet on those. Of a photo caption only its label goes; what it shows stays."""
    head = " ".join(doc.text.split()[: 2 * config.lead_words])  # room for what the furniture took
    return _lead_of(head, config.lead_words)


@lru_cache(maxsize=8192)
def _lead_of(head: str, words: int) -> str:
    # Cached: the bot clusters the open stories' documents again after every poll, and the
    # furniture filter was most of the time (4 of 12 s for 3,000 documents). At most about 30 MB
    # (a head is 400 words); more open documents than this and the cache stops helping.
    return " ".join(strip_furniture(head).split()[:words])


def features(doc: Document, lead_text: str, config: ClusterConfig) -> list[str]:
    return _grams(tokens(doc.title)) * config.title_weight + _grams(tokens(lead_text))


def proper_noun_weights(docs: Iterable[Document], leads: Iterable[str]) -> Counter:
    """How often each stem is capitalised where a lower-case spelling was possible: words inside
    sentence-case lines (a title-case headline capitalises everything and says nothing)."""
    cap: Counter = Counter()
    low: Counter = Counter()
    for d, lead_text in zip(docs, leads):
        for line in _SENTENCES.split(f"{d.title}\n{lead_text}"):
            words = [w for w in _words(line) if w[0].isalpha()]
            if len(words) < 3 or sum(w[0].isupper() for w in words) > 0.6 * len(words):
                continue
            for w in words[1:]:
                if w.isupper() and len(w) > 1:
                    continue  # shouting or an acronym: no casing evidence
                if t := _first_token(w):
                    (cap if w[0].isupper() else low)[t] += 1
    return Counter({t: cap[t] / (cap[t] + low[t] + 1) for t in cap})


def vectorize(docs: Sequence[Document], config: ClusterConfig) -> sp.csr_matrix:
    """L2-normalised TF-IDF rows (sublinear term frequency, IDF over `docs` and a background)."""
    vocab: dict[str, int] = {}
    rows, cols, vals = [], [], []
    leads = [lead(d, config) for d in docs]  # once: the furniture filter is the costly part
    for i, d in enumerate(docs):
        for f, c in Counter(features(d, leads[i], config)).items():
            rows.append(i)
            cols.append(vocab.setdefault(f, len(vocab)))
            vals.append(1.0 + math.log(c))
    n = len(docs)
    X = sp.csr_matrix((vals, (rows, cols)), shape=(n, len(vocab)), dtype=np.float64)
    df = np.bincount(X.indices, minlength=len(vocab))
    weight = np.log((1 + n + config.background_documents) / (1 + df)) + 1.0
    if config.proper_noun_boost:
        proper = proper_noun_weights(docs, leads)
        boost = np.ones(len(vocab))
        for f, j in vocab.items():
            p = max(proper.get(part, 0.0) for part in f.split(" "))
            boost[j] += config.proper_noun_boost * p
        weight *= boost
    X = X @ sp.diags(weight)
    norms = np.sqrt(np.asarray(X.multiply(X).sum(axis=1)).ravel())
    norms[norms == 0] = 1.0
    return sp.csr_matrix(sp.diags(1.0 / norms) @ X)


# --- similarity and clustering --------------------------------------------------------------


def _hours(docs: Sequence[Document]) -> np.ndarray:
    return np.array([d.published.timestamp() / 3600 if d.published else np.nan for d in docs])


DAY_SLACK = 24.0
# Larger stories skip the second stage (its dense n x n cosines); none of the checks comes close.
SPLIT_MAX_MEMBERS = 2000
# Document pairs are compared up to this many windows apart: a story that has grown over several
# days compares a new article with all of its members, not only the ones within one window.
HORIZON_WINDOWS = 2.0


def time_gaps(hours: np.ndarray, i: np.ndarray, j: np.ndarray) -> np.ndarray:
    """Hours between documents i and j (NaN when either date is unknown). A date given without a
    time of day (stored as midnight) may mean any hour of that day in any time zone, so each such
    date forgives 24 hours."""
    gap = np.abs(hours[i] - hours[j])
    slack = DAY_SLACK * ((hours[i] % 24 == 0).astype(float) + (hours[j] % 24 == 0))
    return np.maximum(gap - slack, 0.0)


def _articles(docs: Sequence[Document]) -> np.ndarray:
    """Per document, a number shared by the sections of one article (-1 for a whole article)."""
    ids: dict[str, int] = {}
    return np.array([ids.setdefault(d.section_of, len(ids)) if d.section_of else -1 for d in docs])


def similarities(X: sp.csr_matrix, hours: np.ndarray, config: ClusterConfig, articles: np.ndarray | None = None,
                 block: int = 2000) -> sp.csr_matrix:
    """Upper-triangular sparse matrix of the time-decayed cosines, e^(-hours apart / decay_hours)
    times the cosine, at or above `min_similarity` between documents published within
    HORIZON_WINDOWS windows of each other; computed in row blocks so memory stays bounded.
    Two sections of one article (same `articles` number >= 0) have no link of their own: the
    splitter already judged them to be about different things, and words the whole article shares
    (its author's turns of phrase, its subject) would otherwise pull them together."""
    n = X.shape[0]
    XT = X.T.tocsc()
    parts = []
    for start in range(0, n, block):
        B = sp.triu(X[start : start + block] @ XT, k=start + 1).tocoo()
        i, j, v = B.row + start, B.col, B.data
        gap = time_gaps(hours, i, j)
        known = ~np.isnan(gap)
        v = v.copy()
        v[known] *= np.exp(-gap[known] / config.decay_hours)
        if articles is not None:
            v[(articles[i] == articles[j]) & (articles[i] >= 0)] = 0.0
        keep = (v >= config.min_similarity) & ~(known & (gap > HORIZON_WINDOWS * config.window_hours))
        parts.append(sp.coo_matrix((v[keep], (i[keep], j[keep])), shape=(n, n)))
    return sp.csr_matrix(sum(parts[1:], parts[0]))


def _pair_threshold(n: int, config: ClusterConfig) -> float:
    """The threshold for two lone reports with body text among `n` documents: `pair_threshold`
    weighed against `threshold` by the share of real documents in the IDF (the `n` ones and the
    `background_documents` imagined). In a handful of articles every shared word looks rare (two first
    reports of two earthquakes share "magnitude", "struck", "tsunami" at nearly the weight of a
    name), so there two lone reports need the full threshold; among hundreds, topic words have
    shown up elsewhere and weigh little."""
    real = n / (n + config.background_documents)
    return min(config.threshold, config.threshold - (config.threshold - config.pair_threshold) * real)


def _agglomerate(S: sp.csr_matrix, node_of: np.ndarray, locked: list[bool], hours: np.ndarray,
                 config: ClusterConfig, texted: np.ndarray | None = None) -> np.ndarray:
    """Centroid-linkage agglomeration over the sparse similarities. Node k starts as the documents
    with node_of == k. cos(A, B) = W(A,B) / sqrt(W(A,A) W(B,B)) where W sums document similarities
    (self-similarity 1), so a merge only needs sums: W(A+B, C) = W(A,C) + W(B,C). Two groups merge
    only when their time spans lie within `window_hours` of each other, from a cosine of `threshold`
    on, or of _pair_threshold() for two single documents with body text (`texted`)."""
    k = len(locked)
    M = sp.csr_matrix((np.ones(len(node_of)), (node_of, np.arange(len(node_of)))), shape=(k, len(node_of)))
    full = S + S.T
    W = (M @ full @ M.T).tocoo()
    wself = W.diagonal() + np.bincount(node_of, minlength=k).astype(np.float64)
    W = sp.triu(W, k=1).tocoo()
    nb: list[dict[int, float]] = [{} for _ in range(k)]
    for a, b, w in zip(W.row.tolist(), W.col.tolist(), W.data.tolist()):
        nb[a][b] = w
        nb[b][a] = w
    span_lo = np.full(k, np.inf)
    span_hi = np.full(k, -np.inf)
    known = ~np.isnan(hours)
    np.minimum.at(span_lo, node_of[known], hours[known])
    np.maximum.at(span_hi, node_of[known], hours[known])
    lo, hi, ws, lock = span_lo.tolist(), span_hi.tolist(), wself.tolist(), list(locked)
    window, threshold = config.window_hours, config.threshold
    pair_threshold = _pair_threshold(len(node_of), config)
    lowest = min(threshold, pair_threshold)
    # Nodes that hold a single document with body text; a merge makes a node a group.
    if texted is None:
        texted = np.zeros(len(node_of), dtype=bool)
    count = np.bincount(node_of, minlength=k)
    lone = ((count == 1) & (np.bincount(node_of, weights=texted.astype(float), minlength=k) == 1)).tolist()
    version = [0] * k
    parent = list(range(k))

    def gap(a: int, b: int) -> float:
        """Hours between two groups' time spans (0 when they overlap or a date is unknown)."""
        if lo[a] == math.inf or lo[b] == math.inf:
            return 0.0
        start, end = max(lo[a], lo[b]), min(hi[a], hi[b])
        # A date without a time of day forgives a day, as in time_gaps().
        hours = start - end - DAY_SLACK * ((start % 24 == 0) + (end % 24 == 0))
        return max(hours, 0.0)

    def linkage(a: int, b: int, w: float) -> float:
        """Centroid cosine; -1 where the two may not merge (two earlier stories, or too far apart)."""
        if (lock[a] and lock[b]) or gap(a, b) > window:
            return -1.0
        s = w / math.sqrt(ws[a] * ws[b])
        return s if s >= (pair_threshold if lone[a] and lone[b] else threshold) else -1.0

    def root(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    heap = []
    for a in range(k):
        for b, w in nb[a].items():
            if a < b:
                s = linkage(a, b, w)
                if s >= lowest:
                    heap.append((-s, a, b, 0, 0))
    heapq.heapify(heap)
    while heap:
        _, a, b, va, vb = heapq.heappop(heap)
        if version[a] != va or version[b] != vb or parent[a] != a or parent[b] != b:
            continue
        # Fold the node with fewer neighbours into the other.
        if len(nb[a]) < len(nb[b]):
            a, b = b, a
        w_ab = nb[a].pop(b)
        del nb[b][a]
        for c, w in nb[b].items():
            del nb[c][b]
            nb[a][c] = nb[c][a] = nb[a].get(c, 0.0) + w
        nb[b] = {}
        parent[b] = a
        ws[a] += ws[b] + 2 * w_ab
        lo[a], hi[a], lock[a] = min(lo[a], lo[b]), max(hi[a], hi[b]), lock[a] or lock[b]
        lone[a] = False
        version[a] += 1
        version[b] += 1
        for c, w in nb[a].items():
            s = linkage(a, c, w)
            if s >= lowest:
                x, y = (a, c) if a < c else (c, a)
                heapq.heappush(heap, (-s, x, y, version[x], version[y]))

    return np.array([root(int(n)) for n in node_of])


def _split_stories(X: sp.csr_matrix, labels: np.ndarray, node_of: np.ndarray, n_locked: int,
                   articles: np.ndarray, texted: np.ndarray, config: ClusterConfig) -> np.ndarray:
    """Second stage: split each story in two while its members form two groups that are much less
    alike across than within. Centroid linkage can chain two events of one kind (two Senate votes,
    two court dates of one star) through their shared topic words; the members' own pairwise
    cosines show two dense groups. The cosines here are not time-decayed (a story that grows over
    days is one event, however far apart its reports) and two sections of one article are not
    compared (they were split apart on purpose). Only stories whose members all carry body text
    are checked: a headline alone has too few words to measure how alike two reports are."""
    from scipy.cluster.hierarchy import fcluster, linkage
    from scipy.spatial.distance import squareform

    labels = labels.copy()
    fresh = int(labels.max()) + 1
    todo = [np.flatnonzero(labels == lab) for lab in np.unique(labels)]
    while todo:
        members = todo.pop()
        if not 4 <= len(members) <= SPLIT_MAX_MEMBERS or not texted[members].all():
            continue
        rows = X[members]
        sim = np.clip((rows @ rows.T).toarray(), 0.0, 1.0)
        dist = 1.0 - sim
        np.fill_diagonal(dist, 0.0)
        a = fcluster(linkage(squareform(dist, checks=False), method="average"), 2, criterion="maxclust") == 1
        if min(a.sum(), (~a).sum()) < 2:
            continue
        locked = node_of[members] < n_locked
        if (locked & a).any() and (locked & ~a).any():
            continue  # an earlier story's members stay together
        art = articles[members]
        compared = (art[:, None] != art[None, :]) | (art[:, None] < 0)
        np.fill_diagonal(compared, False)

        def mean(rows_: np.ndarray, cols_: np.ndarray) -> float:
            ok = compared[np.ix_(rows_, cols_)]
            return float(sim[np.ix_(rows_, cols_)][ok].mean()) if ok.any() else 0.0

        within = math.sqrt(mean(a, a) * mean(~a, ~a))
        if mean(a, ~a) < min(config.split_ratio * within, config.split_max_across):
            labels[members[~a]] = fresh
            fresh += 1
            todo += [members[a], members[~a]]
    return labels


# --- headlines ------------------------------------------------------------------------------


def best_headline(docs: Sequence[Document], members: Sequence[int], X: sp.csr_matrix) -> str:
    """The title that best represents the story: closest to the story's centroid, preferring
    complete titles of a readable length; ties go to the earliest document."""
    rows = X[list(members)]
    # Kept sparse: a dense centroid is as long as the whole vocabulary, for every story.
    centroid = sp.csr_matrix(np.ones((1, rows.shape[0]))) @ rows
    norm = math.sqrt(centroid.multiply(centroid).sum()) or 1.0
    closeness = np.asarray((rows @ centroid.T).todense()).ravel() / norm
    best, best_score = "", -math.inf
    for i, score in zip(members, closeness.tolist()):
        title = " ".join(docs[i].title.split())
        if not title:
            continue
        words = len(title.split())
        if words < 4 or words > 20:
            score -= 0.2
        if title.endswith(("...", "…")):
            score -= 0.3
        if score > best_score + 1e-12:
            best, best_score = title, score
    if best:
        return best
    first = " ".join(docs[members[0]].text.split()[:12])
    return first + ("…" if first else "(untitled)")


# --- helpers --------------------------------------------------------------------------------


def chronological(d: Document) -> tuple:
    """Sort key: oldest first, undated last, then by id."""
    return (d.published is None, d.published.timestamp() if d.published else 0.0, d.id)


def _unique(documents: Iterable[Document], existing: Sequence[ExistingStory]) -> list[Document]:
    """Drop repeated ids and ids that already belong to an existing story."""
    seen = {d.id for s in existing for d in s.documents}
    out = []
    for d in documents:
        if d.id not in seen:
            seen.add(d.id)
            out.append(d)
    return out
