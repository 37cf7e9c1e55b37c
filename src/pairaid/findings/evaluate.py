"""Findings of the effect estimates: elasticity, event study (with the pre-trend test the text
reads), dose-response, Goodman-Bacon, synthetic control, and the design warnings."""

from __future__ import annotations

import numpy as np
import pandas as pd

from pairaid.findings import Finding, finding, interval_verdict, significance_verdict

#: the level every test in the report is read at
ALPHA = 0.05
#: share of TWFE weight on already-treated controls above which `bacon_findings` flags it
#: (the threshold `BaconResult.interpretation` uses)
FORBIDDEN_WEIGHT = 0.1


def bare(term: str) -> str:
    """``log(funds_per_capita)`` → ``funds_per_capita``."""
    return term[term.index("(") + 1:-1] if term.endswith(")") and "(" in term else term


def sample_years(frame: pd.DataFrame, *columns: str, positive: bool = True,
                 time: str = "year") -> tuple[int, int] | None:
    """First and last year in which every column is present (and positive, for logs)."""
    values = frame[list(columns)].apply(pd.to_numeric, errors="coerce")
    keep = values.notna().all(axis=1) & ((values > 0).all(axis=1) if positive else True)
    years = frame.loc[keep, time]
    return (int(years.min()), int(years.max())) if len(years) else None


def elasticity_findings(result, years: tuple[int, int] | None = None) -> list[Finding]:
    """The estimate with its interval and its sample: units, years, and the rows the logs drop."""
    low, high = result.conf_int(0.95).loc[result.treatment]
    outcome, treatment = bare(result.outcome), bare(result.treatment)
    dropped = result.dropped_nonpositive
    b = result.elasticity
    change = (1.1 ** b - 1) if result.log_rule != "none" else None
    return [finding(
        f"elasticity.estimate.{result.log_rule}", interval_verdict(low, high),
        {"outcome": outcome, "treatment": treatment},
        b=(b, "", "estimate"), lo=(low, "", "ci_low"), hi=(high, "", "ci_high"),
        ten=(change, "share", "estimate"), ten_in=(0.1, "share", "value"),
        nobs=(result.nobs, "count", "count"), clusters=(result.n_clusters, "count", "count"),
        first=(years[0] if years else None, "year", "year"),
        last=(years[1] if years else None, "year", "year"),
        dropped_treatment=(dropped.get(treatment, 0), "count", "count"),
        dropped_outcome=(dropped.get(outcome, 0), "count", "count"))]


def event_study_findings(result, units_in_panel: int | None = None) -> list[Finding]:
    """The simple ATT and the pre-trend test — the p-value the text reads is
    `PreTrendTest.p_value_reported` (the wild bootstrap's when there is one)."""
    out = []
    if "simple" in result.aggregations:
        agg = result.aggregations["simple"]
        from scipy import stats

        z = stats.norm.ppf(0.5 + result.level / 2)
        low, high = agg.estimate - z * agg.std_error, agg.estimate + z * agg.std_error
        dropped = (units_in_panel - result.n_units) if units_in_panel else None
        out.append(finding(
            f"event_study.att.{result.control}", interval_verdict(low, high),
            {"outcome": bare(result.outcome)},
            att=(agg.estimate, "", "estimate"), lo=(low, "", "ci_low"), hi=(high, "", "ci_high"),
            level=(result.level, "share", "threshold"),
            units=(result.n_units, "count", "count"),
            never=(result.n_never_treated, "count", "count"),
            first=(result.periods[0], "year", "year"), last=(result.periods[1], "year", "year"),
            dropped=(dropped if dropped else None, "count", "count")))
    test = result.pretrend
    if test is not None:
        p = test.p_value_reported
        wild = test.p_value_wild is not None
        out.append(finding(
            "event_study.pretrend" + (".wild" if wild else ".wald"), significance_verdict(p, ALPHA),
            p=(p, "", "p_value"), alpha=(ALPHA, "share", "threshold"),
            reps=(test.wild_reps if wild else None, "count", "count"),
            p_chi2=(test.p_value if wild else None, "", "p_value"),
            df=(test.df, "count", "count")))
    return out


def dose_response_findings(result, years: tuple[int, int] | None = None) -> list[Finding]:
    low, high = result.conf_int().iloc[0]
    per_sd = result.slope * result.dose_sd if np.isfinite(result.dose_sd) else None
    return [finding("dose_response.slope", interval_verdict(low, high),
                    {"outcome": bare(result.outcome)},
                    slope=(result.slope, "", "estimate"), lo=(low, "", "ci_low"),
                    hi=(high, "", "ci_high"), per_sd=(per_sd, "", "estimate"),
                    dosed=(result.n_dosed, "count", "count"),
                    units=(result.n_units, "count", "count"),
                    nobs=(result.nobs, "count", "count"),
                    first=(years[0] if years else None, "year", "year"),
                    last=(years[1] if years else None, "year", "year")),
            finding("dose_response.caveat", "describes")]


def bacon_findings(result) -> list[Finding]:
    shares = result.by_type().set_index("type")["weight"]
    forbidden = result.forbidden_weight
    return [finding("bacon.twfe", "flagged" if forbidden >= FORBIDDEN_WEIGHT else "clean",
                    twfe=(result.twfe_estimate, "", "estimate"),
                    forbidden=(forbidden, "share", "share"),
                    never=(float(shares.get("treated_vs_never", 0.0)), "share", "share"),
                    comparisons=(len(result.comparisons), "count", "count"),
                    units=(result.n_units, "count", "count"),
                    never_units=(result.n_never_treated, "count", "count"),
                    first=(result.periods[0], "year", "year"),
                    last=(result.periods[1], "year", "year"),
                    threshold=(FORBIDDEN_WEIGHT, "share", "threshold"))]


def synth_findings(result, name: tuple[str, str] | str) -> list[Finding]:
    p = result.p_value
    table = result.placebos()
    n = int(table["kept"].sum()) if "kept" in table.columns and len(table) else None
    return [finding("synth.gap", significance_verdict(p, ALPHA) if p is not None else "undefined",
                    {"unit": name, "code": str(result.treated), "outcome": bare(result.outcome)},
                    gap=(result.effect, "", "estimate"), after=(result.treat_time, "year", "year"),
                    first=(float(min(result.times)), "year", "year"),
                    last=(float(max(result.times)), "year", "year"),
                    donors=(len(result.candidate_donors), "count", "count"),
                    pre=(result.pre_rmspe, "", "statistic"),
                    post=(result.post_rmspe, "", "statistic"),
                    p=(p, "", "p_value"), placebos=(n, "count", "count"),
                    alpha=(ALPHA, "share", "threshold"),
                    floor=(1 / n if n else None, "", "threshold"))]


#: how each field of a design warning is read: name → (unit, kind)
_FIELDS = {"units": ("count", "count"), "never": ("count", "count"),
           "balanced": ("count", "count"), "before": ("count", "count"),
           "incomplete": ("count", "count"), "always": ("count", "count"),
           "threshold": ("count", "threshold"), "share": ("share", "share"),
           "limit": ("share", "threshold"), "first_cohort": ("year", "year"),
           "cohort": ("year", "year"), "cohorts": ("year", "year")}


def design_findings(warnings) -> list[Finding]:
    """One finding per design warning, from its code and fields (the message is the English
    reading `evaluate.design` keeps for the JSON)."""
    out = []
    for warning in warnings:
        fields = getattr(warning, "fields", {}) or {}
        numbers, terms = {}, {}
        for name, value in fields.items():
            if isinstance(value, str):
                terms[name] = value
            elif isinstance(value, (list, tuple)):
                unit, kind = _FIELDS.get(name, ("", "value"))
                numbers.update({f"{name}.{i}": (v, unit, kind) for i, v in enumerate(value)})
            else:
                unit, kind = _FIELDS.get(name, ("", "value"))
                numbers[name] = (value, unit, kind)
        if not fields:  # a warning without fields: its English message, labelled as such
            terms["message"] = str(warning)
        out.append(finding(f"design.{warning.code}", "flagged", terms, **numbers))
    return out
