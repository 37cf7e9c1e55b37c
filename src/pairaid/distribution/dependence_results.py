"""Results of the dependence and environment analyses: frozen, with `summary`, `tidy()`,
`to_json()` and `_repr_html_`; every figure in `summary` is followed by one plain-language line."""

from __future__ import annotations

import html
import json
from dataclasses import dataclass
from functools import cached_property

import numpy as np
import pandas as pd

from pairaid.jsonable import records as _records
from pairaid.provenance import SYNTHETIC_NOTE, package_version as _version
from pairaid.results import ResultsMixin

PROJECTION_NOTE = ("This is a projection under the stated elasticity, not a forecast: it assumes "
                   "the elasticity holds for a cut of this size and that nothing else changes.")


def _pct(value: float) -> str:
    return "n/a" if value is None or not np.isfinite(value) else f"{100 * value:.1f} %"


def _fmt(frame: pd.DataFrame) -> str:
    return frame.to_string(index=False, float_format=lambda v: f"{v:.4f}")


@dataclass(frozen=True)
class TaperProjection:
    """Projected change in an outcome when assistance falls by `cut` (constant elasticity)."""

    cut: float
    elasticity: float
    elasticity_se: float
    #: Δlog y = e·log(1 − cut), its delta-method standard error and 95 % interval
    dlog: float
    dlog_se: float
    dlog_low: float
    dlog_high: float
    outcome: str | None = None

    @property
    def percent_change(self) -> float:
        """exp(Δlog y) − 1 as a share (−0.105 = 10.5 % lower)."""
        return float(np.expm1(self.dlog))

    def conf_int(self) -> tuple[float, float]:
        """95 % interval of the proportional change (from e ± 1.96 se)."""
        return float(np.expm1(self.dlog_low)), float(np.expm1(self.dlog_high))

    @property
    def interpretation(self) -> str:
        low, high = self.conf_int()
        what = self.outcome or "the outcome"
        return (f"If assistance fell by {100 * self.cut:.0f} %, {what} would change by "
                f"{_pct(self.percent_change)} (95 % interval {_pct(low)} to {_pct(high)}) under an "
                f"elasticity of {self.elasticity:g} ± {self.elasticity_se:g} (s.e.). "
                + PROJECTION_NOTE)

    def to_dict(self) -> dict:
        low, high = self.conf_int()
        return {"cut": self.cut, "elasticity": self.elasticity,
                "elasticity_se": self.elasticity_se, "outcome": self.outcome,
                "dlog": self.dlog, "dlog_se": self.dlog_se, "dlog_low": self.dlog_low,
                "dlog_high": self.dlog_high, "percent_change": self.percent_change,
                "conf_low": low, "conf_high": high, "statement": PROJECTION_NOTE}


class _FiguresReport(ResultsMixin):
    """Text and HTML of a result made of figures: (title, table, one-line reading) each."""

    synthetic: bool
    notes: tuple[str, ...]

    @cached_property
    def summary(self) -> str:
        lines = [SYNTHETIC_NOTE] if self.synthetic else []
        lines.append(self._headline)
        for title, table, meaning in self._figures():
            lines += ["", title, _fmt(table), f"  → {meaning}"]
        lines += [""] + [f"note: {n}" for n in self.notes]
        return "\n".join(lines)

    def to_json(self, indent: int | None = None) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, indent=indent)

    def readings(self) -> list[str]:
        """The headline and each figure's one-line reading (what the report prints)."""
        return [self._headline, *(meaning for _, _, meaning in self._figures())]

    def __str__(self) -> str:
        return self.summary

    def _repr_html_(self) -> str:
        parts = [f"<p><b>{html.escape(SYNTHETIC_NOTE)}</b></p>"] if self.synthetic else []
        for title, table, meaning in self._figures():
            parts += [f"<h4>{html.escape(title)}</h4>",
                      table.to_html(index=False, float_format="%.4f"),
                      f"<p>{html.escape(meaning)}</p>"]
        parts += [f"<p>note: {html.escape(n)}</p>" for n in self.notes]
        return "".join(parts)


@dataclass(frozen=True)
class DependenceResult(_FiguresReport):
    #: unit, year, assistance, expenditure, revenue (currency units), share_of_expenditure,
    #: share_of_revenue, self_financing, recipient (+ taper columns when a taper was given)
    table: pd.DataFrame
    #: unit, n, slope (self-financing per year), std_error (Newey–West), conf_low, conf_high
    #: (t with n − 2 df), std_error_ols, first_year, last_year, recipient
    trends: pd.DataFrame
    fiscal_scale: float
    dropped_missing: int
    never_paired: int
    taper: TaperProjection | None
    notes: tuple[str, ...]
    synthetic: bool = False

    @cached_property
    def by_year(self) -> pd.DataFrame:
        """Per year, over recipients: median shares and self-financing, and the pooled share
        (total assistance / total expenditure)."""
        paired = self.table[self.table["recipient"]]
        grouped = paired.groupby("year")
        out = grouped[["share_of_expenditure", "share_of_revenue", "self_financing"]].median()
        out.columns = ["median_share_of_expenditure", "median_share_of_revenue",
                       "median_self_financing"]
        out.insert(0, "recipients", grouped.size())
        out["pooled_share_of_expenditure"] = (grouped["assistance"].sum()
                                              / grouped["expenditure"].sum())
        return out.reset_index()

    @cached_property
    def provenance(self) -> dict:
        return {"method": "shares of budget; OLS trend of self-financing per unit "
                "(Newey–West SE, t(n−2) interval)"
                          + ("; constant-elasticity taper projection" if self.taper else ""),
                "fiscal_scale": self.fiscal_scale, "pairaid": _version(),
                "numpy": np.__version__, "pandas": pd.__version__, "synthetic": self.synthetic}

    def tidy(self) -> pd.DataFrame:
        """Long table: unit, year, measure, value (shares and self-financing)."""
        measures = ["share_of_expenditure", "share_of_revenue", "self_financing"]
        return self.table.melt(id_vars=["unit", "year"], value_vars=measures,
                               var_name="measure", value_name="value")

    def to_dict(self) -> dict:
        return {"table": _records(self.table), "trends": _records(self.trends),
                "by_year": _records(self.by_year),
                "taper": self.taper.to_dict() if self.taper else None,
                "fiscal_scale": self.fiscal_scale, "dropped_missing": self.dropped_missing,
                "never_paired": self.never_paired,
                "notes": list(self.notes) + ([SYNTHETIC_NOTE] if self.synthetic else []),
                "provenance": self.provenance}

    def _figures(self) -> list[tuple[str, pd.DataFrame | None, str]]:
        """(title, table, one-line interpretation) for each figure of the summary."""
        figures = []
        years = self.by_year
        if len(years):
            last = years.iloc[-1]
            figures.append((
                "Assistance as a share of local budgets, recipients, by year", years,
                f"In {int(last['year'])}, assistance equalled "
                f"{_pct(last['median_share_of_expenditure'])} of local spending in the typical "
                f"(median) recipient and {_pct(last['median_share_of_revenue'])} of the money it "
                f"raised itself; the typical recipient paid for "
                f"{_pct(last['median_self_financing'])} of its spending from its own revenue."))
        trends = self.trends[self.trends["recipient"]].dropna(subset=["std_error"])
        if len(trends):
            # the 95 % interval: Newey–West SE, t with n − 2 degrees of freedom (issue 11)
            falling = int((trends["conf_high"] < 0).sum())
            rising = int((trends["conf_low"] > 0).sum())
            table = pd.DataFrame({
                "recipients": [len(trends)], "median_slope": [trends["slope"].median()],
                "clearly_falling": [falling], "clearly_rising": [rising]})
            figures.append((
                "Trend of self-financing (own revenue / expenditure) per year, recipients", table,
                f"Self-financing fell clearly (95 % interval below zero: serial-correlation-"
                f"robust Newey–West standard errors, t with n − 2 degrees of freedom) "
                f"in {falling} of {len(trends)} recipients and rose clearly in {rising}; the "
                f"median change was {100 * trends['slope'].median():+.2f} percentage points a "
                "year."))
        if self.taper is not None:
            figures.append(("Taper scenario", pd.DataFrame([self.taper.to_dict()])[
                ["cut", "elasticity", "elasticity_se", "percent_change", "conf_low",
                 "conf_high"]], self.taper.interpretation))
        return figures

    @property
    def _headline(self) -> str:
        return (f"Fiscal dependence on assistance: {self.table['unit'].nunique()} units, "
                f"{len(self.table)} unit-years")
