"""Weighted inequality and concentration of a per-capita value across places.

Every measure treats unit *i* as ``w_i`` people who each have the unit's per-capita value
``y_i`` (``w`` = population), so a measure with integer weights equals the unweighted measure on
rows replicated ``w_i`` times, and equal weights give the unweighted measure. All code is
vectorised numpy: one sort per measure, no loops over units.

Aggregate statistics about places only: nothing here describes a person.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

# the results module holds the result types; nothing there imports this module (issue 10)
from pairaid.distribution.results import (ConcentrationIndex, Decomposition, InequalityResult,
                                          TheilIndex)
from pairaid.errors import InputError


class InequalityInputError(InputError):
    """Input an inequality measure cannot use; the CLI turns it into one line and exit code 2."""


# -- input checks ------------------------------------------------------------------------------
def _labels(mask: np.ndarray, index=None, limit: int = 8) -> str:
    positions = np.flatnonzero(mask)
    names = [str(index[p]) if index is not None else str(p) for p in positions[:limit]]
    more = f" and {len(positions) - limit} more" if len(positions) > limit else ""
    return ", ".join(names) + more


def _arrays(values, weights=None, index=None) -> tuple[np.ndarray, np.ndarray]:
    """Values and weights as float arrays, checked: finite, weights > 0 (no missing here)."""
    y = np.asarray(values, dtype=float)
    if y.ndim != 1:
        raise InequalityInputError("values must be one-dimensional")
    w = np.ones_like(y) if weights is None else np.asarray(weights, dtype=float)
    if w.shape != y.shape:
        raise InequalityInputError(f"{len(w)} weights for {len(y)} values")
    if len(y) == 0:
        raise InequalityInputError("no units with a value and a weight: nothing to measure")
    bad = ~np.isfinite(y) | ~np.isfinite(w)
    if bad.any():
        raise InequalityInputError(f"missing or infinite values or weights in rows "
                                   f"{_labels(bad, index)} (drop missing rows first)")
    if (w <= 0).any():
        raise InequalityInputError(f"weights (populations) must be positive; zero or negative in "
                                   f"rows {_labels(w <= 0, index)}")
    return y, w


def _positive_mean(y: np.ndarray, w: np.ndarray, what: str) -> float:
    mean = float(np.sum(w * y) / np.sum(w))
    if mean <= 0:
        raise InequalityInputError(f"{what} needs a positive mean value; the weighted mean is "
                                   f"{mean:g}")
    return mean


def _constant(y: np.ndarray) -> bool:
    return bool(np.all(y == y[0]))


# -- ranks and curves --------------------------------------------------------------------------
def fractional_rank(rank_by, weights=None) -> np.ndarray:
    """Weighted fractional rank in (0, 1): the population share below a unit plus half its own
    share; tied units share the mean rank of their block (O'Donnell et al. 2008, ch. 8)."""
    r = np.asarray(rank_by, dtype=float)
    w = np.ones_like(r) if weights is None else np.asarray(weights, dtype=float)
    order = np.argsort(r, kind="stable")
    _, block = np.unique(r[order], return_inverse=True)
    block_weight = np.bincount(block, weights=w[order])
    below = np.cumsum(block_weight) - block_weight
    ranks = np.empty_like(r)
    ranks[order] = ((below + block_weight / 2) / w.sum())[block]
    return ranks


def _curve(y: np.ndarray, w: np.ndarray, order_by: np.ndarray) -> pd.DataFrame:
    order = np.argsort(order_by, kind="stable")
    sorted_key = order_by[order]
    # one point per block of tied keys: inside a tie the order is arbitrary
    ends = np.append(np.flatnonzero(np.diff(sorted_key) != 0), len(y) - 1)
    people = np.cumsum(w[order])[ends]
    amount = np.cumsum((w * y)[order])[ends]
    return pd.DataFrame({"population_share": np.concatenate([[0.0], people / people[-1]]),
                         "value_share": np.concatenate([[0.0], amount / amount[-1]])})


def lorenz_curve(values, weights=None) -> pd.DataFrame:
    """Points of the weighted Lorenz curve: cumulative population share (units sorted by value,
    ascending) against the cumulative share of the total (Σ w·y), starting at (0, 0)."""
    y, w = _arrays(values, weights)
    _positive_mean(y, w, "a Lorenz curve")
    return _curve(y, w, y)


def concentration_curve(values, rank_by, weights=None) -> pd.DataFrame:
    """Points of the concentration curve: cumulative population share with units ranked by
    `rank_by` (ascending, e.g. poorest first) against the cumulative share of Σ w·y."""
    y, w = _arrays(values, weights)
    r, _ = _arrays(rank_by, w)
    _positive_mean(y, w, "a concentration curve")
    return _curve(y, w, r)


# -- indices -----------------------------------------------------------------------------------
def gini(values, weights=None) -> float:
    """Population-weighted Gini coefficient.

    ``G = 2 Σ w_i y_i F_i / Σ w_i y_i − 1`` with ``F`` the weighted fractional rank of ``y``;
    equal to ``Σ_i Σ_j w_i w_j |y_i − y_j| / (2 W² μ)`` (the replicated-rows Gini).
    """
    y, w = _arrays(values, weights)
    _positive_mean(y, w, "the Gini coefficient")
    if _constant(y):
        return 0.0
    return float(2 * np.sum(w * y * fractional_rank(y, w)) / np.sum(w * y) - 1)


def theil_t(values, weights=None) -> float:
    """Theil T (GE(1)): ``Σ s_i (y_i/μ) ln(y_i/μ)``, ``s`` = population shares; ``0·ln 0 = 0``."""
    y, w = _arrays(values, weights)
    _check_theil(y, "theil_t")
    return _theil_t(y, w)


def theil_l(values, weights=None) -> float:
    """Theil L (GE(0), mean log deviation): ``Σ s_i ln(μ/y_i)``; undefined for zero values."""
    y, w = _arrays(values, weights)
    _check_theil(y, "theil_l")
    return _theil_l(y, w)


def _check_theil(y: np.ndarray, index: TheilIndex, labels=None) -> None:
    if (y < 0).any():
        raise InequalityInputError(f"the Theil index needs values ≥ 0; negative in rows "
                                   f"{_labels(y < 0, labels)}")
    if index == "theil_l" and (y == 0).any():
        raise InequalityInputError(f"Theil L (mean log deviation) is undefined for zero values: "
                                   f"zero in rows {_labels(y == 0, labels)} (Theil T allows them)")
    if not (y > 0).any():
        raise InequalityInputError("the Theil index needs at least one positive value")


def _theil_t(y: np.ndarray, w: np.ndarray) -> float:
    if _constant(y):
        return 0.0
    ratio = y / (np.sum(w * y) / np.sum(w))
    terms = np.where(ratio > 0, ratio * np.log(np.where(ratio > 0, ratio, 1.0)), 0.0)
    return float(np.sum(w * terms) / np.sum(w))


def _theil_l(y: np.ndarray, w: np.ndarray) -> float:
    if _constant(y):
        return 0.0
    mean = np.sum(w * y) / np.sum(w)
    return float(np.sum(w * np.log(mean / y)) / np.sum(w))


def theil_decomposition(values, groups, weights=None, index: TheilIndex = "theil_t"
                        ) -> Decomposition:
    """Exact between/within decomposition of Theil T or Theil L by any grouping.

    With population shares ``S_g``, value shares ``V_g = S_g μ_g / μ`` and within-group
    indices ``T_g``, ``L_g`` (Shorrocks 1980):

    * Theil T = ``Σ V_g ln(μ_g/μ)`` (between) + ``Σ V_g T_g`` (within);
    * Theil L = ``Σ S_g ln(μ/μ_g)`` (between) + ``Σ S_g L_g`` (within).

    A group with one unit is allowed: its within-group index is 0.
    """
    if index not in ("theil_t", "theil_l"):
        raise InequalityInputError(f"unknown Theil index '{index}' (use theil_t or theil_l)")
    y, w = _arrays(values, weights)
    _check_theil(y, index)
    g = np.asarray(groups)
    if g.shape != y.shape:
        raise InequalityInputError(f"{len(g)} group labels for {len(y)} values")
    if pd.isna(g).any():
        raise InequalityInputError("missing group labels (drop those rows first)")
    labels, code = np.unique(g, return_inverse=True)
    pop = np.bincount(code, weights=w)
    amount = np.bincount(code, weights=w * y)
    total_pop, total_amount = pop.sum(), amount.sum()
    mean = total_amount / total_pop
    group_mean = amount / pop
    pop_share, value_share = pop / total_pop, amount / total_amount
    ratio = y / np.where(group_mean > 0, group_mean, 1.0)[code]  # an all-zero group: ratio 0
    if index == "theil_t":
        unit_terms = np.where(y > 0, ratio * np.log(np.where(y > 0, ratio, 1.0)), 0.0)
        within_g = np.bincount(code, weights=w * unit_terms) / pop
        weight_g = value_share
        safe_mean = np.where(group_mean > 0, group_mean, mean)
        between = float(np.sum(np.where(value_share > 0, value_share * np.log(safe_mean / mean),
                                        0.0)))
        total = _theil_t(y, w)
    else:
        within_g = np.bincount(code, weights=w * np.log(1 / ratio)) / pop
        weight_g = pop_share
        between = float(np.sum(pop_share * np.log(mean / group_mean)))
        total = _theil_l(y, w)
    # a constant group is exactly 0 (rounding of μ_g would leave ±1e-17)
    low, high = np.full(len(labels), np.inf), np.full(len(labels), -np.inf)
    np.minimum.at(low, code, y)
    np.maximum.at(high, code, y)
    constant = low == high
    within_g = np.where(constant, 0.0, within_g)
    contribution = weight_g * within_g
    within = float(contribution.sum())
    if total == 0.0:
        between = within = 0.0
    table = pd.DataFrame({"group": labels, "n_units": np.bincount(code),
                          "population_share": pop_share, "value_share": value_share,
                          "mean": group_mean, "theil": within_g, "contribution": contribution})
    return Decomposition(index, total, between, within, table)


def concentration_index(values, rank_by, weights=None) -> ConcentrationIndex:
    """Concentration index of `values` with units ranked by `rank_by` (ascending).

    ``C = 2 cov_w(y, R) / μ`` with ``R`` the weighted fractional rank (ties share their mean
    rank); −1 ≤ C ≤ 1, negative when the value is concentrated among low-ranked units.

    Standard error: the *convenient regression* of O'Donnell, van Doorslaer, Wagstaff &
    Lindelow (2008), *Analyzing Health Equity Using Household Survey Data*, ch. 8, eq. 8.7:
    ``2 σ_R² y_i / μ = α + β R_i + ε_i`` fitted by weighted least squares (weights ``w``),
    ``β = C``; the reported SE is the heteroskedasticity-robust (HC1 sandwich) SE of β, what
    ``regress lhs rank [pw=w]`` reports. It ignores the sampling variance of μ and the serial
    correlation of ranks (the delta-method SE of Kakwani, Wagstaff & van Doorslaer 1997 accounts
    for both); the units are places, so read it as a measure of how stable C is to the units
    observed, not as sampling error of a survey.
    """
    y, w = _arrays(values, weights)
    r, _ = _arrays(rank_by, w)
    mean = _positive_mean(y, w, "a concentration index")
    if _constant(r):
        raise InequalityInputError("the ranking variable is the same for every unit: no ranking")
    rank = fractional_rank(r, w)
    if _constant(y):
        return ConcentrationIndex(0.0, 0.0, len(y))
    share = w / w.sum()
    variance = np.sum(share * (rank - 0.5) ** 2)
    lhs = 2 * variance * y / mean
    X = np.column_stack([np.ones_like(rank), rank])
    bread = np.linalg.inv(X.T @ (w[:, None] * X))
    alpha, beta = bread @ (X.T @ (w * lhs))
    resid = lhs - alpha - beta * rank
    meat = (X * ((w * resid) ** 2)[:, None]).T @ X
    n = len(y)
    cov = bread @ meat @ bread * (n / (n - 2) if n > 2 else np.nan)
    index = float(2 * np.sum(share * y * rank) / mean - 1)
    return ConcentrationIndex(index, float(np.sqrt(cov[1, 1])), n)


@dataclass(frozen=True)
class Progressivity:
    """Is the value going where need is greatest? ``concentration``: the value ranked by the
    need variable (ascending, e.g. income per capita: poorest first), negative = pro-poor;
    ``need_gini``: the need variable's own Gini; ``kakwani = C − G``: negative means the value is
    spread more toward the low end than the need variable itself, so adding it narrows the gap
    (Kakwani 1977; for benefits see O'Donnell et al. 2008, ch. 14)."""
    concentration: ConcentrationIndex
    need_gini: float

    @property
    def kakwani(self) -> float:
        return self.concentration.index - self.need_gini

    @property
    def pro_poor(self) -> bool:
        return self.concentration.index < 0


def progressivity(values, need, weights=None) -> Progressivity:
    """Concentration index of `values` ranked by `need` and the comparison with Gini(`need`)."""
    return Progressivity(concentration_index(values, need, weights), gini(need, weights))


# -- one call for a table ----------------------------------------------------------------------
def describe_inequality(frame: pd.DataFrame, value: str, weight: str | None = None,
                        group: str | None = None, rank_by: str | None = None,
                        unit: str | None = None, k: int = 3, synthetic: bool = False,
                        unit_label: str = "unit", group_label: str | None = None,
                        context: str = ""):
    """Gini, Theil T and L (decomposed by `group`), Lorenz curve, concentration index of
    `value` ranked by `rank_by`, and the group table with small-cell suppression (``k``).

    Rows missing any of the columns used are dropped and counted. Theil L is reported as
    undefined (with the rows named in the notes) when some values are zero.
    """
    from pairaid.distribution.disclosure import suppress

    used = [c for c in (value, weight, group, rank_by) if c is not None]
    absent = [c for c in used + ([unit] if unit else []) if c not in frame.columns]
    if absent:
        raise InequalityInputError(f"no column {', '.join(absent)} in the table "
                                   f"(columns: {', '.join(map(str, frame.columns[:20]))})")
    numeric = [c for c in (value, weight, rank_by) if c is not None]
    data = frame[list(dict.fromkeys(used + ([unit] if unit else [])))].copy()
    for column in numeric:
        converted = pd.to_numeric(data[column], errors="coerce")
        if (converted.isna() & data[column].notna()).any():
            raise InequalityInputError(f"column {column} holds non-numeric values")
        data[column] = converted.astype(float)
    keep = data[used].notna().all(axis=1).to_numpy()
    data = data[keep]
    n_dropped = int((~keep).sum())
    labels = (data[unit] if unit else data.index).to_numpy()
    y = data[value].to_numpy(dtype=float)
    w = data[weight].to_numpy(dtype=float) if weight else np.ones(len(data))
    if len(y) == 0:
        raise InequalityInputError(f"no rows with {', '.join(used)} all present "
                                   f"({n_dropped} dropped as missing)")
    if (w <= 0).any():
        raise InequalityInputError(f"{weight} must be positive; zero or negative for "
                                   f"{_labels(w <= 0, labels)}")
    if not np.isfinite(y).all() or not np.isfinite(w).all():
        bad = ~np.isfinite(y) | ~np.isfinite(w)
        raise InequalityInputError(f"infinite values for {_labels(bad, labels)}")
    if (y < 0).any():
        raise InequalityInputError(f"{value} is negative for {_labels(y < 0, labels)}: the "
                                   "Gini and Theil indices need values ≥ 0")
    notes: list[str] = []
    if n_dropped:
        notes.append(f"{n_dropped} rows dropped: missing {' or '.join(used)}")
    gini_value = gini(y, w)
    theil_t_value = _theil_t(y, w)
    theil_l_value: float | None
    if (y == 0).any():
        theil_l_value = None
        notes.append(f"Theil L (mean log deviation) is undefined: {value} is 0 for "
                     f"{int((y == 0).sum())} of {len(y)} units ({_labels(y == 0, labels)})")
    else:
        theil_l_value = _theil_l(y, w)
    decompositions: dict[str, Decomposition] = {}
    group_table = None
    if group is not None:
        g = data[group].astype(str).to_numpy()
        decompositions["theil_t"] = theil_decomposition(y, g, w, "theil_t")
        if theil_l_value is not None:
            decompositions["theil_l"] = theil_decomposition(y, g, w, "theil_l")
        singles = decompositions["theil_t"].groups.query("n_units == 1")["group"].tolist()
        if singles:
            notes.append(f"{len(singles)} {group_label or group} group(s) have one {unit_label} "
                         f"(within-group inequality 0 by construction): "
                         f"{', '.join(map(str, singles[:8]))}")
        group_table = suppress(_group_table(y, w, g), "n_units",
                               ["population", "total", "mean", "population_share",
                                "value_share"], k=k, dimensions=["group"])
    concentration = need_gini = curve = None
    if rank_by is not None:
        r = data[rank_by].to_numpy(dtype=float)
        summary = progressivity(y, r, w)
        concentration, need_gini = summary.concentration, summary.need_gini
        curve = _curve(y, w, r)
    return InequalityResult(
        value=value, weight=weight, group=group, rank_by=rank_by, n_units=len(y),
        n_dropped=n_dropped, gini=gini_value, theil_t=theil_t_value, theil_l=theil_l_value,
        decompositions=decompositions, concentration=concentration, need_gini=need_gini,
        lorenz=_curve(y, w, y), concentration_curve=curve, group_table=group_table,
        notes=tuple(notes), synthetic=synthetic, unit_label=unit_label,
        group_label=group_label or (group or "group"), context=context)


def _group_table(y: np.ndarray, w: np.ndarray, g: np.ndarray) -> pd.DataFrame:
    labels, code = np.unique(g, return_inverse=True)
    population = np.bincount(code, weights=w)
    total = np.bincount(code, weights=w * y)
    return pd.DataFrame({"group": labels, "n_units": np.bincount(code), "population": population,
                         "total": total, "mean": total / population,
                         "population_share": population / population.sum(),
                         "value_share": total / total.sum() if total.sum() > 0 else np.nan})


#: Band edges (%) for grouping places by the census minority share of their population.
SHARE_BANDS = (0.0, 25.0, 50.0, 75.0, 100.0)


def share_bands(share_pct: pd.Series, edges: tuple[float, ...] = SHARE_BANDS) -> pd.Series:
    """Bands of a percentage share (e.g. a county's census minority share): '0–25 %' … '75–100 %'.

    For aggregate breakdowns of places only (is assistance reaching counties with large minority
    populations as much as others?), never to profile people; every group table built from
    these bands goes through small-cell suppression."""
    labels = [f"{lo:g}–{hi:g} %" for lo, hi in zip(edges[:-1], edges[1:])]
    return pd.cut(pd.to_numeric(share_pct, errors="coerce"), list(edges), labels=labels,
                  include_lowest=True).astype(object)


#: A place's census minority share (%, a column of the panel), the grouping `minority_bands`
#: adds from it, and how that grouping is named in tables and sentences.
MINORITY_SHARE, MINORITY_BAND, MINORITY_BAND_LABEL = ("minority_share", "minority_band",
                                                      "minority-share band")


def minority_bands(frame: pd.DataFrame) -> pd.DataFrame:
    """`frame` with a `minority_band` column: `share_bands` of its `minority_share`."""
    if MINORITY_SHARE not in frame.columns:
        raise InequalityInputError("--group minority_band needs a minority_share column "
                                   "(percent of the population, census aggregate)")
    return frame.assign(**{MINORITY_BAND: share_bands(frame[MINORITY_SHARE])})


# -- choosing the year -------------------------------------------------------------------------
def latest_year(frame: pd.DataFrame, value: str, time: str = "year") -> int:
    """The latest year in which some unit has a non-missing, non-zero `value`."""
    present = frame[frame[value].notna() & frame[value].ne(0)]
    if present.empty:
        raise InequalityInputError(f"no year has any non-zero {value}")
    return int(present[time].max())


def one_year(frame: pd.DataFrame, value: str, year: int | None = None,
             time: str = "year") -> tuple[pd.DataFrame, int]:
    """The rows of `year` (default: `latest_year` of `value`) and the year chosen."""
    if value not in frame.columns:
        raise InequalityInputError(f"no column {value} in the table (columns: "
                                   f"{', '.join(map(str, frame.columns[:30]))})")
    chosen = year if year is not None else latest_year(frame, value, time)
    rows = frame[frame[time] == chosen]
    if rows.empty:
        raise InequalityInputError(f"no rows for year {chosen}")
    return rows, chosen
