"""Elasticity by two-way fixed effects: ``log y_it = a_i + g_t + b log x_it + c'z_it + e_it``.

One typed function, `estimate_elasticity`, calls pyfixest (Bergé's fixest algorithm) and returns
an `ElasticityResult`; no pyfixest object leaves this module. Standard errors follow fixest's
defaults: CRV1 with the small-sample correction ``G/(G-1) · (N-1)/(N-K)`` where fixed effects
nested in the clusters do not count in K, and t tests with G - 1 degrees of freedom. They equal
Stata's ``xtreg, fe vce(cluster)`` to 1e-6 (tests/reference/elasticity/); pyfixest's own suite
holds them to R fixest.
Singletons are kept (``fixef_rm="none"``), as R fixest and Stata xtreg do; they do not move the
estimate.
"""

from __future__ import annotations

import dataclasses
import hashlib
import warnings
from typing import Literal, get_args

import numpy as np
import pandas as pd

from pairaid.evaluate import guards
from pairaid.evaluate.guards import ElasticityError, Formula, LogRule
from pairaid.evaluate.power import minimum_detectable_effect
from pairaid.evaluate.results import ElasticityResult, WildBootstrap

Vcov = Literal["iid", "hetero", "CRV1", "CRV3"]
_CLUSTERED = ("CRV1", "CRV3")


def estimate_elasticity(
    data: pd.DataFrame,
    formula: str | None = None,
    *,
    outcome: str | None = None,
    treatment: str | None = None,
    controls: tuple[str, ...] = (),
    unit: str = "unit",
    time: str = "year",
    cluster: str | None = None,
    vcov: Vcov = "CRV1",
    log: LogRule = "drop",
    wild_bootstrap: int = 0,
    seed: int = 0,
    synthetic: bool = False,
    cluster_reason: str = "",
    notes: tuple[str, ...] = (),
) -> ElasticityResult:
    """Estimate the elasticity of an outcome to a treatment with unit and time fixed effects.

    Give either a fixest `formula` (``"y ~ x1 + x2 | unit + year"``; the first regressor is the
    treatment) or `outcome` and `treatment` (plus `controls`; effects `unit` + `time`).
    `log` applies to the outcome and the treatment: ``drop`` takes natural logs and leaves out
    (and counts) rows where either is zero or negative, ``log1p`` takes log(1 + x) and keeps
    zeros, ``none`` uses them as written. `cluster` defaults to the first fixed effect for CRV
    errors; ``"a+b"`` clusters two ways (Cameron, Gelbach and Miller 2011, as fixest), with
    t tests on min(G_a, G_b) − 1 degrees of freedom. ``wild_bootstrap=B`` adds a wild cluster bootstrap test of the treatment (Roodman
    et al. 2019, via wildboottest), advised when there are fewer than 42 clusters.
    """
    if vcov not in get_args(Vcov):
        raise ElasticityError(f"vcov '{vcov}': use one of {', '.join(get_args(Vcov))}")
    if log not in get_args(LogRule):
        raise ElasticityError(f"log '{log}': use one of {', '.join(get_args(LogRule))}")
    parsed = _formula(formula, outcome, treatment, controls, unit, time)
    if vcov in _CLUSTERED and cluster is None:
        if not parsed.fixed_effects:
            raise ElasticityError(f"{vcov} errors need a cluster column (--cluster) when the "
                                  f"formula has no fixed effects")
        cluster = parsed.fixed_effects[0].split("^")[0]
    if vcov not in _CLUSTERED:
        if wild_bootstrap:
            raise ElasticityError("the wild cluster bootstrap needs clustered errors (CRV1)")
        cluster = None
    ways = [c.strip() for c in cluster.split("+")] if cluster else []
    if len(ways) > 2 or (len(ways) == 2 and wild_bootstrap):
        raise ElasticityError("cluster by one column or two ('unit+donor'); the wild cluster "
                              "bootstrap takes one")
    columns = parsed.columns() + [c for c in ways if c not in parsed.columns()]
    guards.check_columns(data, columns)
    # plain terms must be numbers; factors such as C(region) or i(year) are pyfixest's to parse
    guards.check_numeric(data, [t for t in dict.fromkeys((parsed.outcome, *parsed.regressors))
                                if guards.is_plain(t)])

    work, fitted, dropped, keep = _logged(data[columns], parsed, log)
    keep &= work.notna().all(axis=1).to_numpy()
    used = work if keep.all() else work.loc[keep]  # one take, only when rows go
    if guards.is_plain(fitted.outcome) and guards.is_plain(fitted.treatment):
        guards.check_sample(used, fitted, fitted.outcome, fitted.treatment, cluster)
    else:  # expressions such as log(y): the singleton and empty-sample guards still apply
        _require_rows(used, parsed)
    n_clusters = (None if cluster is None else
                  min(guards.count_clusters(used, c, warn=False) for c in ways))
    if n_clusters is not None and n_clusters < guards.FEW_CLUSTERS:
        warnings.warn(guards.few_clusters_message(n_clusters), guards.FewClustersWarning,
                      stacklevel=2)
    fit_cluster = cluster
    if wild_bootstrap and used[cluster].dtype.kind not in "iu":
        # wildboottest's numba kernels take integer cluster ids only; the groups are the same
        fit_cluster = _free_name(used, f"{cluster}_id")
        used = used.assign(**{fit_cluster: pd.factorize(used[cluster])[0]})
    fit = _feols(fitted.text, used, vcov, fit_cluster)
    result = _result(fit, fitted, parsed, used, vcov, cluster, fit_cluster, n_clusters, log,
                     dropped, wild_bootstrap, seed, synthetic)
    se = float(np.sqrt(result.covariance[list(result.terms).index(result.treatment)] [
        list(result.terms).index(result.treatment)]))
    return dataclasses.replace(result, cluster_reason=cluster_reason,
                               notes=tuple(notes) + result.notes,
                               mde=minimum_detectable_effect(se, result.df_t),
                               period=sample_period(data, time, used.index))


def sample_period(data: pd.DataFrame, time: str, rows) -> tuple[int, int] | None:
    """First and last period of the rows used, when `time` is a numeric column of `data`."""
    if time not in data.columns or not pd.api.types.is_numeric_dtype(data[time]):
        return None
    values = data.loc[rows, time].dropna()
    return (int(values.min()), int(values.max())) if len(values) else None


def _formula(formula, outcome, treatment, controls, unit, time) -> Formula:
    if formula is not None:
        if outcome is not None or treatment is not None or controls:
            raise ElasticityError("give either a formula or outcome/treatment/controls, "
                                  "not both")
        return guards.parse_formula(formula)
    if outcome is None or treatment is None:
        raise ElasticityError("give a formula, or both an outcome and a treatment")
    effects = " + ".join(e for e in (unit, time) if e)
    text = f"{outcome} ~ {' + '.join((treatment, *controls))}" + (f" | {effects}"
                                                                  if effects else "")
    return guards.parse_formula(text)


def _logged(frame: pd.DataFrame, parsed: Formula, log: LogRule):
    """The working frame with logged outcome and treatment, the formula over it, the rows
    dropped for non-positive values (per variable), and the mask of rows kept."""
    if log == "none":
        return frame, parsed, {}, np.ones(len(frame), dtype=bool)
    for term in (parsed.outcome, parsed.treatment):
        if not guards.is_plain(term):
            raise ElasticityError(f"'{term}' is an expression: take the log in the formula "
                                  f"yourself and use --log none")
    names: dict[str, str] = {}
    logged: dict[str, np.ndarray] = {}
    dropped: dict[str, int] = {}
    keep = np.ones(len(frame), dtype=bool)
    for name in dict.fromkeys((parsed.outcome, parsed.treatment)):
        values = frame[name].to_numpy(dtype=float)
        if log == "drop":
            bad = values <= 0
            dropped[name] = int(bad.sum())
            keep &= ~bad
            with np.errstate(divide="ignore", invalid="ignore"):
                transformed = np.log(values)
        else:
            if (values < 0).any():
                raise ElasticityError(f"'{name}' has {(values < 0).sum()} negative values: "
                                      f"log1p is for counts and amounts that can be zero; use "
                                      f"--log drop or --log none")
            transformed = np.log1p(values)
        names[name] = _free_name(frame, f"{'log' if log == 'drop' else 'log1p'}_{name}")
        logged[names[name]] = transformed
    regressors = (names[parsed.treatment], *parsed.regressors[1:])
    text = parsed.render(names[parsed.outcome], regressors)
    fitted = Formula(text, names[parsed.outcome], regressors, parsed.fixed_effects)
    # one new frame: the other columns as they are, then the logs (no copy-then-drop)
    kept = {c: frame[c] for c in frame.columns if c in fitted.columns() or c not in names}
    work = pd.DataFrame({**kept, **{k: pd.Series(v, index=frame.index)
                                    for k, v in logged.items()}}, copy=False)
    return work, fitted, dropped, keep


def _free_name(frame: pd.DataFrame, name: str) -> str:
    while name in frame.columns:
        name += "_"
    return name


def _require_rows(used: pd.DataFrame, parsed: Formula) -> None:
    if used.empty:
        raise ElasticityError("no complete observation to estimate from")
    for effect in parsed.fixed_effects:
        if guards.singletons_only(used, effect):
            raise ElasticityError(f"every observation is alone in its '{effect}' group")


def _feols(text: str, frame: pd.DataFrame, vcov: Vcov, cluster: str | None):
    import pyfixest as pf

    spec = {vcov: cluster} if vcov in _CLUSTERED else vcov
    with warnings.catch_warnings():
        # pyfixest warns about collinear variables it drops; we report them from the result
        warnings.simplefilter("ignore", UserWarning)
        try:
            return pf.feols(text, frame, vcov=spec, fixef_rm="none", copy_data=False)
        except ValueError as exc:  # pyfixest's own checks: collinearity, bad formula terms
            raise ElasticityError(f"pyfixest refused the model: "
                                  f"{str(exc).strip().splitlines()[0]}") from None


def _result(fit, fitted: Formula, parsed: Formula, used: pd.DataFrame, vcov, cluster,
            fit_cluster, n_clusters, log, dropped, reps, seed, synthetic) -> ElasticityResult:
    names = [str(n) for n in fit._coefnames]
    if fitted.treatment not in names:
        raise ElasticityError(f"the treatment '{parsed.treatment}' was dropped as collinear "
                              f"with the fixed effects or the controls")
    shown = {fitted.outcome: _shown(parsed.outcome, log),
             fitted.treatment: _shown(parsed.treatment, log)}
    terms = tuple(shown.get(n, n) for n in names)
    notes = []
    collinear = [t for t in fitted.regressors if guards.is_plain(t) and t not in names]
    if collinear:
        notes.append(f"dropped as collinear with the fixed effects or other regressors: "
                      f"{', '.join(collinear)}")
    if n_clusters is not None and n_clusters < guards.FEW_CLUSTERS and not reps:
        notes.append(guards.few_clusters_message(n_clusters))
    wild = None
    if reps:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            boot = fit.wildboottest(reps=int(reps), cluster=fit_cluster, param=fitted.treatment,
                                    seed=seed)
        wild = WildBootstrap(int(reps), float(boot["t value"]), float(boot["Pr(>|t|)"]), seed)
    r2 = getattr(fit, "_r2_within", None)
    return ElasticityResult(
        terms=terms, estimates=np.asarray(fit._beta_hat, dtype=float).copy(),
        covariance=np.asarray(fit._vcov, dtype=float).copy(), df_t=float(fit._df_t),
        nobs=int(fit._N), n_clusters=n_clusters, cluster=cluster,
        fixed_effects=parsed.fixed_effects, vcov=vcov,
        r2_within=None if r2 is None or not parsed.fixed_effects else float(r2),
        formula=parsed.render(shown[fitted.outcome], tuple(terms)),
        outcome=shown[fitted.outcome], treatment=shown[fitted.treatment], log_rule=log,
        dropped_nonpositive=dropped, wild_bootstrap=wild, notes=tuple(notes),
        data_hash=_hash(used), synthetic=synthetic)


def _shown(name: str, log: LogRule) -> str:
    return {"drop": f"log({name})", "log1p": f"log1p({name})"}.get(log, name)


def _hash(frame: pd.DataFrame) -> str:
    """SHA-256 of the estimation sample, column by column (numeric columns as raw bytes)."""
    digest = hashlib.sha256()
    for name in frame.columns:
        column = frame[name]
        digest.update(str(name).encode())
        if column.dtype.kind in "biuf":
            digest.update(np.ascontiguousarray(column.to_numpy()).tobytes())
        else:
            digest.update(pd.util.hash_pandas_object(column, index=False).to_numpy().tobytes())
    return digest.hexdigest()
