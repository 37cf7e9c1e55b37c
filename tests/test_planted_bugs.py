"""Tests for single bugs that the rest of the suite let through (issue 17).

Each test was checked by planting the bug it names in the source, watching the test fail, and
reverting. Every expected value is computed here independently of the code under test: by loops
over the textbook formula, with the Python standard library, or with an explicit dummy-variable
regression in numpy — never by calling pairaid.
"""

from __future__ import annotations

import math
import statistics
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose

from pairaid.evaluate.did import prepare, twfe_event_study
from pairaid.measure.aggregate import aggregate
from pairaid.measure.normalise import zscore
from pairaid.measure.sensitivity import _indices, _sobol
from pairaid.measure.weight import entropy_weights
from pairaid.money import MoneyConverter


# -- entropy weights with a missing cell: ln(m_j), m_j the non-missing rows of column j ---------
def _entropy_by_hand(columns: list[list[float | None]]) -> list[float]:
    """Hwang & Yoon (1981, p. 52) column by column, skipping missing cells."""
    divergence = []
    for column in columns:
        values = [v for v in column if v is not None]
        total = sum(values)
        e = -sum((v / total) * math.log(v / total) for v in values if v > 0) / math.log(len(values))
        divergence.append(1 - e)
    return [d / sum(divergence) for d in divergence]


def test_entropy_weights_use_the_non_missing_rows_of_each_column():
    columns = [[0.2, 0.9, None, 0.4, 0.7], [0.5, 0.1, 0.8, 0.3, 0.6], [1.0, 0.0, 0.25, 0.5, 0.9]]
    matrix = np.array([[np.nan if v is None else v for v in row] for row in zip(*columns)])
    # dividing by ln 5 instead of ln 4 for the first column gives 0.411, 0.133, 0.456
    assert_allclose(entropy_weights(matrix), _entropy_by_hand(columns), rtol=1e-12)


# -- z-scores: the sample standard deviation (ddof = 1) ------------------------------------------
def test_zscore_divides_by_the_sample_standard_deviation():
    column = [3.0, 7.0, 8.0, 12.0, 20.0]
    mean, sd = statistics.mean(column), statistics.stdev(column)  # stdev: n − 1 denominator
    z = zscore(np.array(column)[:, None])[:, 0]
    assert_allclose(z, [(v - mean) / sd for v in column], rtol=1e-12)


# -- TOPSIS across pillars: weighted distances use w², visible only with unequal weights ---------
def test_topsis_over_pillars_weights_squared_distances_by_w_squared():
    z = np.array([[0.1, 0.5, 0.3], [0.8, 0.6, 0.6], [0.5, 0.2, 0.9], [0.3, 0.4, 0.1]])
    w = np.array([0.5, 0.5, 1.0])
    pillar_index = np.array([0, 0, 1])
    pillar_w = np.array([0.8, 0.2])
    n = len(z)
    index, scores = aggregate(z, w, pillar_w, pillar_index, "linear", "topsis", hierarchical=True,
                              reweight=False, group=np.zeros(n, dtype=int),
                              sample=np.ones(n, dtype=bool))
    # by hand: pillar scores are weighted means; closeness C = D− / (D+ + D−) with
    # D± = sqrt(Σ_k (w_k s_k − w_k s_k^±)²)  (Hwang & Yoon 1981: v = w·s)
    pillars = [[(0.5 * a + 0.5 * b) / 1.0, c] for a, b, c in z]
    best = [max(p[k] for p in pillars) for k in range(2)]
    worst = [min(p[k] for p in pillars) for k in range(2)]
    expected = []
    for p in pillars:
        d_best = math.sqrt(sum((pillar_w[k] * (p[k] - best[k])) ** 2 for k in range(2)))
        d_worst = math.sqrt(sum((pillar_w[k] * (p[k] - worst[k])) ** 2 for k in range(2)))
        expected.append(d_worst / (d_best + d_worst))
    assert_allclose(scores[:, :, 0].T, pillars, rtol=1e-12)
    assert_allclose(index[:, 0], expected, rtol=1e-12)


# -- TWFE event study: CR1 variance and the "simple" aggregate -----------------------------------
def _staggered_panel(seed: int = 5) -> pd.DataFrame:
    """Cohorts 2013, 2015 and never (0) over 2010–2017; effect grows with event time."""
    rng = np.random.default_rng(seed)
    rows = []
    for unit in range(12):
        start = (2013, 2015, 0)[unit % 3]
        level = rng.normal()
        for year in range(2010, 2018):
            effect = 1 + 0.5 * (year - start) if start and year >= start else 0.0
            rows.append((f"u{unit}", year, start, level + 0.1 * year + effect + rng.normal()))
    return pd.DataFrame(rows, columns=["county", "year", "start", "y"])


def test_twfe_cluster_variance_and_simple_aggregate_match_an_explicit_dummy_regression():
    frame = _staggered_panel()
    result = twfe_event_study(frame, outcome="y", unit="county", time="year", cohort="start")
    panel = prepare(frame, outcome="y", unit="county", time="year", cohort="start").frame
    relative = (panel["time"] - panel["cohort"]).to_numpy()
    events = result.event_time["event_time"].to_numpy()
    assert events.tolist() == [-5, -4, -3, -2, 0, 1, 2, 3, 4]  # −1 is the reference
    event_dummies = np.column_stack([(relative == e).astype(float) for e in events])
    X = np.column_stack([event_dummies, pd.get_dummies(panel["unit"]).to_numpy(float),
                         pd.get_dummies(panel["time"]).to_numpy(float)[:, 1:]])
    y = panel["y"].to_numpy()
    beta, *_ = np.linalg.lstsq(X, y, rcond=None)
    residual = y - X @ beta
    # Liang–Zeger sandwich for the event coefficients (Frisch–Waugh: partial out the dummies)
    others = X[:, len(events):]
    projected = event_dummies - others @ np.linalg.lstsq(others, event_dummies, rcond=None)[0]
    bread = np.linalg.inv(projected.T @ projected)
    clusters = pd.factorize(panel["unit"])[0]
    meat = sum(np.outer(s, s) for s in (projected[clusters == g].T @ residual[clusters == g]
                                        for g in range(clusters.max() + 1)))
    G, N, K = clusters.max() + 1, len(y), len(events)
    # CR1 as the docstring states it: G/(G−1)·(N−1)/(N−K), K the event-time coefficients
    covariance = G / (G - 1) * (N - 1) / (N - K) * bread @ meat @ bread
    assert_allclose(result.event_time["estimate"], beta[:K], atol=1e-9)
    assert_allclose(result.event_time["std_error"], np.sqrt(np.diag(covariance)), rtol=1e-8)
    # "simple": post-period coefficients weighted by their treated observations
    post = events >= 0
    counts = event_dummies[:, post].sum(axis=0)
    assert counts.tolist() == [8, 8, 8, 4, 4]  # lags 3 and 4 exist only for the 2013 cohort
    weights = np.zeros(K)
    weights[post] = counts / counts.sum()
    simple = result.aggregations["simple"]
    assert simple.estimate == pytest.approx(weights @ beta[:K], abs=1e-9)
    assert simple.std_error == pytest.approx(math.sqrt(weights @ covariance @ weights), rel=1e-8)


# -- money: cross rates through a common base currency -------------------------------------------
def _converter(rates: list[tuple[str, str, int, float]], currency: str) -> MoneyConverter:
    return MoneyConverter(pd.DataFrame(rates, columns=["currency", "base", "year", "rate"]),
                          pd.DataFrame(columns=["code", "currency", "year", "value"]), currency)


def test_conversion_between_two_currencies_quoted_against_a_third():
    # rates: units of `base` per unit of `currency`. GBP and EUR both quoted in USD; report in EUR.
    converter = _converter([("GBP", "USD", 2015, 1.25), ("EUR", "USD", 2015, 1.10)], "EUR")
    out = converter.convert(pd.Series([100.0]), pd.Series(["GBP"]), pd.Series([2015]))
    assert out.iloc[0] == pytest.approx(100 * 1.25 / 1.10, rel=1e-12)  # 113.64 EUR


def test_conversion_chained_through_the_base_currency():
    # EUR → USD, and USD → CNY: CNY per EUR = 1.10 × 6.5
    converter = _converter([("EUR", "USD", 2015, 1.10), ("USD", "CNY", 2015, 6.5)], "CNY")
    out = converter.convert(pd.Series([100.0, 10.0]), pd.Series(["EUR", "USD"]),
                            pd.Series([2015, 2015]))
    assert out.tolist() == pytest.approx([100 * 1.10 * 6.5, 65.0], rel=1e-12)


def test_conversion_through_an_inverted_quote():
    # only CNY→EUR is held (0.14 EUR per CNY): CNY per EUR = 1 / 0.14
    converter = _converter([("CNY", "EUR", 2015, 0.14)], "CNY")
    out = converter.convert(pd.Series([7.0]), pd.Series(["EUR"]), pd.Series([2015]))
    assert out.iloc[0] == pytest.approx(7.0 / 0.14, rel=1e-12)


# -- in-file duplicates: only the repeats are reported, in append and in upsert mode -------------
@pytest.mark.parametrize("mode", ["append", "upsert"])
def test_in_file_duplicate_names_only_the_repeat(tmp_path, mode):
    from pairaid.ingest import ImportValidationError, import_frames
    from pairaid.ledger import Store

    donors = pd.DataFrame({"code": ["GD", "SH", "GD"], "name_zh": ["广东省", "上海市", "广东"],
                           "name_en": ["Guangdong", "Shanghai", "Guangdong 2"],
                           "kind": ["province", "province", "province"]})
    store = Store.open(tmp_path / "ledger.db")
    try:
        with pytest.raises(ImportValidationError) as caught:
            import_frames(store, {"donors": donors}, mode=mode, source="donors.csv")
        problems = [(p.row, p.column, p.reason) for p in caught.value.problems]
        assert problems == [(4, "code", "duplicate of row 2 (same code)")]
        assert store.read_table("donors").empty  # nothing written
    finally:
        store.close()


# -- Jansen's total-effect index keeps its ½ -----------------------------------------------------
def test_jansen_total_index_on_an_additive_model_with_known_indices():
    # f = x1 + 2·x2, x ~ U(0, 1) independent: V = 1/12 + 4/12, so S1 = ST1 = 0.2, S2 = ST2 = 0.8
    # (analytic; Saltelli et al. 2010, section 2). Without the ½ the totals would be 0.4 and 1.6.
    rng = np.random.default_rng(7)
    n = 40_000
    a, b = rng.random((n, 2)), rng.random((n, 2))

    def f(x):
        return x[:, 0] + 2 * x[:, 1]

    ab = [a.copy() for _ in range(2)]
    for i in range(2):
        ab[i][:, i] = b[:, i]
    first, total = zip(*(_sobol(f(a), f(b), f(ab[i])) for i in range(2)))
    assert_allclose(total, [0.2, 0.8], atol=0.01)
    assert_allclose(first, [0.2, 0.8], atol=0.02)
    # the same design through the rank-output path of the index's sensitivity analysis
    stacked = np.concatenate([f(a), f(b), f(ab[0]), f(ab[1])])[:, None]
    plan = SimpleNamespace(base=n, active=("x1", "x2"))
    table = _indices(stacked, stacked[:, 0], plan, boot=20).set_index(["choice", "output"])
    assert_allclose(table.loc[[("x1", "rank"), ("x2", "rank")], "total"], [0.2, 0.8], atol=0.01)
    assert_allclose(table.loc[[("x1", "mean_rank_shift"), ("x2", "mean_rank_shift")], "total"],
                    [0.2, 0.8], atol=0.01)
