"""The simultaneous (sup-t) band on the event path equals R did's on mpdta (README printout,
tests/reference/did/README.md) to the precision of R's 1,000 bootstrap draws."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from pairaid.evaluate.bands import sup_t_band, sup_t_from_covariance
from pairaid.evaluate.did import event_study

REFERENCE = Path(__file__).parent / "reference" / "did"


@pytest.fixture(scope="module")
def mpdta_reg():
    return event_study(pd.read_csv(REFERENCE / "mpdta.csv"), outcome="lemp", unit="countyreal",
                       time="year", cohort="first.treat", method="reg", seed=1, wild_reps=99)


def test_band_equals_r_did_on_mpdta(mpdta_reg):
    from differences import ATTgt  # the engine's influence functions, many more draws

    r = pd.read_csv(REFERENCE / "r_did_dynamic_cband.csv")
    frame = pd.read_csv(REFERENCE / "mpdta.csv").rename(
        columns={"countyreal": "unit", "year": "time", "first.treat": "cohort"})
    frame["cohort"] = frame["cohort"].where(frame["cohort"] != 0)
    model = ATTgt(data=frame.set_index(["unit", "time"]), cohort_column="cohort")
    model.fit(formula="lemp", est_method="reg", control_group="never_treated",
              progress_bar=False)
    model.aggregate("event")
    events = model._result_dict["full_sample"]["aggregate_inst"].event
    band = sup_t_band(np.column_stack([e.influence_func for e in events]), reps=20_000, seed=1)
    estimates = np.array([e.ATT for e in events])
    low, high = band.bounds(estimates)
    half_r = (r["band_high"] - r["band_low"]).to_numpy() / 2
    np.testing.assert_allclose(estimates, r["estimate"], atol=5e-5)
    np.testing.assert_allclose(band.std_errors, r["std_error"], rtol=0.10)
    tolerance = 0.10 * half_r + 5e-5
    assert (np.abs(low - r["band_low"].to_numpy()) <= tolerance).all(), (low, r["band_low"])
    assert (np.abs(high - r["band_high"].to_numpy()) <= tolerance).all(), (high, r["band_high"])
    # R's critical value, from its printed band: about 2.53
    assert band.critical_value == pytest.approx(np.median(half_r / r["std_error"]), rel=0.05)


def test_result_carries_the_band(mpdta_reg):
    path = mpdta_reg.event_path()
    assert {"band_low", "band_high"} <= set(path.columns)
    assert (path["band_low"] < path["conf_low"]).all()      # wider than pointwise
    assert (path["band_high"] > path["conf_high"]).all()
    payload = mpdta_reg.to_dict()
    assert payload["band"]["critical_value"] > 1.96 and payload["band"]["draws"] == 1000
    assert "band_low" in payload["event_time"][0]


def test_band_from_covariance_covers_jointly():
    """Independent estimates: the sup-t critical value of k = 8 is the Šidák one."""
    band = sup_t_from_covariance(np.eye(8) * 4.0, reps=200_000, seed=3)
    from scipy import stats
    sidak = stats.norm.ppf(0.5 + 0.95 ** (1 / 8) / 2)
    assert band.critical_value == pytest.approx(sidak, abs=0.01)
    np.testing.assert_allclose(band.std_errors, 2.0)


@pytest.mark.parametrize("estimator", ["sa", "twfe", "did2s"])
def test_every_estimator_has_a_band(estimator):
    result = event_study(pd.read_csv(REFERENCE / "mpdta.csv"), outcome="lemp",
                         unit="countyreal", time="year", cohort="first.treat",
                         estimator=estimator, wild_reps=49)
    path = result.event_path()
    assert (path["band_high"] - path["band_low"] > path["conf_high"] - path["conf_low"]).all()
    assert result.band["critical_value"] > 1.96


def test_sup_t_band_of_influence_without_spread_is_undefined_not_an_error():
    # kills evaluate.bands.x_sup_t_band__mutmut_83 (np.full without its NaN: a TypeError): with
    # every influence value 0 no event time has a bootstrap spread, so no standard error and no
    # critical value can be formed
    band = sup_t_band(np.zeros((30, 3)), reps=200, seed=4)
    assert np.isnan(band.std_errors).all() and band.std_errors.shape == (3,)
    assert math.isnan(band.critical_value)
    assert (band.reps, band.seed, band.level) == (200, 4, 0.95)
