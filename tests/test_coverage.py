"""The exact concept-coverage choice (digests/coverage.py) and the selector that uses it: the
best set within the budget, better than the greedy choice where greedy goes wrong, and the
greedy choice when the solver runs out of time."""

import ctypes
import json
import logging
import os
from dataclasses import replace
from itertools import combinations
from pathlib import Path

import numpy as np
import pytest
from scipy import sparse

from digests.coverage import GAP, best_subset
from digests.model import Document
from digests.selector import DEFAULT, concept_matrix, scoring, select
from digests.summarize import summarize
from digests.units import split_documents, word_count
from tests.summaries import seed_documents


def value(pick, concepts, weight, bonus):
    x = np.zeros(concepts.shape[0])
    x[list(pick)] = 1
    covered = np.asarray(concepts.T @ x).ravel() > 0
    return float(bonus @ x + weight @ covered)


def brute_force(lengths, concepts, weight, bonus, budget, conflicts):
    clash = {tuple(p) for p in conflicts.tolist()}
    best = 0.0
    for k in range(len(lengths) + 1):
        for pick in combinations(range(len(lengths)), k):
            if lengths[list(pick)].sum() > budget or any(p in clash for p in combinations(pick, 2)):
                continue
            best = max(best, value(pick, concepts, weight, bonus))
    return best


@pytest.mark.parametrize("seed", range(12))
def test_best_subset_reaches_the_optimum_of_small_problems(seed):
    rng = np.random.default_rng(seed)
    n, m = 9, 25
    lengths = rng.integers(5, 30, n).astype(float)
    concepts = sparse.csr_matrix((rng.random((n, m)) < 0.25).astype(float))
    weight = rng.integers(0, 5, m).astype(float)
    bonus = rng.normal(0, 1.5, n)
    pairs = np.array([(i, j) for i, j in combinations(range(n), 2) if rng.random() < 0.1], dtype=int).reshape(-1, 2)
    budget = int(rng.integers(20, 80))
    pick = best_subset(lengths, concepts, weight, bonus, budget, pairs, time_limit=10.0)
    assert pick is not None
    assert lengths[pick].sum() <= budget
    assert not any((i in pick and j in pick) for i, j in pairs)
    optimum = brute_force(lengths, concepts, weight, bonus, budget, pairs)
    assert value(pick, concepts, weight, bonus) >= optimum - GAP * abs(optimum) - 1e-9


def test_best_subset_gives_up_when_out_of_time():
    rng = np.random.default_rng(0)
    concepts = sparse.csr_matrix((rng.random((30, 200)) < 0.1).astype(float))
    lengths = rng.integers(5, 30, 30).astype(float)
    assert best_subset(lengths, concepts, rng.random(200), rng.normal(size=30), 100, np.zeros((0, 2), int), 0.0) is None


# Two outlets print the same three sentences. The long one joins the first halves of the two
# short ones: more concepts than either short one, so greedy takes it first, and then neither
# short one fits; both short ones together cover more.
SHORT_1 = "Alpha beta gamma delta epsilon zeta eta theta iota kappa lambda mu nu xi omicron."
SHORT_2 = "Rho sigma tau upsilon phi chi psi omega aleph beth gimel daleth he vav zayin."
LONG = "Alpha beta gamma delta epsilon zeta eta theta iota kappa rho sigma tau upsilon phi chi psi omega aleph beth."
STORY = [
    Document(id=str(k), title=f"Report {k}", text=f"{LONG}\n\n{SHORT_1}\n\n{SHORT_2}", outlet=f"Outlet {k}")
    for k in range(2)
]
CONCEPTS_ONLY = replace(DEFAULT, centrality=0, position=0, support=0, phrase_support=0, learned=0)


def covered_weight(units, chosen):
    concepts, weight = concept_matrix(units, DEFAULT.min_concept_docs)
    x = np.zeros(len(units))
    x[chosen] = 1
    return float(weight @ (np.asarray(concepts.T @ x).ravel() > 0))


def test_exact_choice_covers_more_concepts_than_greedy_within_the_budget():
    units = split_documents(STORY)
    assert [u.n_words for u in units[:3]] == [20, 15, 15]
    assert len(scoring(units, STORY).features.eligible) == 6  # no filter refuses them
    greedy = select(units, STORY, 30, replace(CONCEPTS_ONLY, solver="greedy"))
    exact = select(units, STORY, 30, CONCEPTS_ONLY)
    assert {units[i].text for i in greedy} == {LONG}
    assert {units[i].text for i in exact} == {SHORT_1, SHORT_2}
    assert sum(units[i].n_words for i in exact) <= 30
    assert covered_weight(units, exact) > covered_weight(units, greedy)


def test_selector_falls_back_to_greedy_when_the_solver_times_out():
    docs = seed_documents()
    units = split_documents(docs)
    for words in (40, 100, 250):
        timed_out = select(units, docs, words, replace(DEFAULT, time_limit=0.0))
        assert timed_out == select(units, docs, words, replace(DEFAULT, solver="greedy"))
        assert timed_out  # the fallback still gives a summary
    units = split_documents(STORY)
    assert {units[i].text for i in select(units, STORY, 30, replace(CONCEPTS_ONLY, time_limit=0.0))} == {LONG}


@pytest.mark.parametrize("words", [1, 12, 30, 75, 160, 400])
def test_exact_choice_keeps_the_budget_and_never_repeats_a_fact(words):
    docs = seed_documents()
    extract = summarize(docs, words)
    assert word_count(extract.text) <= words
    assert len(set(extract.sentences)) == len(extract.sentences)
    units = split_documents(docs)
    s = scoring(units, docs)
    position = {int(u): k for k, u in enumerate(s.features.eligible)}
    chosen = [position[i] for i in extract.chosen if i in position]
    for a, b in combinations(chosen, 2):
        assert s.features.similarity[a, b] < DEFAULT.redundancy


def test_what_the_solver_prints_reaches_neither_stdout_nor_stderr(capfd, caplog):
    # The HiGHS inside scipy printf()s a debug line on some problems: stdout may be a digest or a
    # CLI's output, stderr a stream of JSON log lines. What anything else writes to stdout in the
    # meantime still reaches stdout.
    from digests.coverage import _solver_output_captured

    libc = ctypes.CDLL(None)
    print("before", flush=True)
    with caplog.at_level(logging.DEBUG, logger="digests.coverage"), _solver_output_captured():
        libc.printf(b"HighsMipSolverData::transformNewIntegerFeasibleSolution tmpSolver.run();\n")  # buffered by C, as HiGHS's is
        os.write(1, b"raw line\n")
    print("after", flush=True)
    out, err = capfd.readouterr()
    assert out.split("\n") == ["before", "raw line", "after", ""]
    assert "Highs" not in err
    assert [r.getMessage() for r in caplog.records] == ["HiGHS: HighsMipSolverData::transformNewIntegerFeasibleSolution tmpSolver.run();"]


def test_a_solve_survives_a_closed_stdout(capfd):
    # Another thread's output that can no longer be passed on is dropped; the solve's answer is not.
    from digests.coverage import _solver_output_captured

    saved = os.dup(1)
    read_end, write_end = os.pipe()
    os.dup2(write_end, 1)
    os.close(write_end)
    os.close(read_end)  # nobody reads stdout any more
    try:
        with _solver_output_captured():
            os.write(1, b"lost line\n")  # as another thread might, while HiGHS runs
        chosen = best_subset(np.array([3.0]), sparse.csr_matrix(np.ones((1, 1))), np.ones(1), np.ones(1), 5, np.zeros((0, 2), dtype=int), 5.0)
    finally:
        os.dup2(saved, 1)
        os.close(saved)
    assert chosen.tolist() == [0]


def test_the_solvers_own_debug_line_goes_to_the_log(capfd, caplog):
    # A real problem on which HiGHS repairs a solution and printf()s its debug line: the answer
    # comes back, stdout and stderr stay clean, and the line is in the log at DEBUG.
    problem = json.loads((Path(__file__).parent / "data" / "highs_repair_problem.json").read_text())
    rows = [i for i, cols in enumerate(problem["concepts"]) for _ in cols]
    cols = [j for cols in problem["concepts"] for j in cols]
    concepts = sparse.csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(len(problem["lengths"]), problem["n_concepts"]))
    with caplog.at_level(logging.DEBUG, logger="digests.coverage"):
        chosen = best_subset(np.array(problem["lengths"], dtype=float), concepts, np.array(problem["weight"]),
                             np.array(problem["bonus"]), problem["budget"], np.zeros((0, 2), dtype=int), 5.0, problem["node_limit"])
    out, err = capfd.readouterr()
    assert chosen is not None and sum(problem["lengths"][i] for i in chosen) <= problem["budget"]
    assert out == "" and err == ""
    assert any("transformNewIntegerFeasibleSolution" in r.getMessage() for r in caplog.records), (
        "HiGHS no longer prints on this problem (a new scipy?): find one that does, or drop the capture if none does"
    )
