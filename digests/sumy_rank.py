"""Every sumy 0.13 algorithm, by name, as a ranking of a story's sentences.

sumy returns the best N sentences in document order; a word budget needs the ranking itself.
sumy accepts a callable as the sentence count and calls it with the sentences sorted by rating
(best first), so the ranking is read there, with sumy's own order for ties.
"""

from __future__ import annotations

import random
import warnings
from collections import Counter
from collections.abc import Callable, Sequence

import numpy as np
from sumy.models.dom import ObjectDocumentModel, Paragraph, Sentence
from sumy.summarizers._summarizer import AbstractSummarizer
from sumy.summarizers.edmundson import EdmundsonSummarizer
from sumy.summarizers.kl import KLSummarizer
from sumy.summarizers.lex_rank import LexRankSummarizer
from sumy.summarizers.lsa import LsaSummarizer
from sumy.summarizers.luhn import LuhnSummarizer
from sumy.summarizers.random import RandomSummarizer
from sumy.summarizers.reduction import ReductionSummarizer
from sumy.summarizers.sum_basic import SumBasicSummarizer
from sumy.summarizers.text_rank import TextRankSummarizer

from digests.model import Document
from digests.sentences import NewsTokenizer, words
from digests.units import STOP_WORDS, Unit, STEMMER

# Edmundson's cue method wants words that mark unimportant sentences; sumy ships Czech ones.
_STIGMA_WORDS = ("hardly", "impossible", "reportedly", "allegedly", "rumor", "rumour", "click", "subscribe")


class SeededRandomSummarizer(RandomSummarizer):
    """sumy's random baseline, repeatable: shuffled with its own seeded generator."""

    seed = 0

    def _get_random_ratings(self, sentences):
        ratings = list(range(len(sentences)))
        random.Random(self.seed).shuffle(ratings)
        return dict(zip(sentences, ratings))


SUMY_ALGORITHMS: dict[str, type[AbstractSummarizer]] = {
    "lexrank": LexRankSummarizer,
    "textrank": TextRankSummarizer,
    "lsa": LsaSummarizer,
    "luhn": LuhnSummarizer,
    "edmundson": EdmundsonSummarizer,
    "sumbasic": SumBasicSummarizer,
    "kl": KLSummarizer,
    "reduction": ReductionSummarizer,
    "random": SeededRandomSummarizer,
}


def build_summarizer(name: str, documents: Sequence[Document]) -> AbstractSummarizer:
    summarizer = SUMY_ALGORITHMS[name](STEMMER)
    if isinstance(summarizer, EdmundsonSummarizer):
        # Bonus words: the headlines' words or, with no headlines, the story's most frequent words.
        bonus = [w for d in documents for w in words(d.title) if w.lower() not in STOP_WORDS]
        if not bonus:
            counts = Counter(w.lower() for d in documents for w in words(d.text) if w.lower() not in STOP_WORDS)
            bonus = [w for w, _ in counts.most_common(10)] or ["news"]
        summarizer.bonus_words = bonus
        summarizer.stigma_words = _STIGMA_WORDS
        summarizer.null_words = STOP_WORDS
    elif hasattr(summarizer, "stop_words"):
        summarizer.stop_words = STOP_WORDS
    return summarizer


def sumy_document(documents: Sequence[Document], units: Sequence[Unit]) -> ObjectDocumentModel:
    """The story as one sumy document: each article's title as a heading, then its paragraphs.
    sumy's `document.sentences` (headings excluded) are the prose units, in order."""
    tokenizer = NewsTokenizer()
    paragraphs: list[Paragraph] = []
    current: list[Sentence] = []
    key = None
    for u in units:
        if (u.doc, u.paragraph) != key and current:
            paragraphs.append(Paragraph(current))
            current = []
        if key is None or u.doc != key[0]:
            if documents[u.doc].title.strip():
                current.append(Sentence(documents[u.doc].title, tokenizer, is_heading=True))
        key = (u.doc, u.paragraph)
        current.append(Sentence(u.text, tokenizer, is_heading=u.is_heading))
    if current:
        paragraphs.append(Paragraph(current))
    return ObjectDocumentModel(paragraphs)


def sumy_ranking(name: str, documents: Sequence[Document], units: Sequence[Unit]) -> list[int]:
    """Indices into `units` of the prose sentences, best first, as the named sumy algorithm rates them."""
    prose = [i for i, u in enumerate(units) if not u.is_heading]
    if not prose:
        return []
    document = sumy_document(documents, units)
    ranked: list[int] = []

    def capture(infos) -> list:
        ranked.extend(prose[info.order] for info in infos)
        return []

    count: Callable = capture
    # sumy warns on tiny inputs (LSA: fewer words than sentences; LexRank: 0/0 when no sentence
    # has a weighted word); the ranking is still usable, and warnings are not for the user.
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        build_summarizer(name, documents)(document, count)
    return ranked
