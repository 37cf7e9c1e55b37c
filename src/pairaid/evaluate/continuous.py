"""Difference-in-differences with a continuous treatment (a dose), as the county studies run it.

``y_it = a_i + g_t + b · (D_i × post_it) + e_it`` — `D_i` is the unit's treatment intensity
(e.g. assistance funds per person in the first years of the pairing, one value per unit), `post`
is 1 from the unit's first treated period. Fixed effects for unit and period, standard errors
clustered by unit (fixest's CRV1), estimated by pyfixest behind `continuous_did`. A dose-response
summary replaces `D_i` by dose bins (quantiles of `D_i` among dosed units): each bin × post
against the untreated units (or, without any, against the lowest bin).

What the slope means follows Callaway, B., Goodman-Bacon, A. and Sant'Anna, P.H.C. (2024),
"Difference-in-differences with a Continuous Treatment", NBER WP 32117: under ordinary parallel
trends each bin's estimate is the ATT of units at that dose, but comparisons across doses (the
slope) are causal only under *strong* parallel trends, and even then the TWFE slope weights the
causal responses in ways that need not match the dose distribution.
"""

from __future__ import annotations

import hashlib
import warnings

import numpy as np
import pandas as pd

from pairaid.errors import InputError
from pairaid.evaluate import guards
from pairaid.evaluate.continuous_results import (DOSE_COLUMNS, ContinuousDidResult,
                                                 DoseBinning)
from pairaid.evaluate.guards import ElasticityError
from pairaid.evaluate.results import WildBootstrap

#: years of the pairing over which the ledger's intensity (funds per person) is averaged
INTENSITY_YEARS = 3


class ContinuousDidError(InputError):
    """The data or the options cannot support a continuous-treatment DiD."""


def continuous_did(frame: pd.DataFrame, *, outcome: str, intensity: str, unit: str = "unit",
                   time: str = "year", post: str | None = None, cohort: str | None = None,
                   bins: int = 5, log: bool | str = False, level: float = 0.95,
                   wild_bootstrap: int = 0, seed: int = 0,
                   synthetic: bool = False) -> ContinuousDidResult:
    """Continuous-treatment DiD slope and dose-response bins, unit and period fixed effects.

    Give either `post` (a 0/1 column, 1 once the unit is treated) or `cohort` (the first treated
    period; 0 or empty = never treated, post = period ≥ cohort). `intensity` must hold one value
    per unit; never-treated units may leave it empty (it multiplies post = 0). ``log``: ``drop``
    (or True) the natural log of the outcome, rows <= 0 left out; ``log1p``; ``none`` (False). ``wild_bootstrap=B`` adds a wild cluster bootstrap test of
    the slope (advised below 42 units).
    """
    if (post is None) == (cohort is None):
        raise ContinuousDidError("give either a post column (--post) or a cohort column "
                                 "(--cohort, the first treated period), not both or neither")
    if not 0 < level < 1:
        raise ContinuousDidError(f"level must be between 0 and 1, not {level}")
    if bins < 1:
        raise ContinuousDidError(f"--bins must be at least 1, not {bins}")
    work, notes, shown = _prepare(frame, outcome, intensity, unit, time, post, cohort, log)
    n_clusters = _guard(work, "dose_post")
    fit = _feols("y ~ dose_post | unit + time", work)
    slope, cov, df_t = _coefficients(fit, ["dose_post"])
    wild = None
    if wild_bootstrap:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            boot = fit.wildboottest(reps=int(wild_bootstrap), cluster="unit",
                                    param="dose_post", seed=seed)
        wild = WildBootstrap(int(wild_bootstrap), float(boot["t value"]),
                             float(boot["Pr(>|t|)"]), seed)
    binning, bin_notes = _dose_bins(work, bins)
    dose_frame, bin_estimates, bin_cov, bin_terms = _dose_response(work, binning, df_t, level)
    if n_clusters < guards.FEW_CLUSTERS and not wild_bootstrap:
        notes.append(f"only {n_clusters} units (clusters, < {guards.FEW_CLUSTERS}): "
                     f"cluster-robust intervals may be too narrow; add a wild cluster bootstrap "
                     f"(wild_bootstrap=B, CLI --wild-bootstrap 9999)")
    staggered = work.loc[work["post"] == 1].groupby("unit")["time"].min().nunique() > 1
    dosed = work.groupby("unit")["dose"].first()
    dosed = dosed[(dosed != 0) & work.groupby("unit")["post"].max().astype(bool)]
    return ContinuousDidResult(
        outcome=shown, intensity=intensity,
        slope=float(slope[0]), slope_std_error=float(np.sqrt(cov[0, 0])), df_t=df_t,
        bin_terms=tuple(bin_terms), bin_estimates=bin_estimates, bin_covariance=bin_cov,
        dose_frame=dose_frame, binning=binning, nobs=int(fit._N),
        n_units=int(work["unit"].nunique()), n_clusters=n_clusters,
        n_dosed=int(len(dosed)), dose_sd=float(dosed.std(ddof=1)) if len(dosed) > 1 else np.nan,
        staggered=bool(staggered), level=level, wild_bootstrap=wild,
        r2_within=_float(getattr(fit, "_r2_within", None)),
        notes=tuple(notes + bin_notes), data_hash=_hash(work), synthetic=synthetic,
        period=(int(work["time"].min()), int(work["time"].max())))


def ledger_intensity(frame: pd.DataFrame, funds: str = "funds_per_capita",
                     cohort: str = "first_paired_year",
                     years: int = INTENSITY_YEARS) -> pd.DataFrame:
    """The ledger panel with ``intensity`` (mean `funds` per person over the pairing's first
    `years` years, 0 for units never paired) and ``post`` (year ≥ `cohort`)."""
    missing = [c for c in ("unit", "year", funds, cohort) if c not in frame.columns]
    if missing:
        raise ContinuousDidError(f"the panel lacks {', '.join(missing)}: the ledger needs "
                                 f"flows, a population indicator and pairings")
    if years < 1:
        raise ContinuousDidError(f"intensity years must be at least 1, not {years}")
    start = pd.to_numeric(frame[cohort], errors="coerce").astype(float)
    window = start.notna() & (frame["year"] >= start) & (frame["year"] < start + years)
    mean = frame.loc[window].groupby("unit")[funds].mean()
    out = frame.assign(intensity=frame["unit"].map(mean).astype(float),
                       post=(frame["year"] >= start).astype(int))
    out.loc[start.isna(), "intensity"] = 0.0
    return out


# -- preparation -----------------------------------------------------------------------------
def _prepare(frame, outcome, intensity, unit, time, post, cohort, log):
    """A working frame ``unit`` (int codes), ``time``, ``y``, ``dose``, ``post``, ``dose_post``,
    the notes on what was left out and the outcome's name as analysed (``log(y)``)."""
    guards.check_columns(frame, [unit, time, outcome, intensity, post or cohort],
                         ContinuousDidError)
    for name, what in ((outcome, "outcome"), (intensity, "intensity"), (time, "time"),
                       (post or cohort, "post" if post else "cohort")):
        column = frame[name]
        if not pd.api.types.is_numeric_dtype(column) and not pd.api.types.is_bool_dtype(column):
            raise ContinuousDidError(f"{what} column '{name}' is not numeric (dtype "
                                     f"{column.dtype})")
    work = pd.DataFrame({"unit": pd.factorize(frame[unit])[0], "label": frame[unit].to_numpy(),
                         "time": frame[time].to_numpy(dtype=float),
                         "y": frame[outcome].to_numpy(dtype=float),
                         "dose": frame[intensity].to_numpy(dtype=float)})
    if (work["unit"] < 0).any() or work["time"].isna().any():
        raise ContinuousDidError(f"the unit '{unit}' and time '{time}' columns must not be empty")
    if work.duplicated(["unit", "time"]).any():
        first = work[work.duplicated(["unit", "time"], keep=False)].iloc[0]
        raise ContinuousDidError(f"more than one row for {unit} {first['label']!r} in {time} "
                                 f"{first['time']:g}: one row per unit and period")
    if post is not None:
        flag = frame[post].to_numpy(dtype=float)
        if not np.isin(flag[~np.isnan(flag)], (0.0, 1.0)).all():
            raise ContinuousDidError(f"post column '{post}' must hold 0 and 1 only")
        work["post"] = flag
    else:
        start = frame[cohort].to_numpy(dtype=float)
        start = np.where(start == 0, np.nan, start)
        work["post"] = np.where(np.isnan(start), 0.0, (work["time"] >= start).astype(float))
    ever = work.groupby("unit")["post"].transform("max") > 0
    # a never-treated unit's intensity multiplies post = 0: empty is fine there, it is untreated
    work.loc[~ever & work["dose"].isna(), "dose"] = 0.0
    rule = guards.log_rule(log, ContinuousDidError)
    work["y"], dropped, shown = guards.log_values(work["y"].to_numpy(), rule, outcome,
                                              ContinuousDidError)
    notes: list[str] = [guards.log_note(rule, outcome, dropped)] if rule != "none" else []
    gone = work["y"].isna() | work["post"].isna()
    if gone.all():
        raise ContinuousDidError(f"no row has both the outcome '{outcome}' and "
                                 f"'{post or cohort}': nothing to estimate")
    if gone.any():
        notes.append(f"{int(gone.sum())} rows without the outcome or post were left out")
        work = work.loc[~gone].reset_index(drop=True)
    share = work["post"].mean()
    if share == 0:
        raise ContinuousDidError("post is never 1 in the estimation sample: there is no "
                                 "after-treatment period to compare with")
    if share == 1:
        raise ContinuousDidError("post is 1 in every row: there is no before-treatment period "
                                 "to compare with")
    _check_intensity(work, intensity, unit)
    work["dose_post"] = work["dose"] * work["post"]
    return work, notes, shown


def _check_intensity(work: pd.DataFrame, intensity: str, unit: str) -> None:
    lacking = work.loc[work["dose"].isna(), "label"].unique()
    if len(lacking):
        raise ContinuousDidError(f"intensity '{intensity}' is missing for {len(lacking)} treated "
                                 f"unit{'s' if len(lacking) > 1 else ''} (e.g. {lacking[0]!r}): "
                                 f"give every treated unit its dose (0 for untreated units)")
    spread = work.groupby("unit")["dose"].agg(lambda d: d.max() - d.min())
    if (spread > 1e-9 * max(1.0, float(work["dose"].abs().max()))).any():
        example = work.loc[work["unit"] == spread.idxmax(), "label"].iloc[0]
        raise ContinuousDidError(f"intensity '{intensity}' changes within {unit} {example!r}: "
                                 f"it must be one value per unit, measured before or at the "
                                 f"pairing (e.g. mean funds per person over its first years)")
    dose = work.groupby("unit")["dose"].first()
    dosed = dose[(work.groupby("unit")["post"].max() > 0) & (dose != 0)]
    if dosed.nunique() < 2:
        value = f"always {dosed.iloc[0]:g}" if len(dosed) else "no treated unit has a dose"
        raise ContinuousDidError(f"intensity '{intensity}' does not vary among treated units "
                                 f"({value}): a dose-response needs different doses (with one "
                                 f"dose this is a binary DiD: use pairaid event-study)")


def _guard(work: pd.DataFrame, regressor: str) -> int:
    formula = guards.parse_formula(f"y ~ {regressor} | unit + time")
    try:
        guards.check_sample(work, formula, "y", regressor, "unit")
        n = guards.count_clusters(work, "unit", warn=False)
    except ElasticityError as exc:
        raise ContinuousDidError(str(exc).replace("elasticity", "effect")) from None
    if work.loc[work["dose_post"] != 0, "unit"].nunique() < 2:
        raise ContinuousDidError("fewer than 2 units have a non-zero intensity after treatment: "
                                 "the slope is not identified")
    return int(n)


def _feols(text: str, work: pd.DataFrame):
    import pyfixest as pf

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        try:
            return pf.feols(text, work, vcov={"CRV1": "unit"}, fixef_rm="none",
                            copy_data=False)
        except ValueError as exc:
            raise ContinuousDidError(f"pyfixest refused the model: "
                                     f"{str(exc).strip().splitlines()[0]}") from None


def _coefficients(fit, names: list[str]):
    found = [str(n) for n in fit._coefnames]
    absent = [n for n in names if n not in found]
    if absent:
        raise ContinuousDidError(f"{', '.join(absent)} dropped as collinear with the fixed "
                                 f"effects: the dose does not vary enough after treatment")
    index = [found.index(n) for n in names]
    beta = np.asarray(fit._beta_hat, dtype=float)[index].copy()
    cov = np.asarray(fit._vcov, dtype=float)[np.ix_(index, index)].copy()
    return beta, cov, float(fit._df_t)


# -- dose bins -------------------------------------------------------------------------------
def _dose_bins(work: pd.DataFrame, bins: int) -> tuple[DoseBinning, list[str]]:
    """Quantile bins of the dose among dosed units; untreated units are the reference."""
    per_unit = work.groupby("unit").agg(dose=("dose", "first"), ever=("post", "max"))
    untreated = (per_unit["dose"] == 0) | (per_unit["ever"] == 0)
    dosed = per_unit.loc[~untreated, "dose"]
    notes: list[str] = []
    codes = pd.qcut(dosed.rank(method="first"), bins, labels=False) if len(dosed) >= bins \
        else pd.Series(np.arange(len(dosed)), index=dosed.index)
    if len(dosed) < bins:
        notes.append(f"only {len(dosed)} dosed units: {len(dosed)} bins instead of {bins}")
    # ties at a bin edge stay together: a dose value belongs to one bin only
    codes = dosed.map(dosed.groupby(dosed).apply(lambda d: codes[d.index].min()))
    codes = pd.Series(pd.factorize(codes, sort=True)[0] + 1, index=dosed.index)
    bin_of = pd.Series(0, index=per_unit.index).astype(int)
    bin_of[codes.index] = codes.to_numpy()
    reference = 0
    if untreated.sum() < 2:
        reference = 1
        bin_of[untreated[untreated].index] = 1
        notes.append("fewer than 2 untreated units: the lowest dose bin is the reference, so the "
                     "bins show differences between doses, not effects against no treatment")
    n_bins = int(codes.max()) if len(codes) else 0
    if n_bins - reference < 1:
        raise ContinuousDidError("the doses fall into one bin only: no dose-response to show "
                                 "(use more --bins or a panel with more dosed units)")
    return DoseBinning(bin_of=bin_of, reference=reference, n_bins=n_bins,
                       untreated_units=int(untreated.sum())), notes


def _dose_response(work: pd.DataFrame, binning: DoseBinning, df_t: float, level: float):
    from scipy import stats

    bin_of = work["unit"].map(binning.bin_of).to_numpy()
    estimated = [b for b in range(1, binning.n_bins + 1) if b != binning.reference]
    terms = [f"bin{b}_post" for b in estimated]
    regressors = {t: ((bin_of == b) & (work["post"].to_numpy() == 1)).astype(float)
                  for t, b in zip(terms, estimated)}
    fit = _feols(f"y ~ {' + '.join(terms)} | unit + time", work.assign(**regressors))
    beta, cov, df_bins = _coefficients(fit, terms)
    crit = stats.t.ppf(0.5 + level / 2, df_bins)
    dose = work.groupby("unit")["dose"].first()
    rows = []
    for b in range(0 if binning.reference == 0 else 1, binning.n_bins + 1):
        units = binning.bin_of.index[binning.bin_of == b]
        if b == binning.reference:
            estimate, se = 0.0, np.nan
        else:
            k = estimated.index(b)
            estimate, se = float(beta[k]), float(np.sqrt(cov[k, k]))
        rows.append({"dose_bin": b, "dose_low": float(dose[units].min()),
                     "dose_high": float(dose[units].max()), "estimate": estimate,
                     "std_error": se, "conf_low": estimate - crit * se,
                     "conf_high": estimate + crit * se, "n_units": int(len(units))})
    labels = tuple(f"dose bin {b} × post" for b in estimated)
    return pd.DataFrame(rows, columns=DOSE_COLUMNS), beta, cov, labels


def _float(value) -> float | None:
    return None if value is None else float(value)


def _hash(work: pd.DataFrame) -> str:
    digest = hashlib.sha256()
    for name in ("unit", "time", "y", "dose", "post"):
        digest.update(np.ascontiguousarray(work[name].to_numpy(dtype=float)).tobytes())
    return digest.hexdigest()
