r"""Uncertainty and sensitivity analysis of an index over the analyst's choices, vectorised.

Following the JRC's practice (Saisana, Saltelli & Tarantola 2005, *JRSS A* 168(2), 307–323;
COINr's ``get_sensitivity``), five choices are treated as uncertain inputs, each drawn uniformly:

* ``imputation`` — the missing-value treatment (levels from ``[sensitivity] imputation``);
* ``normalisation`` — the normalisation method;
* ``weighting`` — the weighting method;
* ``weights`` — a perturbation: every indicator and pillar weight times U(1 − δ, 1 + δ),
  re-scaled to sum to one (δ = ``weight_noise``);
* ``aggregation`` — the aggregation method (at both levels of a hierarchical index).

A choice with a single level (or δ = 0) is held fixed. With k active choices and D draws the
draws form a Saltelli design of base size N = ⌈D / (k + 2)⌉: matrices A and B of N independent
draws and, for each choice i, :math:`A_B^{(i)}` (A with choice i taken from B), N(k + 2) ≥ D draws
in all. Every draw is a full index; every draw's ranks (within each period) feed the rank
distribution of each unit-year (median and 5–95 % interval). Variance-based indices use
Saltelli et al. (2010, *Comput. Phys. Commun.* 181, 259–270) for the first order and Jansen
(1999, *Comput. Phys. Commun.* 117, 35–43) for the total effect:

.. math:: S_i = \frac{\tfrac1N \sum f(B)\,[f(A_B^{(i)}) - f(A)]}{V},\qquad
          S_{Ti} = \frac{\tfrac1{2N} \sum [f(A) - f(A_B^{(i)})]^2}{V},

for two outputs: ``rank`` (each unit-year's rank; numerators and variances summed over
unit-years, so a choice's index is its share of all rank variance) and ``mean_rank_shift``
(per draw, the mean absolute difference from the nominal ranks; COINr's summary output), with
bootstrap 90 % intervals. Computation: normalised matrices are built once per (imputation,
normalisation), weights once per (imputation, weighting), and draws sharing those are scored
together in batches with matrix products; ranks are one argsort per batch.
"""

from __future__ import annotations

import time as clock
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from pairaid.measure import aggregate as agg
from pairaid.measure.data import indicator_table
from pairaid.measure.index import build_index, normalised, prepare, score, treated, weights_for
from pairaid.measure.results import IndexResult
from pairaid.measure.sensitivity_results import SensitivityResult
from pairaid.measure.spec import IndexSpec, IndexSpecError
from pairaid.measure.spec_toml import load_spec

FACTORS = ("imputation", "normalisation", "weighting", "weights", "aggregation")
QUANTILES = (0.05, 0.5, 0.95)

__all__ = ["FACTORS", "SensitivityResult", "sensitivity"]


@dataclass(frozen=True)
class Design:
    levels: dict[str, tuple]            # discrete factor -> its levels
    active: tuple[str, ...]             # factors that vary
    base: int                           # N
    choice: dict[str, np.ndarray]       # discrete factor -> (R,) level index per draw
    noise: np.ndarray                   # (R, p + P) weight multipliers


def design(spec: IndexSpec, draws: int, rng: np.random.Generator) -> Design:
    """Draw every choice of every draw up front (the Saltelli A, B, A_B^(i) blocks)."""
    s = spec.sensitivity
    levels = {"imputation": s.imputation, "normalisation": s.normalisation,
              "weighting": s.weighting, "aggregation": s.aggregation}
    active = tuple(f for f in FACTORS if (f == "weights" and s.weight_noise > 0)
                   or (f != "weights" and len(levels[f]) > 1))
    if not active:
        raise IndexSpecError("[sensitivity] varies nothing: give two or more levels for a "
                             "choice, or weight_noise > 0")
    k = len(active)
    base = -(-draws // (k + 2))   # at least `draws` in all
    if base < 2:
        raise IndexSpecError(f"--draws {draws} is too few: {k} varying choices need at least "
                             f"{2 * (k + 2)} draws (N(k + 2) with N >= 2)")
    width = len(spec.indicators) + len(spec.pillars)

    def sample() -> dict[str, np.ndarray]:
        out = {f: rng.integers(0, len(levels[f]), base) for f in levels}
        out["weights"] = rng.uniform(1 - s.weight_noise, 1 + s.weight_noise, (base, width))
        return out

    a, b = sample(), sample()
    blocks = [a, b] + [{f: (b if f == i else a)[f] for f in FACTORS} for i in active]
    choice = {f: np.concatenate([blk[f] for blk in blocks]) for f in levels}
    noise = np.concatenate([blk["weights"] for blk in blocks])
    return Design(levels, active, base, choice, noise)


def sensitivity(data: pd.DataFrame, spec: IndexSpec | str | Path, *, draws: int = 1000,
                unit: str = "unit", time: str | None = "year", seed: int = 0, batch: int = 64,
                synthetic: bool = False,
                progress: Callable[[int, int], None] | None = None) -> SensitivityResult:
    """Monte Carlo over the index choices: rank intervals per unit-year and sensitivity indices.

    `draws` is the number of index evaluations (see the module docstring for the design);
    `seed` makes the draws reproducible; `batch` draws are scored per matrix product.
    """
    started = clock.perf_counter()
    spec = load_spec(spec)
    nominal = build_index(data, spec, unit=unit, time=time, synthetic=synthetic)
    prep = prepare(indicator_table(data, spec, unit, time), spec)
    t = prep.table
    n_units, n_times = len(t.units), len(t.times)
    plan = design(spec, int(draws), np.random.default_rng(seed))
    total = len(plan.noise)
    rows = np.flatnonzero(prep.rows)
    ranks = np.zeros((total, len(rows)), dtype=np.int16 if n_units < 32767 else np.int32)

    levels = plan.levels
    values = {m: treated(prep, m).values for m in levels["imputation"]}
    z = {}
    hierarchical = spec.aggregation.hierarchical
    found = {(m, w): weights_for(prep, values[m], w)
             for m in levels["imputation"] for w in levels["weighting"]}
    # per imputation: (weighting methods × p) indicator and (× P) pillar weights
    weights = {m: (np.stack([found[(m, w)].within if hierarchical else found[(m, w)].overall
                             for w in levels["weighting"]]),
                   np.stack([found[(m, w)].pillars for w in levels["weighting"]]))
               for m in levels["imputation"]}
    pillar_index = spec.pillar_index
    keys = np.stack([plan.choice[f] for f in ("imputation", "normalisation", "aggregation")], 1)
    done = 0
    for key in np.unique(keys, axis=0):
        imp, norm, method = (levels[f][k] for f, k in
                             zip(("imputation", "normalisation", "aggregation"), key))
        if (imp, norm) not in z:
            z[(imp, norm)] = normalised(prep, values[imp], norm)
        members = np.flatnonzero((keys == key).all(axis=1))
        for start in range(0, len(members), batch):
            runs = members[start:start + batch]
            within, pillar_w = _weights(plan, runs, weights[imp], hierarchical, pillar_index)
            index, _ = score(prep, z[(imp, norm)], within, pillar_w, method, method,
                             reweight=True, pillars=False)
            ranks[runs] = agg.ranks_within(index, n_units, n_times, "ordinal")[rows].T
            done += len(runs)
            if progress:
                progress(done, total)
    return _summarise(nominal, prep, plan, ranks, rows, started, synthetic)


def _weights(plan, runs, base, hierarchical, pillar_index):
    """Per-draw weight columns: the base weights of the drawn method times the noise."""
    method = plan.choice["weighting"][runs]
    p = len(pillar_index)
    noisy = base[0][method].T * plan.noise[runs, :p].T                 # (p, r)
    groups = pillar_index if hierarchical else np.zeros(p, dtype=int)
    sums = np.zeros((groups.max() + 1, len(runs)))
    np.add.at(sums, groups, noisy)
    within = noisy / np.where(sums[groups] > 0, sums[groups], 1.0)
    pillars = base[1][method].T * plan.noise[runs, p:].T                # (P, r)
    return within, pillars / pillars.sum(axis=0, keepdims=True)


def _summarise(nominal: IndexResult, prep, plan: Design, ranks: np.ndarray, rows: np.ndarray,
               started: float, synthetic: bool) -> SensitivityResult:
    t = prep.table
    keys = t.keys().iloc[rows].reset_index(drop=True)
    nominal_ranks = (nominal.table.set_index(["unit", "time"])["rank"]
                     .reindex(pd.MultiIndex.from_frame(keys)).to_numpy())
    quantiles = _rank_quantiles(ranks, QUANTILES)
    table = keys.assign(nominal_rank=nominal_ranks, median_rank=quantiles[1],
                        rank_q05=quantiles[0], rank_q95=quantiles[2])
    table["interval_width"] = table["rank_q95"] - table["rank_q05"]
    table["units_in_period"] = keys.groupby("time")["unit"].transform("size").to_numpy()
    shift = _mean_shift(ranks, nominal_ranks)
    indices = _indices(ranks, shift, plan)
    runs = pd.DataFrame({f: np.asarray(plan.levels[f], dtype=object)[plan.choice[f]]
                         for f in plan.levels})
    runs["mean_rank_shift"] = shift
    return SensitivityResult(spec=nominal.spec, table=table, indices=indices, runs=runs,
                             base=plan.base, active=plan.active,
                             levels={f: tuple(v) for f, v in plan.levels.items()},
                             weight_noise=nominal.spec.sensitivity.weight_noise,
                             seconds=clock.perf_counter() - started, nominal=nominal,
                             synthetic=synthetic)


def _rank_quantiles(ranks: np.ndarray, qs, chunk: int = 8192) -> list[np.ndarray]:
    """Quantiles (numpy's default linear rule) of every column's ranks over the draws."""
    total, n = ranks.shape
    out = [np.empty(n) for _ in qs]
    positions = [q * (total - 1) for q in qs]
    for start in range(0, n, chunk):
        block = np.sort(ranks[:, start:start + chunk], axis=0).astype(float)
        for k, h in enumerate(positions):
            low = int(np.floor(h))
            high = min(low + 1, total - 1)
            out[k][start:start + chunk] = block[low] + (h - low) * (block[high] - block[low])
    return out


def _mean_shift(ranks: np.ndarray, nominal: np.ndarray, chunk: int = 8192) -> np.ndarray:
    usable = np.flatnonzero(~np.isnan(nominal))
    total = np.zeros(len(ranks))
    for start in range(0, len(usable), chunk):
        cols = usable[start:start + chunk]
        total += np.abs(ranks[:, cols] - nominal[cols].astype(np.float32)).sum(axis=1)
    return total / max(len(usable), 1)


def _indices(ranks: np.ndarray, shift: np.ndarray, plan: Design, chunk: int = 8192,
             boot: int = 500) -> pd.DataFrame:
    n = plan.base
    a, b = slice(0, n), slice(n, 2 * n)
    k = len(plan.active)
    first, total, variance = np.zeros(k), np.zeros(k), 0.0
    for start in range(0, ranks.shape[1], chunk):
        y = ranks[:, start:start + chunk].astype(np.float64)
        ya, yb = y[a], y[b]
        variance += np.var(np.concatenate([ya, yb]), axis=0).sum()
        for i in range(k):
            yab = y[(2 + i) * n:(3 + i) * n]
            first[i] += np.mean(yb * (yab - ya), axis=0).sum()
            total[i] += 0.5 * np.mean((ya - yab) ** 2, axis=0).sum()
    rows = []
    for i, factor in enumerate(plan.active):
        value_first = first[i] / variance if variance > 0 else np.nan
        value_total = total[i] / variance if variance > 0 else np.nan
        rows.append((factor, "rank", value_first, value_total, np.nan, np.nan, np.nan, np.nan))
    rng = np.random.default_rng(12345)
    draw = rng.integers(0, n, (boot, n))
    fa, fb = shift[a], shift[b]
    for i, factor in enumerate(plan.active):
        fab = shift[(2 + i) * n:(3 + i) * n]
        s, st = _sobol(fa, fb, fab)
        bs, bst = _sobol(fa[draw], fb[draw], fab[draw])
        with warnings.catch_warnings():   # no variance at all: the bounds are NaN too
            warnings.simplefilter("ignore", RuntimeWarning)
            (s_lo, s_hi), (t_lo, t_hi) = (np.nanquantile(v, [0.05, 0.95]) for v in (bs, bst))
        rows.append((factor, "mean_rank_shift", s, st, s_lo, s_hi, t_lo, t_hi))
    return pd.DataFrame(rows, columns=["choice", "output", "first_order", "total",
                                       "first_order_q05", "first_order_q95", "total_q05",
                                       "total_q95"])


def _sobol(fa: np.ndarray, fb: np.ndarray, fab: np.ndarray) -> tuple:
    """First-order (Saltelli 2010) and total (Jansen 1999) indices along the last axis."""
    variance = np.var(np.concatenate([fa, fb], axis=-1), axis=-1)
    with np.errstate(invalid="ignore", divide="ignore"):
        first = np.mean(fb * (fab - fa), axis=-1) / variance
        total = 0.5 * np.mean((fa - fab) ** 2, axis=-1) / variance
    return first, total
