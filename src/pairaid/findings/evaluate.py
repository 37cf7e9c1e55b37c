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


#: how a sentence names the units of a panel: level → (one, many), each (English, Chinese)
UNIT_WORDS = {"county": (("county", "县"), ("counties", "县")),
              "prefecture": (("prefecture", "地州"), ("prefectures", "地州")),
              "unit": (("unit", "单位"), ("units", "单位"))}
#: never-paired units are clusters of their own, so "clusters" is not "donors"
_DONOR_WORDS = (("donor", "援助方"), ("donor clusters", "援助方聚类"))


def unit_terms(level: str = "county") -> dict:
    """The terms ``unit_one`` and ``unit_many`` for a panel at `level` (else: units)."""
    one, many = UNIT_WORDS.get(level, UNIT_WORDS["unit"])
    return {"unit_one": one, "unit_many": many}


def cluster_terms(cluster: str | None, level: str = "county") -> dict:
    """``cluster_one`` / ``cluster_many``: what the standard errors are clustered by."""
    parts = (cluster or "unit").split("+")
    if parts == ["unit"]:
        one, many = UNIT_WORDS.get(level, UNIT_WORDS["unit"])
    elif parts == ["donor"]:
        one, many = _DONOR_WORDS
    else:
        named = [UNIT_WORDS.get(level, UNIT_WORDS["unit"])[0] if p == "unit" else
                 _DONOR_WORDS[0] if p == "donor" else (p, p) for p in parts]
        one = (" and ".join(n[0] for n in named), "和".join(n[1] for n in named))
        many = ("clusters", "聚类")
    return {"cluster_one": one, "cluster_many": many}


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


def elasticity_findings(result, years: tuple[int, int] | None = None,
                        level: str = "county") -> list[Finding]:
    """The estimate with its interval and its sample: units, years, and the rows the logs drop."""
    low, high = result.conf_int(0.95).loc[result.treatment]
    years = years or getattr(result, "period", None)
    outcome, treatment = bare(result.outcome), bare(result.treatment)
    dropped = result.dropped_nonpositive
    b = result.elasticity
    # a formula taken as written may take the logs itself: log(y) ~ log(x) is an elasticity
    written = result.log_rule == "none" and all(
        str(t).startswith("log(") for t in (result.outcome, result.treatment))
    change = (1.1 ** b - 1) if result.log_rule != "none" or written else None
    return [finding(
        "elasticity.estimate.written_logs" if written else
        f"elasticity.estimate.{result.log_rule}", interval_verdict(low, high),
        {"outcome": outcome, "treatment": treatment, **unit_terms(level),
         **cluster_terms(result.cluster, level)},
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
        units_in_panel = units_in_panel or getattr(result, "n_units_input", None)
        dropped = (units_in_panel - result.n_units) if units_in_panel else None
        out.append(finding(
            f"event_study.att.{result.control}", interval_verdict(low, high),
            {"outcome": bare(result.outcome),
             "estimator": ESTIMATOR_NAMES.get(result.estimator, result.estimator)},
            att=(agg.estimate, "", "estimate"), lo=(low, "", "ci_low"), hi=(high, "", "ci_high"),
            level=(result.level, "share", "threshold"),
            units=(result.n_units, "count", "count"),
            never=(result.n_never_treated, "count", "count"),
            first=(result.periods[0], "year", "year"), last=(result.periods[1], "year", "year"),
            dropped=(dropped, "count", "count")))
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
    mde = getattr(result, "mde", None)
    if mde is not None:
        agg = result.aggregations["simple"]
        from scipy import stats

        z = stats.norm.ppf(0.5 + result.level / 2)
        verdict = interval_verdict(agg.estimate - z * agg.std_error,
                                   agg.estimate + z * agg.std_error)
        noisy = verdict == "covers_zero" and abs(agg.estimate) >= mde["estimate"]
        out.append(finding(
            "event_study.mde" + (".noisy" if noisy else ""), verdict,
            mde=(mde["estimate"], "", "threshold"), att=(agg.estimate, "", "estimate"),
            power=(mde["power"], "share", "threshold"),
            alpha=(mde["alpha"], "share", "threshold")))
    for found in getattr(result, "sensitivity", ()):
        low, high = found.original
        average = found.target.startswith("the average")
        first = found.post_periods[0] if average else int(found.target.split()[-1])
        out.append(finding(
            f"event_study.honest{'_average' if average else ''}.{found.restriction}",
            interval_verdict(low, high),
            breakdown=(found.breakdown if np.isfinite(found.breakdown) else None, "",
                       "threshold"),
            effect=(found.estimate, "", "estimate"), lo=(low, "", "ci_low"),
            hi=(high, "", "ci_high"), first=(first, "", "value"),
            last=(found.post_periods[-1], "", "value")))
    return out


def dose_response_findings(result, years: tuple[int, int] | None = None,
                           level: str = "unit") -> list[Finding]:
    low, high = result.conf_int().iloc[0]
    years = years or getattr(result, "period", None)
    per_sd = result.slope * result.dose_sd if np.isfinite(result.dose_sd) else None
    return [finding("dose_response.slope", interval_verdict(low, high),
                    {"outcome": bare(result.outcome), "dose": result.intensity,
                     **unit_terms(level)},
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


def synth_findings(result, name: tuple[str, str] | str, level: str = "county",
                   chosen: bool = True) -> list[Finding]:
    """The gap and its placebo test; `chosen`: the unit is the report's pick (the most
    populous of the latest cohort), else the one a user named."""
    p = result.p_value
    table = result.placebos()
    n = int(table["kept"].sum()) if "kept" in table.columns and len(table) else None
    return [finding("synth.gap" if chosen else "synth.gap.given",
                    significance_verdict(p, ALPHA) if p is not None else "undefined",
                    {"unit": name, "code": str(result.treated), "outcome": bare(result.outcome),
                     **unit_terms(level)},
                    gap=(result.effect, "", "estimate"), after=(result.treat_time, "year", "year"),
                    first=(float(min(result.times)), "year", "year"),
                    last=(float(max(result.times)), "year", "year"),
                    donors=(len(result.candidate_donors), "count", "count"),
                    pre=(result.pre_rmspe, "", "statistic"),
                    post=(result.post_rmspe, "", "statistic"),
                    p=(p, "", "p_value"), placebos=(n, "count", "count"),
                    alpha=(ALPHA, "share", "threshold"),
                    floor=(1 / n if n else None, "", "threshold"))]


#: the event-study estimators by name, as a reading says them
ESTIMATOR_NAMES = {"cs": ("Callaway–Sant'Anna", "Callaway–Sant'Anna"),
                   "sa": ("Sun–Abraham", "Sun–Abraham"),
                   "twfe": ("a two-way fixed-effects event study", "双向固定效应事件研究"),
                   "did2s": ("Gardner's two-stage estimator", "Gardner两阶段估计")}


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


def iv_findings(result) -> list[Finding]:
    """The 2SLS estimate with its interval, the first stage's strength and, when there is one,
    the Anderson–Rubin interval (valid however weak the instrument)."""
    from pairaid.evaluate.iv_results import WEAK_F

    row = result.tidy().set_index("term").loc[result.treatment]
    stage = result.first_stage
    f = stage.effective_f if stage.effective_f is not None else stage.f_stat
    ar = result.anderson_rubin
    return [finding("iv.estimate", interval_verdict(row["conf_low"], row["conf_high"]),
                    {"outcome": bare(result.outcome), "treatment": bare(result.treatment),
                     "instrument": bare(result.instruments[0])},
                    b=(row["estimate"], "", "estimate"), lo=(row["conf_low"], "", "ci_low"),
                    hi=(row["conf_high"], "", "ci_high"), level=(result.level, "share",
                                                                  "threshold"),
                    nobs=(result.nobs, "count", "count")),
            finding("iv.first_stage", "flagged" if f < WEAK_F else "clean",
                    f=(f, "", "statistic"), threshold=(WEAK_F, "", "threshold"),
                    ar_lo=(ar[0] if ar else None, "", "ci_low"),
                    ar_hi=(ar[1] if ar else None, "", "ci_high"),
                    level=(result.level, "share", "threshold"))]
