"""The selector's learned sentence model: the shipped weights fit its features, the selector
follows whatever model it is given, and the training script fits and reports on real clusters."""

import json
from dataclasses import replace

import numpy as np

from digests.selector import DEFAULT, scoring
from digests.sentence_model import FEATURES, MODEL_PATH, SentenceModel, shipped_model
from digests.summarize import summarize
from digests.units import split_documents
from tests.summaries import seed_documents, write_clusters
from tests.test_summarize import QUAKE


def one_feature_model(name: str, sign: float) -> SentenceModel:
    coef = np.zeros(len(FEATURES))
    coef[FEATURES.index(name)] = sign
    return SentenceModel(FEATURES, np.zeros(len(FEATURES)), np.ones(len(FEATURES)), coef, 0.0)


def test_shipped_model_matches_the_features_and_says_where_it_came_from():
    data = json.loads(MODEL_PATH.read_text(encoding="utf-8"))
    assert data["script"] == "bench/train_sentence_model.py" and data["clusters"] > 0
    model = shipped_model()
    assert model.coef.shape == model.mean.shape == model.scale.shape == (len(FEATURES),)
    assert np.all(np.isfinite(model.coef)) and np.all(model.scale > 0)


def test_learning_table_has_one_finite_row_per_eligible_sentence():
    docs = seed_documents()
    units = split_documents(docs)
    s = scoring(units, docs)
    table = s.learning_table(units)
    assert table.shape == (len(s.features.eligible), len(FEATURES))
    assert np.all(np.isfinite(table))
    lead = table[:, FEATURES.index("lead")]
    assert set(lead.tolist()) == {0.0, 1.0}


def test_the_selector_follows_the_model_it_is_given():
    # Only the learned term counts: one model wants late sentences, the other leads.
    config = replace(DEFAULT, centrality=0, position=0, support=0, phrase_support=0, concepts=0, learned=1.0)
    units = split_documents(QUAKE)
    late = summarize(QUAKE, 20, config=config, units=units, model=one_feature_model("relative_position", 1.0))
    early = summarize(QUAKE, 20, config=config, units=units, model=one_feature_model("relative_position", -1.0))
    assert all(units[i].position > 0 for i in late.chosen)
    assert all(units[i].position == 0 for i in early.chosen)


def test_training_script_fits_and_cross_validates(tmp_path, capsys):
    from bench import train_sentence_model

    clusters = write_clusters(tmp_path / "clusters.jsonl", QUAKE)
    assert train_sentence_model.main([str(clusters), "--folds", "2", "--dry-run"]) == 0
    report = capsys.readouterr().out
    assert "4 clusters" in report and "2-fold cross-validation" in report and "lexrank" in report
    assert "model not written" in report
