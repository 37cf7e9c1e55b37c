"""The wild cluster bootstrap pre-trend test: same statistic as the analytic Callaway–Sant'Anna
test (R did's), and the right size where the chi-squared p-value over-rejects."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from pairaid.evaluate.did import callaway_santanna, prepare
from pairaid.evaluate.pretrend import wild_pretrend

MPDTA = Path(__file__).parent / "reference" / "did" / "mpdta.csv"


def test_statistic_equals_the_analytic_cs_test_on_mpdta():
    data = prepare(pd.read_csv(MPDTA), outcome="lemp", unit="countyreal", time="year",
                   cohort="first.treat", control="never")
    analytic = callaway_santanna(data).pretrend
    wild = wild_pretrend(data.frame, reps=199, seed=1)
    assert wild.statistic == pytest.approx(analytic.statistic, rel=1e-10)
    assert analytic.statistic == pytest.approx(7.7912366272, rel=1e-9)  # R did 2.3.0
    # R did 2.3.0's vignette "Introduction to DiD with Multiple Time Periods" (did-basics) prints
    # "P-value for pre-test of parallel trends assumption:  0.16812" for this model
    assert analytic.p_value == pytest.approx(0.16812, abs=5e-6)
    assert wild.reps == 199
    # 500 counties: the bootstrap p-value should be near the chi-squared one (its Monte Carlo
    # standard error with 999 draws is 0.012)
    assert wild_pretrend(data.frame, reps=999, seed=1).p_value == pytest.approx(0.16812, abs=0.04)


def _panel(rng, sizes=(3, 5, 7), never=16, periods=range(2008, 2018), cohorts=(2011, 2013, 2015),
           trend=0.0) -> pd.DataFrame:
    """The demo's shape with small cohorts; no pre-trend unless `trend` (per year, treated)."""
    rows = []
    unit = 0
    for size, cohort in [(never, np.nan), *zip(sizes, cohorts)]:
        for _ in range(size):
            a = rng.normal()
            for t in periods:
                drift = trend * (min(t, cohort) - 2008) if cohort == cohort else 0.0
                rows.append((unit, t, cohort, a + 0.1 * (t - 2008) + drift + rng.normal(0, .1)))
            unit += 1
    return pd.DataFrame(rows, columns=["unit", "time", "cohort", "y"])


def test_size_where_the_chi_squared_test_over_rejects():
    """60 null panels: the chi-squared p rejects far more than 5 %, the wild p does not."""
    from scipy import stats

    rng = np.random.default_rng(7)
    chi2_rejects = wild_rejects = 0
    reps = 60
    for _ in range(reps):
        frame = _panel(rng)
        wild = wild_pretrend(frame, reps=99, seed=int(rng.integers(1 << 30)))
        df = 1 + 3 + 5  # cells of cohorts 2011, 2013, 2015 after the first period
        chi2_rejects += stats.chi2.sf(wild.statistic, df) < 0.05
        wild_rejects += wild.p_value < 0.05
    assert chi2_rejects / reps > 0.2
    assert wild_rejects / reps <= 0.12


def test_power_against_a_planted_pre_trend():
    rng = np.random.default_rng(11)
    hits = sum(wild_pretrend(_panel(rng, trend=0.08), reps=99, seed=s).p_value < 0.05
               for s in range(20))
    assert hits >= 16


def test_no_cells_or_no_controls_gives_none():
    rng = np.random.default_rng(3)
    frame = _panel(rng)
    assert wild_pretrend(frame[frame["cohort"].notna()], reps=9) is None
    only_early = _panel(rng, sizes=(4,), cohorts=(2009,), periods=range(2008, 2012))
    assert wild_pretrend(only_early, reps=9) is None
