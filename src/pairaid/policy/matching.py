"""Optimal pairing: which donor assists which recipient, and with how much, so that support per
unit of need is as equal as the donors' capacities allow.

A mixed-integer programme solved by HiGHS (`highspy`, which takes a starting solution). With x_dr = 1 when donor d is
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

    def tidy(self) -> pd.DataFrame:
        return self.assignment.copy()

    to_frame = tidy

    def to_dict(self) -> dict:
        return {"objective": self.objective, "current_objective": self.current_objective,
                "optimality_gap": self.gap, "status": self.status, "binding": list(self.binding),
                "seconds": self.seconds, "changed_pairings": int(
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
                   gap: float = 1e-4) -> MatchingResult:
    """Solve the pairing MILP (HiGHS); raises `MatchingError` naming the conflict if infeasible.

    The money term is written in its closed form per donor, v_d ≥ |C_d − Σ_r a_r x_dr| (exact:
    see the module's docstring), which needs no allocation variables and no big-M; each donor's
    budget is then split over its recipients in proportion to their equal shares, which attains
    it. `gap` is absolute, in the objective's units (0.0001 = 0.01 % of all money).
    """
    import time

    _explain_infeasible(problem)
    donors = problem.donors.reset_index(drop=True)
    recipients = problem.recipients.reset_index(drop=True)
    D, R = len(donors), len(recipients)
    prefectures = pd.Index(pd.unique(recipients["prefecture"]))
    P = len(prefectures)
    pref_of = prefectures.get_indexer(recipients["prefecture"])
    # money in units of the total capacity: yuan-sized coefficients fall under HiGHS's
    # optimality tolerance (1e-7) and it stops at a poor solution it calls optimal
    total = float(donors["capacity"].sum())
    capacity = donors["capacity"].to_numpy(float) / total
    share = problem.equal_shares / total
    nx, nv, nz = D * R, D, D * P  # variables: x (D×R), v (D), z (D×P)
    ox, ov, oz = 0, nx, nx + nv
    n = oz + nz
    cost = np.zeros(n)
    cost[ov:ov + nv] = 1.0
    cost[oz:oz + nz] = problem.prefecture_penalty / R
    if problem.change_penalty and problem.current:
        donor_index = {d: i for i, d in enumerate(donors["donor"])}
        for r, recipient in enumerate(recipients["recipient"]):
            now = donor_index.get(problem.current.get(recipient))
            for d in range(D):
                if d != now:  # pairing r with anyone but its current donor is a change
                    cost[ox + d * R + r] += problem.change_penalty / R
    rows, cols, vals, lower, upper = [], [], [], [], []
    row = 0

    def add(entries, lo, hi):
        nonlocal row
        for c, v in entries:
            rows.append(row)
            cols.append(c)
            vals.append(v)
        lower.append(lo)
        upper.append(hi)
        row += 1

    for r in range(R):
        add([(ox + d * R + r, 1.0) for d in range(D)], 1, 1)  # served once
    for d in range(D):
        received = [(ox + d * R + r, share[r]) for r in range(R)]
        add([(ox + d * R + r, 1.0) for r in range(R)], 0, donors.loc[d, "max_recipients"])
        add(received + [(ov + d, 1.0)], capacity[d], np.inf)  # v_d ≥ C_d − A_d
        add([(c, -v) for c, v in received] + [(ov + d, 1.0)], -capacity[d], np.inf)  # v_d ≥ A_d − C_d
        for r in range(R):
            add([(ox + d * R + r, 1.0), (oz + d * P + pref_of[r], -1.0)], -np.inf, 0)
    matrix = sparse.csc_array((vals, (rows, cols)), shape=(row, n))
    integer = np.ones(n, dtype=bool)
    integer[ov:ov + nv] = False
    col_upper = np.ones(n)
    col_upper[ov:ov + nv] = np.inf

    def start_from(assignment: dict[str, str]) -> np.ndarray:
        """A feasible point of the model from a recipient → donor assignment."""
        point = np.zeros(n)
        index = {d: i for i, d in enumerate(donors["donor"])}
        for r, recipient in enumerate(recipients["recipient"]):
            d = index[assignment[recipient]]
            point[ox + d * R + r] = 1
            point[oz + d * P + pref_of[r]] = 1
        given = point[ox:ox + nx].reshape(D, R) @ share
        point[ov:ov + nv] = np.abs(capacity - given)
        return point

    starts = [greedy_matching(problem)]
    if _feasible(problem, problem.current):
        starts.append(problem.current)
    # HiGHS starts from the better of today's pairing and the greedy one, so the answer is never
    # worse than either even when the time limit stops the search
    best_start = min(starts, key=lambda a: assignment_cost(problem, a)["objective"])
    start = time.perf_counter()
    solved = _highs(cost, matrix, np.array(lower), np.array(upper), col_upper, integer,
                    start_from(best_start), time_limit, gap)
    seconds = time.perf_counter() - start
    x = solved["x"][ox:ox + nx].reshape(D, R) > 0.5
    chosen = x.argmax(axis=0)
    received = np.bincount(chosen, weights=share, minlength=D)
    support = capacity[chosen] * share / received[chosen] * total
    frame = pd.DataFrame({
        "recipient": recipients["recipient"], "prefecture": recipients["prefecture"],
        "donor": donors["donor"].to_numpy()[chosen], "support_yuan": support,
        "need": recipients["need"], "equal_share_yuan": share * total,
        "current_donor": recipients["recipient"].map(problem.current)})
    binding = [f"{d} takes its maximum of {int(k)} recipients"
               for d, k, used in zip(donors["donor"], donors["max_recipients"], x.sum(axis=1))
               if used == k]
    current = assignment_cost(problem, problem.current)["objective"] \
        if _feasible(problem, problem.current) else None
    return MatchingResult(problem, frame, solved["objective"], current, solved["gap"],
                          solved["status"], tuple(binding), seconds)


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


def _highs(cost, matrix, row_lower, row_upper, col_upper, integer, start, time_limit, gap) -> dict:
    """Solve with HiGHS (highspy) from a feasible start; objective, absolute gap to the best
    bound, status and the solution."""
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
    model.integrality_ = [highspy.HighsVarType.kInteger if i else highspy.HighsVarType.kContinuous
                          for i in integer]
    with _quiet_stdout():  # HiGHS prints its banner on stdout, which --json owns
        solver = highspy.Highs()
    solver.setOptionValue("output_flag", False)
    solver.setOptionValue("time_limit", float(time_limit))
    solver.setOptionValue("mip_abs_gap", float(gap))
    solver.setOptionValue("mip_rel_gap", 0.0)
    solver.setOptionValue("threads", 1)
    solver.passModel(model)
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
    objective = float(info.objective_function_value)
    bound = float(info.mip_dual_bound)
    return {"x": x, "objective": objective,
            "gap": max(objective - bound, 0.0) if np.isfinite(bound) else float("nan"),
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
