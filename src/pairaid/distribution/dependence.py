"""Fiscal dependence on assistance: shares of local budgets, self-financing and its trend, and a
taper scenario.

For every unit-year with fiscal data:

* ``share_of_expenditure`` = assistance / local fiscal expenditure,
* ``share_of_revenue``     = assistance / local fiscal revenue,
* ``self_financing``       = own revenue / expenditure (a ratio of two budget figures, free of
  the money unit).

Assistance (the panel's ``funds_disbursement``) is in whole currency units (yuan); fiscal
indicators are often recorded in 10k CNY (万元). The factor that puts them on the same footing is
read from the indicator's ``unit`` (``10k CNY`` → 10,000; ``100m CNY``/``亿元`` → 1e8) or given as
``fiscal_scale``; see `money_scale`.

Treatment of awkward rows (stated in the result's notes):

* missing expenditure or revenue: the row is dropped and counted;
* missing assistance: the row is dropped and counted (not recorded is not zero: a ledger panel
  leaves funds missing where its flows are not recorded, `pairaid.coverage`);
* zero or negative expenditure, negative revenue: `DependenceError` naming the rows (a budget
  cannot be spent from nothing; such rows are data errors to fix at the source);
* units with no assistance in a year: share 0 (kept, and counted as never-paired units when they
  receive nothing in the whole period).

The self-financing trend is the OLS slope of the ratio on the year, per unit. A unit's ratio is
serially correlated (this year's budget is last year's plus a change), so the reported standard
error is Newey–West's (Bartlett kernel, L = ⌊4 (n/100)^(2/9)⌋ lags, small-sample factor
n/(n − 2); = statsmodels' HAC with ``use_correction``) and the 95 % interval uses t with n − 2
degrees of freedom (a unit has 10–17 years, where 1.96 would be too narrow). The classical
sqrt(s² / Σ(t − t̄)²), s² = SSR / (n − 2), stays as ``std_error_ols``.

The taper scenario follows a constant-elasticity response: if assistance falls by a share x,
Δlog y = e · log(1 − x); the 95 % interval uses e ± 1.96 se (the delta method for a linear function
of e). It is a projection under the stated elasticity, not a forecast.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats

from pairaid.distribution.dependence_results import DependenceResult, TaperProjection
from pairaid.errors import InputError

FUNDS = "funds_disbursement"
REVENUE = "fiscal_revenue"
EXPENDITURE = "fiscal_expenditure"
Z95 = 1.959963984540054


class DependenceError(InputError):
    """Input that a dependence analysis cannot use (message says which rows and why)."""


_MULTIPLIERS = {"": 1.0, "k": 1e3, "thousand": 1e3, "10k": 1e4, "10 thousand": 1e4,
                "ten thousand": 1e4, "m": 1e6, "mn": 1e6, "million": 1e6, "100m": 1e8,
                "100 million": 1e8, "bn": 1e9, "billion": 1e9}
_CHINESE = {"元": 1.0, "万元": 1e4, "百万元": 1e6, "亿元": 1e8}
_CURRENCY_WORDS = {"cny": "CNY", "yuan": "CNY", "rmb": "CNY", "usd": "USD", "eur": "EUR"}


def money_scale(unit: str, currency: str = "CNY") -> float:
    """Currency units per one recorded unit: ``"10k CNY"`` → 10000, ``"亿元"`` → 1e8,
    ``"CNY"`` → 1. Raises `DependenceError` for a non-money unit or another currency."""
    text = str(unit).strip()
    if text in _CHINESE:
        found, scale = "CNY", _CHINESE[text]
    else:
        match = re.fullmatch(r"(?i)\s*([\d.,]*\s*[a-z ]*?)\s*(cny|yuan|rmb|usd|eur)\s*", text)
        if not match:
            raise DependenceError(f"fiscal unit '{unit}' is not a money unit this analysis knows "
                                  "(e.g. 'CNY', '10k CNY', '100m CNY', '万元'); give fiscal_scale")
        prefix = match.group(1).strip().lower().replace(",", "")
        found = _CURRENCY_WORDS[match.group(2).lower()]
        if prefix in _MULTIPLIERS:
            scale = _MULTIPLIERS[prefix]
        elif re.fullmatch(r"[\d.]+(e\d+)?", prefix):
            scale = float(prefix)
        else:
            raise DependenceError(f"fiscal unit '{unit}': unknown multiplier '{prefix}'; "
                                  "give fiscal_scale")
    if found != currency.upper():
        raise DependenceError(f"fiscal unit '{unit}' is in {found} but assistance is in "
                              f"{currency.upper()}; build the panel in {found}")
    return scale


@dataclass(frozen=True)
class Taper:
    """A taper scenario: assistance falls by `cut` (0.2 = 20 %), outcome elasticity e ± se."""

    cut: float
    elasticity: float
    elasticity_se: float = 0.0
    outcome: str | None = None

    def __post_init__(self) -> None:
        if not 0 <= self.cut < 1:
            raise DependenceError(f"taper {self.cut} must be a share in [0, 1) (0.2 = 20 % less)")
        if not np.isfinite(self.elasticity) or not (self.elasticity_se >= 0):
            raise DependenceError("the elasticity must be finite and its standard error >= 0")


def taper_scenario(taper: float | None, elasticity: float | None, elasticity_se: float = 0.0,
                   outcome: str | None = None) -> Taper | None:
    """The taper of `pairaid dependence --taper --elasticity` (None without --taper)."""
    if taper is not None:
        if elasticity is None:
            raise DependenceError("--taper needs --elasticity (and --elasticity-se)")
        return Taper(taper, elasticity, elasticity_se, outcome)
    if elasticity is not None:
        raise DependenceError("--elasticity is used with --taper: give --taper too")
    return None


def project_taper(taper: Taper) -> TaperProjection:
    """Δlog y = e·log(1 − x), se = |log(1 − x)|·se(e), interval from e ± 1.96 se."""
    shift = float(np.log1p(-taper.cut))
    change = taper.elasticity * shift
    ends = sorted([(taper.elasticity - Z95 * taper.elasticity_se) * shift,
                   (taper.elasticity + Z95 * taper.elasticity_se) * shift])
    return TaperProjection(cut=taper.cut, elasticity=taper.elasticity,
                           elasticity_se=taper.elasticity_se, dlog=change,
                           dlog_se=abs(shift) * taper.elasticity_se,
                           dlog_low=ends[0], dlog_high=ends[1], outcome=taper.outcome)


def trend_slopes(frame: pd.DataFrame, unit: str, time: str, value: str) -> pd.DataFrame:
    """OLS slope of `value` on `time` for every unit (vectorised: group sums, no loop): columns
    unit, n, slope, std_error, first_year, last_year. Units with fewer than two points are
    left out; with two points the standard error is missing."""
    data = frame[[unit, time, value]].dropna()
    t = data[time].astype(float)
    y = data[value].astype(float)
    groups = data[unit]
    t_mean = t.groupby(groups).transform("mean")
    y_mean = y.groupby(groups).transform("mean")
    dt, dy = t - t_mean, y - y_mean
    sums = pd.DataFrame({"n": 1, "sxx": dt * dt, "sxy": dt * dy, "syy": dy * dy,
                         "first_year": data[time], "last_year": data[time]}).groupby(groups)
    out = sums[["n", "sxx", "sxy", "syy"]].sum().join(sums["first_year"].min())\
        .join(sums["last_year"].max())
    out = out[(out["n"] >= 2) & (out["sxx"] > 0)]
    slope = out["sxy"] / out["sxx"]
    ssr = (out["syy"] - slope * out["sxy"]).clip(lower=0)
    dof = (out["n"] - 2).where(out["n"] > 2)
    se = np.sqrt(ssr / dof / out["sxx"])
    hac = np.sqrt(_newey_west(data.assign(_dt=dt, _dy=dy), unit, time, slope) / out["sxx"] ** 2
                  * out["n"] / dof)
    half = stats.t.ppf(0.975, dof) * hac
    result = pd.DataFrame({"n": out["n"].astype(int), "slope": slope, "std_error": hac,
                           "conf_low": slope - half, "conf_high": slope + half,
                           "std_error_ols": se,
                           "first_year": out["first_year"].astype(int),
                           "last_year": out["last_year"].astype(int)})
    result.index.name = "unit"
    return result.reset_index()


def newey_west_lags(n):
    """Bartlett-kernel lags of the trend's HAC variance: ⌊4 (n/100)^(2/9)⌋ (Newey and West 1994)."""
    return np.floor(4 * (np.asarray(n, dtype=float) / 100) ** (2 / 9)).astype(int)


def _newey_west(data: pd.DataFrame, unit: str, time: str, slope: pd.Series) -> pd.Series:
    """Σ_l w_l Σ_t s_t s_{t−l} per unit (w_0 = 1, w_l = 2(1 − l/(L+1))), s_t = (t − t̄) e_t with
    e the trend's residual; rows taken in time order within the unit."""
    data = data.sort_values([unit, time])
    groups = data[unit]
    score = data["_dt"] * (data["_dy"] - groups.map(slope) * data["_dt"])
    total = (score * score).groupby(groups).sum()
    lags = pd.Series(newey_west_lags(groups.value_counts().reindex(total.index)), total.index)
    for lag in range(1, int(lags.max()) + 1 if len(lags) else 1):
        weight = (1 - lag / (lags + 1)).clip(lower=0) * 2
        cross = (score * score.groupby(groups).shift(lag)).groupby(groups).sum()
        total = total + weight * cross.reindex(total.index).fillna(0)
    return total.reindex(slope.index)


def dependence(data, *, unit: str = "unit", time: str = "year", funds: str = FUNDS,
               revenue: str = REVENUE, expenditure: str = EXPENDITURE,
               fiscal_scale: float | None = None, taper: Taper | None = None,
               year_from: int | None = None, year_to: int | None = None,
               synthetic: bool | None = None) -> DependenceResult:
    """Dependence of each recipient on assistance (see the module docstring for the rules).

    `data` is a `pairaid.panel.Panel` (the fiscal scale is read from its indicators' units and
    money basis) or a DataFrame (then `fiscal_scale`, currency units per recorded fiscal unit,
    defaults to 1: fiscal columns in the same unit as the funds).
    """
    frame, scale, scale_note, is_synthetic = _inputs(data, funds, revenue, expenditure,
                                                     fiscal_scale)
    for column in (unit, time, funds, revenue, expenditure):
        if column not in frame:
            raise DependenceError(f"no column '{column}' in the data")
    frame = frame[[unit, time, funds, revenue, expenditure]
                  + ([taper.outcome] if taper and taper.outcome else [])].copy()
    if taper and taper.outcome and taper.outcome not in frame:
        raise DependenceError(f"no outcome column '{taper.outcome}' in the data")
    if year_from is not None:
        frame = frame[frame[time] >= year_from]
    if year_to is not None:
        frame = frame[frame[time] <= year_to]
    if frame.empty:
        raise DependenceError("no rows in the chosen years")
    notes = [scale_note]
    missing = frame[revenue].isna() | frame[expenditure].isna()
    if missing.any():
        notes.append(f"{int(missing.sum())} of {len(frame)} unit-years dropped: fiscal revenue "
                     "or expenditure missing")
    usable = frame[~missing].copy()
    _check_budgets(usable, unit, time, revenue, expenditure)
    unrecorded = usable[funds].isna()
    if unrecorded.any():
        named = ", ".join(f"{u} {t}" for u, t in usable.loc[unrecorded, [unit, time]]
                          .head(5).itertuples(index=False))
        notes.append(f"{int(unrecorded.sum())} unit-years dropped: assistance not recorded "
                     f"(missing, not zero; e.g. {named})")
        usable = usable[~unrecorded]
    usable[funds] = usable[funds].astype(float)
    spent = usable[expenditure].astype(float) * scale
    raised = usable[revenue].astype(float) * scale
    table = pd.DataFrame({
        "unit": usable[unit].to_numpy(), "year": usable[time].astype(int).to_numpy(),
        "assistance": usable[funds].to_numpy(), "expenditure": spent.to_numpy(),
        "revenue": raised.to_numpy(),
        "share_of_expenditure": (usable[funds] / spent).to_numpy(),
        "share_of_revenue": (usable[funds] / raised.where(raised > 0)).to_numpy(),
        "self_financing": (raised / spent).to_numpy()})
    zero_revenue = int((raised == 0).sum())
    if zero_revenue:
        notes.append(f"{zero_revenue} unit-years with zero own revenue: share of revenue left "
                     "missing (undefined)")
    received = table.groupby("unit")["assistance"].sum()
    never = int((received <= 0).sum())
    if never:
        notes.append(f"{never} units received no assistance in these years: their shares are 0 "
                     "(kept as the comparison group; left out of the recipients' medians)")
    table["recipient"] = table["unit"].map(received > 0).to_numpy()
    trends = trend_slopes(table, "unit", "year", "self_financing")
    trends["recipient"] = trends["unit"].map(received > 0).to_numpy()
    projection = None
    if taper is not None:
        projection = project_taper(taper)
        table["assistance_after_taper"] = table["assistance"] * (1 - taper.cut)
        table["budget_gap_after_taper"] = table["assistance"] * taper.cut / table["expenditure"]
        if taper.outcome:
            level = usable[taper.outcome].astype(float).to_numpy()
            table[f"{taper.outcome}"] = level
            table[f"{taper.outcome}_projected"] = level * np.exp(projection.dlog)
            table[f"{taper.outcome}_projected_low"] = level * np.exp(projection.dlog_low)
            table[f"{taper.outcome}_projected_high"] = level * np.exp(projection.dlog_high)
    return DependenceResult(table=table.sort_values(["unit", "year"], ignore_index=True),
                            trends=trends, fiscal_scale=scale, dropped_missing=int(missing.sum()),
                            never_paired=never, taper=projection, notes=tuple(notes),
                            synthetic=is_synthetic if synthetic is None else synthetic)


def _inputs(data, funds, revenue, expenditure, fiscal_scale):
    from pairaid.panel import Panel

    if isinstance(data, Panel):
        if data.basis.prices.base_year is not None:
            raise DependenceError("budget shares compare assistance with nominal budgets: build "
                                  "the panel at nominal prices")
        currency = data.basis.currency
        if fiscal_scale is not None:
            note = f"fiscal figures × {fiscal_scale:g} to {currency} (given)"
            return data.frame, float(fiscal_scale), note, data.synthetic
        units = data.indicators.set_index("code")["unit"]
        scales = {}
        for code in (revenue, expenditure):
            if code not in units:
                raise DependenceError(f"the ledger has no indicator '{code}'")
            scales[code] = money_scale(units[code], currency)
        if scales[revenue] != scales[expenditure]:
            raise DependenceError(f"'{revenue}' ({units[revenue]}) and '{expenditure}' "
                                  f"({units[expenditure]}) have different units")
        scale = scales[expenditure]
        note = (f"fiscal figures recorded in {units[expenditure]}, × {scale:g} to {currency} "
                f"(assistance is in {data.basis.label})")
        return data.frame, scale, note, data.synthetic
    if not isinstance(data, pd.DataFrame):
        raise DependenceError("data must be a pairaid Panel or a pandas DataFrame")
    scale = 1.0 if fiscal_scale is None else float(fiscal_scale)
    if not scale > 0:
        raise DependenceError(f"fiscal_scale must be positive, got {fiscal_scale}")
    note = (f"fiscal figures × {scale:g} to the funds' unit"
            + (" (default: same unit as the funds)" if fiscal_scale is None else " (given)"))
    return data, scale, note, False


def _check_budgets(frame, unit, time, revenue, expenditure) -> None:
    bad = frame[(frame[expenditure] <= 0) | (frame[revenue] < 0)]
    if len(bad):
        listed = ", ".join(f"{u} {y}" for u, y in zip(bad[unit].head(5), bad[time].head(5)))
        raise DependenceError(f"{len(bad)} unit-years have zero or negative expenditure or "
                              f"negative revenue ({listed}{', …' if len(bad) > 5 else ''}); "
                              "shares of a budget are undefined there: fix or remove them")
