"""bench/selector_proxies.py: settings are read as SelectorConfig fields, drawn settings stay
around the defaults and repeat with their seed, and every setting gets a row of figures."""


import pytest

from bench import selector_proxies as proxies
from digests.selector import DEFAULT
from tests.summaries import write_clusters
from tests.test_summarize import QUAKE


def test_settings_are_selector_config_fields_of_their_own_type():
    config = proxies.parse("learned=1.5,pool=30,solver=greedy")
    assert (config.learned, config.pool, config.solver) == (1.5, 30, "greedy")
    assert config.centrality == DEFAULT.centrality
    assert proxies.parse("default") == DEFAULT
    with pytest.raises(SystemExit):
        proxies.parse("lerned=1.5")


def test_drawn_settings_move_only_the_mixing_weights_and_repeat_with_their_seed():
    drawn = proxies.drawn(5, seed=3)
    assert drawn == proxies.drawn(5, seed=3) != proxies.drawn(5, seed=4)
    for setting in drawn:
        config = proxies.parse(setting)
        for name in proxies.MIXING:
            assert 0.1 < getattr(config, name) / getattr(DEFAULT, name) < 10
        assert (config.redundancy, config.pool) == (DEFAULT.redundancy, DEFAULT.pool)


def test_every_setting_gets_a_row(tmp_path, capsys):
    clusters = write_clusters(tmp_path / "clusters.jsonl", QUAKE)
    argv = ["default", "learned=0", "--random", "1", "--folds", "2", "--file", str(clusters), "--newswire", str(clusters)]
    assert proxies.main(argv) == 0
    rows = [line for line in capsys.readouterr().out.splitlines() if line.count(" | ") == 4 and line[0].isdigit()]
    assert [r.rsplit(" | ", 1)[1] for r in rows][:2] == ["default", "learned=0"] and len(rows) == 3
    assert all(0 < float(r.split(" / ")[0]) <= 100 for r in rows)
