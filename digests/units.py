"""A story's documents cut into extraction units (sentences), with what scoring needs: the
article each came from, its position there, its length and its normalised terms."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from itertools import chain

from sumy.nlp.stemmers import Stemmer
from sumy.utils import get_stop_words

from corpus.words import word_count  # runs of non-space characters; CJK letters by characters
from digests.model import Document
from digests.sentences import segment, words

STOP_WORDS = get_stop_words("english")
STEMMER = Stemmer("english")
_TOKEN = re.compile(r"[^\W_]+(?:['’.-][^\W_]+)*", re.UNICODE)


@lru_cache(maxsize=200_000)
def stem(word: str) -> str:
    return STEMMER(word)


class _PerWord(dict):
    """`fn(word)` computed once per distinct word as written, and looked up in C through
    `map(self.__getitem__, ...)`: a story has ten times more words than distinct ones. Emptied
    when it grows past a long-running bot's needs, as an LRU cache would drop its entries."""

    def __init__(self, fn):
        super().__init__()
        self._fn = fn

    def __missing__(self, word: str):
        if len(self) >= 200_000:
            self.clear()
        value = self[word] = self._fn(word)
        return value


def _terms_of_token(token: str) -> tuple[str, ...]:
    return tuple(stem(w) for w in (w.lower() for w in words(token)) if w not in STOP_WORDS)


# A token's stem, and its content terms: the words (letters only) inside it that are not stop
# words, stemmed. Every word of a text lies inside one of its tokens (a word is letters joined by
# the same marks that join a token's letters and digits), so a text's terms are its tokens'
# terms in order, and one regex pass serves both.
_TOKEN_STEM = _PerWord(lambda t: stem(t.lower()))
_TOKEN_TERMS = _PerWord(_terms_of_token)


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


def _raw_tokens(text: str) -> list[str]:
    return _TOKEN.findall(text.replace("’", "'"))


def content_terms(text: str) -> tuple[str, ...]:
    return tuple(chain.from_iterable(map(_TOKEN_TERMS.__getitem__, _raw_tokens(text))))


def tokens(text: str) -> tuple[str, ...]:
    return tuple(map(_TOKEN_STEM.__getitem__, _raw_tokens(text)))


def split_documents(documents: Sequence[Document]) -> list[Unit]:
    units: list[Unit] = []
    for d, doc in enumerate(documents):
        position = 0
        for seg in segment(doc.text or ""):
            raw = _raw_tokens(seg.text)
            units.append(
                Unit(
                    text=seg.text,
                    doc=d,
                    position=position,
                    paragraph=seg.paragraph,
                    is_heading=seg.is_heading,
                    n_words=word_count(seg.text),
                    terms=tuple(chain.from_iterable(map(_TOKEN_TERMS.__getitem__, raw))),
                    tokens=tuple(map(_TOKEN_STEM.__getitem__, raw)),
                    continues_quote=seg.continues_quote,
                )
            )
            position += not seg.is_heading
    return units
