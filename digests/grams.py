"""A story's tokens and adjacent token pairs as integer ids, so that statistics over the story
(articles using a word, its occurrences, its first position) and means per sentence are numpy
operations over arrays, not Python loops over sentences and sets of strings. The figures are
the same, bit for bit: counts are exact, and a mean per sentence adds its values in order."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from itertools import chain

import numpy as np

from digests.units import STOP_WORDS, Unit


@dataclass(frozen=True)
class Grams:
    words: list[str]  # distinct tokens; a word's id is its index here
    word: np.ndarray  # the id of every token, the units' tokens one after another
    word_unit: np.ndarray  # the unit each token belongs to
    pair: np.ndarray  # the id of every pair of adjacent tokens within a unit, in the same order
    pair_unit: np.ndarray
    n_pairs: int
    pair_words: np.ndarray  # each distinct pair's two word ids (n_pairs x 2)
    stop: np.ndarray  # for each distinct word: whether it is a stop word


_last: tuple = (None, None)  # (units, their Grams): the selector asks twice per story


def story_grams(units: Sequence[Unit]) -> Grams:
    global _last
    last = _last  # read once: another thread's story may replace it at any moment
    if last[0] is units:
        return last[1]
    g = _story_grams(units)
    if isinstance(units, tuple):  # a tuple of frozen units cannot change under the cache
        _last = (units, g)
    return g


def _story_grams(units: Sequence[Unit]) -> Grams:
    per_unit = [u.tokens for u in units]
    flat = list(chain.from_iterable(per_unit))
    words = list(dict.fromkeys(flat))
    index = {w: i for i, w in enumerate(words)}
    word = np.fromiter(map(index.__getitem__, flat), dtype=np.int64, count=len(flat))
    lengths = np.fromiter(map(len, per_unit), dtype=np.int64, count=len(per_unit))
    word_unit = np.repeat(np.arange(len(units)), lengths)
    within = word_unit[1:] == word_unit[:-1]
    pair_keys = word[:-1][within] * max(len(words), 1) + word[1:][within]
    distinct, pair = np.unique(pair_keys, return_inverse=True)
    pair_words = np.column_stack(np.divmod(distinct, max(len(words), 1)))
    stop = np.fromiter(map(STOP_WORDS.__contains__, words), dtype=bool, count=len(words))
    return Grams(words, word, word_unit, pair.ravel(), word_unit[1:][within], len(distinct), pair_words, stop)


def articles_using(ids: np.ndarray, docs: np.ndarray, n_ids: int) -> np.ndarray:
    """For each id below n_ids: the number of distinct articles among its occurrences
    (`docs`: the article of each occurrence)."""
    if len(ids) == 0:
        return np.zeros(n_ids, dtype=np.int64)
    span = int(docs.max()) + 1
    return np.bincount(distinct(ids * span + docs) // span, minlength=n_ids)


def distinct(keys: np.ndarray) -> np.ndarray:
    """np.unique(keys), by sorting: numpy 2.4's unique hashes integers, ~40x slower here."""
    s = np.sort(keys)
    return s[np.concatenate(([True], s[1:] != s[:-1]))] if len(s) else s


def means_per_row(values: np.ndarray, rows: np.ndarray, n_rows: int) -> tuple[np.ndarray, np.ndarray]:
    """The mean of `values` (one row per occurrence) for each of n_rows rows, occurrences added
    in order as numpy's mean of the row's values does; 0 for a row without any. Also the count."""
    total = np.zeros((n_rows, values.shape[1]))
    np.add.at(total, rows, values)
    count = np.bincount(rows, minlength=n_rows)
    return np.divide(total, count[:, None], out=np.zeros_like(total), where=count[:, None] > 0), count
