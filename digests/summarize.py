"""Extractive multi-document summaries within a word budget: the project's selector or any sumy
algorithm by name. Whole sentences only; the budget counts words as a reader does (runs of
non-space characters) and is never exceeded."""

from __future__ import annotations

import re
from collections.abc import Collection, Sequence
from dataclasses import dataclass

from digests.algorithms import ALGORITHMS, DEFAULT_ALGORITHM
from digests.filters import may_stand_in
from digests.model import Document
from digests.selector import DEFAULT, OPENING_QUOTES, SelectorConfig, select, stands_alone
from digests.sentence_model import SentenceModel
from digests.sumy_rank import sumy_ranking
from digests.units import Unit, split_documents

# "Protesters then threw dirt...": a "then" right after a short subject continues a sequence, a
# poor opening ("If it rains, then..." does not). Only the opener minds it: counted as pointing
# back in the selector too, it cost MultiLing 0.13 of R-2 at 250 words.
_THEN_AFTER_SUBJECT = re.compile(r"(?!(?:if|when|once|and|but|or)\b)(?:[\w'’.-]+ ){1,3}then ", re.IGNORECASE)


class UnknownAlgorithm(ValueError):
    def __init__(self, name: str):
        super().__init__(f"unknown algorithm {name!r}; choose one of: {', '.join(ALGORITHMS)}")


@dataclass(frozen=True)
class Extract:
    """The chosen sentences of a story, in reading order, with the units they came from."""

    units: tuple[Unit, ...]
    chosen: tuple[int, ...]  # indices into units

    @property
    def sentences(self) -> list[str]:
        return [self.units[i].text for i in self.chosen]

    @property
    def text(self) -> str:
        return " ".join(self.sentences)


def _introduced(units: Sequence[Unit], i: int, chosen: Collection[int]) -> bool:
    """Whether the sentence before unit i, in its article, is in the summary and ends in a colon
    that introduces unit i. A lead-in left out ("I just got this via facebook:") orders nothing."""
    return i - 1 in chosen and units[i - 1].doc == units[i].doc and units[i - 1].text.rstrip().endswith(":")


def fill_budget(units: Sequence[Unit], ranking: Sequence[int], words: int) -> list[int]:
    """Take sentences best first, skipping any that no longer fit."""
    chosen, left = [], words
    for i in ranking:
        if 0 < units[i].n_words <= left:
            chosen.append(i)
            left -= units[i].n_words
    return chosen


def summarize(
    documents: Sequence[Document],
    words: int,
    algorithm: str = DEFAULT_ALGORITHM,
    config: SelectorConfig = DEFAULT,
    units: Sequence[Unit] | None = None,
    model: SentenceModel | None = None,
) -> Extract:
    """Summarise a story (all its articles) in at most `words` words. `model`: the selector's
    sentence model, by default the shipped one."""
    if algorithm not in ALGORITHMS:
        raise UnknownAlgorithm(algorithm)
    units = tuple(units if units is not None else split_documents(documents))
    if words <= 0 or not units:
        return Extract(units, ())
    if algorithm == DEFAULT_ALGORITHM:
        chosen = select(units, documents, words, config, model)
        if not chosen:
            # Nothing passed the filters (a one-line story, say): lead sentences rather than nothing,
            # but never furniture or half a sentence (a page of boilerplate has nothing to say).
            leads = sorted((i for i, u in enumerate(units) if may_stand_in(u) and u.text not in config.said), key=lambda i: (units[i].position, i))
            chosen = fill_budget(units, leads, words)
        # The most valuable sentence that stands alone opens (not "Since then, ..."), a reported
        # one before a quotation or a step in a sequence, as a news lead would; the rest follow
        # as their articles tell them: place in the article first, then how early the sentence
        # was chosen.
        if chosen:
            rank = {i: r for r, i in enumerate(chosen)}
            # Not an opener either: what a chosen sentence ending in a colon introduces ("X said:").
            alone = [i for i in chosen if stands_alone(units[i].text) and not _introduced(units, i, rank)]
            leads = [i for i in alone if not units[i].text.startswith(tuple(OPENING_QUOTES)) and not _THEN_AFTER_SUBJECT.match(units[i].text)]
            if leads:
                # Within its article the writer's order reads best: a lead of the same article that
                # came earlier opens instead ("Londoners are commemorating..." before "A fourth bomb
                # exploded..."), if it is among the more valuable half of the summary.
                best = leads[0]
                opener = min((i for i in leads if units[i].doc == units[best].doc and (i == best or rank[i] < len(chosen) / 2)),
                             key=lambda i: units[i].position)
            else:
                # With no sentence that stands alone, the articles' own order reads best.
                opener = alone[0] if alone else min(chosen, key=lambda i: (units[i].position, rank[i]))
            chosen = [opener] + sorted((i for i in chosen if i != opener), key=lambda i: (units[i].position, rank[i]))
    else:
        # Plain sumy: its ranking within the budget, shown in document order as sumy does.
        ranking = [i for i in sumy_ranking(algorithm, documents, units)
                   if units[i].text not in config.said and (not config.whole_sentences or may_stand_in(units[i]))]
        chosen = sorted(fill_budget(units, ranking, words))
    return Extract(units, tuple(chosen))
