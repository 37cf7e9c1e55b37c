"""What every staggered-DiD estimator shares: the option names, the input check (`prepare`, a
checked balanced panel as `DidData`), cohort sizes and the joint Wald test of the leads.

It sits beneath `did`, `did2s`, `bacon` and the pre-trend bootstraps, so none of them imports
another estimator's module.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd
from scipy import stats

from pairaid.errors import InputError
from pairaid.evaluate import did_covariates as _cov
from pairaid.evaluate.did_results import PreTrendTest
from pairaid.evaluate.guards import check_columns, log_note, log_rule, log_values

Estimator = Literal["cs", "sa", "twfe", "did2s"]
Control = Literal["never", "notyet"]
Method = Literal["dr", "ipw", "reg"]
BasePeriod = Literal["varying", "universal"]
ESTIMATORS: tuple[str, ...] = ("cs", "sa", "twfe", "did2s")
CONTROLS: tuple[str, ...] = ("never", "notyet")
METHODS: tuple[str, ...] = ("dr", "ipw", "reg")
BASE_PERIODS: tuple[str, ...] = ("varying", "universal")


class DidError(InputError):
    """The data or the options cannot support the requested DiD estimate."""


@dataclass(frozen=True)
class DidData:
    """A checked, balanced panel: columns ``unit, time, cohort`` (NaN = never treated), ``y``,
    and one column ``x0, x1, …`` per covariate (named in `covariates`)."""

    frame: pd.DataFrame
    outcome: str
    unit_label: str
    time_label: str
    cohort_label: str
    notes: tuple[str, ...]
    data_hash: str
    covariates: tuple[str, ...] = ()

    @property
    def n_units(self) -> int:
        return int(self.frame["unit"].nunique())

    @property
    def periods(self) -> np.ndarray:
        return np.sort(self.frame["time"].unique())

    @property
    def cohorts(self) -> tuple[int, ...]:
        return tuple(int(c) for c in np.sort(self.frame["cohort"].dropna().unique()))


def check_choice(value: str, allowed: tuple[str, ...], what: str) -> None:
    if value not in allowed:
        raise DidError(f"unknown {what} '{value}' (use {', '.join(allowed)})")


def prepare(frame: pd.DataFrame, *, outcome: str, unit: str = "unit", time: str = "year",
            cohort: str = "first_paired_year", control: Control = "never",
            log: bool | str = False, covariates: Sequence[str] | str | None = ()) -> DidData:
    """Check the columns and return a balanced panel; cohort 0 or empty means never treated.
    ``log``: ``drop`` (or True) analyses the natural log of the outcome (effects then read as
    proportions), its rows <= 0 left out (so their units, the panel being balanced);
    ``log1p`` log(1 + y); ``none`` (or False) the outcome as recorded.
    ``covariates``: numeric columns carried as ``x0, x1, …``; units with a missing value are
    dropped (as R ``did`` does), a covariate without variation is an error."""
    check_choice(control, CONTROLS, "control group")
    names = _cov.covariate_names(covariates, error=DidError)
    check_columns(frame, [unit, time, cohort, outcome, *names], DidError)
    for column, what in ((outcome, "outcome"), (time, "time"), (cohort, "cohort")):
        if not pd.api.types.is_numeric_dtype(frame[column]) or \
                pd.api.types.is_bool_dtype(frame[column]):
            raise DidError(f"{what} column '{column}' is not numeric (dtype {frame[column].dtype})")
    data = pd.DataFrame({"unit": frame[unit].to_numpy(), "time": frame[time].to_numpy(),
                         "cohort": frame[cohort].to_numpy(dtype=float),
                         "y": frame[outcome].to_numpy(dtype=float),
                         **_cov.covariate_columns(frame, names, unit=unit, time=time,
                                                  cohort=cohort, error=DidError)})
    rule = log_rule(log, DidError)
    data["y"], dropped, shown = log_values(data["y"].to_numpy(), rule, outcome, DidError)
    notes: list[str] = [log_note(rule, outcome, dropped)] if rule != "none" else []
    outcome = shown
    if data["time"].isna().any():
        raise DidError(f"time column '{time}' has empty values")
    if (data["time"] != np.round(data["time"])).any():
        raise DidError(f"time column '{time}' must hold whole periods (e.g. years)")
    data["time"] = data["time"].astype(np.int64)
    if data.duplicated(["unit", "time"]).any():
        first = data[data.duplicated(["unit", "time"], keep=False)].iloc[0]
        raise DidError(f"more than one row for {unit} {first['unit']!r} in {time} "
                       f"{first['time']}: the panel needs one row per unit and period")
    data["cohort"] = data["cohort"].where(data["cohort"] != 0)
    if (data.groupby("unit")["cohort"].nunique(dropna=False) > 1).any():
        bad = data.groupby("unit")["cohort"].nunique(dropna=False)
        raise DidError(f"cohort column '{cohort}' changes within a unit (e.g. "
                       f"{bad[bad > 1].index[0]!r}): it must be the first treated period")
    low, high = int(data["time"].min()), int(data["time"].max())
    outside = data["cohort"].notna() & ((data["cohort"] < low) | (data["cohort"] > high))
    if outside.any():
        values = sorted(data.loc[outside, "cohort"].unique())[:5]
        raise DidError(f"cohort column '{cohort}' has values outside the time range {low}–{high}: "
                       f"{', '.join(f'{v:g}' for v in values)} (0 or empty means never treated)")
    missing = data["y"].isna()
    incomplete = data.loc[missing, "unit"].unique()
    if len(incomplete):
        notes.append(_dropped_rows(data, missing, incomplete, f"'{outcome}'", unit, time))
        data = data[~data["unit"].isin(incomplete)]
    keys = list(_cov.internal_names(names))
    missing = data[keys].isna().any(axis=1) if keys else pd.Series(False, index=data.index)
    incomplete = data.loc[missing, "unit"].unique()
    if len(incomplete):
        notes.append(_dropped_rows(data, missing, incomplete,
                                   f"a covariate ({', '.join(names)})", unit, time))
        data = data[~data["unit"].isin(incomplete)]
    periods = data.groupby("unit")["time"].nunique()
    if periods.nunique() > 1:
        short = periods[periods < periods.max()].index
        data = data[~data["unit"].isin(short)]
        notes.append(f"{len(short)} units not observed in every period were dropped")
    always = data["cohort"] <= low
    if always.any():
        notes.append(f"{data.loc[always, 'unit'].nunique()} units already treated in the first "
                     f"period ({low}) were dropped: they have no pre-treatment period")
        data = data[~always]
    if data.empty:
        raise DidError(f"no unit has '{outcome}' in every period: nothing to estimate")
    if data["cohort"].notna().sum() == 0:
        raise DidError("no unit is ever treated: a DiD needs treated units")
    if control == "never" and data["cohort"].isna().sum() == 0:
        raise DidError("no never-treated units (cohort 0 or empty) to compare with: use "
                       "--control notyet (not-yet-treated units as the comparison; estimators "
                       "cs and twfe)")
    if names:
        notes.extend(_cov.covariate_notes(data, names, error=DidError))
    data = data.sort_values(["unit", "time"], ignore_index=True)
    digest = hashlib.sha256(pd.util.hash_pandas_object(data, index=False).to_numpy().tobytes())
    return DidData(data, outcome, unit, time, cohort, tuple(notes), digest.hexdigest(), names)


def wald_test(estimates: np.ndarray, covariance: np.ndarray,
              terms: tuple[str, ...]) -> PreTrendTest:
    """Joint Wald test that all `estimates` are zero (chi-squared, pseudo-inverse if singular)."""
    rank = int(np.linalg.matrix_rank(covariance))
    statistic = float(estimates @ np.linalg.pinv(covariance) @ estimates)
    p_value = float(stats.chi2.sf(statistic, rank)) if rank else float("nan")
    return PreTrendTest(statistic, rank, p_value, terms)


def _dropped_rows(data: pd.DataFrame, missing: pd.Series, units, what: str, unit: str,
                  time: str) -> str:
    """Say how many rows were dropped and why, naming the first units and periods."""
    rows = int(data["unit"].isin(units).sum())
    shown = data.loc[missing, ["unit", "time"]].head(5)
    where = ", ".join(f"{u} in {t}" for u, t in shown.itertuples(index=False))
    more = int(missing.sum()) - len(shown)
    return (f"{rows} rows of {len(units)} units dropped: {what} is missing in {int(missing.sum())} "
            f"rows ({unit} {where}{f' and {more} more' if more > 0 else ''}), and the estimators "
            f"need every unit in every {time}")


def cohort_sizes(panel: pd.DataFrame) -> pd.Series:
    """Units per cohort (index: the cohort's first treated period; never-treated units left out)."""
    return panel.drop_duplicates("unit")["cohort"].dropna().value_counts().sort_index()
