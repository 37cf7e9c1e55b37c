"""Invariants (hypothesis): weights sum to one, unit changes, direction flips, permutations."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pairaid.measure import build_index, weight
from pairaid.measure.normalise import MIRROR, normalise
from pairaid.measure.spec import (
    AggregationSpec, IndexSpec, Indicator, MissingSpec, NormalisationSpec, OutlierSpec,
    WeightingSpec,
)

FAST = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@st.composite
def matrices(draw, min_rows=4, max_rows=15, min_cols=2, max_cols=6):
    seed = draw(st.integers(0, 2**32 - 1))
    rng = np.random.default_rng(seed)
    m, n = draw(st.integers(min_rows, max_rows)), draw(st.integers(min_cols, max_cols))
    x = rng.lognormal(rng.uniform(-3, 5, n), rng.uniform(0.2, 2, n), (m, n))
    return x


def panel(x: np.ndarray, n_years: int = 3) -> pd.DataFrame:
    m = len(x) // n_years * n_years
    frame = pd.DataFrame(x[:m], columns=[f"c{j}" for j in range(x.shape[1])])
    frame.insert(0, "unit", np.repeat([f"u{k}" for k in range(m // n_years)], n_years))
    frame.insert(1, "year", np.tile(2000 + np.arange(n_years), m // n_years))
    return frame


def spec_for(n, directions=None, normalisation="minmax", weighting="equal",
             aggregation="linear", outliers="none", structure="hierarchical", weights=None):
    directions = directions or [1] * n
    pillars = ["a" if j % 2 else "b" for j in range(n)]
    return IndexSpec(
        name="t", indicators=tuple(Indicator(f"c{j}", directions[j], pillars[j],
                                             None if weights is None else weights[j])
                                   for j in range(n)),
        missing=MissingSpec("interpolate"), outliers=OutlierSpec(outliers),
        normalisation=NormalisationSpec(normalisation), weighting=WeightingSpec(weighting),
        aggregation=AggregationSpec(aggregation, structure))


@FAST
@given(matrices(), st.sampled_from(["entropy", "critic", "pca"]))
def test_data_driven_weights_are_non_negative_and_sum_to_one(x, method):
    z = normalise(x, np.ones(x.shape[1]), "minmax")
    w = {"entropy": weight.entropy_weights, "critic": weight.critic_weights,
         "pca": weight.pca_weights}[method](z)
    assert np.all(w >= 0) and w.sum() == pytest.approx(1)


@FAST
@given(matrices(min_rows=6), st.sampled_from(["entropy", "critic", "pca", "equal"]),
       st.sampled_from(["hierarchical", "flat"]))
def test_index_weights_sum_to_one(x, method, structure):
    result = build_index(panel(x), spec_for(x.shape[1], weighting=method, structure=structure))
    w = result.weights["weight"]
    assert np.all(w >= 0) and w.sum() == pytest.approx(1)


@FAST
@given(matrices(min_rows=6), st.integers(0, 5), st.floats(1e-3, 1e3),
       st.sampled_from(["minmax", "zscore", "rank", "vector", "distance"]),
       st.sampled_from(["equal", "entropy", "critic", "pca"]),
       st.sampled_from(["linear", "geometric", "topsis"]),
       st.sampled_from(["none", "quantile", "skew_kurtosis"]))
def test_scores_do_not_change_with_the_unit_of_an_indicator(x, column, factor, norm, method,
                                                             aggregation, outliers):
    column = column % x.shape[1]
    if outliers == "skew_kurtosis" and norm in ("vector", "distance"):
        outliers = "quantile"  # a log fallback shifts values, which vector/distance do see
    spec = spec_for(x.shape[1], normalisation=norm, weighting=method, aggregation=aggregation,
                    outliers=outliers)
    scaled = x.copy()
    scaled[:, column] *= factor
    a = build_index(panel(x), spec).table["score"]
    b = build_index(panel(scaled), spec).table["score"]
    np.testing.assert_allclose(a, b, rtol=1e-9, atol=1e-12)


@FAST
@given(matrices(), st.integers(0, 5), st.sampled_from(list(MIRROR)))
def test_flipping_a_direction_mirrors_the_normalised_values(x, column, method):
    column = column % x.shape[1]
    up = np.ones(x.shape[1])
    down = up.copy()
    down[column] = -1
    # distance to the *best* value moves its reference with the direction: use the mean
    a, b = (normalise(x, d, method, reference="mean") for d in (up, down))
    np.testing.assert_allclose(b[:, column], MIRROR[method] - a[:, column], atol=1e-12)
    np.testing.assert_allclose(np.delete(a, column, 1), np.delete(b, column, 1))


@FAST
@given(matrices(min_rows=6), st.integers(0, 5), st.sampled_from(["minmax", "zscore", "rank"]))
def test_flipping_a_direction_mirrors_its_contribution(x, column, norm):
    n = x.shape[1]
    column = column % n
    weights = list(np.linspace(1, 2, n))
    down = [1] * n
    down[column] = -1
    base = spec_for(n, normalisation=norm, weighting="manual", structure="flat", weights=weights)
    flipped = spec_for(n, directions=down, normalisation=norm, weighting="manual",
                       structure="flat", weights=weights)
    a, b = build_index(panel(x), base), build_index(panel(x), flipped)
    w = a.weight_map[f"c{column}"]
    za, zb = a.normalised[f"c{column}"], b.normalised[f"c{column}"]
    np.testing.assert_allclose(zb, MIRROR[norm] - za, atol=1e-12)
    np.testing.assert_allclose(b.table["score"] - a.table["score"],
                               w * (MIRROR[norm] - 2 * za), atol=1e-12)


@FAST
@given(matrices(min_rows=6), st.randoms(use_true_random=False),
       st.sampled_from(["linear", "geometric", "topsis"]),
       st.sampled_from(["entropy", "critic", "pca", "equal"]))
def test_permuting_units_permutes_scores(x, random, aggregation, method):
    frame = panel(x)
    order = list(range(len(frame)))
    random.shuffle(order)
    spec = spec_for(x.shape[1], aggregation=aggregation, weighting=method)
    a = build_index(frame, spec).scores
    b = build_index(frame.iloc[order].reset_index(drop=True), spec).scores
    pd.testing.assert_series_equal(a.sort_index(), b.sort_index(), rtol=1e-10)
