r"""Aggregation of normalised indicators into pillar scores and the index, for many weight
vectors at once.

Weights come as columns of a matrix W (indicators × draws), so one call scores a whole batch of
Monte Carlo draws with matrix products; the single index is the batch of one. Three methods:

* ``linear`` — weighted arithmetic mean :math:`\sum_j w_j z_j` (OECD/JRC Handbook 2008, 6.2).
* ``geometric`` — weighted geometric mean :math:`\prod_j g_j^{w_j}` of the inputs rescaled to
  :math:`g \in [1, 100]` over the scored unit-years (min-max), so that every normalisation can
  feed it (a geometric mean needs positive values; COINr's practice).
* ``topsis`` — closeness to the ideal (Hwang & Yoon 1981): with :math:`v_j = w_j z_j`, ideal
  :math:`v_j^+ = w_j \max z_j` and anti-ideal :math:`v_j^- = w_j \min z_j` over the goalpost
  sample, :math:`D^\pm = \lVert v - v^\pm \rVert_2` and :math:`C = D^- / (D^+ + D^-)`.
  With pooled goalposts the ideal is fixed across years, so closeness is comparable over time.

Within a pillar the weights are re-scaled to sum to one. With ``reweight`` a missing value is left
out and the unit-year's weights re-scaled over the indicators it has (drop and re-weight);
without it a missing value makes the score missing. Hierarchical indices aggregate indicators
into pillar scores, then pillar scores into the index (with `overall`); flat ones aggregate all
indicators at once with their overall weights.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from pairaid.measure.spec import Aggregation


def linear(z: np.ndarray, w: np.ndarray, reweight: bool = False) -> np.ndarray:
    """Weighted arithmetic mean of the rows of z (n × p) for each weight column of w (p × r)."""
    num, den = _weighted_sums(z, w, reweight)
    with np.errstate(invalid="ignore", divide="ignore"):
        return num / den


def geometric(g: np.ndarray, w: np.ndarray, reweight: bool = False) -> np.ndarray:
    """Weighted geometric mean of positive values g (n × p) for each weight column of w."""
    if np.any(g <= 0):
        raise ValueError("the geometric mean needs positive values")
    return np.exp(linear(np.log(g), w, reweight))


def topsis(z: np.ndarray, w: np.ndarray, best: np.ndarray, worst: np.ndarray,
           reweight: bool = False) -> np.ndarray:
    """TOPSIS closeness for each weight column of w; `best`/`worst` are per-row ideals (n × p)."""
    w = _as_columns(w)
    observed = ~np.isnan(z)
    den = (observed @ w) if reweight else w.sum(axis=0, keepdims=True)
    up = np.where(observed, (z - best) ** 2, 0.0 if reweight else np.nan)
    down = np.where(observed, (z - worst) ** 2, 0.0 if reweight else np.nan)
    with np.errstate(invalid="ignore", divide="ignore"):
        d_best = np.sqrt(up @ w ** 2) / den
        d_worst = np.sqrt(down @ w ** 2) / den
        return d_worst / (d_best + d_worst)


def geometric_scale(x: np.ndarray, sample: np.ndarray) -> np.ndarray:
    """Each column min-max rescaled to [1, 100] over the rows in `sample`."""
    goal = np.where(sample[:, None], x, np.nan)
    low, high = np.nanmin(goal, axis=0), np.nanmax(goal, axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        return 1.0 + 99.0 * (x - low) / np.where(high > low, high - low, 1.0)


def extremes(x: np.ndarray, group: np.ndarray, sample: np.ndarray
             ) -> tuple[np.ndarray, np.ndarray]:
    """Per row, the max and min of each column over the sample rows of the row's group."""
    goal = np.where(sample[:, None], x, np.nan)
    groups = np.unique(group)
    if len(groups) == 1:
        return (np.broadcast_to(np.nanmax(goal, axis=0), x.shape),
                np.broadcast_to(np.nanmin(goal, axis=0), x.shape))
    frame = pd.DataFrame(goal).groupby(group)
    high, low = frame.max().to_numpy(), frame.min().to_numpy()
    position = np.searchsorted(groups, group)
    return high[position], low[position]


def aggregate(z: np.ndarray, w: np.ndarray, pillar_w: np.ndarray, pillar_index: np.ndarray,
              method: Aggregation, overall: Aggregation, hierarchical: bool, reweight: bool,
              group: np.ndarray, sample: np.ndarray, pillars: bool = True
              ) -> tuple[np.ndarray, np.ndarray | None]:
    """Index (n × r) and pillar scores (P × n × r, or None when not asked for).

    `w` holds indicator weights (p × r), `pillar_w` pillar weights (P × r); in a flat index the
    index uses `w` directly and pillar scores are only reported.
    """
    w = _as_columns(w)
    inputs = _inputs(z, method, group, sample)
    n_pillars = int(pillar_index.max()) + 1
    scores = None
    if hierarchical or pillars:
        scores = np.stack([_combine(inputs, w, pillar_index == k, method, reweight)
                           for k in range(n_pillars)])
    if not hierarchical:
        return _combine(inputs, w, np.ones(len(pillar_index), dtype=bool), method,
                        reweight), scores
    assert scores is not None
    return _overall(scores, _as_columns(pillar_w), overall, reweight, group, sample), scores


def _inputs(z, method, group, sample) -> dict[str, np.ndarray]:
    if method == "linear":
        return {"z": z}
    if method == "geometric":
        return {"z": np.log(geometric_scale(z, sample))}
    best, worst = extremes(z, group, sample)
    return {"z": z, "best": best, "worst": worst}


def _combine(inputs, w, columns, method, reweight) -> np.ndarray:
    z = inputs["z"][:, columns]
    wk = w[columns]
    if method == "topsis":
        return topsis(z, wk, inputs["best"][:, columns], inputs["worst"][:, columns], reweight)
    mean = linear(z, wk, reweight)
    return np.exp(mean) if method == "geometric" else mean


def _overall(scores, pillar_w, overall, reweight, group, sample) -> np.ndarray:
    """Combine pillar scores (P × n × r) with pillar weights (P × r), draw by draw."""
    n_pillars, n, r = scores.shape
    if overall == "geometric":
        flat = scores.transpose(1, 2, 0).reshape(n, r * n_pillars)
        scaled = geometric_scale(flat, sample).reshape(n, r, n_pillars).transpose(2, 0, 1)
        values = np.log(scaled)
    elif overall == "topsis":
        flat = scores.transpose(1, 2, 0).reshape(n, r * n_pillars)
        best, worst = (e.reshape(n, r, n_pillars).transpose(2, 0, 1)
                       for e in extremes(flat, group, sample))
        return _topsis_pillars(scores, pillar_w, best, worst, reweight)
    else:
        values = scores
    weights = pillar_w[:, None, :]                              # (P, 1, r)
    observed = ~np.isnan(values)
    if reweight:
        num = np.where(observed, values, 0.0) * weights
        den = (observed * weights).sum(axis=0)
    else:
        num, den = values * weights, weights.sum(axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = num.sum(axis=0) / den
    return np.exp(mean) if overall == "geometric" else mean


def _topsis_pillars(scores, pillar_w, best, worst, reweight) -> np.ndarray:
    """TOPSIS over pillar scores (P × n × r) with per-draw ideals `best`/`worst` (same shape)."""
    weights2 = pillar_w[:, None, :] ** 2
    observed = ~np.isnan(scores)
    fill = 0.0 if reweight else np.nan
    den = (observed * pillar_w[:, None, :]).sum(axis=0) if reweight else pillar_w.sum(axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        d_best = np.sqrt((np.where(observed, (scores - best) ** 2, fill) * weights2).sum(0)) / den
        d_worst = np.sqrt((np.where(observed, (scores - worst) ** 2, fill) * weights2).sum(0)) / den
        return d_worst / (d_best + d_worst)


def _weighted_sums(z, w, reweight):
    w = _as_columns(w)
    if not reweight:
        return z @ w, w.sum(axis=0, keepdims=True)
    observed = ~np.isnan(z)
    return np.where(observed, z, 0.0) @ w, observed @ w


def _as_columns(w: np.ndarray) -> np.ndarray:
    w = np.asarray(w, dtype=float)
    return w[:, None] if w.ndim == 1 else w


def ranks_within(scores: np.ndarray, n_units: int, n_times: int, ties: str = "min"
                 ) -> np.ndarray:
    """Rank of each row's score among the units of its period (1 = highest); NaN stays unranked.

    `scores` is (U * T, r) in cube order. ``ties="min"`` gives tied units the same, best rank
    (1, 2, 2, 4; float result with NaN); ``"ordinal"`` breaks ties by unit order and returns
    int16/int32 ranks with 0 for unranked rows — fast, for Monte Carlo draws.
    """
    scores = _as_columns(scores)
    r = scores.shape[1]
    cube = scores.reshape(n_units, n_times, r)
    if ties == "min":
        flat = cube.reshape(n_units, n_times * r)
        ranked = pd.DataFrame(flat).rank(axis=0, ascending=False, method="min").to_numpy()
        return ranked.reshape(n_units * n_times, r)
    dtype = np.int16 if n_units < np.iinfo(np.int16).max else np.int32
    order = np.argsort(-cube.astype(np.float32), axis=0)       # NaN sorts last
    ranks = np.empty(cube.shape, dtype=dtype)
    np.put_along_axis(ranks, order, np.arange(1, n_units + 1, dtype=dtype)[:, None, None],
                      axis=0)
    ranks[np.isnan(cube)] = 0
    return ranks.reshape(n_units * n_times, r)
