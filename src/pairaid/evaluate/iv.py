"""Two-stage least squares with fixed effects: ``y ~ exo | fe | endo ~ instruments`` (fixest's
IV syntax), first-stage F, Montiel Olea–Pflueger effective F and the Anderson–Rubin interval.

The fixed effects are swept out with pyfixest's demeaner (the alternating projections fixest
uses); the 2SLS algebra, the covariance and the diagnostics are ours (numpy), so that several
endogenous regressors work (pyfixest 0.60 takes one) and the weak-instrument-robust interval
can reuse the reduced-form scores. Standard errors follow fixest: iid with
``σ² = u'u/(N − K)``; HC1; CRV1 with ``G/(G−1) · (N−1)/(N−K)`` where fixed effects nested in the
clusters do not count in K, and t tests with G − 1 degrees of freedom. Checked against R fixest's
printed IV example (tests/reference/iv/) and against pyfixest's feols IV (one endogenous,
clustered).

* First-stage F (fixest ``ivf1``): the iid F test of the excluded instruments in each first
  stage, as fixest prints it.
* Effective F (Montiel Olea and Pflueger 2013): ``π'Q π / tr(Σ_π Q)``, ``Q = Z̃'Z̃``, with Σ_π the
  first stage's covariance of the chosen kind (clustered where clustered) — the statistic
  their weak-instrument test uses with heteroskedastic or clustered errors; with one
  instrument it is the robust Wald F. One endogenous regressor only.
* Anderson–Rubin (1949) interval: every β0 at which the instruments' coefficients in the
  regression of ``y − β0 x`` on instruments and controls are jointly zero at the level (a Wald
  test with the chosen covariance, F(m, df) reference); valid however weak the instrument, and
  unbounded when it is too weak to tell. One endogenous regressor only.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal, get_args

import numpy as np
import pandas as pd
from scipy import optimize, stats

from pairaid.evaluate.guards import ElasticityError, check_columns, check_numeric, group_codes

IVVcov = Literal["iid", "hetero", "CRV1"]
_TERM = re.compile(r"^(log|log1p)?\(?\s*([A-Za-z_][A-Za-z0-9_.]*)\s*\)?$")


@dataclass(frozen=True)
class IVFormula:
    """``outcome ~ exogenous | fixed effects | endogenous ~ instruments``."""

    text: str
    outcome: str
    exogenous: tuple[str, ...]
    fixed_effects: tuple[str, ...]
    endogenous: tuple[str, ...]
    instruments: tuple[str, ...]

    def terms(self) -> tuple[str, ...]:
        return (self.outcome, *self.exogenous, *self.endogenous, *self.instruments)


def is_iv_formula(text: str) -> bool:
    return text.count("~") == 2


def parse_iv_formula(text: str) -> IVFormula:
    """Split fixest's IV syntax; terms are column names or log(name) / log1p(name)."""
    parts = [p.strip() for p in text.split("|")]
    if text.count("~") != 2 or len(parts) not in (2, 3) or "~" not in parts[0] \
            or "~" not in parts[-1]:
        raise ElasticityError(f"formula '{text}': write an IV model as "
                              f"'y ~ controls | fe1 + fe2 | endogenous ~ instruments' "
                              f"(controls may be 1; the fixed-effect part may be left out)")
    lhs, exo = (s.strip() for s in parts[0].split("~"))
    endo, inst = (s.strip() for s in parts[-1].split("~"))

    def split(side: str) -> tuple[str, ...]:
        return tuple(t.strip() for t in side.split("+") if t.strip() and t.strip() not in "01")

    fixed = split(parts[1]) if len(parts) == 3 else ()
    for term in (lhs, *split(exo), *split(endo), *split(inst)):
        if not _TERM.match(term):
            raise ElasticityError(f"formula '{text}': term '{term}' — IV formulas take column "
                                  f"names, log(name) or log1p(name)")
    if not lhs or not split(endo) or not split(inst):
        raise ElasticityError(f"formula '{text}': it needs an outcome, an endogenous regressor "
                              f"and at least one instrument")
    if len(split(inst)) < len(split(endo)):
        raise ElasticityError(f"formula '{text}': fewer instruments than endogenous regressors "
                              f"(the model is not identified)")
    return IVFormula(text, lhs, split(exo), fixed, split(endo), split(inst))


@dataclass(frozen=True)
class FirstStage:
    endogenous: str
    coefficients: tuple[float, ...]      # of the excluded instruments
    f_stat: float                        # iid F, as fixest's ivf1
    df1: int
    df2: int
    p_value: float
    effective_f: float | None            # Montiel Olea–Pflueger (one endogenous regressor)

    def to_dict(self) -> dict:
        return {"endogenous": self.endogenous, "instrument_coefficients": list(self.coefficients),
                "f_stat": self.f_stat, "df1": self.df1, "df2": self.df2, "p_value": self.p_value,
                "effective_f": self.effective_f}


@dataclass(frozen=True)
class IVFit:
    """The numbers of a 2SLS fit (the results object wraps them)."""

    terms: tuple[str, ...]
    estimates: np.ndarray
    covariance: np.ndarray
    df_t: float
    nobs: int
    n_clusters: int | None
    first_stages: tuple[FirstStage, ...]
    anderson_rubin: tuple[float, float] | None
    data_hash_columns: tuple[str, ...] = ()


def _column(frame: pd.DataFrame, term: str) -> np.ndarray:
    fn, name = _TERM.match(term).groups()
    values = frame[name].to_numpy(dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        if fn == "log":
            return np.where(values > 0, np.log(values), np.nan)
        if fn == "log1p":
            return np.where(values > -1, np.log1p(values), np.nan)
    return values


def column_names(formula: IVFormula) -> list[str]:
    names = [_TERM.match(t).group(2) for t in formula.terms()]
    return list(dict.fromkeys(names + [e for fe in formula.fixed_effects for e in fe.split("^")]))


def fit_iv(data: pd.DataFrame, formula: IVFormula, *, cluster: str | None = None,
           vcov: IVVcov = "CRV1", level: float = 0.95) -> IVFit:
    """2SLS of `formula` on `data` (rows with a missing or non-loggable value left out)."""
    if vcov not in get_args(IVVcov):
        raise ElasticityError(f"vcov '{vcov}' for an IV model: use iid, hetero or CRV1")
    if vcov == "CRV1" and cluster is None:
        if not formula.fixed_effects:
            raise ElasticityError("CRV1 errors need a cluster column when the IV formula has no "
                                  "fixed effects")
        cluster = formula.fixed_effects[0].split("^")[0]
    names = column_names(formula) + ([cluster] if cluster and vcov == "CRV1" else [])
    check_columns(data, names)
    check_numeric(data, list(dict.fromkeys(_TERM.match(t).group(2) for t in formula.terms())))
    cols = {t: _column(data, t) for t in formula.terms()}
    keep = np.all([np.isfinite(v) for v in cols.values()], axis=0)
    for name in names[len(formula.terms()):]:
        keep &= data[name].notna().to_numpy()
    for effect in formula.fixed_effects:
        for part in effect.split("^"):
            keep &= data[part].notna().to_numpy()
    used = data.loc[keep]
    n = int(keep.sum())
    y = cols[formula.outcome][keep]
    exo = np.column_stack([cols[t][keep] for t in formula.exogenous]) if formula.exogenous \
        else np.empty((n, 0))
    endo = np.column_stack([cols[t][keep] for t in formula.endogenous])
    inst = np.column_stack([cols[t][keep] for t in formula.instruments])
    exo_names = list(formula.exogenous)
    fe_dof = 0
    if formula.fixed_effects:
        codes = np.column_stack([group_codes(used, e) for e in formula.fixed_effects])
        from pyfixest.estimation import demean

        stacked, converged = demean(np.column_stack([y, exo, endo, inst]).astype(float),
                                    codes.astype(np.uint64), np.ones(n), tol=1e-10)
        if not converged:
            raise ElasticityError("the fixed effects did not converge when swept out")
        y, exo, endo, inst = np.split(stacked, np.cumsum([1, exo.shape[1], endo.shape[1]]),
                                      axis=1)
        y = y[:, 0]
        sizes = [int(codes[:, j].max()) + 1 for j in range(codes.shape[1])]
        fe_dof = sum(sizes) - (len(sizes) - 1)
    else:
        exo = np.column_stack([np.ones(n), exo])
        exo_names = ["(Intercept)", *exo_names]
    n_clusters = None
    groups = None
    nested = 0
    if vcov == "CRV1":
        groups = pd.factorize(used[cluster])[0]
        n_clusters = int(groups.max()) + 1
        if n_clusters < 2:
            raise ElasticityError(f"'{cluster}' has {n_clusters} cluster in the sample")
        # fixest's small-sample K leaves out fixed effects nested in the clusters: it counts
        # the levels of the others, less one for each beyond the first (checked against
        # pyfixest with unit + year effects clustered by unit)
        kept = [sizes[j] for j in range(len(formula.fixed_effects))
                if pd.DataFrame({"f": codes[:, j], "g": groups}).drop_duplicates()["f"]
                .duplicated().any()]
        nested = fe_dof - (sum(kept) - max(len(kept) - 1, 0))
    regressors = np.column_stack([endo, exo])
    terms = (*formula.endogenous, *exo_names)
    instruments = np.column_stack([exo, inst])
    k = regressors.shape[1]
    if n <= k + fe_dof:
        raise ElasticityError(f"only {n} usable observations for {k} regressors and "
                              f"{fe_dof} fixed-effect levels")
    fitted = instruments @ np.linalg.lstsq(instruments, regressors, rcond=None)[0]
    bread = np.linalg.pinv(fitted.T @ fitted)
    beta = bread @ fitted.T @ y
    resid = y - regressors @ beta
    k_total = k + fe_dof
    cov = _covariance(fitted, resid, bread, vcov, groups, n, k_total - nested, k_total)
    df_t = float(n_clusters - 1) if vcov == "CRV1" else float(n - k_total)

    first = []
    for j, name in enumerate(formula.endogenous):
        first.append(_first_stage(name, endo[:, j], exo, inst, vcov, groups, n, fe_dof, nested,
                                  one_endogenous=len(formula.endogenous) == 1))
    ar = None
    if len(formula.endogenous) == 1:
        ar = _anderson_rubin(y, endo[:, 0], exo, inst, vcov, groups, n, fe_dof, nested,
                             beta[0], np.sqrt(cov[0, 0]), df_t, level)
    return IVFit(terms, beta, cov, df_t, n, n_clusters, tuple(first), ar)


def _covariance(x, u, bread, vcov, groups, n, k_ssc, k_total) -> np.ndarray:
    if vcov == "iid":
        return bread * float(u @ u) / (n - k_total)
    scores = x * u[:, None]
    if vcov == "hetero":
        return n / (n - k_total) * bread @ (scores.T @ scores) @ bread
    sums = np.zeros((int(groups.max()) + 1, x.shape[1]))
    np.add.at(sums, groups, scores)
    g = len(sums)
    return g / (g - 1) * (n - 1) / (n - k_ssc) * bread @ (sums.T @ sums) @ bread


def _first_stage(name, x, exo, inst, vcov, groups, n, fe_dof, nested, one_endogenous):
    full = np.column_stack([inst, exo])
    coef_full, *_ = np.linalg.lstsq(full, x, rcond=None)
    resid_full = x - full @ coef_full
    if exo.shape[1]:
        resid_restricted = x - exo @ np.linalg.lstsq(exo, x, rcond=None)[0]
    else:
        resid_restricted = x
    m = inst.shape[1]
    k_total = full.shape[1] + fe_dof
    rss_u, rss_r = float(resid_full @ resid_full), float(resid_restricted @ resid_restricted)
    df2 = n - k_total
    f_stat = ((rss_r - rss_u) / m) / (rss_u / df2)
    effective = None
    if one_endogenous:
        bread = np.linalg.pinv(full.T @ full)
        cov = _covariance(full, resid_full, bread, vcov, groups, n, k_total - nested, k_total)
        pi = coef_full[:m]
        # instruments net of the controls (Frisch–Waugh), as Q_zz in Montiel Olea–Pflueger
        z = inst - exo @ np.linalg.lstsq(exo, inst, rcond=None)[0] if exo.shape[1] else inst
        q = z.T @ z
        effective = float(pi @ q @ pi / np.trace(cov[:m, :m] @ q))
    return FirstStage(name, tuple(float(c) for c in coef_full[:m]), float(f_stat), m, int(df2),
                      float(stats.f.sf(f_stat, m, df2)), effective)


def _anderson_rubin(y, x, exo, inst, vcov, groups, n, fe_dof, nested, beta, se, df_t, level):
    """The set of β0 where the AR test does not reject, as (low, high); ±inf when unbounded.
    (A union of two rays, possible with a weak instrument, is reported as (-inf, inf).)"""
    full = np.column_stack([inst, exo])
    m = inst.shape[1]
    bread = np.linalg.pinv(full.T @ full)
    proj = bread @ full.T
    gy, gx = proj @ y, proj @ x
    ey, ex = y - full @ gy, x - full @ gx
    k_total = full.shape[1] + fe_dof
    crit = stats.f.ppf(level, m, df_t)

    def statistic(b0: float) -> float:
        gamma = (gy - b0 * gx)[:m]
        cov = _covariance(full, ey - b0 * ex, bread, vcov, groups, n, k_total - nested, k_total)
        return float(gamma @ np.linalg.solve(cov[:m, :m], gamma)) / m - crit

    if statistic(beta) > 0:  # even the 2SLS estimate is rejected: report the empty-looking set
        return (float("nan"), float("nan"))
    span = max(se, 1e-8)
    bounds = []
    for sign in (-1, 1):
        step, edge = span, beta
        for _ in range(60):  # walk out until the test rejects (doubling steps)
            candidate = beta + sign * step
            if statistic(candidate) > 0:
                bounds.append(optimize.brentq(statistic, min(edge, candidate),
                                              max(edge, candidate), xtol=1e-12 * span))
                break
            edge, step = candidate, step * 2
        else:
            bounds.append(sign * float("inf"))
    return (float(bounds[0]), float(bounds[1]))


def estimate_iv(data: pd.DataFrame, formula: str | None = None, *, outcome: str | None = None,
                treatment: str | None = None, instrument: str | None = None,
                controls: tuple[str, ...] = (), unit: str = "unit", time: str = "year",
                log: bool = False, cluster: str | None = None, vcov: IVVcov = "CRV1",
                cluster_reason: str = "", notes: tuple[str, ...] = (),
                synthetic: bool = False, level: float = 0.95):
    """Instrumental-variable estimate (2SLS with fixed effects) -> `IVResult`.

    Give a fixest IV `formula` (``"y ~ 1 | unit + year | x ~ z"``, taken as written), or
    `outcome`, `treatment`, `instrument` (+ `controls`; effects `unit` + `time`); `log` then takes
    natural logs of outcome, treatment and instrument (rows ≤ 0 left out)."""
    from pairaid.evaluate.iv_results import IVResult
    from pairaid.evaluate.power import minimum_detectable_effect

    if formula is None:
        if not (outcome and treatment and instrument):
            raise ElasticityError("an IV estimate needs an outcome, a treatment and an "
                                  "instrument (or a formula)")
        wrap = (lambda t: f"log({t})") if log else (lambda t: t)
        effects = " + ".join(e for e in (unit, time) if e)
        formula = (f"{wrap(outcome)} ~ {' + '.join(controls) or '1'}"
                   + (f" | {effects}" if effects else "")
                   + f" | {wrap(treatment)} ~ {wrap(instrument)}")
    parsed = parse_iv_formula(formula)
    fit = fit_iv(data, parsed, cluster=cluster, vcov=vcov, level=level)
    if vcov == "CRV1" and cluster is None:
        cluster = parsed.fixed_effects[0].split("^")[0]
    se = float(np.sqrt(fit.covariance[0, 0]))
    from pairaid.evaluate.guards import FEW_CLUSTERS, few_clusters_message

    if fit.n_clusters is not None and fit.n_clusters < FEW_CLUSTERS:
        notes = (*notes, few_clusters_message(fit.n_clusters).split(";")[0]
                 + "; the Anderson–Rubin interval uses the same clustered covariance")
    return IVResult(
        terms=fit.terms, estimates=fit.estimates, covariance=fit.covariance, df_t=fit.df_t,
        nobs=fit.nobs, n_clusters=fit.n_clusters, cluster=cluster if vcov == "CRV1" else None,
        vcov=vcov, formula=formula, outcome=parsed.outcome, treatment=parsed.endogenous[0],
        instruments=parsed.instruments, fixed_effects=parsed.fixed_effects,
        first_stages=fit.first_stages, anderson_rubin=fit.anderson_rubin, level=level,
        logs="natural logs of outcome, treatment and instrument (rows <= 0 left out)" if log
        else "as written in the formula", cluster_reason=cluster_reason,
        mde=minimum_detectable_effect(se, fit.df_t), notes=notes, synthetic=synthetic)
