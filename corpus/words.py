"""Counting words, for every rule that decides by length: boilerplate (corpus/cleaning), teasers
(corpus/fulltext.py), a page's text against a stored teaser (corpus/ingest.py), and the word
budgets and length filters of summaries (digests/, which imports it: corpus knows no digests).

Words are runs of non-space characters, as a reader and a ROUGE script count them. Chinese and
Japanese write no spaces between words, so there a whole paragraph would be one "word": each
run of Han, kana (and the iteration marks 々 〆 〇) counts as one word every `CJK_CHARS_PER_WORD`
characters instead, and the other runs inside it ("2030年" holds "2030") as a word each. CJK
punctuation (、。「」 and full-width forms) is no word. Korean writes spaces and counts as it is.
Text without CJK characters counts exactly as before: `len(text.split())`.
"""

from __future__ import annotations

import re

# Chinese words average about 1.5-2 characters, Japanese ones (with their kana endings) 2-3.
CJK_CHARS_PER_WORD = 2

_CJK_LETTERS = (
    "\u3005-\u3007"  # 々 〆 〇
    "\u3040-\u309f"  # hiragana
    "\u30a0-\u30ff"  # katakana (with ー)
    "\u31f0-\u31ff"  # katakana phonetic extensions
    "\u3400-\u4dbf"  # CJK extension A
    "\u4e00-\u9fff"  # CJK unified ideographs
    "\uf900-\ufaff"  # CJK compatibility ideographs
    "\uff66-\uff9f"  # half-width katakana
    "\U00020000-\U0003134f"  # CJK extensions B-G
)
# CJK punctuation: the ideographic space, comma, full stop and brackets (U+3000-303F, less the
# marks above), and the full-width forms' punctuation (！，．：；？（）［］｛｝ and the like).
_CJK_PUNCTUATION = "\u3000-\u3004\u3008-\u303f\uff01-\uff0f\uff1a-\uff20\uff3b-\uff40\uff5b-\uff65"
_CJK_LETTER = re.compile(f"[{_CJK_LETTERS}]")
_CJK_ANY = re.compile(f"[{_CJK_LETTERS}{_CJK_PUNCTUATION}]")

# Where a Chinese or Japanese sentence ends: the ideographic full stop, the full-width ! ? and
# period, and the half-width ideographic full stop (｡); then the brackets and quotes that close it.
CJK_SENTENCE_END = "。！？．｡"
CJK_CLOSERS = "」』）】〕〉》｣"


def has_cjk(text: str) -> bool:
    """The text holds Chinese or Japanese letters (Han or kana)."""
    return not text.isascii() and _CJK_LETTER.search(text) is not None


def word_count(text: str) -> int:
    """The text's words: runs of non-space characters, CJK letters counted by characters."""
    if text.isascii() or not (cjk := len(_CJK_LETTER.findall(text))):
        return len(text.split())
    return len(_CJK_ANY.sub(" ", text).split()) + -(-cjk // CJK_CHARS_PER_WORD)
