"""Results of a staggered DiD / event study: frozen, with `summary`, `tidy()`, `conf_int()`,
`to_json()` and a plain-language reading."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from functools import cached_property
from types import MappingProxyType

import numpy as np
import pandas as pd
from scipy import stats
from pairaid.evaluate.results import summary_html
from pairaid.jsonable import number as _num
from pairaid.provenance import SYNTHETIC_NOTE, package_version as _version
from pairaid.results import ResultsMixin

AGGREGATIONS = ("simple", "group", "dynamic", "calendar")
_TITLES = {"cs": "Callaway–Sant'Anna staggered DiD",
           "sa": "Sun–Abraham interaction-weighted event study",
           "twfe": "Two-way fixed-effects event study",
           "did2s": "Gardner two-stage DiD (did2s)"}
_LEVEL_NAMES = {"group": "cohort", "dynamic": "event_time", "calendar": "time"}


@dataclass(frozen=True)
class Aggregation:
    """One summary of the effects: its overall estimate and, for group / dynamic / calendar,
    the estimate at each level (cohort, event time or calendar period)."""

    name: str
    estimate: float
    std_error: float
    #: level, estimate, std_error
    detail: pd.DataFrame

    def to_dict(self) -> dict:
        out = {"estimate": _num(self.estimate), "std_error": _num(self.std_error)}
        if len(self.detail):
            key = _LEVEL_NAMES.get(self.name, "level")
            out["by_" + key] = [{key: int(lv), "estimate": _num(e), "std_error": _num(s)}
                                for lv, e, s in self.detail[["level", "estimate",
                                                             "std_error"]].itertuples(index=False)]
        return out


#: what the JSON says of the chi-squared p-value
CHI2_LABEL = ("analytic chi-squared: over-rejects a true null when cohorts are small (43.5 % at "
              "5 % for Callaway–Sant'Anna on the demo's design); kept for comparison with R did "
              "and fixest, not used for the reading")


#: why there is no pre-trend test at all
NO_PRETREND = ("no pre-treatment effect can be estimated: every cohort starts too early for a "
               "lead (event time −2 or before) to be observed, so nothing tests parallel trends")


@dataclass(frozen=True)
class PreTrendTest:
    """Joint Wald test that every pre-treatment effect is zero (chi-squared with `df`), and its
    wild cluster bootstrap p-value, the one the reading uses."""

    statistic: float
    df: int
    p_value: float
    terms: tuple[str, ...]
    #: wild cluster bootstrap p-value (see `pairaid.evaluate.pretrend`): the one to read when
    #: cohorts are small
    p_value_wild: float | None = None
    wild_reps: int = 0
    #: how the bootstrap drew, and the terms it left out (one-unit cohorts' cells)
    wild_method: str = ""
    wild_left_out: tuple[str, ...] = ()
    #: why there is no bootstrap p-value, when there is none
    wild_missing: str = ""

    @property
    def p_value_reported(self) -> float:
        """The p-value the interpretation uses: the wild bootstrap's when there is one."""
        return self.p_value if self.p_value_wild is None else self.p_value_wild

    def to_dict(self) -> dict:
        return {"statistic": _num(self.statistic), "df": self.df, "p_value": _num(self.p_value),
                "p_value_label": CHI2_LABEL,
                "p_value_wild": _num(self.p_value_wild), "wild_reps": self.wild_reps,
                "wild_method": self.wild_method, "wild_left_out": list(self.wild_left_out),
                "wild_missing": self.wild_missing,
                "p_value_reported": _num(self.p_value_reported),
                "reported": "wild_bootstrap" if self.p_value_wild is not None else "chi2",
                "terms": list(self.terms)}


def attach_wild(test: PreTrendTest, wild) -> PreTrendTest:
    """The analytic test with the wild bootstrap's p-value (a `WildPreTrend`, or None with the
    reason the bootstrap could not run)."""
    from pairaid.evaluate.pretrend import WILD_METHOD

    if wild is None:
        return replace(test, wild_missing=(
            "no wild bootstrap: no pre-period cell of a cohort with two or more units, or "
            "fewer than two comparison units; the chi-squared p-value is reported and may "
            "over-reject"))
    return replace(test, p_value_wild=wild.p_value, wild_reps=wild.reps,
                   wild_method=WILD_METHOD, wild_left_out=tuple(wild.left_out))


@dataclass(frozen=True)
class EventStudyResult(ResultsMixin):
    estimator: str
    outcome: str
    control: str
    method: str
    base_period: str
    #: cohort, time, estimate, std_error (empty for TWFE)
    group_time: pd.DataFrame
    #: event_time, estimate, std_error
    event_time: pd.DataFrame
    aggregations: Mapping[str, Aggregation]
    pretrend: PreTrendTest | None
    n_units: int
    periods: tuple[int, int]
    cohorts: tuple[int, ...]
    n_never_treated: int
    level: float
    notes: tuple[str, ...]
    data_hash: str
    synthetic: bool = False
    engine: str = ""
    inference: str = "analytic"
    #: covariates of conditional parallel trends (Callaway–Sant'Anna; base-period values)
    covariates: tuple[str, ...] = ()
    #: the simultaneous (sup-t) band on the event path: level, critical_value, draws, seed,
    #: method (`pairaid.evaluate.bands`); its bounds are event_time's band_low / band_high
    band: Mapping = field(default_factory=dict)
    #: plain-language warnings on the design (small cohorts, few comparison units, …)
    design_warnings: tuple[str, ...] = ()
    #: how cohorts of one or two units were handled (`pairaid.evaluate.small_cohorts`)
    small_cohorts: str = ""
    #: units in the table given, before those missing a period were left out
    n_units_input: int | None = None
    #: the variance–covariance of the event-time estimates, rows and columns in the order of
    #: `event_time` (a reference period's row and column are zero); its diagonal is
    #: std_error². What HonestDiD needs (`pairaid.evaluate.honest_event`)
    event_covariance: np.ndarray | None = None
    #: Rambachan–Roth sensitivity analyses run on this path (`honest_event.honest_sensitivity`)
    sensitivity: tuple = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "aggregations", MappingProxyType(dict(self.aggregations)))
        object.__setattr__(self, "band", MappingProxyType(dict(self.band)))

    # -- views ---------------------------------------------------------------------------------
    @property
    def att(self) -> float:
        """The simple overall ATT (treated-unit-period weighted)."""
        return self.aggregations["simple"].estimate

    @property
    def att_std_error(self) -> float:
        return self.aggregations["simple"].std_error

    @cached_property
    def mde(self) -> dict | None:
        """Minimum detectable effect of the simple ATT (80 % power, two-sided 5 %, normal as
        the interval; `pairaid.evaluate.power`) and of each event time after treatment."""
        if "simple" not in self.aggregations:
            return None
        from pairaid.evaluate.power import minimum_detectable_effect

        post = self.event_time[self.event_time["event_time"] >= 0]
        return {"estimate": minimum_detectable_effect(self.att_std_error, float("inf")),
                "term": "ATT(simple)", "power": 0.8, "alpha": 0.05,
                "by_event_time": [{"event_time": int(e),
                                   "mde": minimum_detectable_effect(float(s), float("inf"))}
                                  for e, s in post[["event_time", "std_error"]]
                                  .itertuples(index=False)]}

    @cached_property
    def provenance(self) -> dict:
        """What makes the numbers traceable: data hash, method, versions."""
        return {"estimator": self.estimator, "method": self.method, "control": self.control,
                "base_period": self.base_period, "engine": self.engine,
                "inference": self.inference, "covariates": list(self.covariates),
                "data_sha256": self.data_hash, "pairaid": _version("pairaid"),
                "numpy": np.__version__, "pandas": pd.__version__, "synthetic": self.synthetic}

    # -- outputs -------------------------------------------------------------------------------
    def conf_int(self, level: float | None = None) -> pd.DataFrame:
        """Pointwise confidence intervals of every estimate in `tidy()` (normal approximation)."""
        tidy = self.tidy(level)
        return tidy.set_index("term")[["conf_low", "conf_high"]]

    def event_path(self, level: float | None = None) -> pd.DataFrame:
        """``event_time, estimate, std_error, conf_low, conf_high`` (pointwise, normal): what
        the event-study plot draws."""
        level = self.level if level is None else level
        z = stats.norm.ppf(0.5 + level / 2)
        path = self.event_time[["event_time", "estimate", "std_error"]].astype(
            {"event_time": int, "estimate": float, "std_error": float}).reset_index(drop=True)
        path = path.assign(conf_low=path["estimate"] - z * path["std_error"],
                           conf_high=path["estimate"] + z * path["std_error"])
        if "band_low" in self.event_time and level == self.level:
            path["band_low"] = self.event_time["band_low"].to_numpy(dtype=float)
            path["band_high"] = self.event_time["band_high"].to_numpy(dtype=float)
        return path

    def tidy(self, level: float | None = None) -> pd.DataFrame:
        """``term, estimate, std_error, statistic, p_value, conf_low, conf_high`` for the
        aggregations, the event times and the group-time effects (``kind`` says which)."""
        level = self.level if level is None else level
        rows = []
        for name, agg in self.aggregations.items():
            rows.append(("aggregation", f"ATT({name})", agg.estimate, agg.std_error))
            for lv, e, s in agg.detail[["level", "estimate", "std_error"]].itertuples(index=False):
                if name != "dynamic":
                    rows.append((name, f"ATT({_LEVEL_NAMES.get(name, 'level')}={int(lv)})", e, s))
        for e, est, se in self.event_time[["event_time", "estimate", "std_error"]]\
                .itertuples(index=False):
            rows.append(("event_time", f"event_time={int(e)}", est, se))
        for g, t, est, se in self.group_time[["cohort", "time", "estimate", "std_error"]]\
                .itertuples(index=False):
            rows.append(("group_time", f"ATT(g={int(g)}, t={int(t)})", est, se))
        out = pd.DataFrame(rows, columns=["kind", "term", "estimate", "std_error"])
        out[["estimate", "std_error"]] = out[["estimate", "std_error"]].astype(float)
        z = stats.norm.ppf(0.5 + level / 2)
        out["statistic"] = out["estimate"] / out["std_error"]
        out["p_value"] = 2 * stats.norm.sf(out["statistic"].abs())
        out["conf_low"] = out["estimate"] - z * out["std_error"]
        out["conf_high"] = out["estimate"] + z * out["std_error"]
        return out

    def to_dict(self) -> dict:
        return {
            "estimator": self.estimator, "outcome": self.outcome, "control": self.control,
            "method": self.method, "base_period": self.base_period,
            "covariates": list(self.covariates),
            "aggregations": {name: (self.aggregations[name].to_dict()
                                    if name in self.aggregations else None)
                             for name in AGGREGATIONS},
            "group_time": [{"cohort": int(g), "time": int(t), "estimate": _num(e),
                            "std_error": _num(s)}
                           for g, t, e, s in self.group_time[["cohort", "time", "estimate",
                                                              "std_error"]]
                           .itertuples(index=False)],
            "event_time": [{"event_time": int(row["event_time"]),
                            "estimate": _num(row["estimate"]),
                            "std_error": _num(row["std_error"]),
                            **({"band_low": _num(row["band_low"]),
                                "band_high": _num(row["band_high"])}
                               if "band_low" in row else {})}
                           for row in self.event_time.to_dict("records")],
            "band": {k: _num(v) if isinstance(v, float) else v for k, v in self.band.items()}
            or None,
            "event_covariance": (None if self.event_covariance is None else {
                "event_time": [int(e) for e in self.event_time["event_time"]],
                "matrix": [[_num(v) for v in row] for row in self.event_covariance]}),
            "sensitivity": [s.to_dict() for s in self.sensitivity],
            "mde": (None if self.mde is None else
                    {**self.mde, "estimate": _num(self.mde["estimate"]),
                     "by_event_time": [{"event_time": r["event_time"], "mde": _num(r["mde"])}
                                       for r in self.mde["by_event_time"]],
                     "interpretation": self.mde_reading}),
            "pretrend_test": self.pretrend.to_dict() if self.pretrend else None,
            "pretrend_missing": None if self.pretrend else NO_PRETREND,
            "design_warnings": list(self.design_warnings),
            "small_cohorts": self.small_cohorts,
            "units": self.n_units, "never_treated_units": self.n_never_treated,
            "periods": list(self.periods), "cohorts": list(self.cohorts),
            "interpretation": self.interpretation,
            "notes": list(self.notes) + ([SYNTHETIC_NOTE] if self.synthetic else []),
            "provenance": self.provenance,
        }

    def to_json(self, indent: int | None = None) -> str:
        """``{"aggregations": {"simple": {"estimate", "std_error"}, …}, "group_time": […],
        "event_time": […], …}``."""
        return json.dumps(self.to_dict(), ensure_ascii=False, indent=indent)

    # -- display ---------------------------------------------------------------------------------
    @cached_property
    def interpretation(self) -> str:
        """What the simple ATT means, what it does not, and the assumption it rests on."""
        if "simple" not in self.aggregations:
            return "No post-treatment period is observed, so no treatment effect is estimated."
        agg = self.aggregations["simple"]
        z = stats.norm.ppf(0.5 + self.level / 2)
        low, high = agg.estimate - z * agg.std_error, agg.estimate + z * agg.std_error
        comparison = ("units never treated" if self.control == "never"
                      else "units not yet treated at the time")
        sure = ("the interval excludes zero" if low > 0 or high < 0
                else "the interval includes zero, so the data cannot rule out no effect")
        given = (f" conditional on {', '.join(self.covariates)}" if self.covariates else "")
        alike = " with the same covariate values" if self.covariates else ""
        pre = ""
        if self.pretrend is not None:
            p = self.pretrend.p_value_reported
            which = ("pre-trend test (chi-squared; no wild bootstrap could run, and the "
                     "chi-squared p over-rejects when cohorts are small)"
                     if self.pretrend.p_value_wild is None else
                     f"pre-trend test (wild cluster bootstrap, {self.pretrend.wild_reps} draws; "
                     f"the chi-squared p = {self.pretrend.p_value:.3g} over-rejects when "
                     "cohorts are small)")
            pre = (f" The {which} gives p = {p:.3g}: it does not reject equal trends before "
                   "treatment at the 5% level; that is no proof of the assumption, only no "
                   "evidence against it." if p >= 0.05 else
                   f" The {which} gives p = {p:.3g}: it rejects equal trends before treatment "
                   "at the 5% level: the assumption is in doubt, so read the estimate with "
                   "caution.")
        return (f"After treatment, '{self.outcome}' in treated units changed by "
                f"{agg.estimate:+.4g} on average relative to the change in {comparison} "
                f"({self.level:.0%} CI {low:+.4g} to {high:+.4g}; {sure}). "
                f"This is a causal effect only under parallel trends{given}: without treatment, "
                f"treated and comparison units{alike} would have changed alike (and no unit "
                f"anticipated treatment). It is an average over the treated cohorts and periods "
                f"observed, not the effect on any single unit nor on units never treated.{pre}")

    @property
    def mde_reading(self) -> str:
        """How to read the ATT beside its minimum detectable effect."""
        if self.mde is None:
            return ""
        from pairaid.evaluate.power import mde_sentence

        agg = self.aggregations["simple"]
        z = stats.norm.ppf(0.5 + self.level / 2)
        significant = abs(agg.estimate) > z * agg.std_error
        return mde_sentence(self.mde["estimate"], agg.estimate, significant)

    @cached_property
    def summary(self) -> str:
        lines = [f"{_TITLES.get(self.estimator, self.estimator)}: outcome '{self.outcome}'",
                 (f"  method {self.method}, comparison: {self.control}-treated units, "
                  f"base period {self.base_period}; standard errors: {self.inference}"),
                 *([f"  covariates (base-period values): {', '.join(self.covariates)}"]
                   if self.covariates else []),
                 (f"  {self.n_units} units ({self.n_never_treated} never treated), periods "
                  f"{self.periods[0]}–{self.periods[1]}, cohorts "
                  f"{', '.join(map(str, self.cohorts))}"), ""]
        if self.synthetic:
            lines.insert(0, SYNTHETIC_NOTE)
        rows = [(name, a.estimate, a.std_error) for name, a in self.aggregations.items()]
        lines.append(pd.DataFrame(rows, columns=["aggregation", "estimate", "std_error"])
                     .to_string(index=False, float_format=lambda v: f"{v:.4f}"))
        lines += ["", "Event time (0 = first treated period):",
                  self._event_table().to_string(index=False, float_format=lambda v: f"{v:.4f}")]
        if self.band:
            lines.append(f"Simultaneous {self.band['level']:.0%} band (band_low, band_high): "
                         f"critical value {self.band['critical_value']:.3f}, "
                         f"{self.band['method']}, {self.band['draws']} draws, seed "
                         f"{self.band['seed']}")
        if self.pretrend is None:
            lines += ["", f"Pre-trend test: not run — {NO_PRETREND}"]
        if self.pretrend is not None:
            test = self.pretrend
            lines += ["", (f"Pre-trend test (joint Wald, {test.df} pre-period effects = 0): "
                           + (f"wild cluster bootstrap p = {test.p_value_wild:.4f} "
                              f"({test.wild_reps} draws; reported); " if test.p_value_wild
                              is not None else "")
                           + f"analytic chi2 = {test.statistic:.3f}, p = {test.p_value:.4f}"
                           + (" (over-rejects when cohorts are small)"
                              if test.p_value_wild is not None else ""))]
            if test.wild_left_out:
                lines.append(f"  left out of the bootstrap test (one-unit cohorts): "
                             f"{', '.join(test.wild_left_out)}")
            if test.wild_missing:
                lines.append(f"  {test.wild_missing}")
        lines += ["", self.interpretation]
        if self.mde is not None:
            lines.append(f"Minimum detectable effect (ATT, 80 % power, 5 %): "
                         f"{self.mde['estimate']:.4g}. {self.mde_reading}")
        for found in self.sensitivity:
            lines += ["", found.summary, *[f"  note: {n}" for n in found.notes]]
        if self.small_cohorts:
            lines.append(f"small cohorts: {self.small_cohorts}")
        lines += [f"note: {n}" for n in self.notes]
        return "\n".join(lines)

    def _event_table(self) -> pd.DataFrame:
        tidy = self.tidy()
        events = tidy[tidy["kind"] == "event_time"]
        table = pd.DataFrame({"event_time": self.event_time["event_time"].to_numpy(),
                              "estimate": events["estimate"].to_numpy(),
                              "std_error": events["std_error"].to_numpy(),
                              "conf_low": events["conf_low"].to_numpy(),
                              "conf_high": events["conf_high"].to_numpy()})
        if "band_low" in self.event_time:
            table["band_low"] = self.event_time["band_low"].to_numpy(dtype=float)
            table["band_high"] = self.event_time["band_high"].to_numpy(dtype=float)
        return table

    def __str__(self) -> str:
        return self.summary

    def _repr_html_(self) -> str:
        rows = pd.DataFrame([(n, a.estimate, a.std_error) for n, a in self.aggregations.items()],
                            columns=["aggregation", "estimate", "std_error"])
        pre = (f"<p>Pre-trend test: chi2 = {self.pretrend.statistic:.3f} "
               f"(df {self.pretrend.df}), p = {self.pretrend.p_value:.4f}; reported p = "
               f"{self.pretrend.p_value_reported:.4f}</p>"
               if self.pretrend else "")
        return summary_html(self, 4 + bool(self.covariates),
                            rows.to_html(index=False, float_format="%.4f") + "<p>Event time</p>"
                            + self._event_table().to_html(index=False, float_format="%.4f")
                            + pre)
