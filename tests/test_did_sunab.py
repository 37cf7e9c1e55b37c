"""Sun–Abraham (`--estimator sa`) against R fixest's `sunab()` on `mpdta`.

R call (fixest 0.14.2, R 4.6.1), recorded with 17 significant digits:

    feols(lemp ~ sunab(first_treat, year) | countyreal + year, data = mpdta,
          cluster = ~countyreal)

Event-time coefficients and SEs, `summary(sa, agg = "ATT")`, the 12 cohort × event-time
coefficients (`summary(sa, agg = FALSE)`) and their 12 × 12 clustered covariance (`vcov(sa)`).
Numbers and sources: reference/did/README.md, section "Sun–Abraham against R fixest".
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose

from pairaid.evaluate.did import DidError, event_study, sun_abraham

REFERENCE = Path(__file__).parent / "reference" / "did"
RTOL = 1e-9  # R's numbers have 17 significant digits; ours agree to about 1e-12
SIZES = {2004: 20, 2006: 40, 2007: 131}  # counties per cohort in mpdta


@pytest.fixture(scope="module")
def mpdta() -> pd.DataFrame:
    return pd.read_csv(REFERENCE / "mpdta.csv")


@pytest.fixture(scope="module")
def result(mpdta):
    return sun_abraham(mpdta, outcome="lemp", unit="countyreal", time="year",
                       cohort="first.treat")


@pytest.fixture(scope="module")
def r_events() -> pd.DataFrame:
    return pd.read_csv(REFERENCE / "sunab_mpdta_r.csv", dtype={"term": str})


@pytest.fixture(scope="module")
def r_cells() -> pd.DataFrame:
    """R's cohort × event-time coefficients, keyed (cohort, calendar time), in vcov order."""
    cells = pd.read_csv(REFERENCE / "sunab_mpdta_r_cohort.csv")
    parts = cells["term"].str.extract(r"^year__(-?\d+)_cohort__(\d+)$").astype(int)
    cells["event_time"], cells["cohort"] = parts[0], parts[1]
    cells["time"] = cells["cohort"] + cells["event_time"]
    return cells


@pytest.fixture(scope="module")
def r_vcov(r_cells) -> np.ndarray:
    table = pd.read_csv(REFERENCE / "sunab_mpdta_r_vcov.csv", index_col=0)
    order = [f"{e}:cohort::{g}" for e, g in r_cells[["event_time", "cohort"]]
             .itertuples(index=False)]
    assert list(table.index) == order  # same cells, same order as the coefficient file
    assert list(table.columns) == [f"e{name}" for name in order]
    return table.to_numpy()


def test_event_time_coefficients_and_ses_match_fixest(result, r_events):
    expected = r_events[r_events["term"] != "ATT"].assign(
        event_time=lambda d: d["term"].astype(int)).set_index("event_time")
    ours = result.event_time.set_index("event_time")
    assert list(ours.index) == [-4, -3, -2, 0, 1, 2, 3]  # -1 is the reference, as in fixest
    assert list(ours.index) == list(expected.index)
    assert_allclose(ours["estimate"], expected["estimate"], rtol=RTOL, atol=0)
    assert_allclose(ours["std_error"], expected["se"], rtol=RTOL, atol=0)


def test_overall_att_matches_fixest_agg_att(result, r_events):
    """fixest's agg = "ATT" weights the post-treatment cells by their share of treated
    observations: our 'simple' aggregation."""
    att = r_events.set_index("term").loc["ATT"]
    assert_allclose(result.aggregations["simple"].estimate, att["estimate"], rtol=RTOL, atol=0)
    assert_allclose(result.aggregations["simple"].std_error, att["se"], rtol=RTOL, atol=0)
    assert result.att == result.aggregations["simple"].estimate


def test_cohort_event_time_cells_match_fixest(result, r_cells):
    ours = result.group_time.set_index(["cohort", "time"])
    expected = r_cells.set_index(["cohort", "time"])
    assert sorted(ours.index) == sorted(expected.index)  # same 12 occupied cells
    ours = ours.loc[expected.index]
    assert_allclose(ours["estimate"], expected["estimate"], rtol=RTOL, atol=0)
    assert_allclose(ours["std_error"], expected["se"], rtol=RTOL, atol=0)


def test_pretrend_wald_uses_fixests_covariance(result, r_cells, r_vcov):
    """The joint test of the five pre-treatment cells, recomputed from R's estimates and
    R's full covariance block (off-diagonal terms included)."""
    pre = np.flatnonzero(r_cells["event_time"].to_numpy() < -1)
    beta = r_cells["estimate"].to_numpy()[pre]
    statistic = beta @ np.linalg.solve(r_vcov[np.ix_(pre, pre)], beta)
    assert result.pretrend.df == 5
    assert_allclose(result.pretrend.statistic, statistic, rtol=RTOL, atol=0)


def _weights(cells: pd.DataFrame, chosen: np.ndarray) -> np.ndarray:
    w = np.where(chosen, cells["cohort"].map(SIZES).to_numpy(dtype=float), 0.0)
    return w / w.sum()


def _levels(cells: pd.DataFrame, by: str, chosen: np.ndarray) -> dict[int, np.ndarray]:
    return {int(v): _weights(cells, chosen & (cells[by] == v).to_numpy())
            for v in sorted(cells.loc[chosen, by].unique())}


def test_every_aggregation_equals_weights_applied_to_fixests_cells(result, r_cells, r_vcov):
    """Group, dynamic and calendar levels and overall figures (R did's definitions, cohort
    sizes as weights) recomputed from R fixest's 12 cells and 12 × 12 covariance: checks that
    every SE we report uses the right covariance terms."""
    beta = r_cells["estimate"].to_numpy()
    post = (r_cells["event_time"] >= 0).to_numpy()
    every = np.ones(len(r_cells), dtype=bool)
    levels = {"group": _levels(r_cells, "cohort", post),
              "dynamic": _levels(r_cells, "event_time", every),
              "calendar": _levels(r_cells, "time", post)}
    overall = {
        "simple": _weights(r_cells, post),
        "group": sum(SIZES[g] * w for g, w in levels["group"].items())
        / sum(SIZES[g] for g in levels["group"]),
        "dynamic": np.mean([w for e, w in levels["dynamic"].items() if e >= 0], axis=0),
        "calendar": np.mean(list(levels["calendar"].values()), axis=0),
    }
    for name, w in overall.items():
        agg = result.aggregations[name]
        assert_allclose(agg.estimate, w @ beta, rtol=RTOL, atol=0, err_msg=name)
        assert_allclose(agg.std_error, np.sqrt(w @ r_vcov @ w), rtol=RTOL, atol=0, err_msg=name)
    for name, by_level in levels.items():
        detail = result.aggregations[name].detail.set_index("level")
        assert list(detail.index) == list(by_level), name
        for level, w in by_level.items():
            assert_allclose(detail.loc[level, "estimate"], w @ beta, rtol=RTOL, atol=0,
                            err_msg=f"{name} {level}")
            assert_allclose(detail.loc[level, "std_error"], np.sqrt(w @ r_vcov @ w), rtol=RTOL,
                            atol=0, err_msg=f"{name} {level}")


def test_event_study_entry_point_gives_the_same_numbers(mpdta, result):
    via = event_study(mpdta, outcome="lemp", estimator="sa", unit="countyreal", time="year",
                      cohort="first.treat")
    pd.testing.assert_frame_equal(via.event_time, result.event_time)
    pd.testing.assert_frame_equal(via.group_time, result.group_time)


def test_never_treated_coding(mpdta, result):
    """fixest takes any cohort outside the observed periods as never treated (0 here, 10000
    in its own examples). We take 0 or empty; a cohort outside the time range is refused,
    not silently turned into a control (it could equally be an always-treated unit)."""
    empty = mpdta.assign(**{"first.treat": mpdta["first.treat"].replace(0, np.nan)})
    again = sun_abraham(empty, outcome="lemp", unit="countyreal", time="year",
                        cohort="first.treat")
    pd.testing.assert_frame_equal(again.event_time, result.event_time)
    fixest_style = mpdta.assign(**{"first.treat": mpdta["first.treat"].replace(0, 10000)})
    with pytest.raises(DidError, match="outside the time range.*0 or empty means never"):
        sun_abraham(fixest_style, outcome="lemp", unit="countyreal", time="year",
                    cohort="first.treat")
