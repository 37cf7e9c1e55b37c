"""The reported pre-trend tests (wild cluster bootstrap, `pairaid.evaluate.pretrend` and
`pretrend_regression`): the same statistic as the analytic test, the right size where the
chi-squared p-value over-rejects, power against a planted pre-trend. A small Monte Carlo on the
demo's design; bench/pretrend_size.py runs the large one through every estimator and
bench/pretrend_size_cs.py through every Callaway–Sant'Anna variant (2,000 panels)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from pairaid.evaluate.did import event_study
from pairaid.evaluate.pretrend import influence_pretrend
from pairaid.evaluate.pretrend_regression import sun_abraham_wild, wild_twoway
from pretrend_design import cs_pre_cells, demo_design_panel

MPDTA = Path(__file__).parent / "reference" / "did" / "mpdta.csv"


def test_cs_reports_the_wild_p_and_keeps_r_dids_statistic():
    result = event_study(pd.read_csv(MPDTA), outcome="lemp", unit="countyreal", time="year",
                         cohort="first.treat", wild_reps=199, seed=1)
    test = result.pretrend
    assert test.statistic == pytest.approx(7.7912366272, rel=1e-9)  # R did 2.3.0
    # R did 2.3.0's vignette "Introduction to DiD with Multiple Time Periods" (did-basics) prints
    # "P-value for pre-test of parallel trends assumption:  0.16812" for this model
    assert test.p_value == pytest.approx(0.16812, abs=5e-6)
    assert test.p_value_wild is not None and test.p_value_reported == test.p_value_wild
    assert test.wild_reps == 199 and test.wild_left_out == ()
    payload = result.to_dict()["pretrend_test"]
    assert payload["reported"] == "wild_bootstrap" and "over-rejects" in payload["p_value_label"]
    assert f"p = {test.p_value_wild:.3g}" in result.interpretation


def _cs_cells(frame: pd.DataFrame):
    """Pre-period ATT(g, t) of CS (never-treated comparison, varying base) and their influence
    functions, by hand: a difference of mean changes."""
    wide = frame.pivot(index="unit", columns="year", values="y")
    cohort = frame.groupby("unit")["first_paired_year"].first().reindex(wide.index).to_numpy()
    changes = np.diff(wide.to_numpy(), axis=1)
    years = wide.columns.to_numpy()[1:]
    never = cohort == 0
    n = len(cohort)
    psi, theta, members, terms = [], [], [], []
    for g in np.unique(cohort[~never]):
        for k, t in enumerate(years):
            if t >= g:
                break
            d = changes[:, k]
            mine = cohort == g
            theta.append(d[mine].mean() - d[never].mean())
            psi.append(np.where(mine, n / mine.sum() * (d - d[mine].mean()), 0)
                       - np.where(never, n / never.sum() * (d - d[never].mean()), 0))
            members.append(mine)
            terms.append(f"ATT(g={g}, t={t})")
    return np.array(psi).T, np.array(theta), np.array(members).T, tuple(terms)


def test_bootstrap_statistic_is_the_wald_statistic_of_the_kept_cells():
    frame = demo_design_panel(np.random.default_rng(2))
    psi, theta, members, terms = _cs_cells(frame)
    wild = influence_pretrend(psi, theta, members, terms, reps=99, seed=0)
    kept = members.sum(0) >= 2
    V = psi[:, kept].T @ psi[:, kept] / len(psi) ** 2
    assert wild.statistic == pytest.approx(theta[kept] @ np.linalg.solve(V, theta[kept]))
    # the one-unit cohorts 2012 and 2014 (3 + 5 cells) are left out, and named
    assert len(wild.left_out) == 8 and all("g=2012" in t or "g=2014" in t for t in wild.left_out)


def _twoway_inputs(frame: pd.DataFrame):
    frame = frame.sort_values(["unit", "year"])
    cohort = frame["first_paired_year"].replace(0, np.nan).to_numpy(float)
    return cohort, frame["year"].to_numpy(float), frame["y"].to_numpy(float)


def _twfe_leads(cohort, time, y, reps, seed):
    relative = time - cohort
    events = np.array(sorted(set(relative[np.isfinite(relative)]) - {-1}))
    X = (relative[:, None] == events[None, :]).astype(float)
    return wild_twoway(y, X, len(y) // 17, 17, np.flatnonzero(events < -1), reps=reps, seed=seed)


def test_size_on_the_demo_design():
    """30 null panels: the analytic test of CS rejects nearly always (one-unit cohorts), the
    bootstraps of CS, Sun–Abraham and TWFE about 5 % (at most 5 of 30 allowed here: P < 0.02
    at a true 5 %; bench/pretrend_size.py runs 400 panels through every estimator)."""
    rng = np.random.default_rng(7)
    panels, rejects, chi2 = 30, {"cs": 0, "sa": 0, "twfe": 0}, {"cs": 0}
    for i in range(panels):
        frame = demo_design_panel(rng)
        psi, theta, members, terms = _cs_cells(frame)
        V = psi.T @ psi / len(psi) ** 2
        chi2["cs"] += stats.chi2.sf(theta @ np.linalg.pinv(V) @ theta,
                                    np.linalg.matrix_rank(V)) < 0.05
        rejects["cs"] += influence_pretrend(psi, theta, members, terms, reps=49,
                                            seed=i).p_value < 0.05
        cohort, time, y = _twoway_inputs(frame)
        sizes = pd.Series(cohort[::17]).value_counts().to_dict()
        rejects["sa"] += sun_abraham_wild(cohort, time, y, len(y) // 17, 17, sizes, reps=49,
                                          seed=i).p_value < 0.05
        rejects["twfe"] += _twfe_leads(cohort, time, y, 49, i).p_value < 0.05
    assert chi2["cs"] / panels > 0.5
    for name, count in rejects.items():
        assert count <= 5, (name, count)


def test_power_against_a_planted_pre_trend():
    rng = np.random.default_rng(11)
    hits = {"cs": 0, "twfe": 0}
    for i in range(10):
        frame = demo_design_panel(rng, trend=0.05)
        psi, theta, members, terms = _cs_cells(frame)
        hits["cs"] += influence_pretrend(psi, theta, members, terms, reps=99,
                                         seed=i).p_value < 0.05
        hits["twfe"] += _twfe_leads(*_twoway_inputs(frame), 99, i).p_value < 0.05
    assert hits["cs"] >= 8 and hits["twfe"] >= 8, hits


def test_no_cell_of_a_cohort_of_two_gives_none():
    frame = demo_design_panel(np.random.default_rng(3), cohorts=((0, 16), (2012, 1)))
    psi, theta, members, terms = _cs_cells(frame)
    assert influence_pretrend(psi, theta, members, terms, reps=9) is None


@pytest.mark.parametrize("estimator", ["cs", "twfe", "did2s"])
def test_every_estimator_reports_the_wild_p(estimator):
    frame = demo_design_panel(np.random.default_rng(4))
    result = event_study(frame, outcome="y", estimator=estimator, wild_reps=49, seed=2)
    test = result.pretrend
    assert test.p_value_wild is not None and test.p_value_reported == test.p_value_wild
    assert "wild cluster bootstrap" in result.summary
    if estimator == "cs":  # one-unit cohorts' cells: analytic test keeps them, bootstrap not
        assert test.p_value < 1e-10 and len(test.wild_left_out) == 8


#: Callaway–Sant'Anna variants: (comparison group, with the covariate x)
CS_VARIANTS = [("never", False), ("notyet", False), ("never", True), ("notyet", True)]


@pytest.mark.parametrize("control, covariate", CS_VARIANTS)
def test_the_monte_carlo_oracle_gives_event_studys_test(control, covariate):
    """The hand-computed cells of tests/pretrend_design.py, which the size Monte Carlos (here
    and bench/pretrend_size_cs.py) run, give the p-value event_study reports through the
    engine: the same influence functions, the same draws."""
    frame = demo_design_panel(np.random.default_rng(3))
    psi, theta, members = cs_pre_cells(frame, control, covariate)
    wild = influence_pretrend(psi, theta, members, tuple(map(str, range(len(theta)))), reps=99,
                              seed=4)
    test = event_study(frame, outcome="y", control=control, covariates="x" if covariate else (),
                       wild_reps=99, seed=4).pretrend
    if covariate:  # the engine's logit stops at its tolerance: ψ equal to ~1e-7
        assert test.p_value_wild == pytest.approx(wild.p_value, abs=0.011)
    else:
        assert test.p_value_wild == wild.p_value
        V = psi.T @ psi / len(psi) ** 2  # every cell, the one-unit cohorts' too
        assert test.statistic == pytest.approx(theta @ np.linalg.pinv(V) @ theta, rel=1e-8)


def test_size_of_every_cs_variant():
    """60 null panels through the reported test of each CS variant (99 draws): no more than 8
    rejections at 5 % (P = 0.003 at a true 5 %) and p-values centred on 1/2 as a uniform's
    (|mean − 0.5| < 0.12, 3.2 standard errors) — an over-rejecting test such as the
    chi-squared on the same cells (20–30 of 60 rejections, mean p 0.21–0.28 here) fails, and so
    does a test whose p-values are pushed up (mean above 0.62).
    The size to three decimals is bench/pretrend_size_cs.py's (docs/benchmarks.md)."""
    rng = np.random.default_rng(17)
    p_values = {v: [] for v in CS_VARIANTS}
    for i in range(60):
        frame = demo_design_panel(rng)
        for variant in CS_VARIANTS:
            psi, theta, members = cs_pre_cells(frame, *variant)
            p_values[variant].append(influence_pretrend(
                psi, theta, members, tuple(map(str, range(len(theta)))), reps=99,
                seed=i).p_value)
    for variant, found in p_values.items():
        found = np.array(found)
        assert (found < 0.05).sum() <= 8, (variant, (found < 0.05).sum())
        assert abs(found.mean() - 0.5) < 0.12, (variant, found.mean())


def test_webb_weights_are_an_option_beside_rademachers():
    """The six-point weights bench/pretrend_size_alternatives.py measures: the same statistic,
    other draws (so another p), and an unknown name is refused."""
    frame = demo_design_panel(np.random.default_rng(2))
    psi, theta, members, terms = _cs_cells(frame)
    rademacher = influence_pretrend(psi, theta, members, terms, reps=199, seed=0)
    webb = influence_pretrend(psi, theta, members, terms, reps=199, seed=0, weights="webb")
    assert webb.statistic == rademacher.statistic and webb.p_value != rademacher.p_value
    with pytest.raises(ValueError, match="rademacher"):
        influence_pretrend(psi, theta, members, terms, reps=9, weights="mammen")
