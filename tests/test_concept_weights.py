"""bench/try_concept_weights.py, the measurement of supervised bigram weights for the exact
choice: its concepts are the selector's, its features are finite and one row per concept, a
re-weighting reaches the selector's choice, and the script reports on real-shaped clusters."""


import numpy as np
from scipy import sparse

from bench import try_concept_weights as trial
from digests import selector
from digests.summarize import summarize
from digests.units import split_documents
from tests.summaries import write_clusters
from tests.test_summarize import QUAKE


def quake_scoring():
    units = split_documents(QUAKE)
    s = selector.scoring(units, QUAKE)
    return units, s, [units[i] for i in s.features.eligible]


def test_concepts_are_the_selectors_own():
    units, s, eligible = quake_scoring()
    m, grams = trial.concept_index(eligible)
    assert len(grams) == len(set(grams)) == m.shape[1]
    # Same bigrams, same sentences carrying them (up to the order of the columns).
    ours = sorted(map(tuple, (m.T.tocsr()[c].indices.tolist() for c in range(m.shape[1]))))
    theirs = sorted(map(tuple, (s.concepts.T.tocsr()[c].indices.tolist() for c in range(s.concepts.shape[1]))))
    assert ours == theirs


def test_concept_features_one_finite_row_per_concept():
    units, s, eligible = quake_scoring()
    m, grams = trial.concept_index(eligible)
    x, used_by = trial.concept_features(units, s, m, grams, np.linspace(-1, 1, len(eligible)))
    assert x.shape[0] == len(grams) and np.all(np.isfinite(x))
    # "magnitude 7.1" opens two of the three articles.
    assert used_by[grams.index(("magnitud", "7.1"))] == 2


def test_column_max_is_over_the_rows_carrying_each_column():
    m = sparse.csc_matrix(np.array([[1, 0, 1], [1, 1, 0], [0, 0, 1]], dtype=float))
    assert trial._column_max(m, np.array([0.5, 2.0, 1.0])).tolist() == [2.0, 2.0, 1.0]


def test_reweighted_concepts_reach_the_selector():
    units = split_documents(QUAKE)
    st = trial.Story(None, units, selector.scoring(units, QUAKE), None, None, None, None, None)
    st.table = st.scoring.learning_table(units)
    st.concepts = sparse.csc_matrix(st.scoring.concepts)
    st.cluster = type("C", (), {"documents": QUAKE})()
    # All concept weight on the bigrams of one late sentence, relevance off: that sentence is chosen.
    config = selector.SelectorConfig(centrality=0, position=0, support=0, phrase_support=0, learned=0, ilp_relevance=0)
    target = int(np.argmax([units[i].doc == 2 and units[i].position == 1 for i in st.scoring.features.eligible]))
    weight = np.zeros(st.concepts.shape[1])
    weight[st.concepts.tocsr()[target].indices] = 1.0
    with np.errstate(all="ignore"):
        text = trial.summary(st, 20, None, weight, config)
    assert "Bolivia" in text
    assert "Bolivia" not in summarize(QUAKE, 20, config=config, units=units).text


def test_script_reports_every_variant(tmp_path, capsys):
    clusters = write_clusters(tmp_path / "clusters.jsonl", QUAKE)
    assert trial.main([str(clusters), "--folds", "2", "--newswire", str(clusters)]) == 0
    report = capsys.readouterr().out
    assert "4 clusters, 2-fold cross-validation" in report
    rows = [line.split("  ")[1] for line in report.splitlines() if line.startswith("  ") and "R-1" not in line]
    # One row per variant on Multi-News, one on the newswire file, each with figures.
    assert sorted(rows) == sorted(trial.VARIANTS * 2)
    assert all(" / " in line for line in report.splitlines() if line.startswith("  p"))
