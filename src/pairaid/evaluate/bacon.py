"""Goodman-Bacon decomposition of the static two-way fixed-effects DiD coefficient.

In a balanced panel with staggered adoption and no covariates, the TWFE coefficient on the
treatment dummy is a weighted average of every 2×2 DiD between timing groups (Theorem 1 of
Goodman-Bacon, A. (2021), "Difference-in-differences with variation in treatment timing",
*Journal of Econometrics* 225(2), 254–277):

* treated vs never treated — cohort k against the never-treated units, all periods;
* earlier vs later treated — cohort k against a later cohort l before l is treated;
* later vs earlier treated — cohort l against an earlier cohort k once k is treated: the
  "forbidden" comparison, whose control group is already treated, so changes in k's effect
  over time enter with the wrong sign.

The weights (eq. 10a–c of the paper) grow with the groups' sizes and with the variance of the
treatment within each 2×2; they are non-negative and sum to one, and the weighted sum of the
2×2 estimates equals the TWFE coefficient exactly. The R package ``bacondecomp`` computes the same
decomposition.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cached_property
from typing import Literal

import numpy as np
import pandas as pd

from pairaid.evaluate.did_data import DidData, DidError, prepare
from pairaid.evaluate.results import summary_html
from pairaid.jsonable import number as _num
from pairaid.provenance import SYNTHETIC_NOTE, package_version as _version
from pairaid.results import ResultsMixin

__all__ = ["BaconDecomposition", "ComparisonType", "COMPARISON_TYPES", "bacon_decomposition"]

ComparisonType = Literal["treated_vs_never", "earlier_vs_later", "later_vs_earlier"]
COMPARISON_TYPES: tuple[str, ...] = ("earlier_vs_later", "later_vs_earlier", "treated_vs_never")
#: the labels R bacondecomp prints
LABELS = {"earlier_vs_later": "Earlier vs Later Treated",
          "later_vs_earlier": "Later vs Earlier Treated",
          "treated_vs_never": "Treated vs Untreated"}


@dataclass(frozen=True)
class BaconDecomposition(ResultsMixin):
    """Every 2×2 comparison behind a static TWFE DiD coefficient, its estimate and weight."""

    outcome: str
    #: the TWFE coefficient on the treatment dummy, from the regression itself
    twfe_estimate: float
    #: type, treated, control (cohort; <NA> = never treated), estimate, weight
    comparisons: pd.DataFrame
    n_units: int
    n_never_treated: int
    periods: tuple[int, int]
    cohorts: tuple[int, ...]
    notes: tuple[str, ...]
    data_hash: str
    synthetic: bool = False

    # -- views ---------------------------------------------------------------------------------
    def tidy(self) -> pd.DataFrame:
        """``type, treated, control, estimate, weight``, one row per 2×2 comparison (control
        <NA> = the never-treated units)."""
        return self.comparisons.copy()

    def by_type(self) -> pd.DataFrame:
        """Total weight, weighted-average estimate and number of 2×2s per comparison type."""
        rows = []
        for kind in COMPARISON_TYPES:
            part = self.comparisons[self.comparisons["type"] == kind]
            if len(part):
                weight = float(part["weight"].sum())
                estimate = (float(part["weight"] @ part["estimate"]) / weight if weight > 0
                            else float("nan"))
                rows.append((kind, LABELS[kind], weight, estimate, len(part)))
        return pd.DataFrame(rows, columns=["type", "label", "weight", "estimate",
                                           "comparisons"])

    @property
    def weighted_sum(self) -> float:
        """Σ weight × estimate: equals `twfe_estimate` up to rounding (Theorem 1)."""
        return float(self.comparisons["weight"] @ self.comparisons["estimate"])

    @property
    def forbidden_weight(self) -> float:
        """Share of the TWFE weight from comparisons whose controls are already treated."""
        kinds = self.comparisons["type"]
        return float(self.comparisons.loc[kinds == "later_vs_earlier", "weight"].sum())

    @cached_property
    def provenance(self) -> dict:
        return {"method": "Goodman-Bacon (2021) decomposition of the static TWFE coefficient",
                "engine": "numpy (closed-form 2×2s and weights)", "data_sha256": self.data_hash,
                "pairaid": _version("pairaid"), "numpy": np.__version__,
                "pandas": pd.__version__, "synthetic": self.synthetic}

    # -- outputs -------------------------------------------------------------------------------
    def to_dict(self) -> dict:
        return {
            "outcome": self.outcome, "twfe_estimate": self.twfe_estimate,
            "weighted_sum": self.weighted_sum, "forbidden_weight": self.forbidden_weight,
            "by_type": [{"type": t, "label": lb, "weight": w, "estimate": _num(e),
                         "comparisons": int(n)}
                        for t, lb, w, e, n in self.by_type().itertuples(index=False)],
            "comparisons": [{"type": t, "treated": int(g),
                             "control": None if pd.isna(c) else int(c),
                             "estimate": _num(e), "weight": float(w)}
                            for t, g, c, e, w in self.comparisons[
                                ["type", "treated", "control", "estimate", "weight"]]
                            .itertuples(index=False)],
            "units": self.n_units, "never_treated_units": self.n_never_treated,
            "periods": list(self.periods), "cohorts": list(self.cohorts),
            "interpretation": self.interpretation,
            "notes": list(self.notes) + ([SYNTHETIC_NOTE] if self.synthetic else []),
            "provenance": self.provenance,
        }

    def to_json(self, indent: int | None = None) -> str:
        """``{"twfe_estimate", "by_type": […], "comparisons": […], "interpretation", …}``."""
        return json.dumps(self.to_dict(), ensure_ascii=False, indent=indent)

    # -- display -------------------------------------------------------------------------------
    @cached_property
    def interpretation(self) -> str:
        """Where the TWFE weight comes from, and what the forbidden share means."""
        shares = self.by_type().set_index("type")["weight"]
        forbidden, never = self.forbidden_weight, float(shares.get("treated_vs_never", 0.0))
        text = (f"The TWFE estimate {self.twfe_estimate:+.4g} is a weighted average of "
                f"{len(self.comparisons)} two-group, two-period comparisons. {forbidden:.1%} of "
                "its weight comes from comparisons that use already-treated units as controls "
                "(later vs earlier treated); if effects change over time these comparisons can "
                "bias TWFE, even flip its sign, because the earlier cohort's changing effect is "
                "subtracted as if it were a trend.")
        if never:
            text += (f" {never:.1%} comes from comparisons with never-treated units, which "
                     "rest on parallel trends alone.")
        if forbidden >= 0.1:
            text += (" With this much forbidden weight prefer an estimator that never uses "
                     "treated units as controls (--estimator cs, sa or did2s).")
        return text

    @cached_property
    def summary(self) -> str:
        lines = [f"Goodman-Bacon decomposition of the static TWFE DiD (y ~ treated | unit + "
                 f"period): outcome '{self.outcome}'",
                 (f"  {self.n_units} units ({self.n_never_treated} never treated), periods "
                  f"{self.periods[0]}–{self.periods[1]}, cohorts "
                  f"{', '.join(map(str, self.cohorts))}"),
                 (f"  TWFE coefficient {self.twfe_estimate:.6f}; weighted sum of the 2×2s "
                  f"{self.weighted_sum:.6f}"), ""]
        if self.synthetic:
            lines.insert(0, SYNTHETIC_NOTE)
        fmt = {"float_format": lambda v: f"{v:.5f}"}
        lines.append(self.by_type()[["label", "weight", "estimate", "comparisons"]]
                     .to_string(index=False, **fmt))
        lines += ["", "Comparisons (control <NA> = never treated):",
                  self._table().to_string(index=False, **fmt), "", self.interpretation]
        lines += [f"note: {n}" for n in self.notes]
        return "\n".join(lines)

    def _table(self) -> pd.DataFrame:
        table = self.comparisons.assign(type=self.comparisons["type"].map(LABELS))
        return table.sort_values("weight", ascending=False, ignore_index=True)

    def __str__(self) -> str:
        return self.summary

    def _repr_html_(self) -> str:
        return summary_html(self, 3, self.by_type()[["label", "weight", "estimate",
                                                       "comparisons"]]
                            .to_html(index=False, float_format="%.5f") + "<p>Comparisons</p>"
                            + self._table().to_html(index=False, float_format="%.5f"))


def bacon_decomposition(frame: pd.DataFrame | DidData, *, outcome: str = "",
                        unit: str = "unit", time: str = "year",
                        cohort: str = "first_paired_year", log: bool | str = False,
                        synthetic: bool = False) -> BaconDecomposition:
    """Decompose the static TWFE coefficient of ``y ~ D | unit + period`` (D = 1 from the
    cohort's first treated period on) into its 2×2 DiDs and weights (Goodman-Bacon 2021,
    Theorem 1 and eq. 10a–c). Needs a balanced panel (`prepare` keeps the complete units);
    units treated in the first period are dropped there, so no always-treated group arises.
    """
    data = frame if isinstance(frame, DidData) else prepare(
        frame, outcome=outcome, unit=unit, time=time, cohort=cohort, control="notyet", log=log)
    panel = data.frame
    periods = np.sort(panel["time"].unique())
    units = pd.factorize(panel["unit"])[0]
    n_units, n_periods = units.max() + 1, len(periods)
    slot = np.searchsorted(periods, panel["time"].to_numpy())
    y = np.full((n_units, n_periods), np.nan)
    y[units, slot] = panel["y"].to_numpy(dtype=float)
    unit_cohort = np.full(n_units, np.nan)
    unit_cohort[units] = panel["cohort"].to_numpy()
    cohorts = np.array(data.cohorts, dtype=float)
    if len(cohorts) + bool(np.isnan(unit_cohort).any()) < 2:
        raise DidError("a single timing group and no never-treated units: TWFE has no "
                       "comparison to decompose")
    treated = periods[None, :] >= np.nan_to_num(unit_cohort, nan=np.inf)[:, None]
    twfe = _twfe(y, treated.astype(float))

    # group means per period, group shares, and each cohort's share of treated periods
    never = np.isnan(unit_cohort)
    groups = list(cohorts) + ([None] if never.any() else [])  # None: the never treated
    members = [never if g is None else unit_cohort == g for g in groups]
    mean = {g: y[m].mean(axis=0) for g, m in zip(groups, members)}
    share = {g: m.sum() / n_units for g, m in zip(groups, members)}
    exposed = {g: (0.0 if g is None else float((periods >= g).mean())) for g in groups}
    demeaned = treated - treated.mean(axis=1, keepdims=True) - treated.mean(axis=0) \
        + treated.mean()
    variance = float((demeaned ** 2).mean())  # V^D of the paper

    rows = []
    for k in cohorts:
        before_k, from_k = periods < k, periods >= k
        if never.any():
            n_k, n_u, d_k = share[k], share[None], exposed[k]
            pair = n_k / (n_k + n_u)
            weight = (n_k + n_u) ** 2 * pair * (1 - pair) * d_k * (1 - d_k) / variance
            rows.append(("treated_vs_never", k, np.nan,
                         _did(mean[k], mean[None], before_k, from_k), weight))
        for l_ in cohorts[cohorts > k]:
            n_k, n_l, d_k, d_l = share[k], share[l_], exposed[k], exposed[l_]
            pair = n_k / (n_k + n_l)
            before_l = periods < l_
            weight = (((n_k + n_l) * (1 - d_l)) ** 2 * pair * (1 - pair)
                      * (d_k - d_l) / (1 - d_l) * (1 - d_k) / (1 - d_l) / variance)
            rows.append(("earlier_vs_later", k, l_,
                         _did(mean[k], mean[l_], before_k, from_k & before_l), weight))
            weight = (((n_k + n_l) * d_k) ** 2 * pair * (1 - pair)
                      * d_l / d_k * (d_k - d_l) / d_k / variance)
            rows.append(("later_vs_earlier", l_, k,
                         _did(mean[l_], mean[k], from_k & before_l, periods >= l_), weight))
    comparisons = pd.DataFrame(rows, columns=["type", "treated", "control", "estimate",
                                              "weight"])
    comparisons["treated"] = comparisons["treated"].astype(np.int64)
    comparisons["control"] = comparisons["control"].astype("Int64")
    notes = data.notes
    if not np.isclose(comparisons["weight"].sum(), 1.0, rtol=0, atol=1e-8):
        notes += ("the weights do not sum to one: the panel is not a clean staggered design",)
    return BaconDecomposition(
        outcome=data.outcome, twfe_estimate=twfe, comparisons=comparisons,
        n_units=int(n_units), n_never_treated=int(never.sum()),
        periods=(int(periods[0]), int(periods[-1])), cohorts=data.cohorts, notes=notes,
        data_hash=data.data_hash, synthetic=synthetic)


def _did(treated: np.ndarray, control: np.ndarray, pre: np.ndarray, post: np.ndarray) -> float:
    """2×2 DiD of period-mean paths: (post − pre of `treated`) − (post − pre of `control`)."""
    gap = treated - control
    return float(gap[post].mean() - gap[pre].mean())


def _twfe(y: np.ndarray, treated: np.ndarray) -> float:
    """Static TWFE coefficient in a balanced units × periods panel: two-way demean, then OLS."""
    def within(m: np.ndarray) -> np.ndarray:
        return m - m.mean(axis=1, keepdims=True) - m.mean(axis=0) + m.mean()

    d = within(treated)
    return float((d * within(y)).sum() / (d ** 2).sum())
