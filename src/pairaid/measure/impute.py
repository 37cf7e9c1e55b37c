"""Missing values and outliers, treated before normalisation (OECD/JRC Handbook 2008, steps 3–4).

Both work on the dense cube of `data.IndicatorTable` (rows ``u * T + t``). A unit-year with no
indicator observed is never filled: it is not in the data, and it gets no score.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd

from pairaid.measure.spec import Missing, OutlierSpec


@dataclass(frozen=True)
class Treatment:
    """What the missing-value and outlier steps did to each indicator."""

    values: np.ndarray           # (U * T, p) treated values
    table: pd.DataFrame          # one row per indicator: missing, imputed, winsorised, ...


def impute(values: np.ndarray, n_times: int, times: np.ndarray, method: Missing,
           rows: np.ndarray) -> np.ndarray:
    """Fill missing values within each unit; only in `rows` (unit-years with some indicator).

    * ``interpolate`` — linear in time between the unit's nearest observed values before and
      after (weights from the actual periods); gaps at the start or end are NOT extrapolated.
    * ``unit_mean`` — the unit's mean over its observed periods.
    * ``none`` / ``drop`` — nothing is filled here (``drop`` re-weights at aggregation).

    Values still missing afterwards are left out of the unit-year's aggregate, whose weights are
    re-normalised over what it has (drop and re-weight) — except under ``none``, where the
    unit-year's score stays missing.
    """
    if method in ("none", "drop"):
        return values
    cube = values.reshape(-1, n_times, values.shape[1])           # (U, T, p)
    observed = ~np.isnan(cube)
    if method == "unit_mean":
        with warnings.catch_warnings():  # a unit never observing an indicator: mean is NaN
            warnings.simplefilter("ignore", RuntimeWarning)
            means = np.nanmean(cube, axis=1, keepdims=True)
        filled = np.where(observed, cube, np.broadcast_to(means, cube.shape))
    else:
        filled = _interpolate(cube, observed, np.asarray(times, dtype=float))
    filled = filled.reshape(values.shape)
    return np.where(rows[:, None], filled, values)


def _interpolate(cube: np.ndarray, observed: np.ndarray, times: np.ndarray) -> np.ndarray:
    n_times = cube.shape[1]
    position = np.arange(n_times)[None, :, None]
    before = np.maximum.accumulate(np.where(observed, position, -1), axis=1)
    after = np.minimum.accumulate(np.where(observed, position, n_times)[:, ::-1], axis=1)[:, ::-1]
    inside = ~observed & (before >= 0) & (after < n_times)
    b, a = np.clip(before, 0, n_times - 1), np.clip(after, 0, n_times - 1)
    v_before = np.take_along_axis(cube, b, axis=1)
    v_after = np.take_along_axis(cube, a, axis=1)
    t, t_b, t_a = times[position], times[b], times[a]
    with np.errstate(invalid="ignore", divide="ignore"):
        share = np.where(inside, (t - t_b) / np.where(t_a > t_b, t_a - t_b, 1), 0.0)
    return np.where(inside, v_before + share * (v_after - v_before), cube)


def skewness(x: np.ndarray) -> np.ndarray:
    r"""Sample skewness per column, ignoring NaN: the adjusted Fisher–Pearson coefficient

    .. math:: G_1 = \frac{\sqrt{n(n-1)}}{n-2}\,\frac{m_3}{m_2^{3/2}},

    with :math:`m_k` the k-th central sample moment — Excel's SKEW, e1071 type 2, and what
    COINr's ``skew()`` computes for the JRC outlier rule.
    """
    return _shape(x)[0]


def kurtosis(x: np.ndarray) -> np.ndarray:
    r"""Sample excess kurtosis per column, ignoring NaN (Excel's KURT, e1071 type 2, COINr)

    .. math:: G_2 = \frac{(n-1)\left[(n+1)\,g_2 + 6\right]}{(n-2)(n-3)},\quad
              g_2 = \frac{m_4}{m_2^2} - 3 .
    """
    return _shape(x)[1]


def _shape(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Skewness G1 and excess kurtosis G2 of every column, from one pass over the moments."""
    observed = ~np.isnan(x)
    n = observed.sum(axis=0).astype(float)
    with np.errstate(invalid="ignore", divide="ignore"):
        d = np.where(observed, x - np.where(observed, x, 0.0).sum(axis=0) / n, 0.0)
        d2 = d * d
        m2, m3, m4 = (d2.sum(axis=0) / n, (d2 * d).sum(axis=0) / n, (d2 * d2).sum(axis=0) / n)
        g1 = np.sqrt(n * (n - 1)) / (n - 2) * m3 / m2 ** 1.5
        g2 = m4 / m2 ** 2 - 3
        return g1, (n - 1) * ((n + 1) * g2 + 6) / ((n - 2) * (n - 3))


def treat_outliers(values: np.ndarray, spec: OutlierSpec, rows: np.ndarray
                   ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    r"""Treat outliers over the pooled unit-years `rows`.

    * ``skew_kurtosis`` — the OECD/JRC Handbook (2008) rule as COINr applies it: an indicator
      needs treatment when ``|skewness| > 2`` AND ``kurtosis > 3.5`` (thresholds settable).
      Then, one step at a time, the most extreme value on the side of the skew is set to the next
      value inward (points tied at the extreme move together), until the indicator passes or
      `max_points` observations differ from their original value. If it still fails and
      ``fallback = "log"`` (COINr's default), the winsorising is undone and the original values are log-transformed instead,
      :math:`\ln(x - \min x + 0.01(\max x - \min x))` (COINr's ``log_CT``, defined for any
      sign); with ``fallback = "none"`` the winsorised values stay and the failure is reported.
    * ``quantile`` — values below the low / above the high quantile are set to that quantile.

    Returns the treated values, the points changed per indicator (−1: log-transformed) and
    whether each indicator passes the skew–kurtosis rule afterwards.
    """
    original = np.where(rows[:, None], values, np.nan)
    x = original.copy()
    changed = np.zeros(values.shape[1], dtype=int)
    if spec.method == "quantile":
        low, high = np.nanquantile(x, spec.quantiles, axis=0)
        clipped = np.clip(x, low, high)
        changed = np.sum(~np.isnan(x) & (clipped != x), axis=0)
        x = clipped
    elif spec.method == "skew_kurtosis":
        for _ in range(spec.max_points):
            failing = _fails(x, spec) & (changed < spec.max_points)
            if not failing.any():
                break
            high_side = _shape(x)[0] > 0
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", RuntimeWarning)
                extreme = np.where(high_side, np.nanmax(x, axis=0), np.nanmin(x, axis=0))
                at_extreme = (x == extreme) & failing
                inner = np.where(at_extreme, np.nan, x)
                inward = np.where(high_side, np.nanmax(inner, axis=0), np.nanmin(inner, axis=0))
            x = np.where(at_extreme, inward, x)
            changed = np.sum(~np.isnan(original) & (x != original), axis=0)
        failing = _fails(x, spec)
        if spec.fallback == "log" and failing.any():
            low, high = np.nanmin(original, axis=0), np.nanmax(original, axis=0)
            logged = np.log(original - low + 0.01 * (high - low))
            x = np.where(failing, logged, x)
            changed = np.where(failing, -1, changed)
    passes = ~_fails(x, spec)
    return np.where(rows[:, None], x, values), changed, passes


def _fails(x: np.ndarray, spec: OutlierSpec) -> np.ndarray:
    skew, kurt = _shape(x)
    return (np.abs(skew) > spec.skew) & (kurt > spec.kurtosis)


def treat(values: np.ndarray, n_times: int, times: np.ndarray, codes: tuple[str, ...],
          missing: Missing, outliers: OutlierSpec, rows: np.ndarray) -> Treatment:
    """Impute, then treat outliers (the Handbook's order), with a per-indicator report."""
    filled = impute(values, n_times, times, missing, rows)
    treated, changed, passes = treat_outliers(filled, outliers, rows)
    in_rows = values[rows]
    skew, kurt = _shape(filled[rows])
    skew_after, kurt_after = _shape(treated[rows]) if changed.any() else (skew, kurt)
    table = pd.DataFrame({
        "code": codes,
        "missing": np.isnan(in_rows).sum(axis=0),
        "imputed": (np.isnan(in_rows) & ~np.isnan(filled[rows])).sum(axis=0),
        "skewness": skew, "kurtosis": kurt,
        "winsorised": np.clip(changed, 0, None), "log_transformed": changed < 0,
        "skewness_after": skew_after, "kurtosis_after": kurt_after,
        "passes_skew_kurtosis": passes,
    })
    return Treatment(treated, table)
