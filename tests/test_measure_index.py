"""The pipeline: imputation, outliers, goalposts, hierarchy, results, ledger, Monte Carlo."""

from __future__ import annotations

import json
from dataclasses import FrozenInstanceError, replace

import numpy as np
import pandas as pd
import pytest

from pairaid.measure import (
    build_index, index_from_ledger, load_spec, sensitivity, spec_from_dict, write_index,
)
from pairaid.measure.impute import impute, kurtosis, skewness, treat_outliers
from pairaid.measure.spec import IndexDataError, IndexSpecError, OutlierSpec


def grid(values: dict, units=("a", "b", "c"), years=(2000, 2001, 2002)) -> pd.DataFrame:
    frame = pd.DataFrame({"unit": np.repeat(units, len(years)),
                          "year": np.tile(years, len(units))})
    for k, v in values.items():
        frame[k] = v
    return frame


def spec(**sections) -> object:
    base = {"name": "t", "indicators": [{"code": "x", "pillar": "p"},
                                        {"code": "y", "direction": "-", "pillar": "q"}]}
    return spec_from_dict({**base, **sections})


def test_interpolation_is_linear_in_time_and_never_extrapolates():
    values = np.array([[1.0], [np.nan], [np.nan], [7.0], [np.nan]])
    rows = np.ones(5, dtype=bool)
    out = impute(values, 5, np.array([2000, 2001, 2003, 2004, 2005]), "interpolate", rows)
    # 2001 and 2003 between 2000 (1) and 2004 (7): weights from the actual years
    np.testing.assert_allclose(out[:, 0], [1, 2.5, 5.5, 7, np.nan])
    means = impute(values, 5, np.arange(5), "unit_mean", rows)
    np.testing.assert_allclose(means[:, 0], [1, 4, 4, 7, 4])
    # a unit-year outside `rows` (no indicator observed) is never filled
    rows[1] = False
    assert np.isnan(impute(values, 5, np.arange(5), "unit_mean", rows)[1, 0])


def test_missing_treatments_in_the_index():
    x = [1.0, np.nan, 3.0, 2.0, 2.5, 3.0, 5.0, 4.0, 3.0]
    y = [1.0, 2.0, 3.0, 3.0, 2.0, 1.0, 2.0, 2.0, 2.0]
    frame = grid({"x": x, "y": y})
    none = build_index(frame, spec(missing={"method": "none"})).table
    assert np.isnan(none.loc[1, "score"]) and np.isnan(none.loc[1, "rank"])
    drop = build_index(frame, spec(missing={"method": "drop"})).table
    # drop and re-weight: the unit-year is scored on its social pillar alone
    assert drop.loc[1, "score"] == pytest.approx(drop.loc[1, "q"])
    inter = build_index(frame, spec(missing={"method": "interpolate"}))
    assert inter.normalised.loc[1, "x"] == pytest.approx(0.25)   # x = 2 on [1, 5]
    assert inter.treatment.loc[0, "imputed"] == 1


def test_skew_kurtosis_rule_matches_scipy_and_winsorises():
    stats = pytest.importorskip("scipy.stats")
    rng = np.random.default_rng(1)
    x = np.concatenate([rng.normal(10, 1, 60), [40.0, 55.0, 80.0]])[:, None]
    assert skewness(x)[0] == pytest.approx(stats.skew(x[:, 0], bias=False))
    assert kurtosis(x)[0] == pytest.approx(stats.kurtosis(x[:, 0], bias=False))
    treated, changed, passes = treat_outliers(x, OutlierSpec("skew_kurtosis", max_points=5),
                                              np.ones(len(x), dtype=bool))
    assert passes[0] and 1 <= changed[0] <= 5
    # the extreme points were pulled in to the next value, the others untouched
    assert treated.max() < 80 and np.array_equal(np.sort(treated[:, 0])[:60],
                                                 np.sort(x[:, 0])[:60])
    clipped, moved, _ = treat_outliers(x, OutlierSpec("quantile", quantiles=(0.05, 0.95)),
                                       np.ones(len(x), dtype=bool))
    assert moved[0] > 0 and clipped.max() == pytest.approx(np.quantile(x, 0.95))


def test_log_fallback_when_winsorising_cannot_fix_an_indicator():
    x = np.exp(np.linspace(0, 12, 200))[:, None]
    treated, changed, passes = treat_outliers(x, OutlierSpec("skew_kurtosis", max_points=2),
                                              np.ones(200, dtype=bool))
    assert changed[0] == -1 and passes[0]
    np.testing.assert_allclose(np.diff(treated[:, 0]) > 0, True)   # monotone: ranks kept


def test_goalposts_pooled_reference_and_year():
    frame = grid({"x": [1.0, 2, 3, 2, 3, 4, 3, 4, 9], "y": [1.0] * 8 + [2.0]})
    pooled = build_index(frame, spec(normalisation={"goalposts": "pooled"}))
    assert pooled.normalised["x"].min() == 0 and pooled.normalised["x"].max() == 1
    ref = build_index(frame, spec(normalisation={"goalposts": "reference",
                                                  "reference_year": 2000},
                                  missing={"method": "none"},
                                  indicators=[{"code": "x"}]))
    # 2000 spans x in [1, 3]: later years can exceed 1, and stay comparable
    assert ref.normalised["x"].tolist()[:3] == [0, 0.5, 1.0]
    assert ref.normalised["x"].iloc[-1] == pytest.approx(4.0)
    per_year = build_index(frame, spec(normalisation={"goalposts": "year"},
                                       indicators=[{"code": "x"}]))
    assert per_year.normalised.groupby(per_year.normalised["time"])["x"].max().eq(1).all()
    with pytest.raises(IndexDataError, match="y is constant in 2000"):
        build_index(frame, spec(normalisation={"goalposts": "year"}))


def test_hierarchical_index_combines_pillars_with_pillar_weights():
    frame = grid({"x": [1.0, 2, 3, 2, 3, 4, 3, 4, 9], "y": [3.0, 1, 2, 2, 2, 5, 4, 1, 1]})
    result = build_index(frame, spec(aggregation={"pillar_weights": {"p": 3, "q": 1}}))
    table = result.table
    np.testing.assert_allclose(table["score"], 0.75 * table["p"] + 0.25 * table["q"])
    assert result.weight_map == pytest.approx({"x": 0.75, "y": 0.25})
    # by hand: min-max over all years, x on [1, 9], y (less is better) on [1, 5]
    zx = [(v - 1) / 8 for v in [1.0, 2, 3, 2, 3, 4, 3, 4, 9]]
    zy = [(5 - v) / 4 for v in [3.0, 1, 2, 2, 2, 5, 4, 1, 1]]
    # geometric: each pillar (one indicator) rescaled to [1, 100], then their equal-weight
    # geometric mean (the pillar scores already span [1, 100], so the second rescale is a no-op)
    geo = build_index(frame, spec(aggregation={"method": "geometric"})).table
    np.testing.assert_allclose(geo["score"], [np.sqrt((1 + 99 * a) * (1 + 99 * b))
                                              for a, b in zip(zx, zy)], rtol=1e-12)
    # TOPSIS with pillar weights 3 : 1: a one-indicator pillar's closeness is its z itself;
    # then C = D−/(D+ + D−) with D± = sqrt(Σ (w_k (s_k − s_k^±))²), ideals 1 and 0
    top = build_index(frame, spec(aggregation={"method": "topsis",
                                               "pillar_weights": {"p": 3, "q": 1}})).table
    closeness = [np.hypot(3 * a, b) / (np.hypot(3 * (a - 1), b - 1) + np.hypot(3 * a, b))
                 for a, b in zip(zx, zy)]
    np.testing.assert_allclose(top["score"], closeness, rtol=1e-12)
    # ranks are within each year, 1 = best
    assert sorted(table.loc[table["time"] == 2001, "rank"]) == [1, 2, 3]


def test_results_outputs(tmp_path):
    frame = grid({"x": [1.0, 2, 3, 2, 3, 4, 3, 4, 9], "y": [3.0, 1, 2, 2, 2, 5, 4, 1, 1]})
    result = build_index(frame, spec(weighting={"method": "entropy"}))
    data = json.loads(result.to_json())
    assert set(data["weights"]) == {"x", "y"}
    assert data["scores"][0].keys() >= {"unit", "time", "score", "rank"}
    assert data["provenance"]["data_sha256"] == result.data_hash
    tidy = result.tidy()
    assert set(tidy["measure"]) == {"index", "p", "q"} and len(tidy) == 27
    assert "Shannon entropy" in result.summary and "<table" in result._repr_html_()
    assert str(result) == result.summary
    with pytest.raises(FrozenInstanceError):
        result.table = None  # frozen


@pytest.fixture(scope="module")
def demo_store(report_demo_db, tmp_path_factory):
    """A copy of the shared demo ledger (seed 2010): the tests write the index back into it."""
    import shutil

    from pairaid.ledger import Store

    path = tmp_path_factory.mktemp("demo") / "demo.db"
    shutil.copy(report_demo_db, path)
    store = Store.open(path, create=False)
    yield store
    store.close()


def test_bundled_index_on_the_demo_ledger_and_written_back(demo_store):
    result = index_from_ledger(demo_store, "sustainable_agriculture")
    assert result.synthetic and "SYNTHETIC" in result.summary
    scored = result.table.dropna(subset=["score"])
    assert scored["unit"].nunique() > 90 and scored["score"].between(0, 1).all()
    from pairaid.panel import build_panel

    panel = build_panel(demo_store).frame
    merged = scored.merge(panel, left_on=["unit", "time"], right_on=["unit", "year"])
    # the index tracks the demo's planted latent index (SYNTHETIC truth)
    assert merged["score"].corr(merged["sai_latent"], method="spearman") > 0.3
    frames = result.to_ledger_frames("sai_index")
    assert list(frames["observations"].columns) == ["region", "year", "indicator", "value",
                                                    "source", "flag"]
    reports = write_index(demo_store, result, "sai_index")
    assert [(r.table, r.rows) for r in reports] == [("indicators", 1),
                                                    ("observations", len(scored))]
    stored = demo_store.read_table("observations")
    stored = stored[stored["indicator"] == "sai_index"]
    assert len(stored) == len(scored) and set(stored["flag"]) == {"synthetic"}
    again = write_index(demo_store, result, "sai_index")   # upsert: writing twice is fine
    # and changes nothing: every row is reported unchanged, none updated
    assert (again[1].new, again[1].updated, again[1].unchanged) == (0, 0, len(scored))


def test_sensitivity_on_the_demo_shows_rank_intervals(demo_store):
    from pairaid.panel import build_panel

    panel = build_panel(demo_store)
    result = sensitivity(panel.frame, "sustainable_agriculture", draws=140, seed=3,
                         synthetic=panel.synthetic)
    assert result.draws >= 140 and set(result.active) == {
        "imputation", "normalisation", "weighting", "weights", "aggregation"}
    table = result.table
    assert (table["rank_q05"] <= table["median_rank"]).all()
    assert (table["median_rank"] <= table["rank_q95"]).all()
    assert (table["interval_width"] > 0).mean() > 0.5
    ranks = result.indices[result.indices["output"] == "rank"]
    assert ranks["total"].between(0, 1.5).all() and ranks["total"].max() > 0.05
    assert json.loads(result.to_json())["ranks"][0].keys() >= {"median_rank", "rank_q05"}
    assert "5–95 %" in result.summary


def test_a_draw_with_the_nominal_choices_reproduces_build_index():
    rng = np.random.default_rng(0)
    frame = grid({"x": rng.random(9), "y": rng.random(9)})
    base = spec(sensitivity={"imputation": ["interpolate"], "normalisation": ["minmax"],
                             "weighting": ["equal"], "aggregation": ["topsis", "linear"],
                             "weight_noise": 0.0},
                aggregation={"method": "topsis"})
    result = sensitivity(frame, base, draws=12)
    nominal = result.nominal.table.dropna(subset=["rank"])
    topsis_runs = result.runs.index[result.runs["aggregation"] == "topsis"]
    # every topsis draw (no other choice varies) ranks exactly as the nominal index
    assert len(topsis_runs) and (result.runs.loc[topsis_runs, "mean_rank_shift"] == 0).all()
    assert len(nominal) == len(result.table)


def test_sensitivity_needs_something_to_vary_and_enough_draws():
    frame = grid({"x": np.arange(9.0), "y": np.arange(9.0)[::-1] ** 2})
    fixed = spec(sensitivity={"imputation": ["interpolate"], "normalisation": ["minmax"],
                              "weighting": ["equal"], "aggregation": ["linear"],
                              "weight_noise": 0.0})
    with pytest.raises(IndexSpecError, match="varies nothing"):
        sensitivity(frame, fixed, draws=100)
    with pytest.raises(IndexSpecError, match="too few"):
        sensitivity(frame, replace(load_spec(fixed), sensitivity=replace(
            load_spec(fixed).sensitivity, weight_noise=0.2)), draws=3)
