"""Checks written for mutants of pairaid.measure that survived the mutation run (issue 17;
docs/testing.md): AHP's validation and consistency figures, the geometric mean's guard, and the
matrix conveniences of `normalise`. Expected values are computed here by hand (power iteration,
textbook formulas), not by the functions under test."""

from __future__ import annotations

import numpy as np
import pytest
from numpy.testing import assert_allclose

from pairaid.measure.aggregate import geometric
from pairaid.measure.normalise import minmax, rank, vector, zscore
from pairaid.measure.spec import IndexDataError, IndexSpecError
from pairaid.measure.weight import RANDOM_INDEX, ahp_weights

SAATY = [[1, 3, 5], [1 / 3, 1, 3], [1 / 5, 1 / 3, 1]]


def _principal_by_power_iteration(a) -> tuple[np.ndarray, float]:
    a = np.asarray(a, dtype=float)
    v = np.ones(len(a))
    for _ in range(500):
        v = a @ v
        v /= v.sum()
    return v, float((a @ v)[0] / v[0])


def test_ahp_weights_and_consistency_by_hand():
    weights, lambda_max = _principal_by_power_iteration(SAATY)
    found = ahp_weights(SAATY)
    assert_allclose(found.weights, weights, rtol=1e-10)            # 0.637, 0.258, 0.105
    assert found.lambda_max == pytest.approx(lambda_max, rel=1e-10)  # 3.0385
    ci = (lambda_max - 3) / 2
    assert found.consistency_index == pytest.approx(ci, rel=1e-8)
    assert found.consistency_ratio == pytest.approx(ci / 0.58, rel=1e-8)  # Saaty's RI(3)


def test_ahp_small_matrices():
    one = ahp_weights([[1]])
    assert one.weights.tolist() == [1.0] and one.consistency_index == 0.0
    two = ahp_weights([[1, 3], [1 / 3, 1]])
    assert_allclose(two.weights, [0.75, 0.25], rtol=1e-12)
    # a 2 × 2 reciprocal matrix is always consistent: CI and CR are 0 by definition
    assert two.consistency_index == 0.0 and two.consistency_ratio == 0.0


def test_ahp_takes_judgements_written_as_text():
    found = ahp_weights([["1", "3"], ["0.3333", "1"]])
    assert_allclose(found.weights, [0.75, 0.25], rtol=1e-4)


def test_ahp_consistency_limit_is_inclusive():
    inconsistent = [[1, 9, 1 / 9], [1 / 9, 1, 9], [9, 1 / 9, 1]]
    cr = ahp_weights(inconsistent, max_cr=None).consistency_ratio
    assert cr > 1
    ahp_weights(inconsistent, max_cr=cr)  # CR equal to the limit passes
    with pytest.raises(IndexSpecError, match=rf"^AHP: consistency ratio {cr:.3f} exceeds 0\.1 "
                                             r"\(Saaty's limit\): revise the judgements$"):
        ahp_weights(inconsistent)


@pytest.mark.parametrize("matrix", [5.0, [1.0, 2.0], [[1.0, 2.0, 3.0], [0.5, 1.0, 2.0]],
                                    np.zeros((0, 0))])
def test_ahp_refuses_a_matrix_that_is_not_square(matrix):
    with pytest.raises(IndexSpecError,
                       match=r"^AHP: the pairwise comparison matrix must be square$"):
        ahp_weights(matrix)


def test_ahp_refuses_bad_judgements_with_the_reason():
    with pytest.raises(IndexSpecError, match=r"^AHP: every judgement must be a positive number$"):
        ahp_weights([[1, 0], [0, 1]])
    with pytest.raises(IndexSpecError,
                       match=r"^AHP: the diagonal must be 1 \(each item equals itself\)$"):
        ahp_weights([[2, 1], [1, 1]])
    with pytest.raises(IndexSpecError, match=r"^AHP: the matrix is not reciprocal: 1 vs 2 is 4 "
                                             r"but 2 vs 1 is 0\.5 \(should be 0\.25\)$"):
        ahp_weights([[1, 4], [0.5, 1]])
    with pytest.raises(IndexSpecError, match=r"^AHP: the matrix is not reciprocal: b vs c is 3 "):
        ahp_weights([[1, 1, 1], [1, 1, 3], [1, 1, 1]], names=("a", "b", "c"))
    # 1/3 written as 0.333 is within the 1 % tolerance
    assert_allclose(ahp_weights([[1, 3], [0.333, 1]]).weights, [0.75, 0.25], rtol=1e-3)


def test_ahp_refuses_more_items_than_the_random_index_covers():
    n = len(RANDOM_INDEX) + 1
    with pytest.raises(IndexSpecError, match=r"^AHP: Saaty's random index is tabulated up to "
                                             r"n = 15; compare at most that many items \(group "
                                             r"indicators into pillars\)$"):
        ahp_weights(np.ones((n, n)))


def test_geometric_mean_needs_positive_values():
    assert_allclose(geometric(np.array([[4.0, 9.0]]), np.array([0.5, 0.5]))[:, 0], [6.0])
    for bad in (0.0, -1.0):
        with pytest.raises(ValueError, match=r"^the geometric mean needs positive values$"):
            geometric(np.array([[4.0, bad]]), np.array([0.5, 0.5]))


def test_matrix_conveniences_with_and_without_directions():
    x = np.array([[1.0, 10.0], [2.0, 30.0], [4.0, 20.0]])
    down = [1, -1]
    assert_allclose(minmax(x), [[0, 0], [1 / 3, 1], [1, 0.5]])
    assert_allclose(minmax(x, down), [[0, 1], [1 / 3, 0], [1, 0.5]])
    # z-scores (ddof 1): column 1 has mean 7/3 and sd sqrt(7/3); less-is-better negates
    z1 = (x[:, 0] - 7 / 3) / np.sqrt(7 / 3)
    z2 = (x[:, 1] - 20) / 10
    assert_allclose(zscore(x), np.column_stack([z1, z2]))
    assert_allclose(zscore(x, down), np.column_stack([z1, -z2]))
    norms = np.sqrt([1 + 4 + 16, 100 + 900 + 400])
    assert_allclose(vector(x), x / norms)
    assert_allclose(vector(x, down), np.column_stack([x[:, 0] / norms[0], 1 - x[:, 1] / norms[1]]))
    assert_allclose(rank(x), [[0, 0], [0.5, 1], [1, 0.5]])
    assert_allclose(rank(x, down), [[0, 1], [0.5, 0], [1, 0.5]])
    # ties take their average rank
    assert_allclose(rank(np.array([[1.0], [1.0], [3.0]]))[:, 0], [0.25, 0.25, 1.0])


def test_ahp_consistency_index_is_zero_for_two_items_even_if_rounded():
    # 1/3 written as 0.333: lambda_max = 1 + sqrt(3 × 0.333) < 2, yet n = 2 has no CI by definition
    found = ahp_weights([[1, 3], [0.333, 1]])
    assert found.lambda_max == pytest.approx(1 + np.sqrt(0.999), rel=1e-12)
    assert found.consistency_index == 0.0 and found.consistency_ratio == 0.0


def test_ahp_accepts_the_largest_tabulated_size():
    n = len(RANDOM_INDEX)  # 15
    found = ahp_weights(np.ones((n, n)))
    assert_allclose(found.weights, np.full(n, 1 / n), rtol=1e-12)
    assert found.consistency_ratio == pytest.approx(0.0, abs=1e-12)


def test_geometric_mean_with_a_missing_value():
    g = np.array([[4.0, np.nan], [4.0, 9.0]])
    w = np.array([0.5, 0.5])
    assert np.isnan(geometric(g, w)[0, 0])                 # without re-weighting: missing
    assert_allclose(geometric(g, w, reweight=True)[:, 0], [4.0, 6.0])


def test_distance_to_a_reference():
    from pairaid.measure.normalise import normalise

    x = np.array([[2.0, 10.0], [4.0, 20.0], [8.0, 40.0]])
    down = np.array([1.0, -1.0])
    # best: max when more is better, min when less is better; z = (x − ref)/|ref|, mirrored 0 − z
    best = normalise(x, down, "distance", reference="best")
    assert_allclose(best, np.column_stack([(x[:, 0] - 8) / 8, -(x[:, 1] - 10) / 10]))
    mean = normalise(x, down, "distance", reference="mean")
    m1, m2 = 14 / 3, 70 / 3
    assert_allclose(mean, np.column_stack([(x[:, 0] - m1) / m1, -(x[:, 1] - m2) / m2]))
    target = normalise(x, down, "distance", reference="target", targets=np.array([-4.0, 25.0]))
    assert_allclose(target, np.column_stack([(x[:, 0] + 4) / 4, -(x[:, 1] - 25) / 25]))
    with pytest.raises(IndexDataError, match=r"^indicator b: the reference value is 0, so the relative "
                                        r"distance to it is undefined$"):
        normalise(x, down, "distance", reference="target", targets=np.array([1.0, 0.0]),
                  codes=("a", "b"))


def test_extremes_per_goalpost_group_over_the_sample_rows():
    from pairaid.measure.aggregate import extremes

    x = np.array([[1.0, 9.0], [3.0, 7.0], [10.0, 2.0], [20.0, 5.0], [15.0, 1.0]])
    group = np.array([0, 0, 1, 1, 1])
    sample = np.array([True, True, True, True, False])  # the last row sets no goalpost
    high, low = extremes(x, group, sample)
    assert_allclose(high, [[3, 9], [3, 9], [20, 5], [20, 5], [20, 5]])
    assert_allclose(low, [[1, 7], [1, 7], [10, 2], [10, 2], [10, 2]])
    one_high, one_low = extremes(x, np.zeros(5, dtype=int), sample)
    assert_allclose(one_high, np.tile([20, 9], (5, 1)))
    assert_allclose(one_low, np.tile([1, 2], (5, 1)))


def _topsis_by_hand(s, w, reweight):
    """Closeness over pillar scores s (n × P) with weights w (P,), ideals over all rows."""
    best, worst = np.nanmax(s, axis=0), np.nanmin(s, axis=0)
    out = []
    for row in s:
        seen = ~np.isnan(row)
        if not seen.all() and not reweight:
            out.append(np.nan)
            continue
        d_best = np.sqrt(np.sum((w[seen] * (row[seen] - best[seen])) ** 2))
        d_worst = np.sqrt(np.sum((w[seen] * (row[seen] - worst[seen])) ** 2))
        out.append(d_worst / (d_best + d_worst))
    return np.array(out)


@pytest.mark.parametrize("reweight", [False, True])
def test_topsis_over_pillars_with_a_missing_pillar_and_two_weight_draws(reweight):
    import warnings

    from pairaid.measure.aggregate import aggregate

    z = np.array([[0.2, 0.4, 0.9], [0.6, 0.8, np.nan], [1.0, 0.0, 0.3], [0.5, 0.5, 0.5],
                  [0.4, 0.2, 0.6]])
    pillar_index = np.array([0, 0, 1])
    w = np.array([[1.0, 1.0], [1.0, 3.0], [1.0, 1.0]])            # p × r: two draws
    pillar_w = np.array([[3.0, 1.0], [1.0, 2.0]])                 # P × r, not summing to one
    n = len(z)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # 0/0 and NaN arithmetic stay silent
        index, scores = aggregate(z, w, pillar_w, pillar_index, "linear", "topsis", True,
                                  reweight, np.zeros(n, dtype=int), np.ones(n, dtype=bool))
    assert index.shape == (n, 2) and scores.shape == (2, n, 2)
    for r in range(2):
        first = (z[:, 0] * w[0, r] + z[:, 1] * w[1, r]) / (w[0, r] + w[1, r])
        pillars = np.column_stack([first, z[:, 2]])
        assert_allclose(scores[:, :, r].T, pillars)
        assert_allclose(index[:, r], _topsis_by_hand(pillars, pillar_w[:, r], reweight))


def test_critic_weights_by_hand_on_raw_data_with_a_missing_cell():
    import statistics

    from pairaid.measure.weight import critic_weights

    columns = [[12.0, 15.0, 11.0, 19.0, 14.0], [3.0, None, 4.5, 2.0, 2.5],
               [40.0, 42.0, 47.0, 41.0, 49.0]]
    scaled = []
    for column in columns:   # Diakoulaki et al. work on min-max normalised criteria
        values = [v for v in column if v is not None]
        low, high = min(values), max(values)
        scaled.append([None if v is None else (v - low) / (high - low) for v in column])
    sigma = [statistics.stdev([v for v in c if v is not None]) for c in scaled]

    def r(a, b):  # Pearson over the rows where both are present
        pairs = [(x, y) for x, y in zip(a, b) if x is not None and y is not None]
        return statistics.correlation(*zip(*pairs))

    c = [sigma[j] * sum(1 - r(scaled[j], scaled[k]) for k in range(3)) for j in range(3)]
    matrix = np.array([[np.nan if v is None else v for v in row] for row in zip(*columns)])
    assert_allclose(critic_weights(matrix), [v / sum(c) for v in c], rtol=1e-10)


def test_critic_weights_refuse_a_constant_column():
    from pairaid.measure.spec import IndexDataError
    from pairaid.measure.weight import critic_weights

    with pytest.raises(IndexDataError, match=r"^CRITIC weights: column 1 is constant$"):
        critic_weights(np.array([[1.0, 2.0, 3.0], [2.0, 2.0, 1.0], [3.0, 2.0, 2.0]]))
    # perfectly correlated columns carry no contrast: every CRITIC weight would be 0
    with pytest.raises(IndexDataError, match=r"^CRITIC weights: every indicator got weight 0 "
                                             r"\(no indicator varies\)$"):
        critic_weights(np.array([[1.0, 2.0], [2.0, 4.0], [3.0, 6.0]]))


def test_rank_of_rows_outside_the_goalpost_sample():
    from pairaid.measure.normalise import normalise

    x = np.array([[1.0, 4.0], [3.0, np.nan], [5.0, 8.0], [2.0, 6.0], [6.0, 1.0], [0.0, 8.0]])
    sample = np.array([True, True, True, False, False, False])
    z = normalise(x, np.array([1.0, 1.0]), "rank", sample=sample)
    # a value's rank among the sample is (#below + #at-or-below + 1) / 2, then (r − 1)/(n − 1):
    # column 1 sample {1, 3, 5}: 2 → 1.5 → 0.25, 6 → 3.5 → 1.25, 0 → 0.5 → −0.25
    # column 2 sample {4, 8}: 6 → 1.5 → 0.5, 1 → 0.5 → −0.5, 8 (tied with the top) → 2 → 1
    assert_allclose(z[:, 0], [0, 0.5, 1, 0.25, 1.25, -0.25])
    assert_allclose(z[:, 1], [0, np.nan, 1, 0.5, -0.5, 1.0])


def test_geometric_scale_to_1_100_over_the_sample():
    from pairaid.measure.aggregate import geometric_scale

    x = np.array([[2.0, 5.0, 7.0], [4.0, 3.0, 7.0], [6.0, 1.0, 7.0], [10.0, 9.0, 7.0]])
    sample = np.array([True, True, True, False])
    # column 1 on [2, 6], column 2 on [1, 5] (the fourth row lies outside), column 3 constant: 1
    expected = np.column_stack([1 + 99 * (x[:, 0] - 2) / 4, 1 + 99 * (x[:, 1] - 1) / 4,
                                np.ones(4)])
    assert_allclose(geometric_scale(x, sample), expected, rtol=1e-14)


@pytest.mark.parametrize("reweight", [False, True])
def test_topsis_over_indicators_with_a_missing_value_and_two_draws(reweight):
    import warnings

    from pairaid.measure.aggregate import topsis

    z = np.array([[0.2, 0.9, 0.4], [0.7, np.nan, 0.1], [1.0, 0.3, 0.8], [0.0, 0.6, 0.5]])
    best, worst = np.nanmax(z, axis=0), np.nanmin(z, axis=0)
    w = np.array([[3.0, 1.0], [1.0, 1.0], [2.0, 5.0]])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        got = topsis(z, w, np.broadcast_to(best, z.shape), np.broadcast_to(worst, z.shape),
                     reweight) if reweight else topsis(z, w, np.broadcast_to(best, z.shape),
                                                       np.broadcast_to(worst, z.shape))
    assert got.shape == (4, 2)
    for r in range(2):
        assert_allclose(got[:, r], _topsis_by_hand(z, w[:, r], reweight))


def test_pillar_weights_explicit_ahp_and_equal():
    from pairaid.measure import spec_from_dict
    from pairaid.measure.weight import pillar_weights

    base = {"name": "t", "indicators": [{"code": "x", "pillar": "p"}, {"code": "y", "pillar": "q"},
                                        {"code": "v", "pillar": "s"}]}
    explicit = spec_from_dict({**base, "aggregation": {"pillar_weights": {"q": 1, "p": 3,
                                                                           "s": 4}}})
    assert_allclose(pillar_weights(explicit), [3 / 8, 1 / 8, 4 / 8])   # in the spec's order
    assert_allclose(pillar_weights(spec_from_dict(base)), [1 / 3] * 3)
    ahp = spec_from_dict({**base, "aggregation": {"pillar_weights": "ahp", "pillar_ahp": {
        "order": ["s", "q", "p"], "matrix": SAATY}}})
    weights, _ = _principal_by_power_iteration(SAATY)
    assert_allclose(pillar_weights(ahp), weights[[2, 1, 0]], rtol=1e-10)


@pytest.mark.parametrize("overall", ["linear", "geometric", "topsis"])
@pytest.mark.parametrize("reweight", [False, True])
def test_pillars_to_index_by_hand_with_goalpost_groups_and_two_draws(overall, reweight):
    import warnings

    from pairaid.measure.aggregate import aggregate

    z = np.array([[0.2, 0.4, 0.9], [0.6, 0.8, np.nan], [1.0, 0.0, 0.3], [0.5, 0.5, 0.5],
                  [0.4, 0.2, 0.6], [0.9, 0.7, 0.2]])
    group = np.array([0, 0, 0, 1, 1, 1])
    pillar_index = np.array([0, 0, 1])
    w = np.array([[1.0, 1.0], [1.0, 3.0], [1.0, 1.0]])
    pillar_w = np.array([[3.0, 1.0], [1.0, 2.0]])
    n = len(z)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        index, _ = aggregate(z, w, pillar_w, pillar_index, "linear", overall, True, reweight,
                             group, np.ones(n, dtype=bool))
    for r in range(2):
        s = np.column_stack([(z[:, 0] * w[0, r] + z[:, 1] * w[1, r]) / (w[0, r] + w[1, r]),
                             z[:, 2]])
        pw = pillar_w[:, r]
        if overall == "topsis":   # ideals per goalpost group
            expected = np.concatenate([_topsis_by_hand(s[group == g], pw, reweight)
                                       for g in (0, 1)])
        else:
            if overall == "geometric":   # each pillar rescaled to [1, 100] over all rows
                low, high = np.nanmin(s, axis=0), np.nanmax(s, axis=0)
                s = np.log(1 + 99 * (s - low) / (high - low))
            seen = ~np.isnan(s)
            num = np.where(seen, s, 0.0) @ pw
            den = seen @ pw if reweight else np.full(n, pw.sum())
            expected = num / den
            expected[~seen.all(axis=1) & (not reweight)] = np.nan
            if overall == "geometric":
                expected = np.exp(expected)
        assert_allclose(index[:, r], expected, rtol=1e-12)


def test_pillar_weights_refusals_name_the_pillars_and_use_the_spec_limit():
    from pairaid.measure import spec_from_dict
    from pairaid.measure.spec import IndexDataError
    from pairaid.measure.weight import pillar_weights

    base = {"name": "t", "indicators": [{"code": "x", "pillar": "p"}, {"code": "y", "pillar": "q"},
                                        {"code": "v", "pillar": "s"}]}
    zero = spec_from_dict({**base, "aggregation": {"pillar_weights": {"p": 0, "q": 0, "s": 0}}})
    with pytest.raises(IndexDataError, match=r"^pillar weights: every indicator got weight 0 "):
        pillar_weights(zero)

    def ahp(matrix, **limit):
        return spec_from_dict({**base, "aggregation": {"pillar_weights": "ahp", "pillar_ahp": {
            "order": ["s", "q", "p"], "matrix": matrix, **limit}}})

    with pytest.raises(IndexSpecError, match=r"^AHP: the matrix is not reciprocal: s vs q is 2 "):
        pillar_weights(ahp([[1, 2, 1], [1, 1, 1], [1, 1, 1]]))
    inconsistent = [[1, 9, 1 / 9], [1 / 9, 1, 9], [9, 1 / 9, 1]]
    cr = ahp_weights(inconsistent, max_cr=None).consistency_ratio
    with pytest.raises(IndexSpecError, match=r"exceeds 0\.1 "):
        pillar_weights(ahp(inconsistent))
    with pytest.raises(IndexSpecError, match=r"exceeds 2 "):
        pillar_weights(ahp(inconsistent, max_cr=2.0))
    assert len(pillar_weights(ahp(inconsistent, max_cr=cr + 0.01))) == 3


def test_geometric_scale_of_a_column_constant_over_the_sample():
    from pairaid.measure.aggregate import geometric_scale

    # constant (3) on the sample rows: no spread to scale by, so a row outside the sample keeps
    # its raw distance from the sample's value: 1 + 99 × (5 − 3) / 1
    x = np.array([[3.0], [3.0], [5.0]])
    assert_allclose(geometric_scale(x, np.array([True, True, False]))[:, 0], [1, 1, 199])
