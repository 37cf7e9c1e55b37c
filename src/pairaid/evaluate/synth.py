"""One treated unit against a donor pool: synthetic control and regression control.

Two estimators of the treated unit's counterfactual share one input check and one results object
(`SyntheticControlResult`):

* ``sc`` — synthetic control (Abadie and Gardeazabal 2003, *AER* 93(1); Abadie, Diamond and
  Hainmueller 2010, *JASA* 105(490)): donor weights ``w >= 0``, ``sum(w) = 1`` minimising
  ``(X1 - X0 w)' V (X1 - X0 w)`` over predictors scaled by their standard deviation across
  units. With predictors, the diagonal ``V`` minimises the pre-period outcome MSPE (the nested
  optimisation of R ``Synth``: Nelder–Mead from equal and from regression-based starting values,
  the better one kept); without predictors every pre-period outcome is a predictor and ``V = I``,
  so the weights minimise the pre-period MSPE directly. The inner problem is a non-negative least
  squares with the adding-up constraint imposed by a heavily weighted row (Lawson and Hanson
  1974, ch. 22), solved exactly by `scipy.optimize.nnls`.
* ``hcw`` — the panel-data approach of Hsiao, Ching and Wan (2012), *J. Appl. Econometrics*
  27(5): OLS with intercept of the treated unit's pre-period outcome on donors' outcomes; the
  control set is, for each size, the subset with the highest R², and the size minimising AICc (or
  AIC). Subsets are searched exhaustively when there are at most `EXHAUSTIVE_LIMIT` of them,
  otherwise by forward selection (Shi and Huang 2023, *J. Econometrics* 232(2)); the result says
  which.

Inference is placebo-in-space (Abadie et al. 2010): each donor in turn is treated as if treated,
against the other donors; the p-value is the share of units whose post/pre RMSPE ratio is at least
the treated unit's.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from itertools import combinations
from math import comb
from typing import Literal

import numpy as np
import pandas as pd
from scipy import optimize

from pairaid.errors import InputError
from pairaid.evaluate.guards import check_columns
from pairaid.evaluate.synth_results import Placebos, SyntheticControlResult
from pairaid.evaluate.synth_results import period_text as _fmt  # periods in messages

Method = Literal["sc", "hcw"]
Criterion = Literal["aicc", "aic"]
Selection = Literal["auto", "exhaustive", "forward"]
METHODS: tuple[str, ...] = ("sc", "hcw")
CRITERIA: tuple[str, ...] = ("aicc", "aic")
SELECTIONS: tuple[str, ...] = ("auto", "exhaustive", "forward")
#: largest number of candidate subsets the HCW search enumerates before it turns to forward
#: selection (2^12: every subset of 12 donors)
EXHAUSTIVE_LIMIT = 4096


class SynthError(InputError):
    """The data or the options cannot support a synthetic-control or HCW estimate."""


@dataclass(frozen=True)
class Predictor:
    """A synthetic-control predictor: the mean of `column` over `periods` (default: every
    pre-treatment period), missing values skipped, as R ``Synth``'s ``predictors.op = "mean"``."""

    column: str
    periods: tuple[float, ...] | None = None

    @property
    def label(self) -> str:
        if self.periods is None:
            return self.column
        lo, hi = min(self.periods), max(self.periods)
        return f"{self.column} ({_fmt(lo)})" if lo == hi else \
            f"{self.column} ({_fmt(lo)}–{_fmt(hi)})"


@dataclass(frozen=True)
class _Fit:
    """One estimate for one treated unit: donor weights (SC) or coefficients (HCW)."""

    donors: tuple[str, ...]
    weights: np.ndarray
    intercept: float
    counterfactual: np.ndarray
    v: np.ndarray | None = None
    x_treated: np.ndarray | None = None
    x_synthetic: np.ndarray | None = None
    std_errors: np.ndarray | None = None
    r2: float | None = None
    criterion_value: float | None = None
    search: str = ""


def synthetic_control(
    frame: pd.DataFrame,
    *,
    outcome: str,
    treated,
    treat_time: float,
    unit: str = "unit",
    time: str = "year",
    method: Method = "sc",
    donors=None,
    predictors=(),
    v=None,
    optimize_periods=None,
    v_restarts: int = 0,
    criterion: Criterion = "aicc",
    selection: Selection = "auto",
    placebos: bool = True,
    placebo_cutoff: float | None = None,
    drop_incomplete_donors: bool = False,
    synthetic: bool = False,
) -> SyntheticControlResult:
    """Estimate the treated unit's counterfactual path from a donor pool, with placebo inference.

    `treat_time` is the first treated period; earlier periods are the pre-period. `donors`
    defaults to every other unit. SC only: `predictors` are column names (mean over the
    pre-period) or `Predictor` objects; `v` fixes the predictor weights instead of choosing them;
    `optimize_periods` are the pre-periods whose outcome MSPE chooses V (default all);
    `v_restarts` adds seeded random starts to that search (see `_choose_v`). HCW only:
    `criterion` and `selection`. `placebo_cutoff=k` leaves out of the p-value the placebos whose
    pre-period MSPE exceeds k times the treated unit's (Abadie et al. 2010 use 5 and 20).
    Donors with a missing outcome are an error, unless `drop_incomplete_donors` (then a note
    names them).
    """
    _choice(method, METHODS, "method")
    _choice(criterion, CRITERIA, "criterion")
    _choice(selection, SELECTIONS, "selection")
    if placebo_cutoff is not None and not placebo_cutoff > 0:
        raise SynthError(f"placebo cutoff must be positive, not {placebo_cutoff}")
    specs = tuple(p if isinstance(p, Predictor) else Predictor(str(p)) for p in predictors)
    if method == "hcw" and (specs or v is not None):
        raise SynthError("predictors and V belong to the synthetic control (method sc); HCW "
                         "regresses on the donors' pre-period outcomes only")
    late = [p.label for p in specs if p.periods is not None and max(p.periods) >= treat_time]
    if late:
        raise SynthError(f"predictor periods must come before treat time {_fmt(treat_time)}: "
                         f"{', '.join(late)}")
    wide, long, pool, digest, dropped = _prepare(frame, outcome, unit, time, treated,
                                                 treat_time, donors, specs,
                                                 drop_incomplete_donors)
    times = wide.index.to_numpy(dtype=float)
    pre = times < treat_time
    opt = _optimize_mask(times, pre, optimize_periods, time)
    fit_one = _sc_fitter(wide, long, pre, opt, specs, v, time, v_restarts) if method == "sc" else \
        _hcw_fitter(wide, pre, criterion, selection)
    fit = fit_one(treated, pool)
    actual = wide[treated].to_numpy(dtype=float)
    placebo = _placebos(fit_one, wide, pre, treated, pool, actual - fit.counterfactual,
                        placebo_cutoff) if placebos and len(pool) > 1 else None
    notes = []
    if dropped:
        notes.append(f"{len(dropped)} donor{'s' if len(dropped) > 1 else ''} left out for a "
                     f"missing {outcome}: {', '.join(dropped[:10])}"
                     f"{', …' if len(dropped) > 10 else ''}")
    if placebos and len(pool) < 2:
        notes.append("placebo inference needs at least two donors; none was run")
    elif placebo is not None and placebo.n_units < 20:
        notes.append(f"with {placebo.n_units} units the placebo p-value cannot be below "
                     f"{1 / placebo.n_units:.3f}")
    return SyntheticControlResult(
        method=method, outcome=outcome, treated=str(treated), treat_time=float(treat_time),
        unit_label=unit, time_label=time, times=times, actual=actual,
        counterfactual=fit.counterfactual, donors=fit.donors, weights_=fit.weights,
        intercept=fit.intercept, candidate_donors=tuple(map(str, pool)),
        predictors=tuple(p.label for p in specs) if specs else (), v_weights=fit.v,
        x_treated=fit.x_treated, x_synthetic=fit.x_synthetic,
        x_donor_mean=_donor_means(long, specs, pool, pre, times, time) if specs else None,
        std_errors=fit.std_errors, r2=fit.r2, criterion=criterion if method == "hcw" else "",
        criterion_value=fit.criterion_value, search=fit.search, placebo=placebo,
        notes=tuple(notes), data_hash=digest, synthetic=synthetic)


# -- input -----------------------------------------------------------------------------------------
def _choice(value: str, allowed: tuple[str, ...], what: str) -> None:
    if value not in allowed:
        raise SynthError(f"{what} '{value}': use one of {', '.join(allowed)}")


def _prepare(frame, outcome, unit, time, treated, treat_time, donors, specs, drop_incomplete):
    check_columns(frame, [unit, time, outcome, *[p.column for p in specs]], SynthError)
    for column, what in ((time, "time"), (outcome, "outcome"),
                         *((p.column, "predictor") for p in specs)):
        values = frame[column]
        if not pd.api.types.is_numeric_dtype(values) or pd.api.types.is_bool_dtype(values):
            bad = values[pd.to_numeric(values, errors="coerce").isna() & values.notna()]
            example = f" (e.g. {bad.iloc[0]!r})" if len(bad) else ""
            raise SynthError(f"{what} column '{column}' is not numeric{example}")
    if frame[time].isna().any():
        raise SynthError(f"time column '{time}' has empty values")
    keys = frame[unit].astype(str)
    if frame.assign(_u=keys).duplicated(["_u", time]).any():
        dup = frame.assign(_u=keys)[frame.assign(_u=keys).duplicated(["_u", time], keep=False)]
        raise SynthError(f"more than one row for {unit} {dup['_u'].iloc[0]!r} in {time} "
                         f"{_fmt(dup[time].iloc[0])}: one row per unit and period")
    long = pd.DataFrame({"unit": keys.to_numpy(), "time": frame[time].to_numpy(dtype=float),
                         **{p.column: frame[p.column].to_numpy(dtype=float) for p in specs},
                         "y": frame[outcome].to_numpy(dtype=float)})
    treated = str(treated)
    units = list(dict.fromkeys(long["unit"]))
    if treated not in units:
        raise SynthError(f"treated {unit} {treated!r} is not in the data (e.g. "
                         f"{', '.join(units[:5])})")
    times = np.sort(long["time"].unique())
    if not times[0] < treat_time <= times[-1]:
        raise SynthError(f"treat time {_fmt(treat_time)} is outside the periods of the data "
                         f"({_fmt(times[0])}–{_fmt(times[-1])}): it must be after the first "
                         "period and no later than the last")
    if (times < treat_time).sum() < 2:
        raise SynthError(f"only {(times < treat_time).sum()} period before treat time "
                         f"{_fmt(treat_time)}: at least 2 pre-treatment periods are needed")
    if donors is None:
        pool = [u for u in units if u != treated]
    else:
        pool = list(dict.fromkeys(str(d) for d in donors))
        unknown = [d for d in pool if d not in units]
        if unknown:
            raise SynthError(f"donor {unit}{'s' if len(unknown) > 1 else ''} not in the data: "
                             f"{', '.join(map(repr, unknown))}")
        if treated in pool:
            raise SynthError(f"the treated {unit} {treated!r} cannot also be a donor")
    if not pool:
        raise SynthError("the donor pool is empty: give donor units (--donors) that were not "
                         "treated")
    wide = long.pivot(index="time", columns="unit", values="y").reindex(columns=[treated, *pool])
    pre = wide.index.to_numpy() < treat_time
    gaps = wide.isna()
    if gaps[treated].any():
        at = wide.index[gaps[treated].to_numpy()]
        raise SynthError(f"the treated {unit} {treated!r} has no {outcome} in {time} "
                         f"{', '.join(_fmt(t) for t in at[:8])}")
    dropped = [d for d in pool if gaps[d].any()] if drop_incomplete else []
    if dropped:
        pool = [d for d in pool if d not in dropped]
        wide = wide[[treated, *pool]]
        if not pool:
            raise SynthError(f"every donor has a missing {outcome}: the donor pool is empty")
    bad_pre = [d for d in pool if gaps[d].to_numpy()[pre].any()]
    if bad_pre:
        detail = "; ".join(
            f"{d!r} ({', '.join(_fmt(t) for t in wide.index[gaps[d].to_numpy() & pre][:4])})"
            for d in bad_pre[:8])
        raise SynthError(f"{len(bad_pre)} donor{'s' if len(bad_pre) > 1 else ''} with missing "
                         f"{outcome} before treat time {_fmt(treat_time)}: {detail}; leave them "
                         f"out of --donors or fill the gaps")
    bad_post = [d for d in pool if gaps[d].to_numpy()[~pre].any()]
    if bad_post:
        raise SynthError(f"donor{'s' if len(bad_post) > 1 else ''} with missing {outcome} from "
                         f"treat time {_fmt(treat_time)} on (the counterfactual needs them): "
                         f"{', '.join(map(repr, bad_post[:8]))}")
    long = long[long["unit"].isin([treated, *pool])]
    digest = hashlib.sha256(pd.util.hash_pandas_object(long.sort_values(["unit", "time"]),
                                                       index=False).to_numpy().tobytes())
    return wide, long, pool, digest.hexdigest(), dropped


def _optimize_mask(times, pre, periods, time) -> np.ndarray:
    if periods is None:
        return pre
    wanted = np.asarray(list(periods), dtype=float)
    mask = np.isin(times, wanted)
    if not mask.any() or (mask & ~pre).any():
        raise SynthError(f"optimize periods must be {time}s of the pre-treatment period")
    return mask


def _predictor_matrix(long, specs, units, pre, times, time) -> np.ndarray:
    """Predictors (rows) by units (columns): means over each predictor's periods."""
    pre_times = times[pre]
    rows = []
    for spec in specs:
        periods = pre_times if spec.periods is None else np.asarray(spec.periods, dtype=float)
        part = long[long["time"].isin(periods)]
        means = part.groupby("unit")[spec.column].mean().reindex(units)
        if means.isna().any():
            who = means.index[means.isna()][0]
            raise SynthError(f"predictor '{spec.label}' has no value for {who!r} in its periods")
        rows.append(means.to_numpy())
    return np.vstack(rows)


def _donor_means(long, specs, pool, pre, times, time) -> np.ndarray:
    return _predictor_matrix(long, specs, list(pool), pre, times, time).mean(axis=1)


# -- synthetic control -----------------------------------------------------------------------------
def simplex_weights(x1: np.ndarray, x0: np.ndarray, v: np.ndarray) -> np.ndarray:
    """Weights ``w >= 0, sum(w) = 1`` minimising ``(x1 - x0 w)' diag(v) (x1 - x0 w)``."""
    n = x0.shape[1]
    if n == 1:
        return np.ones(1)
    root = np.sqrt(v)
    a, b = x0 * root[:, None], x1 * root
    # the adding-up constraint as one row weighted far above the others (Lawson–Hanson ch. 22)
    big = 1e6 * max(1.0, float(np.abs(a).max()), float(np.abs(b).max()))
    w, _ = optimize.nnls(np.vstack([a, np.full(n, big)]), np.append(b, big), maxiter=50 * n)
    return w / w.sum()


def _sc_fitter(wide, long, pre, opt, specs, v, time, restarts):
    times = wide.index.to_numpy(dtype=float)
    y = wide.to_numpy(dtype=float)
    position = {u: i for i, u in enumerate(wide.columns)}
    xall = _predictor_matrix(long, specs, list(wide.columns), pre, times, time) if specs else None
    fixed_v = None
    if v is not None:
        fixed_v = np.asarray(v, dtype=float).ravel()
        size = len(specs) if specs else int(pre.sum())
        if fixed_v.shape != (size,) or (fixed_v < 0).any() or fixed_v.sum() <= 0:
            raise SynthError(f"V must be {size} non-negative numbers, one per predictor, not all 0")
        fixed_v = fixed_v / fixed_v.sum()

    def fit(target, pool) -> _Fit:
        cols = [position[u] for u in pool]
        y1, y0 = y[:, position[target]], y[:, cols]
        if xall is None:  # pre-period outcomes are the predictors
            x1, x0 = y1[pre], y0[pre]
            weights = np.ones(int(pre.sum())) if fixed_v is None else fixed_v
            w = simplex_weights(x1, x0, weights)
            chosen = None if fixed_v is None else fixed_v
        else:
            x = xall[:, [position[target], *cols]]
            scale = x.std(axis=1, ddof=1)
            scale[scale == 0] = 1.0
            xs = x / scale[:, None]
            x1, x0 = xs[:, 0], xs[:, 1:]
            chosen = fixed_v if fixed_v is not None else \
                _choose_v(x1, x0, y1[opt], y0[opt], restarts)
            w = simplex_weights(x1, x0, chosen)
        return _Fit(donors=tuple(pool), weights=w, intercept=0.0, counterfactual=y0 @ w,
                    v=chosen, x_treated=None if xall is None else xall[:, position[target]],
                    x_synthetic=None if xall is None else xall[:, cols] @ w)

    return fit


def _choose_v(x1, x0, z1, z0, restarts: int = 0, seed: int = 0) -> np.ndarray:
    """The diagonal V minimising the outcome MSPE over the optimisation periods.

    As R ``Synth``: local searches from equal weights and from regression-based weights
    (``diag(B B')`` of the regression of outcomes on scaled predictors), the best kept. Each start
    runs Nelder–Mead on ``|v| / sum|v|`` (Synth's default) and Powell on ``log v``: with the exact
    inner solution the loss is flat wherever the weights sit on a vertex, and one of the two
    usually leaves such a plateau. The problem is not convex; `restarts` adds seeded random
    starts for a wider search, which can find a lower MSPE with other weights."""
    k = len(x1)
    if k == 1:
        return np.ones(1)

    def loss(params: np.ndarray) -> float:
        weights = np.abs(params)
        total = weights.sum()
        if not np.isfinite(total) or total == 0:
            return np.inf
        w = simplex_weights(x1, x0, weights / total)
        gap = z1 - z0 @ w
        return float(gap @ gap) / len(gap)

    starts = [np.full(k, 1.0 / k)]
    design = np.column_stack([np.ones(x0.shape[1] + 1), np.column_stack([x1, x0]).T])
    if np.linalg.matrix_rank(design) == design.shape[1]:
        beta = np.linalg.lstsq(design, np.column_stack([z1, z0]).T, rcond=None)[0][1:]
        start = np.sum(beta ** 2, axis=1)
        if start.sum() > 0:
            starts.append(start / start.sum())
    starts += list(np.random.default_rng(seed).dirichlet(np.ones(k), size=restarts))
    simplex = {"maxiter": 400 * k, "maxfev": 400 * k, "xatol": 1e-8, "fatol": 1e-12,
               "adaptive": True}
    best_v, best = starts[0], np.inf
    for start in starts:
        found = optimize.minimize(loss, start, method="Nelder-Mead", options=simplex)
        candidates = [(found.fun, found.x)]
        logged = optimize.minimize(lambda q: loss(np.exp(np.clip(q, -50, 50))),
                                   np.log(np.maximum(start, 1e-12)), method="Powell",
                                   options={"maxfev": 200 * k, "xtol": 1e-6})
        candidates.append((logged.fun, np.exp(np.clip(logged.x, -50, 50))))
        for value, params in candidates:
            if value < best:
                best, best_v = value, np.abs(params)
    return best_v / best_v.sum()


# -- Hsiao, Ching and Wan --------------------------------------------------------------------------
def information_criterion(rss: float, nobs: int, n_regressors: int, criterion: Criterion) -> float:
    """AIC ``n log(RSS/n) + 2K`` and AICc ``AIC + 2K(K+1)/(n-K-1)``, K = regressors + intercept
    + error variance (Hurvich and Tsai 1989)."""
    k = n_regressors + 2
    aic = nobs * np.log(rss / nobs) + 2 * k
    if criterion == "aic":
        return float(aic)
    return float(aic + 2 * k * (k + 1) / (nobs - k - 1)) if nobs - k - 1 > 0 else np.inf


def _ols(y: np.ndarray, x: np.ndarray):
    design = np.column_stack([np.ones(len(y)), x])
    beta, *_ = np.linalg.lstsq(design, y, rcond=None)
    resid = y - design @ beta
    return beta, float(resid @ resid), design


def _best_subsets(y, x, max_size, search) -> dict[int, tuple[int, ...]]:
    """For each size, the donor subset with the smallest residual sum of squares."""
    best: dict[int, tuple[float, tuple[int, ...]]] = {}
    n = x.shape[1]
    if search == "exhaustive":
        for size in range(1, max_size + 1):
            for subset in combinations(range(n), size):
                rss = _ols(y, x[:, subset])[1]
                if size not in best or rss < best[size][0]:
                    best[size] = (rss, subset)
        return {size: subset for size, (_, subset) in best.items()}
    chosen: tuple[int, ...] = ()
    out = {}
    for size in range(1, max_size + 1):
        rss, add = min((_ols(y, x[:, chosen + (j,)])[1], j) for j in range(n) if j not in chosen)
        chosen = chosen + (add,)
        out[size] = chosen
    return out


def _hcw_fitter(wide, pre, criterion, selection):
    y = wide.to_numpy(dtype=float)
    position = {u: i for i, u in enumerate(wide.columns)}
    nobs = int(pre.sum())

    def fit(target, pool) -> _Fit:
        cols = [position[u] for u in pool]
        y1, y0 = y[:, position[target]], y[:, cols]
        # K = size + 2 must leave n - K - 1 > 0 for AICc, and OLS needs size + 1 < n
        max_size = min(len(pool), nobs - 4 if criterion == "aicc" else nobs - 2)
        if max_size < 1:
            raise SynthError(f"{nobs} pre-treatment periods are too few for HCW with "
                             f"{criterion.upper()}: it needs at least "
                             f"{5 if criterion == 'aicc' else 3}")
        total = sum(comb(len(pool), s) for s in range(1, max_size + 1))
        search = selection if selection != "auto" else \
            ("exhaustive" if total <= EXHAUSTIVE_LIMIT else "forward")
        subsets = _best_subsets(y1[pre], y0[pre], max_size, search)
        scored = []
        for size, subset in subsets.items():
            rss = _ols(y1[pre], y0[pre][:, subset])[1]
            scored.append((information_criterion(rss, nobs, size, criterion), size, subset))
        value, size, subset = min(scored)
        beta, rss, design = _ols(y1[pre], y0[pre][:, subset])
        sigma2 = rss / (nobs - design.shape[1])
        cov = sigma2 * np.linalg.pinv(design.T @ design)
        centred = y1[pre] - y1[pre].mean()
        se = np.sqrt(np.diag(cov))
        return _Fit(donors=tuple(pool[i] for i in subset), weights=beta[1:], intercept=beta[0],
                    counterfactual=beta[0] + y0[:, list(subset)] @ beta[1:],
                    std_errors=se, r2=1 - rss / float(centred @ centred),
                    criterion_value=value, search=search)

    return fit


# -- placebo inference -----------------------------------------------------------------------------
def _rmspe(gap: np.ndarray, pre: np.ndarray) -> tuple[float, float]:
    return float(np.sqrt(np.mean(gap[pre] ** 2))), float(np.sqrt(np.mean(gap[~pre] ** 2)))


def _placebos(fit_one, wide, pre, treated, pool, gap, cutoff) -> Placebos:
    gaps = {treated: gap}
    for unit in pool:
        others = [u for u in pool if u != unit]
        placebo = fit_one(unit, others)
        gaps[unit] = wide[unit].to_numpy(dtype=float) - placebo.counterfactual
    rows = []
    for unit, g in gaps.items():
        before, after = _rmspe(g, pre)
        rows.append((unit, before, after, after / before if before > 0 else np.inf))
    table = pd.DataFrame(rows, columns=["unit", "pre_rmspe", "post_rmspe", "ratio"])
    treated_pre = table["pre_rmspe"].iloc[0]
    table["kept"] = True if cutoff is None else \
        table["pre_rmspe"] ** 2 <= cutoff * treated_pre ** 2
    kept = table[table["kept"]]
    ratio = table["ratio"].iloc[0]
    rank = int((kept["ratio"] >= ratio).sum())
    paths = pd.DataFrame(gaps, index=wide.index)
    return Placebos(table=table, gaps=paths, rank=rank, n_units=len(kept),
                    p_value=rank / len(kept), cutoff=cutoff)
