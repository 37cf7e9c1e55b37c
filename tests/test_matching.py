"""Optimal pairing: the MILP equals brute force on small instances, respects its constraints,
is never worse than the current pairing, and names the conflict when none is feasible."""

from __future__ import annotations

import itertools

import pandas as pd
import pytest
from hypothesis import given, settings, strategies as st

from pairaid.policy.matching import (MatchingError, MatchingProblem, assignment_cost,
                                     greedy_matching, solve_matching)


@st.composite
def problems(draw):
    n_donors = draw(st.integers(1, 3))
    n_recipients = draw(st.integers(1, 5))
    donors = pd.DataFrame({
        "donor": [f"D{i}" for i in range(n_donors)],
        "capacity": [draw(st.integers(1, 100)) * 1e6 for _ in range(n_donors)],
        "max_recipients": [draw(st.integers(1, n_recipients)) for _ in range(n_donors)]})
    if donors["max_recipients"].sum() < n_recipients:
        donors.loc[0, "max_recipients"] = n_recipients
    recipients = pd.DataFrame({
        "recipient": [f"R{i}" for i in range(n_recipients)],
        "need": [draw(st.integers(1, 50)) for _ in range(n_recipients)],
        "prefecture": [draw(st.sampled_from(["P1", "P2"])) for _ in range(n_recipients)]})
    current = {r: draw(st.sampled_from(list(donors["donor"]))) for r in recipients["recipient"]}
    return MatchingProblem(donors, recipients, current,
                           change_penalty=draw(st.sampled_from([0.0, 0.1, 1.0])),
                           prefecture_penalty=draw(st.sampled_from([0.0, 0.05, 0.5])))


def _brute_force(problem: MatchingProblem) -> float:
    best = float("inf")
    limits = dict(zip(problem.donors["donor"], problem.donors["max_recipients"]))
    names = list(problem.recipients["recipient"])
    for choice in itertools.product(problem.donors["donor"], repeat=len(names)):
        counts = pd.Series(choice).value_counts()
        if any(counts[d] > limits[d] for d in counts.index):
            continue
        best = min(best, assignment_cost(problem, dict(zip(names, choice)))["objective"])
    return best


@settings(max_examples=40, deadline=None)
@given(problems())
def test_milp_equals_brute_force_and_respects_constraints(problem):
    result = solve_matching(problem)
    assert result.objective == pytest.approx(_brute_force(problem), abs=1e-6)
    table = result.assignment
    assert table["recipient"].is_unique and len(table) == len(problem.recipients)  # all served
    limits = dict(zip(problem.donors["donor"], problem.donors["max_recipients"]))
    for donor, count in table["donor"].value_counts().items():
        assert count <= limits[donor]
    given_out = table.groupby("donor")["support_yuan"].sum()
    for donor, capacity in zip(problem.donors["donor"], problem.donors["capacity"]):
        assert given_out.get(donor, 0.0) <= capacity * (1 + 1e-9)
    mine = assignment_cost(problem, dict(zip(table["recipient"], table["donor"])))["objective"]
    assert mine == pytest.approx(result.objective, abs=1e-6)
    counts = pd.Series(problem.current).value_counts()
    if all(n <= limits[d] for d, n in counts.items()):  # today's pairing is feasible here
        assert result.objective <= result.current_objective + 1e-9  # never worse than today's
    else:
        assert result.current_objective is None


def test_equal_needs_split_equally():
    """Two donors of 100 and 100, four recipients of equal need, at most two each: 50 each."""
    donors = pd.DataFrame({"donor": ["A", "B"], "capacity": [100.0, 100.0], "max_recipients": [2, 2]})
    recipients = pd.DataFrame({"recipient": list("wxyz"), "need": [1, 1, 1, 1],
                               "prefecture": ["P", "P", "Q", "Q"]})
    result = solve_matching(MatchingProblem(donors, recipients, prefecture_penalty=0.1))
    assert result.objective == pytest.approx(0.1 * 2 / 4)  # each prefecture served by one donor
    assert result.assignment["support_yuan"].tolist() == pytest.approx([50.0] * 4)
    assert result.assignment.groupby("prefecture")["donor"].nunique().tolist() == [1, 1]
    assert set(result.binding) == {"A takes its maximum of 2 recipients",
                                   "B takes its maximum of 2 recipients"}


def test_infeasible_is_explained_by_name():
    donors = pd.DataFrame({"donor": ["A", "B"], "capacity": [1.0, 1.0], "max_recipients": [1, 2]})
    recipients = pd.DataFrame({"recipient": list("wxyz"), "need": [1, 1, 1, 1], "prefecture": "P"})
    with pytest.raises(MatchingError, match="at most 3 recipients between them .* but 4 must be served"):
        solve_matching(MatchingProblem(donors, recipients))


def test_greedy_baseline_is_feasible_and_not_better_than_the_optimum():
    donors = pd.DataFrame({"donor": ["A", "B", "C"], "capacity": [300.0, 100.0, 50.0],
                           "max_recipients": [3, 3, 3]})
    recipients = pd.DataFrame({"recipient": list("stuvwx"), "need": [9, 7, 5, 3, 2, 1],
                               "prefecture": list("PPQQRR")})
    problem = MatchingProblem(donors, recipients)
    greedy = assignment_cost(problem, greedy_matching(problem))["objective"]
    assert solve_matching(problem).objective <= greedy + 1e-9


def test_a_node_limited_search_gives_the_same_answer_every_run():
    """The report stops the search by nodes, not seconds, so two builds (English, Chinese) agree;
    a node limit of 0 returns the local search's pairing, better than both starts, with the LP
    relaxation's bound."""
    import numpy as np

    rng = np.random.default_rng(7)
    donors = pd.DataFrame({"donor": [f"D{i}" for i in range(6)],
                           "capacity": rng.integers(10, 100, 6) * 1e6, "max_recipients": 8})
    recipients = pd.DataFrame({"recipient": [f"R{i}" for i in range(30)],
                               "need": rng.integers(1, 50, 30),
                               "prefecture": [f"P{i % 5}" for i in range(30)]})
    current = {f"R{i}": f"D{i % 6}" for i in range(30)}
    problem = MatchingProblem(donors, recipients, current, 0.1, 0.05)
    runs = [solve_matching(problem, time_limit=100, node_limit=1) for _ in range(2)]
    assert runs[0].objective == runs[1].objective and runs[0].nodes == runs[1].nodes
    assert runs[0].gap == runs[1].gap
    assert (runs[0].assignment["donor"] == runs[1].assignment["donor"]).all()
    start = solve_matching(problem, node_limit=0)
    assert start.nodes == 0 and start.status in ("local search", "optimal")
    starts = min(assignment_cost(problem, greedy_matching(problem))["objective"],
                 assignment_cost(problem, current)["objective"])
    assert start.objective < starts - 0.01  # the local search improves on both starts here
    assert 0 <= start.gap < start.objective  # the LP relaxation bounds it
    assert runs[0].objective <= start.objective + 1e-12
    assert runs[0].objective - runs[0].gap >= start.objective - start.gap - 1e-9  # bound no worse


@settings(max_examples=25, deadline=None)
@given(problems())
def test_local_search_alone_is_feasible_and_its_bound_is_valid(problem):
    """With no branch and bound (node limit 0) the answer is a feasible pairing whose objective
    is its closed form, and objective − gap (the LP bound) never exceeds the true optimum."""
    result = solve_matching(problem, node_limit=0)
    table = result.assignment
    limits = dict(zip(problem.donors["donor"], problem.donors["max_recipients"]))
    assert all(n <= limits[d] for d, n in table["donor"].value_counts().items())
    mine = assignment_cost(problem, dict(zip(table["recipient"], table["donor"])))["objective"]
    assert mine == pytest.approx(result.objective, abs=1e-9)
    best = _brute_force(problem)
    assert best - 1e-9 <= result.objective
    assert result.objective - result.gap <= best + 1e-7
