"""Where a DiD design is weak: plain-language warnings to print beside the estimates.

`design_warnings` looks only at the design — units, periods, who is treated when, and which
outcome values exist — never at estimates. Each warning is a `DesignWarning`: a string (the
message, ready to print or put in JSON) with a `code` for programs.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from pairaid.errors import InputError
from pairaid.evaluate.guards import FEW_CLUSTERS, check_columns

#: below this many never-treated units a never-treated comparison is fragile: Callaway–Sant'Anna
#: standard errors and its pre-trend Wald test rest on the spread within that small group (on the
#: demo design, 16 never-treated units and cohorts of 7–60, the 12-df pre-trend test rejected a
#: true null in 41 % of 2,000 replications at the 5 % level)
FEW_NEVER_TREATED = 20
#: cohorts smaller than this make the joint pre-trend test unreliable (see FEW_NEVER_TREATED)
SMALL_COHORT = 10
#: fewer periods than this before the first cohort leave almost nothing to check trends on
SHORT_PRE_PERIOD = 3
#: share of unit-periods without the outcome above which balancing estimators lose much
MISSING_SHARE = 0.10
#: share of the treatment's variance the unit and period effects may explain before too little
#: is left to identify its effect
FE_R2 = 0.95


#: what the estimators do about cohorts of one or two units (`pairaid.evaluate.small_cohorts`)
_TINY_CHOICES = ("the estimators keep such cohorts with a conservative variance (the comparison "
                 "units' variance added; --small-cohorts conservative, the default) or drop or "
                 "pool them (--small-cohorts drop | pool)")


class DesignError(InputError):
    """The design columns cannot be read."""


class DesignWarning(str):
    """A warning message (a str) with a stable `code` and the `fields` its numbers come from
    (what `pairaid.findings.evaluate.design_findings` renders in every language)."""

    code: str
    fields: dict

    def __new__(cls, code: str, message: str, **fields) -> DesignWarning:
        self = super().__new__(cls, message)
        self.code = code
        self.fields = fields
        return self


def design_warnings(frame: pd.DataFrame, *, unit: str = "unit", time: str = "year",
                    cohort: str | None = "first_paired_year", treatment: str | None = None,
                    outcome: str | None = None) -> list[DesignWarning]:
    """Warnings on the design of a panel DiD, from the cohort (first treated period; 0 or empty
    = never treated) or a treatment column (0/1, or an intensity that is 0 when untreated).

    Checks: few clusters (< 42), few never-treated units (< 20), a short pre-period (< 3
    periods before the first cohort), single-unit cohorts, missing outcome years (> 10 % of
    unit-periods, or units lacking periods), no staggering or no clean comparison units, and
    little treatment variation left after unit and period effects (within R² > 0.95).
    """
    if (cohort is None) == (treatment is None):
        raise DesignError("give either a cohort column or a treatment column")
    check_columns(frame, [c for c in (unit, time, cohort or treatment, outcome) if c],
                  DesignError)
    work = pd.DataFrame({"unit": frame[unit].to_numpy(),
                         "time": pd.to_numeric(frame[time], errors="coerce").to_numpy()})
    if treatment is not None:
        dose = pd.to_numeric(frame[treatment], errors="coerce").fillna(0).to_numpy(dtype=float)
        first = work.assign(on=dose != 0).query("on").groupby("unit")["time"].min()
        work["cohort"] = work["unit"].map(first).astype(float)
        work["treated"] = dose
    else:
        start = pd.to_numeric(frame[cohort], errors="coerce").astype(float).to_numpy()
        work["cohort"] = np.where(start == 0, np.nan, start)
        work["treated"] = (work["time"].to_numpy() >= work["cohort"].to_numpy()).astype(float)
    periods = np.sort(work["time"].dropna().unique())
    per_unit = work.groupby("unit")["cohort"].min()
    # units treated from the first period on have no before: they are no clean comparison
    per_unit = per_unit.where(~(per_unit <= periods[0]), -np.inf) if len(periods) else per_unit
    out: list[DesignWarning] = []
    n_units = len(per_unit)
    if n_units < FEW_CLUSTERS:
        out.append(DesignWarning(
            "few_clusters", f"only {n_units} units (clusters, < {FEW_CLUSTERS}): cluster-robust "
            f"standard errors and p-values may be too optimistic; use the wild cluster bootstrap "
            f"(pairaid estimate --wild-bootstrap 9999)", units=n_units, threshold=FEW_CLUSTERS))
    never = int(per_unit.isna().sum())
    cohorts = per_unit[np.isfinite(per_unit)].value_counts().sort_index()
    balanced, observed = never, cohorts
    if outcome is not None and len(periods):
        # balanced-panel estimators keep only the units with the outcome in every period
        y = pd.to_numeric(frame[outcome], errors="coerce").to_numpy()
        complete = work.assign(y=y).dropna(subset=["y"]).groupby("unit")["time"].nunique()
        complete = complete.index[complete == len(periods)]
        kept = per_unit[per_unit.index.isin(complete)]
        balanced = int(kept.isna().sum())
        observed = kept[np.isfinite(kept)].value_counts().sort_index()
    if never == 0:
        out.append(DesignWarning(
            "no_never_treated", "every unit is treated at some point: there are no never-"
            "treated units, so comparisons rest on not-yet-treated units and nothing clean is "
            "left after the last cohort starts (use --control notyet; effects in the last "
            "periods are not identified)"))
    elif min(never, balanced) < FEW_NEVER_TREATED:
        count = (f"{never} never-treated units" if balanced == never else
                 f"{balanced} never-treated units with '{outcome}' in every period ({never} "
                 f"in all)")
        out.append(DesignWarning(
            "few_never_treated", f"only {count} (< {FEW_NEVER_TREATED}): "
            f"Callaway–Sant'Anna with never-treated controls leans on this small group, and its "
            f"standard errors and joint pre-trend test can be badly over-confident (rejecting "
            f"true parallel trends far more often than 5 %); read the pre-trend test with "
            f"caution", never=never, balanced=balanced, threshold=FEW_NEVER_TREATED,
            **({"outcome": outcome} if outcome else {})))
    if len(cohorts) and len(periods):
        before = int((periods < cohorts.index[0]).sum())
        if before < SHORT_PRE_PERIOD:
            out.append(DesignWarning(
                "short_pre_period", f"only {before} period{'s' if before != 1 else ''} before "
                f"the first cohort ({cohorts.index[0]:g}; < {SHORT_PRE_PERIOD}): too few to "
                f"check parallel trends", before=before, first_cohort=float(cohorts.index[0]),
                threshold=SHORT_PRE_PERIOD))
    singles = cohorts[cohorts == 1].index
    if len(singles):
        out.append(DesignWarning(
            "single_unit_cohorts", f"cohort{'s' if len(singles) > 1 else ''} "
            f"{', '.join(f'{c:g}' for c in singles)} ha{'ve' if len(singles) > 1 else 's'} a "
            f"single unit: {'their' if len(singles) > 1 else 'its'} group-time effects rest on "
            f"one unit and have no usable standard error of their own (the analytic one "
            f"leaves the unit's own variance out); {_TINY_CHOICES}",
            cohorts=[float(c) for c in singles]))
    pairs = cohorts[cohorts == 2].index
    if len(pairs):
        out.append(DesignWarning(
            "two_unit_cohorts", f"cohort{'s' if len(pairs) > 1 else ''} "
            f"{', '.join(f'{c:g}' for c in pairs)} ha{'ve' if len(pairs) > 1 else 's'} two "
            f"units: {'their' if len(pairs) > 1 else 'its'} spread is estimated from one "
            f"difference, so {'their' if len(pairs) > 1 else 'its'} standard errors are "
            f"unreliable; {_TINY_CHOICES}", cohorts=[float(c) for c in pairs]))
    small = observed[(observed > 2) & (observed < SMALL_COHORT)]
    if len(small):
        out.append(DesignWarning(
            "small_cohorts", f"cohort{'s' if len(small) > 1 else ''} "
            f"{', '.join(f'{c:g} ({n} units)' for c, n in small.items())} "
            f"ha{'ve' if len(small) > 1 else 's'} fewer than {SMALL_COHORT} units"
            f"{' with the outcome in every period' if outcome else ''}: the covariance of "
            f"{'their' if len(small) > 1 else 'its'} pre-period effects is estimated from a "
            f"handful of units, so a joint pre-trend (Wald) test over-rejects; read it with "
            f"caution", cohorts=[float(c) for c in small.index], threshold=SMALL_COHORT))
    always = int(np.isinf(per_unit).sum())
    if always:
        out.append(DesignWarning(
            "treated_from_start", f"{always} units are treated from the first period on: they "
            f"have no pre-treatment period and drop out of staggered DiD estimators", always=always))
    out += _timing(cohorts, never)
    if outcome is not None:
        out += _missing(frame[outcome], work, periods, outcome)
    r2 = _fe_share(work)
    if r2 is not None and r2 > FE_R2:
        out.append(DesignWarning(
            "treatment_absorbed", f"unit and period effects explain {r2:.1%} of the treatment's "
            f"variation (> {FE_R2:.0%}): little is left to identify its effect, so estimates "
            f"rest on a few deviations and are fragile", share=r2, limit=FE_R2))
    return out


def _timing(cohorts: pd.Series, never: int) -> list[DesignWarning]:
    if len(cohorts) == 1 and never:
        return [DesignWarning(
            "simultaneous", f"every treated unit starts in the same period ({cohorts.index[0]:g}):"
            f" no staggering, so the two-way fixed-effects DiD is the clean 2×2 comparison and "
            f"staggered-timing corrections change nothing", cohort=float(cohorts.index[0]))]
    if len(cohorts) > 1 and cohorts.max() / cohorts.sum() > 0.9:
        return [DesignWarning(
            "nearly_simultaneous", f"{cohorts.max() / cohorts.sum():.0%} of treated units start "
            f"in {cohorts.idxmax():g}: timing is almost simultaneous, so the other cohorts add "
            f"little and their effects are imprecise", share=float(cohorts.max() / cohorts.sum()),
            cohort=float(cohorts.idxmax()))]
    return []


def _missing(values: pd.Series, work: pd.DataFrame, periods: np.ndarray,
             outcome: str) -> list[DesignWarning]:
    present = work.assign(y=pd.to_numeric(values, errors="coerce").to_numpy()).dropna(
        subset=["y", "time"])
    n_units = work["unit"].nunique()
    expected = n_units * len(periods)
    if not expected:
        return []
    share = 1 - present.drop_duplicates(["unit", "time"]).shape[0] / expected
    incomplete = n_units - int((present.groupby("unit")["time"].nunique() == len(periods)).sum())
    if share <= MISSING_SHARE and incomplete <= 0.1 * n_units:
        return []
    return [DesignWarning(
        "unbalanced", f"'{outcome}' is missing in {share:.0%} of unit-periods and {incomplete} "
        f"of {n_units} units lack at least one period: estimators that need a balanced panel "
        f"(Callaway–Sant'Anna) drop those units, and the rest may differ from them",
        share=share, incomplete=incomplete, units=n_units, outcome=outcome)]


def _fe_share(work: pd.DataFrame) -> float | None:
    """Share of the treatment's variance explained by unit and period effects (alternating
    projections; unbalanced panels are fine)."""
    data = work.dropna(subset=["time"])
    x = data["treated"].to_numpy(dtype=float)
    total = float(((x - x.mean()) ** 2).sum())
    if total <= 0:
        return None
    units, periods = pd.factorize(data["unit"])[0], pd.factorize(data["time"])[0]
    resid = x - x.mean()
    nu, nt = np.bincount(units), np.bincount(periods)
    for _ in range(1000):
        previous = resid
        resid = resid - (np.bincount(units, resid) / nu)[units]
        resid = resid - (np.bincount(periods, resid) / nt)[periods]
        if np.abs(resid - previous).max() < 1e-12:
            break
    return 1 - float(resid @ resid) / total


#: fewer donors than this leave the synthetic control little to choose from, and the placebo
#: p-value a coarse grid (its floor is 1 / (donors + 1))
FEW_DONORS = 19
#: fewer pre-treatment periods than this make a close pre-period fit weak evidence
SHORT_SYNTH_PRE = 5


def synth_design_warnings(result) -> list[DesignWarning]:
    """Warnings on a synthetic-control design (a `SynthResult`): few donors, a short
    pre-period, a placebo test that cannot run or cannot reach 5 %, a poor pre-period fit."""
    out: list[DesignWarning] = []
    donors = len(result.candidate_donors)
    pre = int((np.asarray(result.times) < result.treat_time).sum())
    if donors < FEW_DONORS:
        out.append(DesignWarning(
            "few_donors", f"only {donors} donor{'s' if donors != 1 else ''} (< {FEW_DONORS}): "
            f"the placebo p-value cannot fall below 1/{donors + 1} = {1 / (donors + 1):.3f}, so "
            f"{'it cannot reach the 5 % level' if 1 / (donors + 1) > 0.05 else 'it is coarse'}",
            donors=donors, threshold=FEW_DONORS, floor=1 / (donors + 1)))
    if pre < SHORT_SYNTH_PRE:
        out.append(DesignWarning(
            "short_pre_period", f"only {pre} period{'s' if pre != 1 else ''} before treatment "
            f"(< {SHORT_SYNTH_PRE}): a close pre-period fit is weak evidence that the "
            f"counterfactual is right", before=pre, threshold=SHORT_SYNTH_PRE))
    if result.placebo is None:
        out.append(DesignWarning(
            "no_placebo_test", "no placebo-in-space test was run (" + (
                "fewer than two donors" if donors < 2 else "placebos switched off")
            + "): the effect has no p-value", donors=donors))
    pre_actual = np.asarray(result.actual)[np.asarray(result.times) < result.treat_time]
    spread = float(np.nanstd(pre_actual)) if len(pre_actual) > 1 else 0.0
    if spread > 0 and result.pre_rmspe > 0.5 * spread:
        out.append(DesignWarning(
            "poor_pre_fit", f"the pre-period fit is poor (RMSPE {result.pre_rmspe:.3g}, half "
            f"or more of the treated unit's own spread {spread:.3g}): the donors cannot "
            f"reproduce its path, so the counterfactual is unreliable", rmspe=result.pre_rmspe,
            spread=spread))
    return out
