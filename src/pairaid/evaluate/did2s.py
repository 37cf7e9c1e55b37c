"""Gardner's two-stage difference-in-differences (did2s).

Stage 1 fits unit and period fixed effects on the untreated observations only (never-treated
units and not-yet-treated periods); stage 2 regresses the outcome net of those effects on the
treatment indicator (the static ATT) or on event-time dummies (the event study). Standard errors
are the GMM ones of R ``did2s``, clustered by unit, which account for the first stage having been
estimated.

Gardner, J. (2021), "Two-stage differences in differences", working paper; Butts, K. and
Gardner, J. (2022), "did2s: Two-Stage Difference-in-Differences", *The R Journal* 14(3), 162–173.

pyfixest 0.60 has the same estimator (`pyfixest.did2s`), but its first stage drops singleton
fixed effects (``fixef_rm="singleton"``, unlike R fixest): a unit with a single untreated period
(on ``mpdta`` the 2004 cohort) gets no unit effect, its rows are dropped from stage 2 and the
variance step fails on the mismatched lengths. This module solves the two-way normal equations
directly (a Schur complement over the periods), so such units keep their exactly fitted effect,
as in R, and nothing of size units × units is ever formed.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import sparse

from pairaid.evaluate.did_data import Control, DidData, DidError, prepare, wald_test as _wald
from pairaid.evaluate import small_cohorts as _small
from pairaid.evaluate.bands import band_summary, sup_t_from_covariance, with_band
from pairaid.evaluate.did_results import Aggregation, EventStudyResult, attach_wild
from pairaid.evaluate.pretrend import WILD_REPS, WildPreTrend, batch_wald

__all__ = ["TwoStageFit", "did2s", "did2s_fit"]


@dataclass(frozen=True)
class TwoStageFit:
    """Second-stage coefficients, their GMM covariance and the residualised outcome."""

    coef: np.ndarray
    vcov: np.ndarray
    residualised: np.ndarray

    @property
    def std_errors(self) -> np.ndarray:
        return np.sqrt(np.diag(self.vcov))


class _FirstStage:
    """Unit + period effects fitted on the untreated rows, by the normal equations
    [[D_u, B], [B', D_t]] z = r with the first period's effect set to zero."""

    def __init__(self, units: np.ndarray, periods: np.ndarray, untreated: np.ndarray):
        self.units, self.periods, self.untreated = units, periods, untreated
        self.n_units, self.n_periods = units.max() + 1, periods.max() + 1
        weight = untreated.astype(float)
        self.unit_count = np.bincount(units, weights=weight, minlength=self.n_units)
        if (self.unit_count == 0).any():
            raise ValueError("every unit needs an untreated observation")
        cells = np.zeros((self.n_units, self.n_periods))
        np.add.at(cells, (units, periods), weight)
        self.cross = cells[:, 1:]  # B: untreated rows per unit and period (period 0 dropped)
        period_count = cells.sum(axis=0)[1:]
        schur = np.diag(period_count) - self.cross.T @ (self.cross / self.unit_count[:, None])
        self.schur_inverse = np.linalg.pinv(schur)

    def solve(self, unit_rhs: np.ndarray, period_rhs: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Unit and period coefficients (period 0 = 0) for right-hand sides of shape (·, k)."""
        scaled = unit_rhs / self.unit_count[:, None]
        period_coef = self.schur_inverse @ (period_rhs[1:] - self.cross.T @ scaled)
        unit_coef = scaled - (self.cross @ period_coef) / self.unit_count[:, None]
        return unit_coef, np.vstack([np.zeros((1, unit_rhs.shape[1])), period_coef])

    def sums(self, values: np.ndarray, rows: np.ndarray | None = None) -> tuple[np.ndarray, ...]:
        """Column sums of `values` (n × k) by unit and by period over `rows` (all if None)."""
        values = values if rows is None else values * rows[:, None]
        by_unit = np.stack([np.bincount(self.units, weights=values[:, j],
                                        minlength=self.n_units)
                            for j in range(values.shape[1])], axis=1)
        by_period = np.stack([np.bincount(self.periods, weights=values[:, j],
                                          minlength=self.n_periods)
                              for j in range(values.shape[1])], axis=1)
        return by_unit, by_period

    def residualise(self, y: np.ndarray) -> np.ndarray:
        unit_coef, period_coef = self.solve(*self.sums(y[:, None], self.untreated))
        return y - unit_coef[self.units, 0] - period_coef[self.periods, 0]


def _second_stage(first: _FirstStage, residualised: np.ndarray, design: np.ndarray,
                  clusters: np.ndarray) -> TwoStageFit:
    """OLS of the residualised outcome on `design`; the GMM sandwich of Butts & Gardner:
    V = (X2'X2)⁻¹ Σ_g W_g W_g' (X2'X2)⁻¹ with W_g = X2_g'u2_g − X2'X1 (X10'X10)⁻¹ X10_g'u1_g."""
    gram = design.T @ design
    gram_inverse = np.linalg.pinv(gram)
    coef = gram_inverse @ design.T @ residualised
    second_residual = residualised - design @ coef
    # (X10'X10)⁻¹ X1'X2 as unit and period rows, then each untreated row's share X10_i·M
    unit_coef, period_coef = first.solve(*first.sums(design))
    correction = (unit_coef[first.units] + period_coef[first.periods]) \
        * (first.untreated * residualised)[:, None]
    scores = design * second_residual[:, None] - correction
    by_cluster = np.stack([np.bincount(clusters, weights=scores[:, j])
                           for j in range(scores.shape[1])], axis=1)
    vcov = gram_inverse @ (by_cluster.T @ by_cluster) @ gram_inverse
    return TwoStageFit(coef, vcov, residualised)


def _wild_leads(first: _FirstStage, y: np.ndarray, design: np.ndarray, leads: np.ndarray,
                clusters: np.ndarray, reps: int = WILD_REPS, seed: int = 0,
                chunk: int = 50) -> WildPreTrend | None:
    """Wild cluster restricted bootstrap of the leads' Wald test (see
    `pairaid.evaluate.pretrend_regression`), through both stages: the restricted second stage
    has no lead dummies; each draw adds (w_g − 1)·ũ to y (Rademacher by unit), re-runs the first
    stage and the second, and recomputes the GMM covariance of the leads."""
    n_clusters = clusters.max() + 1
    if n_clusters < 3:
        return None
    residualised = first.residualise(y)
    observed_fit = _second_stage(first, residualised, design, clusters)
    observed = float(batch_wald(observed_fit.coef[leads][None],
                                observed_fit.vcov[np.ix_(leads, leads)][None])[0])
    others = np.setdiff1d(np.arange(design.shape[1]), leads)
    restricted = _second_stage(first, residualised, design[:, others], clusters)
    residual_r = residualised - design[:, others] @ restricted.coef
    gram_inverse = np.linalg.pinv(design.T @ design)
    unit_coef, period_coef = first.solve(*first.sums(design))
    correction = (unit_coef[first.units] + period_coef[first.periods]) @ gram_inverse[:, leads]
    lead_rows = design @ gram_inverse[:, leads]                  # (n, L)
    members = sparse.csr_matrix((np.ones(len(y)), (clusters, np.arange(len(y)))),
                                shape=(n_clusters, len(y)))
    rng = np.random.default_rng(seed)
    exceed = 0
    for start in range(0, reps, chunk):
        size = min(chunk, reps - start)
        signs = rng.choice([-1.0, 1.0], size=(size, n_clusters))
        y_star = y[:, None] + (signs.T[clusters] - 1.0) * residual_r[:, None]     # (n, B)
        unit_part, period_part = first.solve(*first.sums(y_star, first.untreated))
        stage_one = y_star - unit_part[first.units] - period_part[first.periods]
        coef = gram_inverse @ design.T @ stage_one                               # (k, B)
        stage_two = stage_one - design @ coef
        scores = (lead_rows[:, None, :] * stage_two[:, :, None]
                  - correction[:, None, :] * (first.untreated[:, None] * stage_one)[:, :, None])
        by_cluster = (members @ scores.reshape(len(y), -1)).reshape(
            n_clusters, size, len(leads)).transpose(1, 0, 2)
        covariance = np.einsum("bgl,bgm->blm", by_cluster, by_cluster)
        exceed += int((batch_wald(coef[leads].T, covariance) >= observed * (1 - 1e-12)).sum())
    return WildPreTrend(observed, (1 + exceed) / (1 + reps), reps, seed)


def did2s_fit(y, unit, time, treated, design, cluster) -> TwoStageFit:
    """Two-stage DiD on arrays: `unit` and `time` label the first-stage fixed effects,
    `treated` marks the rows left out of stage 1, `design` (n × k) is the second stage,
    `cluster` labels the clusters of the standard errors."""
    y = np.asarray(y, dtype=float)
    treated = np.asarray(treated, dtype=bool)
    design = np.asarray(design, dtype=float).reshape(len(y), -1)
    first = _FirstStage(pd.factorize(np.asarray(unit))[0], pd.factorize(np.asarray(time),
                                                                         sort=True)[0],
                        ~treated)
    return _second_stage(first, first.residualise(y), design,
                         pd.factorize(np.asarray(cluster))[0])


def did2s(frame: pd.DataFrame | DidData, *, outcome: str = "", unit: str = "unit",
          time: str = "year", cohort: str = "first_paired_year", control: Control = "notyet",
          level: float = 0.95, synthetic: bool = False, seed: int = 0,
          wild_reps: int = WILD_REPS,
          small_cohorts: str = "conservative") -> EventStudyResult:
    """Gardner's two-stage DiD with its static ATT, event-time path, cohort and period effects,
    GMM standard errors clustered by unit and a Wald test of the leads.

    The first stage always uses every untreated observation (never-treated units and the
    not-yet-treated periods of later cohorts), as R ``did2s`` does; ``control`` is accepted for
    a uniform interface. Periods in which every unit is already treated have no untreated
    observation to fit their period effect and are dropped (with a note).

    Each aggregation is its own second stage on exclusive dummies of the treated rows: simple =
    the static ATT (R ``did2s`` with ``i(treat)``); group = one effect per cohort, overall
    weighted by cohort size; calendar = one per period, overall their mean; dynamic = the
    event-time path (leads and lags, −1 left out), overall the mean of the lags.
    """
    data = frame if isinstance(frame, DidData) else prepare(
        frame, outcome=outcome, unit=unit, time=time, cohort=cohort, control=control)
    data, handled = _small.handle(data, small_cohorts)
    if handled and small_cohorts == "conservative":
        handled = handled.split(" kept")[0] + " " + _small.POOLED.format(name="did2s")
    panel = data.frame
    treated = (panel["cohort"].notna() & (panel["time"] >= panel["cohort"])).to_numpy()
    notes = list(data.notes)
    covered = pd.Series(~treated).groupby(panel["time"].to_numpy()).any()
    if not covered.all():
        gone = covered.index[~covered.to_numpy()]
        keep = ~panel["time"].isin(gone).to_numpy()
        panel, treated = panel[keep].reset_index(drop=True), treated[keep]
        notes.append(f"periods {', '.join(map(str, gone))} were dropped: every unit is treated "
                     "by then, so no untreated observation identifies their period effect")
    if not treated.any():
        raise DidError("no treated observation is left once the all-treated periods are "
                       "dropped: did2s needs untreated units in the periods after treatment")
    units = pd.factorize(panel["unit"])[0]
    first = _FirstStage(units, pd.factorize(panel["time"], sort=True)[0], ~treated)
    residualised = first.residualise(panel["y"].to_numpy(dtype=float))
    cohorts, times = panel["cohort"].to_numpy(), panel["time"].to_numpy()

    def fit(labels: np.ndarray, rows: np.ndarray) -> tuple[np.ndarray, TwoStageFit]:
        """Second stage on one dummy per distinct label among `rows`."""
        levels = np.unique(labels[rows], axis=0)
        match = labels[:, None] == levels[None, :] if labels.ndim == 1 else \
            (labels[:, None, :] == levels[None, :, :]).all(axis=2)
        return levels, _second_stage(first, residualised, (match & rows[:, None]).astype(float),
                                     units)

    relative = np.where(np.isnan(cohorts), np.nan, times - cohorts)
    event_rows = np.isfinite(relative) & (relative != -1)
    events, event_fit = fit(np.nan_to_num(relative, nan=-1).astype(int), event_rows)
    _, static = fit(treated.astype(int), treated)
    band = sup_t_from_covariance(event_fit.vcov, level=level, seed=seed)
    event_time = with_band(pd.DataFrame({"event_time": events, "estimate": event_fit.coef,
                                         "std_error": event_fit.std_errors}), band)
    cohort_labels = np.nan_to_num(cohorts, nan=0).astype(int)
    sizes = panel.drop_duplicates("unit")["cohort"].value_counts()

    def aggregate(name: str, levels: np.ndarray, result: TwoStageFit,
                  weights: np.ndarray) -> Aggregation:
        weights = weights / weights.sum()
        return Aggregation(name, float(weights @ result.coef),
                           float(np.sqrt(weights @ result.vcov @ weights)),
                           pd.DataFrame({"level": levels, "estimate": result.coef,
                                         "std_error": result.std_errors}))

    post = events >= 0
    groups, group_fit = fit(cohort_labels, treated)
    periods, calendar_fit = fit(times, treated)
    aggregations = {
        "simple": Aggregation("simple", float(static.coef[0]), float(static.std_errors[0]),
                              pd.DataFrame(columns=["level", "estimate", "std_error"])),
        "group": aggregate("group", groups, group_fit,
                           np.array([sizes[float(g)] for g in groups], dtype=float)),
        "dynamic": aggregate("dynamic", events, event_fit, post.astype(float)),
        "calendar": aggregate("calendar", periods, calendar_fit, np.ones(len(periods))),
    }
    cells, cell_fit = fit(np.column_stack([cohort_labels, times]), treated)
    group_time = pd.DataFrame({"cohort": cells[:, 0], "time": cells[:, 1],
                               "estimate": cell_fit.coef, "std_error": cell_fit.std_errors})
    leads = np.flatnonzero(events < -1)
    pretrend = (_wald(event_fit.coef[leads], event_fit.vcov[np.ix_(leads, leads)],
                      tuple(f"event_time={e}" for e in events[leads])) if len(leads) else None)
    if pretrend is not None:
        design = (np.nan_to_num(relative, nan=-1).astype(int)[:, None] == events[None, :]) \
            & event_rows[:, None]
        pretrend = attach_wild(pretrend, _wild_leads(
            first, panel["y"].to_numpy(dtype=float), design.astype(float), leads, units,
            reps=wild_reps, seed=seed))
    if control == "never":
        notes.append("did2s fits the counterfactual on every untreated observation, never- and "
                     "not-yet-treated alike; the comparison is reported as notyet")
    return EventStudyResult(
        estimator="did2s", outcome=data.outcome, control="notyet", method="two-stage",
        base_period="universal", group_time=group_time, event_time=event_time,
        aggregations=aggregations, pretrend=pretrend, n_units=int(panel["unit"].nunique()),
        periods=(int(times.min()), int(times.max())), cohorts=data.cohorts,
        n_never_treated=int(panel.loc[panel["cohort"].isna(), "unit"].nunique()), level=level,
        notes=tuple(notes), data_hash=data.data_hash, synthetic=synthetic,
        engine="numpy (two-stage normal equations)", band=band_summary(band, "normal"),
        small_cohorts=handled, event_covariance=event_fit.vcov,
        inference="GMM (two-stage), clustered by unit")
