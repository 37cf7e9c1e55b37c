"""Weighted inequality and concentration: PySAL reference values, equivalences (equal weights,
replicated rows), exact Theil decomposition (property tests), concentration index by hand and by
the covariance formula, bad input, results object and the `pairaid equity` command."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import typer
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from numpy.testing import assert_allclose, assert_almost_equal
from typer.testing import CliRunner

from pairaid.distribution import (
    InequalityInputError, concentration_curve, concentration_index, describe_inequality,
    fractional_rank, gini, lorenz_curve, progressivity, theil_decomposition, theil_l, theil_t,
)

REFERENCE = Path(__file__).parent / "reference" / "inequality"
FAST = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@pytest.fixture(scope="module")
def mexico() -> pd.DataFrame:
    return pd.read_csv(REFERENCE / "mexico.csv")


@pytest.fixture(scope="module")
def reference() -> dict:
    return json.loads((REFERENCE / "pysal_reference.json").read_text())


# -- PySAL reference values ----------------------------------------------------------------------
def test_gini_matches_pysal(mexico, reference):
    assert_almost_equal(gini(mexico["pcgdp1940"]), reference["gini_pcgdp1940"])


def test_theil_matches_pysal(mexico, reference):
    columns = reference["theil_t"]["columns"]
    ours = [theil_t(mexico[c]) for c in columns]
    assert_almost_equal(ours, reference["theil_t"]["values"], decimal=7)


def test_between_group_theil_matches_pysal(mexico, reference):
    columns = reference["theil_t"]["columns"]
    ours = [theil_decomposition(mexico[c], mexico["hanson98"]).between for c in columns]
    assert_almost_equal(ours, reference["theil_t_between_hanson98"]["values"], decimal=7)


def test_theil_toy_case_matches_pysal(reference):
    toy = reference["theil_toy"]
    part = theil_decomposition(toy["y"], toy["groups"])
    assert_almost_equal([part.total, part.between, part.within],
                        [toy["total"], toy["between"], toy["within"]])


def test_against_live_pysal(mexico):
    # PySAL's `inequality` package is in the test extras (pyproject.toml), so this runs
    from inequality.gini import Gini
    from inequality.theil import TheilD

    y = mexico["pcgdp2000"].to_numpy()
    assert_allclose(gini(y), Gini(y).g, rtol=1e-12)
    pysal_d = TheilD(y, mexico["esquivel99"].to_numpy())
    ours = theil_decomposition(y, mexico["esquivel99"])
    assert_allclose([ours.total, ours.between, ours.within],
                    [np.ravel(getattr(pysal_d, a))[0] for a in ("T", "bg", "wg")], rtol=1e-10)
    assert ours.between > 0 and ours.within > 0  # a real split, not a degenerate one


# -- equivalences --------------------------------------------------------------------------------
def test_equal_weights_equal_unweighted(mexico):
    y = mexico["pcgdp1970"].to_numpy()
    w = np.full(len(y), 7.5)
    r = mexico["pcgdp1940"].to_numpy()
    g = mexico["hanson98"].to_numpy()
    assert_allclose(gini(y, w), gini(y), rtol=1e-12)
    assert_allclose(theil_t(y, w), theil_t(y), rtol=1e-12)
    assert_allclose(theil_l(y, w), theil_l(y), rtol=1e-12)
    for index in ("theil_t", "theil_l"):
        a, b = theil_decomposition(y, g, w, index), theil_decomposition(y, g, index=index)
        assert_allclose([a.between, a.within], [b.between, b.within], rtol=1e-12)
    assert_allclose(concentration_index(y, r, w).index, concentration_index(y, r).index,
                    rtol=1e-12)


values = st.lists(st.floats(0.5, 1e4, allow_nan=False), min_size=2, max_size=25)


@FAST
@given(data=st.data())
def test_integer_weights_equal_replicated_rows(data):
    y = np.array(data.draw(values))
    w = np.array(data.draw(st.lists(st.integers(1, 6), min_size=len(y), max_size=len(y))))
    r = np.array(data.draw(st.lists(st.integers(0, 5), min_size=len(y), max_size=len(y))),
                 dtype=float)
    g = np.array(data.draw(st.lists(st.sampled_from("abc"), min_size=len(y), max_size=len(y))))
    rows = np.repeat(np.arange(len(y)), w)
    assert_allclose(gini(y, w), gini(y[rows]), rtol=1e-9, atol=1e-12)
    assert_allclose(theil_t(y, w), theil_t(y[rows]), rtol=1e-9, atol=1e-12)
    assert_allclose(theil_l(y, w), theil_l(y[rows]), rtol=1e-9, atol=1e-12)
    for index in ("theil_t", "theil_l"):
        a = theil_decomposition(y, g, w, index)
        b = theil_decomposition(y[rows], g[rows], index=index)
        assert_allclose([a.between, a.within], [b.between, b.within], rtol=1e-9, atol=1e-12)
    if np.ptp(r) > 0:
        assert_allclose(concentration_index(y, r, w).index,
                        concentration_index(y[rows], r[rows]).index, rtol=1e-9, atol=1e-12)


def test_gini_equals_pairwise_definition():
    rng = np.random.default_rng(3)
    y, w = rng.lognormal(size=40), rng.uniform(0.1, 5, size=40)
    pairwise = (np.sum(w[:, None] * w[None, :] * np.abs(y[:, None] - y[None, :]))
                / (2 * w.sum() ** 2 * np.average(y, weights=w)))
    assert_allclose(gini(y, w), pairwise, rtol=1e-12)


# -- exact decomposition (property tests) --------------------------------------------------------
@FAST
@given(data=st.data(), index=st.sampled_from(["theil_t", "theil_l"]))
def test_decomposition_adds_up(data, index):
    y = np.array(data.draw(values))
    w = np.array(data.draw(st.lists(st.floats(0.01, 1e6), min_size=len(y), max_size=len(y))))
    g = np.array(data.draw(st.lists(st.integers(0, 4), min_size=len(y), max_size=len(y))))
    part = theil_decomposition(y, g, w, index)
    total = theil_t(y, w) if index == "theil_t" else theil_l(y, w)
    assert_allclose(part.between + part.within, total, rtol=1e-9, atol=1e-12)
    assert_allclose(part.total, total, rtol=1e-12, atol=1e-15)
    assert part.between >= -1e-12 and part.within >= -1e-12
    assert_allclose(part.groups["contribution"].sum(), part.within, rtol=1e-12, atol=1e-15)


@FAST
@given(data=st.data())
def test_theil_t_decomposition_with_zeros(data):
    y = np.array(data.draw(st.lists(st.sampled_from([0.0, 1.0, 2.5, 10.0]), min_size=2,
                                    max_size=20)))
    if not (y > 0).any():
        y[0] = 1.0
    g = np.array(data.draw(st.lists(st.integers(0, 3), min_size=len(y), max_size=len(y))))
    part = theil_decomposition(y, g)
    assert_allclose(part.between + part.within, theil_t(y), rtol=1e-9, atol=1e-12)


@FAST
@given(y=values, scale=st.floats(0.01, 1000))
def test_indices_do_not_change_with_the_unit_of_measure(y, scale):
    y = np.array(y)
    assert_allclose(gini(y * scale), gini(y), rtol=1e-9, atol=1e-12)
    assert_allclose(theil_t(y * scale), theil_t(y), rtol=1e-9, atol=1e-12)


# -- concentration index -------------------------------------------------------------------------
def test_concentration_index_by_hand():
    # ranked by need 4,3,2,1 ascending the values are 4,3,2,1 with ranks 1/8,3/8,5/8,7/8:
    # C = 2/(n μ) Σ y R − 1 = 2·3.75/(4·2.5) − 1 = −0.25 (= −Gini of 1..4)
    result = concentration_index([1, 2, 3, 4], [4, 3, 2, 1])
    assert_allclose(result.index, -0.25)
    assert_allclose(gini([1, 2, 3, 4]), 0.25)
    assert_allclose(concentration_index([1, 2, 3, 4], [1, 2, 3, 4]).index, 0.25)


def covariance_concentration_index(y, rank_by, w) -> float:
    """``2 cov_w(y, R) / μ`` computed literally (the check for `concentration_index`)."""
    rank = fractional_rank(rank_by, w)
    share = w / w.sum()
    mean = np.sum(share * y)
    return float(2 * np.sum(share * (y - mean) * (rank - np.sum(share * rank))) / mean)


def test_concentration_index_equals_covariance_formula():
    rng = np.random.default_rng(7)
    y, r, w = rng.lognormal(size=60), rng.normal(size=60), rng.uniform(0.5, 3, size=60)
    r[:10] = r[10]  # ties in the ranking variable share their mean rank
    assert_allclose(concentration_index(y, r, w).index, covariance_concentration_index(y, r, w),
                    rtol=1e-12)


def test_concentration_se_is_the_convenient_regression_hc1():
    rng = np.random.default_rng(11)
    n = 30
    y, r, w = rng.lognormal(size=n), rng.normal(size=n), rng.uniform(0.5, 3, size=n)
    rank = fractional_rank(r, w)
    mean = np.average(y, weights=w)
    lhs = 2 * np.average((rank - 0.5) ** 2, weights=w) * y / mean
    X = np.column_stack([np.ones(n), rank])
    W = np.diag(w)
    beta = np.linalg.solve(X.T @ W @ X, X.T @ W @ lhs)
    e = lhs - X @ beta
    bread = np.linalg.inv(X.T @ W @ X)
    meat = sum(w[i] ** 2 * e[i] ** 2 * np.outer(X[i], X[i]) for i in range(n))
    se = np.sqrt((bread @ meat @ bread)[1, 1] * n / (n - 2))
    result = concentration_index(y, r, w)
    assert_allclose(result.index, beta[1], rtol=1e-10)
    assert_allclose(result.std_error, se, rtol=1e-10)


def test_progressivity_pro_poor_and_kakwani():
    income = np.array([1000.0, 2000, 3000, 4000, 5000])
    pop = np.array([5.0, 4, 3, 2, 1])
    aid = 1e5 / income
    summary = progressivity(aid, income, pop)
    assert summary.pro_poor and summary.concentration.index < 0
    assert_allclose(summary.need_gini, gini(income, pop))
    assert_allclose(summary.kakwani, summary.concentration.index - gini(income, pop))
    assert summary.kakwani < 0
    assert not progressivity(income, income, pop).pro_poor


def test_fractional_rank_ties_and_weights():
    assert_allclose(fractional_rank([1, 2, 2, 3], [1, 1, 1, 1]), [0.125, 0.5, 0.5, 0.875])
    assert_allclose(fractional_rank([2, 1], [3, 1]), [0.625, 0.125])


def test_curves():
    lorenz = lorenz_curve([1, 2, 3, 4])
    assert_allclose(lorenz["population_share"], [0, 0.25, 0.5, 0.75, 1])
    assert_allclose(lorenz["value_share"], [0, 0.1, 0.3, 0.6, 1])
    curve = concentration_curve([1, 2, 3, 4], [4, 3, 2, 1])
    assert_allclose(curve["value_share"], [0, 0.4, 0.7, 0.9, 1])


# -- bad input -----------------------------------------------------------------------------------
@pytest.mark.parametrize("w", [[1, 0, 2], [1, -3, 2]])
def test_zero_or_negative_weights_are_an_error(w):
    with pytest.raises(InequalityInputError, match="positive"):
        gini([1, 2, 3], w)
    frame = pd.DataFrame({"unit": ["a", "b", "c"], "v": [1.0, 2, 3], "pop": w})
    with pytest.raises(InequalityInputError, match="b"):
        describe_inequality(frame, "v", "pop", unit="unit")


def test_negative_values_under_theil_are_an_error():
    with pytest.raises(InequalityInputError, match="negative"):
        theil_t([1.0, -2.0, 3.0])
    with pytest.raises(InequalityInputError, match="negative"):
        theil_decomposition([1.0, -2.0, 3.0], [0, 0, 1])


def test_zero_values_theil_t_defined_theil_l_an_error_naming_rows():
    assert_allclose(theil_t([0, 0, 0, 10, 10, 10]), np.log(2))
    with pytest.raises(InequalityInputError, match="zero in rows 0, 2"):
        theil_l([0, 5, 0, 10])
    frame = pd.DataFrame({"unit": ["a", "b", "c"], "v": [0.0, 2, 3]})
    result = describe_inequality(frame, "v", unit="unit")
    assert result.theil_l is None
    assert any("undefined" in n and "a" in n for n in result.notes)


def test_one_unit_groups_are_allowed_and_said():
    frame = pd.DataFrame({"v": [1.0, 2, 3, 4], "pop": [1.0, 2, 1, 1], "g": ["x", "x", "y", "z"]})
    result = describe_inequality(frame, "v", "pop", "g")
    part = result.decompositions["theil_t"]
    assert_allclose(part.between + part.within, result.theil_t)
    assert part.groups.set_index("group").loc[["y", "z"], "theil"].eq(0).all()
    assert any("one unit" in n for n in result.notes)


def test_all_equal_values_give_zero():
    y = np.full(6, 3.7)
    g = [0, 0, 1, 1, 2, 2]
    assert gini(y) == 0.0 and theil_t(y) == 0.0 and theil_l(y) == 0.0
    part = theil_decomposition(y, g, index="theil_l")
    assert part.between == 0.0 and part.within == 0.0
    assert concentration_index(y, [1, 2, 3, 4, 5, 6]).index == 0.0


def test_missing_values_are_dropped_and_counted():
    frame = pd.DataFrame({"v": [1.0, np.nan, 3, 4, 5], "pop": [1.0, 1, np.nan, 1, 1],
                          "g": ["a", "a", "b", None, "b"]})
    result = describe_inequality(frame, "v", "pop", "g")
    assert result.n_units == 2 and result.n_dropped == 3
    assert json.loads(result.to_json())["n_dropped"] == 3
    assert_allclose(result.gini, gini([1.0, 5.0]))


def test_missing_column_and_constant_ranking_are_errors():
    frame = pd.DataFrame({"v": [1.0, 2.0]})
    with pytest.raises(InequalityInputError, match="no column w"):
        describe_inequality(frame, "v", "w")
    with pytest.raises(InequalityInputError, match="same for every unit"):
        concentration_index([1, 2], [5, 5])


# -- results object ------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def result():
    rng = np.random.default_rng(5)
    n = 40
    income = rng.lognormal(9, 0.3, size=n)
    frame = pd.DataFrame({"unit": [f"u{i}" for i in range(n)],
                          "aid": 1e5 / income * rng.uniform(0.5, 1.5, size=n),
                          "pop": rng.integers(1000, 50000, size=n).astype(float),
                          "pref": ["P4"] * 2 + ["P1", "P2", "P3"] * 12 + ["P1", "P2"],
                          "income": income})
    return describe_inequality(frame, "aid", "pop", "pref", "income", unit="unit",
                               unit_label="county", group_label="prefecture", synthetic=True)


def test_result_outputs(result):
    payload = json.loads(result.to_json())
    for key in ("gini", "theil_t", "theil_l", "between", "within", "concentration_index",
                "concentration_se", "n_units", "n_dropped"):
        assert key in payload
    assert payload["decomposition"]["theil_t"]["between"] == payload["between"]["theil_t"]
    assert payload["concentration_index"] < 0  # aid falls with income: pro-poor
    assert payload["kakwani"] < 0
    assert "pro-poor" in payload["interpretation"]["concentration_index"]
    assert "lies between prefectures" in payload["interpretation"]["theil_t"]
    assert "SYNTHETIC" in result.summary and "SYNTHETIC" in result._repr_html_()
    tidy = result.tidy()
    assert {"term", "estimate", "std_error"} <= set(tidy.columns)
    with pytest.raises(AttributeError):
        result.gini = 0.0  # frozen


def test_published_groups_respect_suppression(result):
    hidden = set(result.group_table.table.query("suppressed != ''")["group"])
    assert hidden  # P4 has few counties
    groups = result.published_groups("theil_t").set_index("group")
    assert groups.loc[list(hidden), "mean"].isna().all()
    payload = json.loads(result.to_json())
    published = [row for row in payload["decomposition"]["theil_t"]["groups"]
                 if row["group"] in hidden]
    assert len(published) == len(hidden)  # every hidden group is in the JSON, and checked
    for row in published:
        assert row["mean"] is None and row["theil"] is None


# -- command line --------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def cli():
    from pairaid.cli.equity import equity

    app = typer.Typer()
    app.command()(equity)
    return app


@pytest.fixture(scope="module")
def demo_db(report_demo_db) -> str:
    """The demo ledger (seed 2010) the test run shares (conftest.report_demo_db); read only."""
    return str(report_demo_db)


def test_equity_on_the_demo_says_synthetic(cli, demo_db):
    out = CliRunner().invoke(cli, ["--db", demo_db])
    assert out.exit_code == 0, out.output
    assert "SYNTHETIC" in out.output and "Concentration index" in out.output
    payload = json.loads(CliRunner().invoke(cli, ["--db", demo_db, "--json"]).output)
    assert payload["synthetic"] and payload["value"] == "funds_per_capita"
    assert payload["rank_by"] == "rural_income" and payload["group"] == "parent"
    assert payload["group_table"] and payload["disclosure"]["k"] == 3


def test_equity_with_data_file_and_bad_input(cli, tmp_path):
    path = tmp_path / "t.csv"
    pd.DataFrame({"v": [1.0, 2, 3, 4], "pop": [1.0, 0, 1, 1]}).to_csv(path, index=False)
    bad = CliRunner().invoke(cli, ["--data", str(path), "--value", "v", "--weight", "pop"])
    assert bad.exit_code == 2 and "positive" in bad.output
    good = CliRunner().invoke(cli, ["--data", str(path), "--value", "v", "--json"])
    assert good.exit_code == 0 and json.loads(good.output)["n_units"] == 4
    from pairaid.cli.equity import equity

    assert any(line.strip().startswith("Example:") for line in equity.__doc__.splitlines())


def test_minority_share_bands_group_places_not_people():
    from pairaid.distribution.inequality import share_bands

    bands = share_bands(pd.Series([0.0, 24.9, 25.0, 60.0, 99.8, None]))
    assert bands.tolist()[:5] == ["0–25 %", "0–25 %", "0–25 %", "50–75 %", "75–100 %"]
    assert pd.isna(bands.iloc[5])


def test_equity_by_minority_band_on_a_table(tmp_path):
    from typer.testing import CliRunner

    from pairaid.cli.main import app

    table = pd.DataFrame({"county": list("abcdefgh"), "aid_pc": [10, 20, 30, 40, 50, 60, 70, 80],
                          "pop": [100] * 8, "income": [8, 7, 6, 5, 4, 3, 2, 1],
                          "minority_share": [5, 10, 20, 30, 80, 85, 90, 95]})
    path = tmp_path / "t.csv"
    table.to_csv(path, index=False)
    result = CliRunner().invoke(app, ["equity", "--data", str(path), "--value", "aid_pc",
                                      "--weight", "pop", "--group", "minority_band",
                                      "--rank-by", "income", "--json"])
    assert result.exit_code == 0, result.output
    payload = json.loads(result.output)
    groups = {g["group"]: g for g in payload["decomposition"]["theil_t"]["groups"]}
    assert groups["0–25 %"]["n_units"] == 3 and groups["75–100 %"]["n_units"] == 4
    # the 25–50 % band has one county: below k = 3, suppressed; 0–25 % goes too (secondary),
    # or the total would give the single county away
    assert groups["25–50 %"]["suppressed"] == "primary" and groups["25–50 %"]["mean"] is None
    assert groups["0–25 %"]["suppressed"] == "secondary" and groups["0–25 %"]["mean"] is None
    assert groups["75–100 %"]["mean"] == pytest.approx(65.0)
