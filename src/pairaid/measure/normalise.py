r"""Normalisation: bring indicators to a common, unit-free scale where more is always better.

Each method maps an indicator column x to z with goalposts (min, max, mean, ...) computed over a
*goalpost sample* of rows. Goalposts are fixed across years by default — computed once over every
unit-year (``pooled``) or over one ``reference`` year — so that a score in 2010 and one in 2020 are
on the same scale, which panel regressions on the index need. ``year`` goalposts recompute them
within each year (the cross-sectional practice of most published indices; not comparable over
time).

For an indicator where less is better (direction −1) the normalised value is mirrored,
:math:`z^{-} = c - z^{+}`, with the constant c of `MIRROR` (1 for min-max, vector and rank, 0 for
z-scores and distances). Mirroring keeps every method's spread, so flipping a direction flips the
indicator's contribution and nothing else. References: OECD/JRC (2008) *Handbook on Constructing
Composite Indicators*, section 5; Hwang & Yoon (1981) for vector normalisation.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from pairaid.measure.spec import IndexDataError, Normalisation, Reference

MIRROR: dict[str, float] = {"minmax": 1.0, "zscore": 0.0, "vector": 1.0, "rank": 1.0,
                            "distance": 0.0}


def normalise(values: np.ndarray, directions: np.ndarray, method: Normalisation, *,
              group: np.ndarray | None = None, sample: np.ndarray | None = None,
              reference: Reference = "best", targets: np.ndarray | None = None,
              codes: tuple[str, ...] | None = None, periods: np.ndarray | None = None
              ) -> np.ndarray:
    r"""Normalise every column of `values` (rows × indicators; NaN stays NaN).

    Goalposts are computed per `group` (default: one group) over the rows in `sample`
    (default: all rows), then applied to every row of the group.

    * ``minmax`` — :math:`z = (x - \min) / (\max - \min)`, in [0, 1] on the goalpost sample.
    * ``zscore`` — :math:`z = (x - \bar{x}) / s`, s the sample standard deviation (ddof = 1).
    * ``vector`` — :math:`z = x / \sqrt{\sum x^2}` (Hwang & Yoon 1981); less-is-better:
      :math:`1 - x / \sqrt{\sum x^2}` (as pymcdm).
    * ``rank`` — :math:`z = (r - 1) / (n - 1)`, r the rank among the goalpost sample (ties get
      their average rank), so 0 is the worst and 1 the best.
    * ``distance`` — relative distance to a reference value,
      :math:`z = (x - x_{ref}) / |x_{ref}|`, with the reference the ``best`` value of the sample
      (max, or min when less is better), its ``mean``, or the indicator's ``target``.

    Raises `IndexDataError` when an indicator is constant (or has fewer than two values) within
    a goalpost sample: it cannot discriminate between units, so it is refused rather than
    silently given a made-up value.
    """
    x = np.asarray(values, dtype=float)
    n, p = x.shape
    group = np.zeros(n, dtype=int) if group is None else np.asarray(group)
    sample = np.ones(n, dtype=bool) if sample is None else np.asarray(sample, dtype=bool)
    codes = codes or tuple(f"column {j}" for j in range(p))
    benefit = np.asarray(directions, dtype=float) > 0
    in_sample = np.where(sample[:, None], x, np.nan)
    out = np.full_like(x, np.nan)
    for g in np.unique(group):
        rows = group == g
        goal = in_sample[rows]
        where = "" if periods is None else f" in {periods[g]}"
        _check_spread(goal, codes, where)
        out[rows] = _apply(x[rows], goal, method, benefit, reference, targets, codes)
    return out


def _check_spread(goal: np.ndarray, codes: tuple[str, ...], where: str) -> None:
    count = np.sum(~np.isnan(goal), axis=0)
    with np.errstate(invalid="ignore"):
        spread = np.nanmax(goal, axis=0) - np.nanmin(goal, axis=0) if len(goal) else count * 0.0
    bad = (count < 2) | ~(spread > 0)
    if bad.any():
        j = int(np.flatnonzero(bad)[0])
        what = (f"has fewer than two values{where}" if count[j] < 2 else
                f"is constant{where} (every value is {np.nanmax(goal[:, j]):g})")
        raise IndexDataError(f"indicator {codes[j]} {what}: it cannot tell units apart; drop it "
                             "from the spec")


def _apply(x, goal, method, benefit, reference, targets, codes) -> np.ndarray:
    if method == "minmax":
        low, high = np.nanmin(goal, axis=0), np.nanmax(goal, axis=0)
        z = (x - low) / (high - low)
    elif method == "zscore":
        z = (x - np.nanmean(goal, axis=0)) / np.nanstd(goal, axis=0, ddof=1)
    elif method == "vector":
        z = x / np.sqrt(np.nansum(goal ** 2, axis=0))
    elif method == "rank":
        z = _rank(x, goal)
    elif method == "distance":
        ref = _reference(goal, benefit, reference, targets)
        zero = np.flatnonzero(ref == 0)
        if len(zero):
            raise IndexDataError(f"indicator {codes[zero[0]]}: the reference value is 0, so the "
                                 "relative distance to it is undefined")
        z = (x - ref) / np.abs(ref)
    else:  # pragma: no cover - the spec validates the method
        raise ValueError(method)
    return np.where(benefit, z, MIRROR[method] - z)


def _rank(x: np.ndarray, goal: np.ndarray) -> np.ndarray:
    """Average-tie rank of each x among the goalpost sample, scaled to [0, 1]."""
    count = np.sum(~np.isnan(goal), axis=0)
    ranked = pd.DataFrame(goal).rank(method="average").to_numpy()
    same = np.array_equal(np.isnan(x), np.isnan(goal)) and np.array_equal(
        np.nan_to_num(x), np.nan_to_num(goal))
    if not same:  # rows outside the sample: place them by their position among the sample
        z = np.full_like(x, np.nan)
        for j in range(x.shape[1]):
            values = np.sort(goal[~np.isnan(goal[:, j]), j])
            low = np.searchsorted(values, x[:, j], side="left")
            high = np.searchsorted(values, x[:, j], side="right")
            z[:, j] = np.where(np.isnan(x[:, j]), np.nan, (low + high + 1) / 2)
        ranked = z
    return (ranked - 1) / (count - 1)


def _reference(goal, benefit, reference, targets) -> np.ndarray:
    if reference == "target":
        return np.asarray(targets, dtype=float)
    if reference == "mean":
        return np.nanmean(goal, axis=0)
    return np.where(benefit, np.nanmax(goal, axis=0), np.nanmin(goal, axis=0))


def goalpost_groups(time_index: np.ndarray, rows: np.ndarray, goalposts: str,
                    times: np.ndarray, reference_year: int | None
                    ) -> tuple[np.ndarray, np.ndarray]:
    """The goalpost group of every row and the rows that set the goalposts."""
    if goalposts == "year":
        return time_index, rows
    group = np.zeros(len(rows), dtype=int)
    if goalposts == "reference":
        matches = np.flatnonzero(times == reference_year)
        if not len(matches):
            raise IndexDataError(f"the reference year {reference_year} is not in the data "
                                 f"({times[0]}–{times[-1]})")
        return group, rows & (time_index == matches[0])
    return group, rows


# Matrix conveniences (alternatives in rows, indicators in columns; one goalpost group).

def minmax(x, directions=None):
    """Min-max normalisation of a matrix (see `normalise`)."""
    return normalise(x, _dirs(x, directions), "minmax")


def zscore(x, directions=None):
    """z-scores of a matrix (see `normalise`)."""
    return normalise(x, _dirs(x, directions), "zscore")


def vector(x, directions=None):
    """Vector normalisation of a matrix (see `normalise`)."""
    return normalise(x, _dirs(x, directions), "vector")


def rank(x, directions=None):
    """Rank normalisation of a matrix (see `normalise`)."""
    return normalise(x, _dirs(x, directions), "rank")


def _dirs(x, directions) -> np.ndarray:
    return np.ones(np.shape(x)[1]) if directions is None else np.asarray(directions, dtype=float)
