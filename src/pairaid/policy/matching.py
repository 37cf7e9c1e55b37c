"""Optimal pairing: which donor assists which recipient, and with how much, so that support per
unit of need is as equal as the donors' capacities allow.

A mixed-integer programme, searched first by a local search (`local_search.py`) and bounded
by its LP relaxation, then solved by HiGHS (`highspy`, which takes a starting solution). With x_dr = 1 when donor d is
paired with recipient r, y_dr ≥ 0 the money d gives r, a_r = need_r × ΣC / Σneed the equal
share of recipient r, and z_dp = 1 when d serves any recipient of prefecture p:

    minimise  [Σ_r |Σ_d y_dr − a_r| + Σ_d (C_d − Σ_r y_dr)] / ΣC          (money away from the equal share)
              + λ_change × #(pairings changed against the current ones) / R
              + λ_pref × Σ_{d,p} z_dp / R                                   (donors per prefecture)
    s.t.      Σ_d x_dr = 1 (every recipient served),  Σ_r x_dr ≤ K_d,
              y_dr ≤ C_d x_dr,  Σ_r y_dr ≤ C_d,  x_dr ≤ z_{d,p(r)}.

For a fixed assignment the money term is Σ_d |C_d − Σ_{r∈d} a_r| (a donor can always split its
budget so every deviation has one sign), which `assignment_cost` computes in closed form: the
tests compare the solver with brute force through it.
"""

from __future__ import annotations

import contextlib
import os
import sys
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy import sparse

from pairaid import jsonable
from pairaid.errors import InputError
from pairaid.policy.local_search import PairingArrays, improve, iterate


class MatchingError(InputError):
    """An instance with no feasible pairing; the message names the conflict."""


@dataclass(frozen=True)
class MatchingProblem:
    donors: pd.DataFrame  # donor, capacity (yuan), max_recipients
    recipients: pd.DataFrame  # recipient, need (> 0), prefecture; optional: population
    current: dict[str, str] = field(default_factory=dict)  # recipient → donor now
    change_penalty: float = 0.0
    prefecture_penalty: float = 0.0

    @property
    def equal_shares(self) -> np.ndarray:
        need = self.recipients["need"].to_numpy(float)
        return need / need.sum() * self.donors["capacity"].to_numpy(float).sum()


def assignment_cost(problem: MatchingProblem, assignment: dict[str, str]) -> dict[str, float]:
    """The objective's parts for a given recipient → donor assignment (closed form)."""
    shares = dict(zip(problem.recipients["recipient"], problem.equal_shares))
    total = problem.donors["capacity"].sum()
    money = 0.0
    for donor, capacity in zip(problem.donors["donor"], problem.donors["capacity"]):
        received = sum(shares[r] for r, d in assignment.items() if d == donor)
        money += abs(capacity - received)
    n = len(problem.recipients)
    changed = sum(1 for r, d in assignment.items() if problem.current.get(r, d) != d)
    prefectures = dict(zip(problem.recipients["recipient"], problem.recipients["prefecture"]))
    pairs = len({(d, prefectures[r]) for r, d in assignment.items()})
    parts = {"money": money / total, "changes": problem.change_penalty * changed / n,
             "prefecture_donors": problem.prefecture_penalty * pairs / n}
    parts["objective"] = sum(parts.values())
    return parts


@dataclass(frozen=True)
class MatchingResult:
    problem: MatchingProblem
    assignment: pd.DataFrame  # recipient, prefecture, donor, support_yuan, need, current_donor
    objective: float
    current_objective: float | None
    gap: float
    status: str
    binding: tuple[str, ...]
    seconds: float
    nodes: int | None = None  # branch-and-bound nodes explored: unlike seconds, the same each run

    def tidy(self) -> pd.DataFrame:
        return self.assignment.copy()

    to_frame = tidy

    def to_dict(self) -> dict:
        return {"objective": self.objective, "current_objective": self.current_objective,
                "optimality_gap": self.gap, "status": self.status, "binding": list(self.binding),
                "seconds": self.seconds, "nodes": self.nodes, "changed_pairings": int(
                    (self.assignment["donor"] != self.assignment["current_donor"]).sum()),
                "assignment": jsonable.records(self.assignment)}

    def __str__(self) -> str:
        changed = int((self.assignment["donor"] != self.assignment["current_donor"]).sum())
        lines = [f"Optimal pairing of {len(self.assignment)} recipients with "
                 f"{len(self.problem.donors)} donors: objective {self.objective:.4f}"
                 + (f" (current pairing {self.current_objective:.4f})"
                    if self.current_objective is not None else "")
                 + f", gap to the best bound {self.gap:.4f} ({self.gap:.2%} of all money), "
                 f"{self.status}, {self.seconds:.1f} s",
                 f"  {changed} pairings change; binding: {', '.join(self.binding) or 'none'}"]
        return "\n".join(lines)


def _explain_infeasible(problem: MatchingProblem) -> None:
    room = int(problem.donors["max_recipients"].sum())
    if room < len(problem.recipients):
        raise MatchingError(f"infeasible: the donors may take at most {room} recipients between "
                            f"them (max_recipients), but {len(problem.recipients)} must be served")
    if (problem.recipients["need"] <= 0).any():
        bad = problem.recipients.loc[problem.recipients["need"] <= 0, "recipient"].tolist()[:5]
        raise MatchingError(f"every recipient needs a positive need; not: {', '.join(map(str, bad))}")
    if (problem.donors["capacity"] < 0).any():
        raise MatchingError("a donor's capacity is negative")


def solve_matching(problem: MatchingProblem, time_limit: float = 60.0,
                   gap: float = 1e-4, node_limit: int | None = None) -> MatchingResult:
    """Solve the pairing problem; raises `MatchingError` naming the conflict if infeasible.

    Three stages, all within `time_limit` seconds: a local search (`local_search.improve`:
    moves, prefecture-group moves and swaps) from today's pairing, `KICKS` seeded kicks of an
    iterated local search from it (`local_search.iterate`), a descent from the greedy
    pairing, keeping the best (together at most `LOCAL_SHARE` of the time); the LP
    relaxation of the MILP for a lower bound; then HiGHS's branch and bound started from the
    local search's pairing with the time left, which proves
    optimality on small instances and may improve on larger ones. The gap reported is the
    best pairing's objective less the best bound (the LP's or branch and bound's, whichever is
    higher), in shares of all money: 0 is proven optimal.

    The money term is written in its closed form per donor, v_d ≥ |C_d − Σ_r a_r x_dr| (exact:
    see the module's docstring), which needs no allocation variables and no big-M; each donor's
    budget is then split over its recipients in proportion to their equal shares, which attains
    it. `gap` is absolute, in the objective's units (0.0001 = 0.01 % of all money).
    `node_limit` stops the branch-and-bound after that many nodes (0: none, the local search
    and the LP bound only) and lets the local search and the LP run to their end: unlike the
    time limit it gives the same answer on every run (one thread), which a report built twice
    must.
    """
    import time

    _explain_infeasible(problem)
    clock = time.perf_counter()
    deadline = None if node_limit is not None else clock + time_limit
    donors = problem.donors.reset_index(drop=True)
    recipients = problem.recipients.reset_index(drop=True)
    D, R = len(donors), len(recipients)
    arrays = pairing_arrays(problem)
    index = {d: i for i, d in enumerate(donors["donor"])}

    def as_array(assignment: dict[str, str]) -> np.ndarray:
        return np.array([index[assignment[r]] for r in recipients["recipient"]], dtype=np.int64)

    # today's pairing first: with a change penalty its neighbourhood holds the better pairings
    # (measured: 0.054 from today's against 0.064 from the greedy one at 31 × 2,850)
    starts = ([as_array(problem.current)] if _feasible(problem, problem.current) else []) \
        + [as_array(greedy_matching(problem))]
    best = min(starts, key=arrays.objective)
    local_deadline = None if deadline is None else clock + time_limit * LOCAL_SHARE
    for i, start in enumerate(starts):
        found, _ = improve(arrays, start, deadline=local_deadline)
        if arrays.objective(found) < arrays.objective(best) - 1e-15:
            best = found
        if i == 0:  # kicks from the first descent before the second start's descent
            best, _ = iterate(arrays, best, kicks=KICKS, deadline=local_deadline)
    model = _model(arrays)
    lp_clock = time.perf_counter()
    bound = _lp_bound(model, None if deadline is None else deadline - lp_clock)
    lp_seconds = time.perf_counter() - lp_clock
    status = "local search"
    nodes = 0
    left = time_limit if deadline is None else deadline - time.perf_counter()
    # branch and bound's root alone solves this LP again (and cuts): with less time left than
    # twice that it cannot improve the bound, only overrun the limit
    if node_limit != 0 and left > max(MIN_SECONDS, 2 * lp_seconds) \
            and arrays.objective(best) - bound > gap:
        solved = _highs(*model, _point(arrays, best), left * HIGHS_SHARE, gap, node_limit)
        chosen = solved["x"][:D * R].reshape(D, R).argmax(axis=0)
        if arrays.objective(chosen) < arrays.objective(best) - 1e-15:
            best = chosen
        bound = max(bound, solved["bound"])
        status, nodes = solved["status"], solved["nodes"]
    objective = arrays.objective(best)
    found_gap = max(objective - bound, 0.0) if np.isfinite(bound) else float("nan")
    if found_gap <= gap:
        status = "optimal"
    seconds = time.perf_counter() - clock
    total = float(donors["capacity"].sum())
    capacity, share = arrays.capacity, arrays.share
    received = np.bincount(best, weights=share, minlength=D)
    support = capacity[best] * share / received[best] * total
    frame = pd.DataFrame({
        "recipient": recipients["recipient"], "prefecture": recipients["prefecture"],
        "donor": donors["donor"].to_numpy()[best], "support_yuan": support,
        "need": recipients["need"], "equal_share_yuan": share * total,
        "current_donor": recipients["recipient"].map(problem.current)})
    used = np.bincount(best, minlength=D)
    binding = [f"{d} takes its maximum of {int(k)} recipients"
               for d, k, u in zip(donors["donor"], donors["max_recipients"], used) if u == k]
    current = assignment_cost(problem, problem.current)["objective"] \
        if _feasible(problem, problem.current) else None
    return MatchingResult(problem, frame, objective, current, found_gap, status,
                          tuple(binding), seconds, nodes)


#: share of the time limit the local search may take (the LP bound and branch and bound get
#: the rest); below MIN_SECONDS left, branch and bound is not started, and it is given
#: HIGHS_SHARE of what is left (HiGHS overruns its own limit by a little)
LOCAL_SHARE, MIN_SECONDS, HIGHS_SHARE = 0.25, 0.05, 0.9
#: kicks of the iterated local search (seeded: the same pairing every run)
KICKS = 300


def pairing_arrays(problem: MatchingProblem) -> PairingArrays:
    """The problem in the arrays `local_search` and `_model` work on (money in shares of the
    total capacity)."""
    donors = problem.donors.reset_index(drop=True)
    recipients = problem.recipients.reset_index(drop=True)
    D, R = len(donors), len(recipients)
    total = float(donors["capacity"].sum())
    prefectures = pd.Index(pd.unique(recipients["prefecture"]))
    index = {d: i for i, d in enumerate(donors["donor"])}
    change = np.zeros((R, D))
    for r, name in enumerate(recipients["recipient"]):
        if name in problem.current:  # a recipient with no pairing today changes nothing
            change[r] = 1.0
            if problem.current[name] in index:
                change[r, index[problem.current[name]]] = 0.0
    return PairingArrays(donors["capacity"].to_numpy(float) / total, problem.equal_shares / total,
                         donors["max_recipients"].to_numpy(int),
                         prefectures.get_indexer(recipients["prefecture"]), change,
                         problem.change_penalty / R, problem.prefecture_penalty / R,
                         len(prefectures))


def _model(arrays: PairingArrays):
    """The MILP over x (D×R: recipient r paired with d), v (D: money away from d's capacity)
    and z (D×P: d serves prefecture p), as column-wise arrays for HiGHS.

    Each pairing is linked to its prefecture's z on its own row, x_dr ≤ z_{d,p(r)} (D×R rows),
    not summed per prefecture, Σ_{r∈p} x_dr ≤ min(|p|, K_d) z_dp (D×P rows): the summed form
    is smaller but its LP bound far weaker (measured: 0.015 against 0.054 at 19 × 100, 0.010
    against 0.053 at 31 × 2,850, 0.017 against 0.024 on the demo; both forms together bound
    no better than the first alone)."""
    D, R, P = len(arrays.capacity), len(arrays.share), arrays.prefectures
    nx, nz = D * R, D * P
    ov, oz = nx, nx + D
    n = oz + nz
    cost = np.zeros(n)
    cost[:nx] = arrays.change_weight * arrays.change.T.ravel()
    cost[ov:ov + D] = 1.0
    cost[oz:] = arrays.prefecture_weight
    x = np.arange(nx)  # x_dr at d * R + r
    d_ = np.repeat(np.arange(D), R)
    v = ov + np.arange(D)
    received = np.tile(arrays.share, D)
    blocks = [  # (rows within the block, columns, values, lower, upper)
        (np.tile(np.arange(R), D), x, np.ones(nx), np.ones(R), np.ones(R)),  # served once
        (d_, x, np.ones(nx), np.zeros(D), arrays.limit.astype(float)),  # at most K_d
        (np.concatenate([d_, np.arange(D)]), np.concatenate([x, v]),  # v_d ≥ C_d − A_d
         np.concatenate([received, np.ones(D)]), arrays.capacity, np.full(D, np.inf)),
        (np.concatenate([d_, np.arange(D)]), np.concatenate([x, v]),  # v_d ≥ A_d − C_d
         np.concatenate([-received, np.ones(D)]), -arrays.capacity, np.full(D, np.inf)),
        (np.concatenate([x, x]), np.concatenate([x, oz + d_ * P + np.tile(arrays.prefecture, D)]),
         np.concatenate([np.ones(nx), -np.ones(nx)]), np.full(nx, -np.inf), np.zeros(nx))]
    offsets = np.cumsum([0] + [len(b[3]) for b in blocks])
    matrix = sparse.csc_array(
        (np.concatenate([b[2] for b in blocks]),
         (np.concatenate([b[0] + o for b, o in zip(blocks, offsets)]),
          np.concatenate([b[1] for b in blocks]))), shape=(offsets[-1], n))
    integer = np.ones(n, dtype=bool)
    integer[ov:ov + D] = False
    col_upper = np.ones(n)
    col_upper[ov:ov + D] = np.inf
    return (cost, matrix, np.concatenate([b[3] for b in blocks]),
            np.concatenate([b[4] for b in blocks]), col_upper, integer)


def _point(arrays: PairingArrays, assignment: np.ndarray) -> np.ndarray:
    """A feasible point of `_model` from an assignment (recipient → donor index)."""
    D, R, P = len(arrays.capacity), len(arrays.share), arrays.prefectures
    point = np.zeros(D * R + D + D * P)
    point[assignment * R + np.arange(R)] = 1
    point[D * R + D + assignment * P + arrays.prefecture] = 1
    load = np.bincount(assignment, weights=arrays.share, minlength=D)
    point[D * R:D * R + D] = np.abs(arrays.capacity - load)
    return point


def _feasible(problem: MatchingProblem, assignment: dict[str, str]) -> bool:
    """Whether an assignment serves every recipient within every donor's limit."""
    if not assignment or not set(assignment) >= set(problem.recipients["recipient"]):
        return False
    limits = dict(zip(problem.donors["donor"], problem.donors["max_recipients"]))
    counts = pd.Series([assignment[r] for r in problem.recipients["recipient"]]).value_counts()
    return all(d in limits and c <= limits[d] for d, c in counts.items())


@contextlib.contextmanager
def _quiet_stdout():
    sys.stdout.flush()
    saved = os.dup(1)
    with open(os.devnull, "wb") as null:
        os.dup2(null.fileno(), 1)
        try:
            yield
        finally:
            os.dup2(saved, 1)
            os.close(saved)


def _highs_model(cost, matrix, row_lower, row_upper, col_upper, integer):
    import highspy

    inf = highspy.kHighsInf
    model = highspy.HighsLp()
    model.num_col_, model.num_row_ = len(cost), len(row_lower)
    model.col_cost_ = cost
    model.col_lower_ = np.zeros(len(cost))
    model.col_upper_ = np.where(np.isinf(col_upper), inf, col_upper)
    model.row_lower_ = np.where(np.isinf(row_lower), -inf, row_lower)
    model.row_upper_ = np.where(np.isinf(row_upper), inf, row_upper)
    model.a_matrix_.format_ = highspy.MatrixFormat.kColwise
    model.a_matrix_.start_ = matrix.indptr
    model.a_matrix_.index_ = matrix.indices
    model.a_matrix_.value_ = matrix.data
    if integer is not None:
        model.integrality_ = [highspy.HighsVarType.kInteger if i else
                              highspy.HighsVarType.kContinuous for i in integer]
    with _quiet_stdout():  # HiGHS prints its banner on stdout, which --json owns
        solver = highspy.Highs()
    solver.setOptionValue("output_flag", False)
    solver.setOptionValue("threads", 1)
    solver.passModel(model)
    return solver


def _lp_bound(model, seconds: float | None) -> float:
    """The LP relaxation's optimum, a lower bound on every pairing's objective (−inf if the
    time ran out before it was reached)."""
    import highspy

    if seconds is not None and seconds <= 0:
        return -np.inf
    cost, matrix, row_lower, row_upper, col_upper, _ = model
    solver = _highs_model(cost, matrix, row_lower, row_upper, col_upper, None)
    if seconds is not None:
        solver.setOptionValue("time_limit", float(seconds))
    solver.run()
    if solver.getModelStatus() != highspy.HighsModelStatus.kOptimal:
        return -np.inf
    return float(solver.getInfo().objective_function_value)


def _highs(cost, matrix, row_lower, row_upper, col_upper, integer, start, time_limit, gap,
           node_limit=None) -> dict:
    """Branch and bound with HiGHS (highspy) from a feasible start: the best solution, the
    best bound, nodes and status."""
    import highspy

    solver = _highs_model(cost, matrix, row_lower, row_upper, col_upper, integer)
    solver.setOptionValue("time_limit", float(time_limit))
    solver.setOptionValue("mip_abs_gap", float(gap))
    solver.setOptionValue("mip_rel_gap", 0.0)
    if node_limit is not None:
        solver.setOptionValue("mip_max_nodes", int(node_limit))
    solution = highspy.HighsSolution()
    solution.col_value = list(start)
    solution.value_valid = True
    solver.setSolution(solution)
    solver.run()
    status = solver.getModelStatus()
    if status == highspy.HighsModelStatus.kInfeasible:
        raise MatchingError("infeasible: no pairing serves every recipient within the limits")
    info = solver.getInfo()
    x = np.array(solver.getSolution().col_value)
    if len(x) != len(cost):
        x = np.asarray(start)
    bound = float(info.mip_dual_bound)
    return {"x": x, "bound": bound if np.isfinite(bound) else -np.inf,
            "nodes": int(info.mip_node_count),
            "status": "optimal" if status == highspy.HighsModelStatus.kOptimal else
            solver.modelStatusToString(status)}


def greedy_matching(problem: MatchingProblem) -> dict[str, str]:
    """Baseline: recipients by need (largest first) to the donor with the most capacity left
    per recipient slot. No optimality claim: the benchmark sets it beside the MILP."""
    left = dict(zip(problem.donors["donor"], problem.donors["capacity"].astype(float)))
    slots = dict(zip(problem.donors["donor"], problem.donors["max_recipients"].astype(int)))
    shares = dict(zip(problem.recipients["recipient"], problem.equal_shares))
    assignment = {}
    for recipient in sorted(shares, key=shares.get, reverse=True):
        open_ = [d for d in left if slots[d] > 0]
        donor = max(open_, key=lambda d: left[d])
        assignment[recipient] = donor
        left[donor] -= shares[recipient]
        slots[donor] -= 1
    return assignment
