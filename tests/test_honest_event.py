"""Rambachan–Roth sensitivity on event-study results (`evaluate/honest_event.py`) and the event
path's full covariance (`EventStudyResult.event_covariance`), against R did + R HonestDiD on
mpdta (tests/reference/honestdid/README.md says where each number comes from)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from pairaid.evaluate.did import event_study
from pairaid.evaluate.honest import _bias_coefficients, folded_normal_quantile
from pairaid.evaluate.honest_event import (HonestError, event_inputs, honest_sensitivity,
                                           sd_default_values, with_sensitivity)
from pairaid.evaluate.honest_rm import accepted_rm

REFERENCE = Path(__file__).parent / "reference"
MPDTA = dict(outcome="lemp", unit="countyreal", time="year", cohort="first.treat",
             wild_reps=19)


@pytest.fixture(scope="module")
def mpdta() -> pd.DataFrame:
    return pd.read_csv(REFERENCE / "did" / "mpdta.csv")


@pytest.fixture(scope="module")
def cs_universal(mpdta):
    return event_study(mpdta, base_period="universal", **MPDTA)


@pytest.fixture(scope="module")
def r_honest() -> pd.DataFrame:
    return pd.read_csv(REFERENCE / "honestdid" / "r_honestdid_mpdta.csv")


def test_cs_event_covariance_equals_r_did(cs_universal):
    # R did aggte(type = "dynamic"), V = IF'IF / n² as HonestDiD's honest_did.AGGTEobj forms it
    sigma = pd.read_csv(REFERENCE / "honestdid" / "cs_mpdta_sigma.csv").to_numpy()
    path = pd.read_csv(REFERENCE / "honestdid" / "cs_mpdta_event.csv")
    assert cs_universal.event_time["event_time"].tolist() == path["e"].tolist()
    np.testing.assert_allclose(cs_universal.event_time["estimate"], path["att"], atol=1e-12)
    np.testing.assert_allclose(cs_universal.event_covariance, sigma, rtol=1e-9, atol=1e-15)


@pytest.mark.parametrize("estimator", ["cs", "sa", "twfe", "did2s"])
def test_every_estimator_carries_its_path_covariance(mpdta, estimator):
    result = event_study(mpdta, estimator=estimator, **MPDTA)
    cov = result.event_covariance
    k = len(result.event_time)
    assert cov.shape == (k, k)
    np.testing.assert_allclose(cov, cov.T, atol=1e-15)
    se = result.event_time["std_error"].to_numpy(float)
    finite = np.isfinite(se)
    np.testing.assert_allclose(np.sqrt(np.diag(cov))[finite], se[finite], rtol=1e-10)
    assert (np.abs(cov[np.ix_(finite, finite)] - np.diag(np.diag(cov))[np.ix_(finite, finite)])
            .max() > 0)  # the off-diagonal is there, not just the variances
    payload = result.to_dict()["event_covariance"]
    assert payload["event_time"] == result.event_time["event_time"].tolist()
    assert len(payload["matrix"]) == k
    if estimator != "cs":  # the regression estimators have no varying base: sensitivity runs
        found = honest_sensitivity(result, "sd", [0.0, 0.01], breakdown=False)
        assert found.intervals[1].high - found.intervals[1].low > \
            found.intervals[0].high - found.intervals[0].low


def test_relative_magnitudes_equal_honestdid_conditional(cs_universal, r_honest):
    # deterministic ARP conditional sets (no simulated critical value): the same grid points
    beta, sigma, pre, post, l_vec = event_inputs(cs_universal, "rm", 0)
    assert pre == (-4, -3, -2) and post == (0, 1, 2, 3)
    for row in r_honest[r_honest["method"] == "Conditional"].itertuples():
        grid = np.linspace(row.grid_lb, row.grid_ub, int(row.grid_points))
        grid, accepted = accepted_rm(beta, sigma, 3, 4, row.M, l_vec, 0.05, "ARP", grid=grid)
        assert abs(grid[accepted].min() - row.lb) < 1e-12
        assert abs(grid[accepted].max() - row.ub) < 1e-12


def test_smoothness_equals_honestdid_flci(cs_universal, r_honest):
    rows = r_honest[r_honest["method"] == "FLCI"]
    found = honest_sensitivity(cs_universal, "sd", rows["M"].to_numpy(), breakdown=False)
    beta, sigma, *_ = event_inputs(cs_universal, "sd", 0)
    original = r_honest[r_honest["method"] == "Original"].iloc[0]
    assert found.original == pytest.approx((original.lb, original.ub), abs=1e-12)
    a, a0 = _bias_coefficients(3, np.eye(4)[0])
    for ours, row in zip(found.intervals, rows.itertuples()):
        half = (ours.high - ours.low) / 2
        # R's quantile is simulated (10^6 draws): half-lengths agree to 0.2 %
        assert half == pytest.approx(row.flci_halflength, rel=2e-3)
        # and ours is never longer than R's own weights under the exact criterion
        weights = np.array([float(v) for v in row.flci_vec.split(";")])
        sd = float(np.sqrt(weights @ sigma @ weights))
        bias = row.M * np.abs(a @ weights[:3][::-1] + a0).sum()
        assert half <= folded_normal_quantile(bias / sd, 0.05) * sd + 1e-10
        assert ours.low == pytest.approx(row.lb, abs=0.02 * (row.ub - row.lb))
        assert ours.high == pytest.approx(row.ub, abs=0.02 * (row.ub - row.lb))


def test_varying_base_period_is_refused(mpdta):
    result = event_study(mpdta, **MPDTA)
    with pytest.raises(HonestError, match="universal base period"):
        honest_sensitivity(result, "rm")


def test_planted_effect_breakdown(cs_universal):
    # a path with no pre-trend and a clear effect at 0: significant under exact parallel trends
    # (M = 0), lost once the slope may change by more than the breakdown M
    from dataclasses import replace

    result = cs_universal
    planted = result.event_time.assign(estimate=np.where(result.event_time["event_time"] >= 0,
                                                         0.1, 0.0))
    shifted = with_sensitivity(replace(result, event_time=planted), ("sd",), [0.0, 0.2])
    found = shifted.sensitivity[0]
    assert found.intervals[0].excludes_zero and not found.intervals[1].excludes_zero
    assert 0 < found.breakdown < 0.2
    from pairaid.evaluate.honest import flci_sd

    beta, sigma, *_ = event_inputs(shifted, "sd", 0)
    assert flci_sd(beta, sigma, 3, 4, found.breakdown).low > 0
    assert flci_sd(beta, sigma, 3, 4, found.breakdown * 1.01).low < 0
    assert shifted.to_dict()["sensitivity"][0]["breakdown"] == pytest.approx(found.breakdown)
    assert "breakdown M:" in found.summary
    rm = honest_sensitivity(shifted, "rm", [0.0, 1.0], breakdown=False)
    assert rm.intervals[0].excludes_zero and rm.intervals[1].low < rm.intervals[0].low


def test_sd_default_grid_is_honestdid_upper_bound(cs_universal):
    beta, sigma, pre, *_ = event_inputs(cs_universal, "sd", 0)
    values = sd_default_values(beta, sigma, len(pre))
    assert len(values) == 10 and values[0] == 0
    # the largest second difference of (β_-4, β_-3, β_-2, 0) plus z_0.95 of its se
    second = np.array([[1, -2, 1, 0], [0, 1, -2, 1]], dtype=float)
    pre_path = np.append(beta[:3], 0.0)
    cov = np.zeros((4, 4))
    cov[:3, :3] = sigma[:3, :3]
    se = np.sqrt(np.diag(second @ cov @ second.T))
    expected = max(np.max(second @ pre_path + 1.6448536269514722 * se),
                   np.max(-second @ pre_path + 1.6448536269514722 * se))
    assert values[-1] == pytest.approx(expected)


@pytest.mark.parametrize("bootstrap", [0, 99])
def test_cs_covariance_keeps_the_reported_standard_errors(mpdta, bootstrap):
    # one-unit 2004 cohort (conservative variance added) and the multiplier bootstrap: the
    # covariance's diagonal is still the reported std_error²
    first = mpdta.loc[mpdta["first.treat"] == 2004, "countyreal"].min()
    cut = mpdta[(mpdta["first.treat"] != 2004) | (mpdta["countyreal"] == first)]
    result = event_study(cut, base_period="universal", bootstrap=bootstrap, **MPDTA)
    se = result.event_time["std_error"].to_numpy(float)
    finite = np.isfinite(se)
    np.testing.assert_allclose(np.sqrt(np.diag(result.event_covariance))[finite], se[finite],
                               rtol=1e-10)


def test_more_lags_than_honestdid_takes_are_named_in_a_note():
    # kills honest_event.x_honest_sensitivity__mutmut_186 (the note's first lag read as post[1]):
    # a cohort treated in 2003 of 2000-2009 has lags 0-6; the first four are used
    rng = np.random.default_rng(5)
    units = np.repeat(np.arange(40), 10)
    years = np.tile(np.arange(2000, 2010), 40)
    cohort = np.where(units < 20, 2003, 0)
    frame = pd.DataFrame({"unit": units, "year": years, "cohort": cohort,
                          "y": rng.normal(size=400) + 0.5 * ((cohort > 0) & (years >= 2003))})
    result = event_study(frame, outcome="y", unit="unit", time="year", cohort="cohort",
                         base_period="universal", wild_reps=19)
    found = honest_sensitivity(result, "sd", [0.0], breakdown=False)
    assert found.notes == ("lags 0…3 of 7 kept: HonestDiD's linear programmes grow "
                           "combinatorially with the periods",)
