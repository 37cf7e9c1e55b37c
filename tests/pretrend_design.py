"""The demo's design for pre-trend Monte Carlos: 16 never-treated counties and cohorts of 60, 1,
7, 1 and 15 starting 2011–2015, observed 2008–2024 — the demo ledger's county panel before its
missing outcomes thin it (`pairaid demo`, first_paired_year). Outcome: unit effect + common
period effect + noise, a constant treatment effect after the start, and no pre-trend unless
`trend` (per year before treatment, treated units only) is given. Shared by
tests/test_pretrend.py, bench/pretrend_size.py and bench/pretrend_size_cs.py, with
`cs_pre_cells`: Callaway–Sant'Anna's pre-period cells and influence functions by hand, the
oracle the Monte Carlos use (equal to the engine's: tests/test_pretrend.py)."""

from __future__ import annotations

import numpy as np
import pandas as pd

#: (first treated year, units); 0 = never treated
DEMO_COHORTS = ((0, 16), (2011, 60), (2012, 1), (2013, 7), (2014, 1), (2015, 15))
DEMO_YEARS = tuple(range(2008, 2025))


def demo_design_panel(rng: np.random.Generator, *, trend: float = 0.0, effect: float = 0.05,
                      cohorts=DEMO_COHORTS, years=DEMO_YEARS, noise: float = 0.1) -> pd.DataFrame:
    """One panel ``unit, year, first_paired_year (0 = never), y, x`` (x: a unit covariate that
    does not matter)."""
    years = np.asarray(years)
    period_effect = 0.02 * (years - years[0]) + rng.normal(0, noise, len(years))
    frames = []
    unit = 0
    for start, size in cohorts:
        ids = np.arange(unit, unit + size)
        unit += size
        level = rng.normal(0, 1, size)
        y = level[:, None] + period_effect[None, :] + rng.normal(0, noise, (size, len(years)))
        if start:
            y += effect * (years >= start)[None, :]
            y += trend * (np.minimum(years, start) - years[0])[None, :]
        frames.append(pd.DataFrame({
            "unit": np.repeat(ids, len(years)), "year": np.tile(years, size),
            "first_paired_year": start, "y": y.ravel(),
            "x": np.repeat(rng.normal(0, 1, size), len(years))}))
    return pd.concat(frames, ignore_index=True)


def _logit(x: np.ndarray, d: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Fitted probabilities and (X'WX)⁻¹ of a logit by Newton's method (R's glm)."""
    b = np.zeros(x.shape[1])
    for _ in range(100):
        p = 1 / (1 + np.exp(-x @ b))
        step = np.linalg.solve(x.T @ ((p * (1 - p))[:, None] * x), x.T @ (d - p))
        b += step
        if np.abs(step).max() < 1e-12:
            break
    p = 1 / (1 + np.exp(-x @ b))
    return p, np.linalg.inv(x.T @ ((p * (1 - p))[:, None] * x))


def drdid_panel(dy: np.ndarray, d: np.ndarray, x: np.ndarray) -> tuple[float, np.ndarray]:
    """ATT and influence function of R DRDID's ``drdid_panel`` (unit weights)."""
    n = len(d)
    ps, vcov = _logit(x, d)
    ps = np.minimum(ps, 1 - 1e-6)
    control = d == 0
    out = x @ np.linalg.lstsq(x[control], dy[control], rcond=None)[0]
    w_t, w_c = d, ps * (1 - d) / (1 - ps)
    att_t, att_c = w_t * (dy - out), w_c * (dy - out)
    eta_t, eta_c = att_t.mean() / w_t.mean(), att_c.mean() / w_c.mean()
    bread = np.linalg.inv(((1 - d)[:, None] * x).T @ x / n)
    lin_ols = ((1 - d) * (dy - out))[:, None] * x @ bread
    lin_ps = ((d - ps)[:, None] * x) @ (vcov * n)
    inf_t = ((att_t - w_t * eta_t) - lin_ols @ (w_t[:, None] * x).mean(0)) / w_t.mean()
    inf_c = ((att_c - w_c * eta_c) + lin_ps @ ((w_c * (dy - out - eta_c))[:, None] * x).mean(0)
             - lin_ols @ (w_c[:, None] * x).mean(0)) / w_c.mean()
    return eta_t - eta_c, inf_t - inf_c


def cs_pre_cells(frame, control: str, covariate: bool):
    """(influence n × L, estimates L, members n × L) of the pre-period ATT(g, t), varying base,
    never- or not-yet-treated comparison, with or without the covariate x (doubly robust). With
    x, a one-unit cohort's cells are zeros here (its logit separates; the bootstrap leaves them
    out)."""
    wide = frame.pivot(index="unit", columns="year", values="y")
    first = frame.groupby("unit").first().reindex(wide.index)
    cohort, x = first["first_paired_year"].to_numpy(), first["x"].to_numpy()
    changes, years = np.diff(wide.to_numpy(), axis=1), wide.columns.to_numpy()[1:]
    never, n = cohort == 0, len(cohort)
    psi, theta, members = [], [], []
    for g in np.unique(cohort[~never]):
        for k, t in enumerate(years[years < g]):
            mine = cohort == g
            comparison = never if control == "never" else never | ((cohort > t) & (cohort != g))
            cell = mine | comparison
            full = np.zeros(n)
            if covariate and mine.sum() < 2:  # the logit separates; the bootstrap leaves it out
                att = 0.0
            elif covariate:
                design = np.column_stack([np.ones(cell.sum()), x[cell]])
                att, inf = drdid_panel(changes[cell, k], mine[cell].astype(float), design)
                full[cell] = n / cell.sum() * inf
            else:
                d = changes[:, k]
                att = d[mine].mean() - d[comparison].mean()
                full = (np.where(mine, n / mine.sum() * (d - d[mine].mean()), 0)
                        - np.where(comparison, n / comparison.sum() * (d - d[comparison].mean()),
                                   0))
            psi.append(full), theta.append(att), members.append(mine)
    return np.array(psi).T, np.array(theta), np.array(members).T
