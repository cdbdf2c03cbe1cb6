"""The vectorised LexRank gives sumy's scores, hence sumy's ranking, on real articles."""

import json

import numpy as np
import pytest
from sumy.summarizers.lex_rank import LexRankSummarizer

from digests.lexrank import FastLexRankSummarizer, lexrank_scores
from digests.sumy_rank import build_summarizer, sumy_document
from digests.units import split_documents
from tests.conftest import SHARED
from tests.summaries import seed_documents


def stories():
    yield "seed corpus", seed_documents()
    path = SHARED / "eval" / "multiling2011.jsonl"
    if path.is_file():
        from bot.offline import read_clusters

        for c in read_clusters(path):
            yield c.id, c.documents


def sumy_scores(document):
    lex = build_summarizer("lexrank", [])
    words = [lex._to_words_set(s) for s in document.sentences]
    matrix = lex._create_matrix(words, lex.threshold, lex._compute_tf(words), lex._compute_idf(words))
    return words, lex.power_method(matrix, lex.epsilon)


@pytest.mark.parametrize("name,documents", list(stories()), ids=lambda v: v if isinstance(v, str) else "")
def test_same_scores_and_ranking_as_sumy(name, documents):
    document = sumy_document(documents, split_documents(documents))
    words, expected = sumy_scores(document)
    assert len(words) > 50, "a real story has many sentences"
    got, _ = lexrank_scores(words)
    np.testing.assert_array_equal(got, expected)
    assert list(np.argsort(-got, kind="stable")) == list(np.argsort(-expected, kind="stable"))


def test_drop_in_summarizer_picks_what_sumy_picks():
    documents = seed_documents()
    document = sumy_document(documents, split_documents(documents))
    plain = build_summarizer("lexrank", documents)
    fast = FastLexRankSummarizer(plain._stemmer)
    fast.stop_words = plain.stop_words
    for count in (1, 5, 12):
        assert fast(document, count) == plain(document, count)
    assert isinstance(plain, LexRankSummarizer)


def test_empty_and_wordless_input():
    scores, sim = lexrank_scores([])
    assert scores.shape == (0,) and sim.shape == (0, 0)
    scores, sim = lexrank_scores([[], ["war"], ["war", "peace"]])
    assert np.all(np.isfinite(scores)) and sim[0].sum() == 0


def test_scores_of_a_long_story_do_not_depend_on_the_blas_threads():
    # A product this large is split between BLAS threads when more than one is allowed, which
    # changes the last bit of some sums; the power method runs on one thread whatever the setting.
    from threadpoolctl import threadpool_limits

    rng = np.random.default_rng(7)
    vocabulary = [f"w{k}" for k in range(300)]
    sentences = [list(rng.choice(vocabulary, size=12)) for _ in range(900)]
    with threadpool_limits(limits=1, user_api="blas"):
        one, _ = lexrank_scores(sentences)
    with threadpool_limits(limits=4, user_api="blas"):
        many, _ = lexrank_scores(sentences)
    np.testing.assert_array_equal(one, many)
