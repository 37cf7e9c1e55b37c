"""Staggered difference-in-differences and event studies.

Two estimators share one input check (`prepare`) and one results object (`EventStudyResult`):

* `callaway_santanna` — group-time average treatment effects ATT(g, t) and their simple, group,
  dynamic (event-time) and calendar aggregations, with analytic standard errors from the influence
  functions. Callaway, B. and Sant'Anna, P.H.C. (2021), "Difference-in-Differences with Multiple
  Time Periods", *Journal of Econometrics* 225(2), 200–230. Computed by the `differences` package
  (pinned; its types never leave this module) and checked against R ``did`` on ``mpdta``, with
  and without covariates (conditional parallel trends; see `pairaid.evaluate.did_covariates`).
* `twfe_event_study` — the two-way fixed-effects event study (unit and period effects plus one
  dummy per event time, event time −1 the reference), standard errors clustered by unit. Kept as
  the familiar comparison: with staggered timing and effects that change over time its leads and
  lags mix cohorts with weights that can be negative (Sun and Abraham 2021), which is why CS is
  the default.

`did2s` (Gardner's two-stage DiD) lives in `pairaid.evaluate.did2s` and returns the same result.

All report a pre-trend test — the joint Wald test that every pre-treatment effect is zero, its
p-value from a wild cluster bootstrap (`pairaid.evaluate.pretrend`, `pretrend_regression`; the
analytic chi-squared over-rejects with small cohorts and stays in the JSON) — a simultaneous
(sup-t) band on the event path (`pairaid.evaluate.bands`), and handle cohorts of one or two
units as ``small_cohorts`` says (`pairaid.evaluate.small_cohorts`).
"""

from __future__ import annotations

import contextlib
import io
import warnings
from collections.abc import Sequence
from dataclasses import replace

import numpy as np
import pandas as pd

from pairaid.evaluate import did_covariates as _cov
from pairaid.evaluate import small_cohorts as _small
from pairaid.evaluate.small_cohorts import SmallCohorts
from pairaid.evaluate.did_data import (  # noqa: F401  (re-exported: the public names)
    BASE_PERIODS, CONTROLS, ESTIMATORS, METHODS, BasePeriod, Control, DidData, DidError, Estimator,
    Method, check_choice as _check_choice, cohort_sizes, prepare, wald_test as _wald)
from pairaid.evaluate.bands import band_summary, sup_t_band, sup_t_from_covariance, with_band
from pairaid.evaluate.did_results import Aggregation, EventStudyResult, attach_wild
from pairaid.evaluate.pretrend import WILD_REPS, influence_pretrend
from pairaid.evaluate.pretrend_regression import sun_abraham_wild, wild_twoway
from pairaid.provenance import package_version as _version

# our names -> the names `differences` 0.3 uses
_METHOD = {"dr": "dr", "ipw": "std_ipw", "reg": "reg"}
_CONTROL = {"never": "never_treated", "notyet": "not_yet_treated"}
_AGGREGATION = {"simple": "simple", "group": "cohort", "dynamic": "event", "calendar": "time"}


# -- Callaway–Sant'Anna ----------------------------------------------------------------------------
def callaway_santanna(frame: pd.DataFrame | DidData, *, outcome: str = "", unit: str = "unit",
                      time: str = "year", cohort: str = "first_paired_year",
                      control: Control = "never", method: Method = "dr",
                      base_period: BasePeriod = "varying", level: float = 0.95,
                      bootstrap: int = 0, seed: int = 0, synthetic: bool = False,
                      covariates: Sequence[str] | str | None = (),
                      wild_reps: int = WILD_REPS,
                      small_cohorts: SmallCohorts = "conservative") -> EventStudyResult:
    """Callaway–Sant'Anna ATT(g, t) with its four aggregations and analytic standard errors.

    ``method`` is doubly robust (``dr``), inverse probability weighting (``ipw``) or outcome
    regression (``reg``); without covariates the three coincide. ``covariates`` (numeric
    columns, e.g. ``("lpop",)``) make parallel trends conditional on them, each taken in the
    base period as R ``did`` does (`pairaid.evaluate.did_covariates`). ``base_period="varying"``
    compares each pre-treatment period with the one before it (R ``did``'s default).
    ``bootstrap=B > 0`` replaces the analytic standard errors by the multiplier bootstrap's
    (B Rademacher draws of the influence functions, seeded). The pre-trend test's reported p is
    the wild bootstrap's (``wild_reps`` draws); the chi-squared keeps the analytic covariance, as
    R ``did`` does.
    """
    _check_choice(method, METHODS, "method")
    _check_choice(base_period, BASE_PERIODS, "base period")
    if bootstrap < 0:
        raise DidError(f"bootstrap draws must be 0 (analytic) or positive, not {bootstrap}")
    data = frame if isinstance(frame, DidData) else prepare(
        frame, outcome=outcome, unit=unit, time=time, cohort=cohort, control=control,
        covariates=covariates)
    if _cov.covariate_names(covariates, error=DidError) not in ((), data.covariates):
        raise DidError("give the covariates to prepare() when passing prepared data")
    data, handled = _small.handle(data, small_cohorts)
    keys = _cov.internal_names(data.covariates)
    formula = "y ~ " + " + ".join(keys) if keys else "y"
    from differences import ATTgt  # heavy import, and only this function needs it

    panel = data.frame.set_index(["unit", "time"])
    draws = {"boot_iterations": bootstrap, "random_state": seed} if bootstrap else {}
    # the engine's bootstrap progress bar writes to stderr; the CLI has its own output
    with warnings.catch_warnings(record=True) as caught, \
            contextlib.redirect_stderr(io.StringIO()):
        warnings.simplefilter("always")
        model = ATTgt(data=panel, cohort_column="cohort", base_period=base_period)
        model.fit(formula=formula, est_method=_METHOD[method], control_group=_CONTROL[control],
                  alpha=1 - level, progress_bar=False, **draws)
        cells = model._result_dict["full_sample"]["ATTgt_ntl"]  # pinned 0.3.0 layout
        aggregations = {ours: _aggregation(model, ours, theirs, draws)
                        for ours, theirs in _AGGREGATION.items()}
    n = data.n_units
    # with a universal base the base period's own cell is 0 by construction: no standard error
    is_base = [int(c.time) == int(c.base_period) for c in cells]
    group_time = pd.DataFrame({
        "cohort": [int(c.cohort) for c in cells], "time": [int(c.time) for c in cells],
        "estimate": [float(c.ATT) for c in cells],
        "std_error": [np.nan if base else float(c.std_error) for c, base in zip(cells, is_base)]})
    pre = [i for i, c in enumerate(cells)
           if int(c.time) < int(c.cohort) and not is_base[i] and np.isfinite(c.ATT)]
    pretrend = None
    if pre:
        influence = np.column_stack([cells[i].influence_func.toarray().ravel() for i in pre])
        covariance = influence.T @ influence / n**2
        terms = tuple(f"ATT(g={int(cells[i].cohort)}, t={int(cells[i].time)})" for i in pre)
        leads = group_time["estimate"].to_numpy()[pre]
        pretrend = _wald(leads, covariance, terms)
        # the chi-squared p over-rejects with small cohorts: the reported p is the wild one
        cohort_of = data.frame.drop_duplicates("unit")["cohort"].to_numpy()
        members = np.column_stack([cohort_of == int(cells[i].cohort) for i in pre])
        pretrend = attach_wild(pretrend, influence_pretrend(
            influence, leads, members, terms, seed=seed, reps=wild_reps))
    dynamic = aggregations["dynamic"].detail
    event_time = dynamic.rename(columns={"level": "event_time"})
    events = model._result_dict["full_sample"]["aggregate_inst"].event  # pinned 0.3.0 layout
    order = {int(e.relative_period): i for i, e in enumerate(events)}
    path_influence = np.column_stack([np.asarray(events[order[int(e)]].influence_func,
                                                 dtype=float).reshape(n, -1)[:, 0]
                                      for e in event_time["event_time"]])
    band = sup_t_band(path_influence, level=level, seed=seed)
    event_time = with_band(event_time, band)
    # R did's (and HonestDiD's honest_did.AGGTEobj's) V = IF'IF / n²
    path_covariance = path_influence.T @ path_influence / n**2
    if handled and small_cohorts == "conservative":
        cells_base = group_time.assign(base=[int(c.base_period) for c in cells])
        added = _small.comparison_covariance(data, cells_base, control)
        path_covariance = path_covariance + _small.conservative_path_covariance(
            cells_base, event_time["event_time"], added, cohort_sizes(data.frame))
        aggregations, group_time, event_time = _small.conservative_cs(
            aggregations, group_time, event_time, added, cohort_sizes(data.frame))
    if bootstrap:  # the bootstrap's standard errors with the influence functions' correlation
        path_covariance = _rescaled(path_covariance, event_time["std_error"].to_numpy(float))
    return EventStudyResult(
        estimator="cs", outcome=data.outcome, control=control, method=method,
        base_period=base_period, group_time=group_time, event_time=event_time,
        aggregations=aggregations, pretrend=pretrend, n_units=n,
        periods=(int(data.periods[0]), int(data.periods[-1])), cohorts=data.cohorts,
        n_never_treated=int(data.frame.loc[data.frame["cohort"].isna(), "unit"].nunique()),
        level=level, notes=data.notes + _engine_notes(caught),
        data_hash=data.data_hash, synthetic=synthetic,
        engine=f"differences {_version('differences')}", band=band_summary(band),
        small_cohorts=handled, event_covariance=path_covariance,
        inference=(f"multiplier bootstrap, {bootstrap} draws, seed {seed}" if bootstrap
                   else "analytic (influence functions)"), covariates=data.covariates)


def _rescaled(covariance: np.ndarray, std_errors: np.ndarray) -> np.ndarray:
    """`covariance` with its correlation kept and its diagonal set to std_errors²."""
    own = np.sqrt(np.diag(covariance))
    scale = np.where((own > 0) & np.isfinite(std_errors), std_errors / np.where(own > 0, own, 1),
                     0.0)
    return covariance * np.outer(scale, scale)


def _engine_notes(caught: list[warnings.WarningMessage]) -> tuple[str, ...]:
    """The engine's warnings about the design (e.g. the comparison group it fell back to) are
    findings for the reader, not noise: keep them as notes, once each."""
    messages = (str(w.message).strip() for w in caught if issubclass(w.category, UserWarning))
    return tuple(dict.fromkeys(m for m in messages if m))


def _aggregation(model, ours: str, theirs: str, draws: dict) -> Aggregation:
    overall = _estimates(model.aggregate(theirs, overall=theirs != "simple", **draws))
    detail = pd.DataFrame(columns=["level", "estimate", "std_error"])
    if theirs != "simple":
        table = model.aggregate(theirs, **draws)
        detail = _estimates(table).assign(level=table.index.to_numpy().astype(int))
        detail = detail[["level", "estimate", "std_error"]].reset_index(drop=True)
    return Aggregation(ours, float(overall["estimate"].iloc[0]),
                       float(overall["std_error"].iloc[0]), detail)


def _estimates(table: pd.DataFrame) -> pd.DataFrame:
    last = table.columns.get_level_values(-1)
    return pd.DataFrame({"estimate": table.loc[:, last == "ATT"].iloc[:, 0].to_numpy(dtype=float),
                         "std_error": table.loc[:, last == "std_error"].iloc[:, 0]
                         .to_numpy(dtype=float)})


# -- two-way fixed effects -------------------------------------------------------------------------
def twfe_event_study(frame: pd.DataFrame | DidData, *, outcome: str = "", unit: str = "unit",
                     time: str = "year", cohort: str = "first_paired_year",
                     control: Control = "never", level: float = 0.95,
                     synthetic: bool = False, seed: int = 0,
                     wild_reps: int = WILD_REPS,
                     small_cohorts: SmallCohorts = "conservative") -> EventStudyResult:
    """TWFE event study: y = unit + period + Σ_e β_e·1[t − g = e] (e ≠ −1), clustered by unit.

    The fixed effects are absorbed by alternating projections; the cluster-robust variance uses
    the CR1 factor G/(G−1)·(N−1)/(N−K) with K the event-time coefficients. With ``notyet`` and no
    never-treated units the most distant lead is dropped as well, as two references are needed.
    """
    data = frame if isinstance(frame, DidData) else prepare(
        frame, outcome=outcome, unit=unit, time=time, cohort=cohort, control=control)
    data, handled = _small.handle(data, small_cohorts)
    if handled and small_cohorts == "conservative":
        handled = handled.split(" kept")[0] + " " + _small.POOLED.format(name="TWFE event study")
    panel = data.frame
    relative = (panel["time"] - panel["cohort"]).to_numpy()
    events = np.array(sorted(int(e) for e in np.unique(relative[np.isfinite(relative)])))
    events = events[events != -1]
    if panel["cohort"].isna().sum() == 0 and len(events) and events[0] < -1:
        events = events[1:]
    X = (relative[:, None] == events[None, :]).astype(float)
    keep = X.any(axis=0)
    events, X = events[keep], X[:, keep]
    units = pd.factorize(panel["unit"])[0]
    periods = pd.factorize(panel["time"])[0]
    y_tilde, X_tilde = _absorb(panel["y"].to_numpy(dtype=float), X, units, periods)
    beta, *_ = np.linalg.lstsq(X_tilde, y_tilde, rcond=None)
    residual = y_tilde - X_tilde @ beta
    bread = np.linalg.pinv(X_tilde.T @ X_tilde)
    scores = pd.DataFrame(X_tilde * residual[:, None]).groupby(units).sum().to_numpy()
    n_obs, k, clusters = len(y_tilde), X.shape[1], units.max() + 1
    factor = clusters / (clusters - 1) * (n_obs - 1) / (n_obs - k)
    covariance = factor * bread @ (scores.T @ scores) @ bread
    se = np.sqrt(np.diag(covariance))
    band = sup_t_from_covariance(covariance, level=level, seed=seed)
    event_time = with_band(pd.DataFrame({"event_time": events, "estimate": beta,
                                         "std_error": se}), band)
    post = events >= 0
    treated_obs = X[:, post].sum(axis=0)
    aggregations = {}
    if post.any():
        simple_w = np.zeros(k)
        simple_w[post] = treated_obs / treated_obs.sum()
        dynamic_w = np.zeros(k)
        dynamic_w[post] = 1 / post.sum()
        for name, weights in (("simple", simple_w), ("dynamic", dynamic_w)):
            detail = (event_time.rename(columns={"event_time": "level"}) if name == "dynamic"
                      else pd.DataFrame(columns=["level", "estimate", "std_error"]))
            aggregations[name] = Aggregation(name, float(weights @ beta),
                                             float(np.sqrt(weights @ covariance @ weights)),
                                             detail)
    pre = np.flatnonzero(events < -1)
    pretrend = (_wald(beta[pre], covariance[np.ix_(pre, pre)],
                      tuple(f"event_time={e}" for e in events[pre])) if len(pre) else None)
    if pretrend is not None:
        pretrend = attach_wild(pretrend, wild_twoway(panel["y"].to_numpy(dtype=float), X,
                                                     clusters, len(data.periods), pre, seed=seed,
                                                     reps=wild_reps))
    return EventStudyResult(
        estimator="twfe", outcome=data.outcome, control=control, method="ols",
        base_period="universal", group_time=pd.DataFrame(
            columns=["cohort", "time", "estimate", "std_error"]),
        event_time=event_time, aggregations=aggregations, pretrend=pretrend,
        n_units=data.n_units, periods=(int(data.periods[0]), int(data.periods[-1])),
        cohorts=data.cohorts,
        n_never_treated=int(panel.loc[panel["cohort"].isna(), "unit"].nunique()), level=level,
        notes=data.notes + (("TWFE leads and lags can be biased when effects differ across "
                            "cohorts or over time (negative weights); compare with --estimator "
                            "cs."),), data_hash=data.data_hash, synthetic=synthetic,
        engine="numpy (alternating projections)", inference="CR1, clustered by unit",
        band=band_summary(band, "normal"), small_cohorts=handled, event_covariance=covariance)


def _absorb(y: np.ndarray, X: np.ndarray, units: np.ndarray, periods: np.ndarray,
            tol: float = 1e-12, max_iter: int = 10_000) -> tuple[np.ndarray, np.ndarray]:
    """Remove unit and period means from [y, X] until both are zero (exact in one pass on a
    balanced panel; the loop covers panels the caller has not balanced)."""
    M = np.column_stack([y, X])
    for _ in range(max_iter):
        for groups in (units, periods):
            counts = np.bincount(groups)
            means = np.stack([np.bincount(groups, weights=M[:, j]) for j in range(M.shape[1])],
                             axis=1) / counts[:, None]
            M = M - means[groups]
        unit_means = np.stack([np.bincount(units, weights=M[:, j]) for j in range(M.shape[1])],
                              axis=1) / np.bincount(units)[:, None]
        if np.abs(unit_means).max() < tol * max(1.0, np.abs(M).max()):
            break
    return M[:, 0], M[:, 1:]


# -- Sun–Abraham ---------------------------------------------------------------------------------
def sun_abraham(frame: pd.DataFrame | DidData, *, outcome: str = "", unit: str = "unit",
                time: str = "year", cohort: str = "first_paired_year", level: float = 0.95,
                synthetic: bool = False, seed: int = 0,
                wild_reps: int = WILD_REPS,
                small_cohorts: SmallCohorts = "conservative") -> EventStudyResult:
    """Sun–Abraham interaction-weighted event study: one coefficient per cohort × event time
    (event time −1 the reference, never-treated units the comparison) from a two-way FE
    regression, then averaged with cohort-size weights. Sun, L. and Abraham, S. (2021),
    "Estimating dynamic treatment effects in event studies with heterogeneous treatment
    effects", *Journal of Econometrics* 225(2), 175–199. Computed by pyfixest's saturated event
    study; CRV1 standard errors clustered by unit, the weights treated as known.
    """
    data = frame if isinstance(frame, DidData) else prepare(
        frame, outcome=outcome, unit=unit, time=time, cohort=cohort, control="never")
    data, handled = _small.handle(data, small_cohorts)
    import pyfixest as pf  # heavy import, and only this function needs it

    panel = data.frame.assign(cohort=data.frame["cohort"].fillna(0).astype(np.int64))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        fit = pf.event_study(panel, yname="y", idname="unit", tname="time", gname="cohort",
                             estimator="saturated")
    names = [str(n) for n in fit._coefnames]  # pinned 0.60 layout: rel_time::E:first_..::G
    beta = np.asarray(fit.coef(), dtype=float)
    covariance = np.asarray(fit._vcov, dtype=float)
    cells = pd.DataFrame([_sa_cell(n) for n in names], columns=["event_time", "cohort"])
    cells["time"] = cells["cohort"] + cells["event_time"]
    analytic = covariance  # the Wald test's, as fixest's
    if handled and small_cohorts == "conservative":
        covariance = covariance + _small.comparison_covariance(
            data, cells.assign(base=cells["cohort"] - 1), "never")
    cells["estimate"], cells["std_error"] = beta, np.sqrt(np.diag(covariance))
    size = panel.drop_duplicates("unit")["cohort"].value_counts()
    cells["size"] = cells["cohort"].map(size).astype(float)
    post = (cells["event_time"] >= 0).to_numpy()

    def weights(chosen: np.ndarray) -> np.ndarray:
        w = np.where(chosen, cells["size"], 0.0)
        return w / w.sum()

    def aggregate(name: str, by: str | None, cells_in: np.ndarray) -> Aggregation:
        """Cohort-size-weighted means per level of `by`; the overall figure averages the
        post-treatment levels as R did's aggte does (cohorts by size, periods equally)."""
        if by is None:
            w = weights(post)
            return Aggregation(name, float(w @ beta), float(np.sqrt(w @ covariance @ w)),
                               pd.DataFrame(columns=["level", "estimate", "std_error"]))
        rows, overall = [], np.zeros(len(cells))
        for value in sorted(cells.loc[cells_in, by].unique()):
            chosen = cells_in & (cells[by] == value).to_numpy()
            w = weights(chosen)
            rows.append((int(value), float(w @ beta), float(np.sqrt(w @ covariance @ w))))
            if (chosen & post).any():
                overall += w * (cells.loc[chosen, "size"].iloc[0] if by == "cohort" else 1.0)
        overall /= overall.sum()
        return Aggregation(name, float(overall @ beta),
                           float(np.sqrt(overall @ covariance @ overall)),
                           pd.DataFrame(rows, columns=["level", "estimate", "std_error"]))

    every = np.ones(len(cells), dtype=bool)
    aggregations = ({"simple": aggregate("simple", None, post),
                     "group": aggregate("group", "cohort", post),
                     "dynamic": aggregate("dynamic", "event_time", every),
                     "calendar": aggregate("calendar", "time", post)} if post.any() else {})
    event_time = aggregate("dynamic", "event_time", every).detail\
        .rename(columns={"level": "event_time"})
    path = np.vstack([weights((cells["event_time"] == e).to_numpy())
                      for e in event_time["event_time"]])
    path_covariance = path @ covariance @ path.T
    band = sup_t_from_covariance(path_covariance, level=level, seed=seed)
    event_time = with_band(event_time, band)
    pre = np.flatnonzero((cells["event_time"] < -1).to_numpy())
    pretrend = (_wald(beta[pre], analytic[np.ix_(pre, pre)],
                      tuple(f"ATT(g={g}, t={t})" for g, t in cells.loc[pre, ["cohort", "time"]]
                            .itertuples(index=False))) if len(pre) else None)
    if pretrend is not None:
        pretrend = attach_wild(pretrend, sun_abraham_wild(
            data.frame["cohort"].to_numpy(dtype=float), data.frame["time"].to_numpy(dtype=float),
            data.frame["y"].to_numpy(dtype=float), data.n_units, len(data.periods),
            dict(size), seed=seed, reps=wild_reps))
    return EventStudyResult(
        estimator="sa", outcome=data.outcome, control="never", method="ols",
        base_period="universal", group_time=cells[["cohort", "time", "estimate", "std_error"]]
        .sort_values(["cohort", "time"], ignore_index=True),
        event_time=event_time, aggregations=aggregations, pretrend=pretrend,
        n_units=data.n_units, periods=(int(data.periods[0]), int(data.periods[-1])),
        cohorts=data.cohorts,
        n_never_treated=int(data.frame.loc[data.frame["cohort"].isna(), "unit"].nunique()),
        level=level, notes=data.notes + _sa_notes(_engine_notes(caught)),
        data_hash=data.data_hash, synthetic=synthetic,
        engine=f"pyfixest {_version('pyfixest')}", inference="CRV1, clustered by unit",
        band=band_summary(band, "normal"), small_cohorts=handled,
        event_covariance=path_covariance)


def _sa_notes(notes: tuple[str, ...]) -> tuple[str, ...]:
    """pyfixest reports the cohort × event-time cells no unit can occupy as 'dropped due to
    multicollinearity' and calls the estimator beta; say that plainly instead."""
    kept = [n for n in notes if "multicollinearity" not in n and "in beta" not in n]
    if len(kept) < len(notes):
        kept.append("engine: pyfixest's saturated event study (marked beta by pyfixest); "
                    "cohort × event-time cells that no unit occupies are left out")
    return tuple(kept)


def _sa_cell(name: str) -> tuple[int, int]:
    event, cohort = name.split(":first_treated_period::")
    return int(float(event.removeprefix("rel_time::"))), int(float(cohort))


def event_study(frame: pd.DataFrame, *, outcome: str, estimator: Estimator = "cs",
                unit: str = "unit", time: str = "year", cohort: str = "first_paired_year",
                control: Control = "never", method: Method = "dr", log: bool | str = False,
                base_period: BasePeriod = "varying", level: float = 0.95, bootstrap: int = 0,
                seed: int = 0, synthetic: bool = False,
                covariates: Sequence[str] | str | None = (),
                wild_reps: int = WILD_REPS,
                small_cohorts: SmallCohorts = "conservative") -> EventStudyResult:
    """One entry point for the CLI, the report and the web: the chosen estimator on `frame`.
    ``covariates`` (conditional parallel trends) are for Callaway–Sant'Anna only."""
    _check_choice(estimator, ESTIMATORS, "estimator")
    names = _cov.covariate_names(covariates, error=DidError)
    if names and estimator != "cs":
        raise DidError(f"covariates (--covariates) are for --estimator cs only, not "
                       f"{estimator}: Callaway–Sant'Anna adjusts each comparison for them")
    if bootstrap and estimator != "cs":
        raise DidError("the multiplier bootstrap (--bootstrap) is for --estimator cs only")
    if estimator == "sa" and control != "never":
        raise DidError("Sun–Abraham compares with never-treated units: use --control never, "
                       "or --estimator cs with --control notyet")
    # did2s fits on every untreated observation: it needs no never-treated units
    data = prepare(frame, outcome=outcome, unit=unit, time=time, cohort=cohort,
                   control="notyet" if estimator == "did2s" else control, log=log,
                   covariates=names)
    result = _estimate(data, estimator, control=control, method=method,
                       base_period=base_period, level=level, bootstrap=bootstrap, seed=seed,
                       synthetic=synthetic, wild_reps=wild_reps, small_cohorts=small_cohorts)
    from pairaid.evaluate.design import design_warnings

    found = design_warnings(frame, unit=unit, time=time, cohort=cohort, outcome=outcome)
    return replace(result, design_warnings=tuple(found),
                   n_units_input=int(frame[unit].nunique()))


def _estimate(data: DidData, estimator: str, *, control, method, base_period, level, bootstrap,
              seed, synthetic, wild_reps, small_cohorts) -> EventStudyResult:
    if estimator == "twfe":
        return twfe_event_study(data, control=control, level=level, synthetic=synthetic,
                                seed=seed, wild_reps=wild_reps, small_cohorts=small_cohorts)
    if estimator == "sa":
        return sun_abraham(data, level=level, synthetic=synthetic, seed=seed,
                           wild_reps=wild_reps, small_cohorts=small_cohorts)
    if estimator == "did2s":
        from pairaid.evaluate.did2s import did2s  # its own module; did.py stays small

        return did2s(data, control=control, level=level, synthetic=synthetic, seed=seed,
                     wild_reps=wild_reps, small_cohorts=small_cohorts)
    return callaway_santanna(data, control=control, method=method, base_period=base_period,
                             level=level, bootstrap=bootstrap, seed=seed, synthetic=synthetic,
                             wild_reps=wild_reps, small_cohorts=small_cohorts)
