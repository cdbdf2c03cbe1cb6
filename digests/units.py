"""A story's documents cut into extraction units (sentences), with what scoring needs: the
article each came from, its position there, its length and its normalised terms."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from sumy.nlp.stemmers import Stemmer
from sumy.utils import get_stop_words

from digests.model import Document
from digests.sentences import segment, words

STOP_WORDS = get_stop_words("english")
STEMMER = Stemmer("english")
_TOKEN = re.compile(r"[^\W_]+(?:['’.-][^\W_]+)*", re.UNICODE)


@lru_cache(maxsize=200_000)
def stem(word: str) -> str:
    return STEMMER(word)


def word_count(text: str) -> int:
    """Words as a reader (and a ROUGE script) counts them: runs of non-space characters."""
    return len(text.split())


@dataclass(frozen=True)
class Unit:
    text: str
    doc: int  # index of its document in the story
    position: int  # index among its document's prose sentences (headings not counted)
    paragraph: int
    is_heading: bool
    n_words: int
    terms: tuple[str, ...]  # stemmed words without stop words, as sumy's LexRank sees them
    tokens: tuple[str, ...]  # stemmed tokens, stop words and numbers included
    continues_quote: bool = False  # inside a quotation that never closes


def content_terms(text: str) -> tuple[str, ...]:
    return tuple(stem(w) for w in (w.lower() for w in words(text)) if w not in STOP_WORDS)


def tokens(text: str) -> tuple[str, ...]:
    return tuple(stem(t.lower()) for t in _TOKEN.findall(text.replace("’", "'")))


def split_documents(documents: Sequence[Document]) -> list[Unit]:
    units: list[Unit] = []
    for d, doc in enumerate(documents):
        position = 0
        for seg in segment(doc.text or ""):
            units.append(
                Unit(
                    text=seg.text,
                    doc=d,
                    position=position,
                    paragraph=seg.paragraph,
                    is_heading=seg.is_heading,
                    n_words=word_count(seg.text),
                    terms=content_terms(seg.text),
                    tokens=tokens(seg.text),
                    continues_quote=seg.continues_quote,
                )
            )
            position += not seg.is_heading
    return units
