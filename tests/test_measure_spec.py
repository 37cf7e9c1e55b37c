"""Specs validate once with clear errors; bad data get an error or a documented treatment."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from pairaid.measure import (
    IndexDataError, IndexSpecError, build_index, bundled_specs, load_spec, spec_from_dict,
    spec_from_options, weight,
)
from pairaid.measure.spec import Indicator, IndexSpec

GOOD = {"name": "t", "indicators": [{"code": "a", "direction": "+", "pillar": "p"},
                                    {"code": "b", "direction": "-", "pillar": "q"}]}


def table(**columns) -> pd.DataFrame:
    n = len(next(iter(columns.values())))
    return pd.DataFrame({"unit": [f"u{k}" for k in range(n)], "year": 2020, **columns})


def test_bundled_spec_loads_and_documents_every_indicator():
    assert "sustainable_agriculture" in bundled_specs()
    spec = load_spec("sustainable_agriculture")
    assert spec.pillars == ("economic", "social", "ecological")
    assert all(i.name and i.unit and i.description for i in spec.indicators)
    assert {i.direction for i in spec.indicators} == {1, -1}


def test_spec_file_round_trip(tmp_path):
    path = tmp_path / "s.toml"
    path.write_text('name = "x"\n[weighting]\nmethod = "ahp"\n[weighting.ahp]\norder = ["a", "b"]\n'
                    'matrix = [[1, 3], ["1/3", 1]]\n[[indicators]]\ncode = "a"\n'
                    '[[indicators]]\ncode = "b"\ndirection = "-"\n', "utf-8")
    spec = load_spec(path)
    assert spec.weighting.ahp.matrix == ((1.0, 3.0), (1 / 3, 1.0))
    assert spec.directions.tolist() == [1, -1]


@pytest.mark.parametrize("change, message", [
    ({"normalisation": {"method": "log"}}, "'log' is not one of minmax"),
    ({"weighting": {"method": "manual"}}, "needs a weight for every indicator; missing for a, b"),
    ({"weighting": {"method": "ahp"}}, "needs a [weighting.ahp] table"),
    ({"weighting": {"method": "ahp", "ahp": {"order": ["a", "c"], "matrix": [[1, 2], [0.5, 1]]}}},
     "unknown: c"),
    ({"aggregation": {"method": "topsis", "colour": "red"}}, "unknown key colour"),
    ({"normalisation": {"goalposts": "reference"}}, "needs normalisation.reference_year"),
    ({"normalisation": {"method": "rank", "goalposts": "reference", "reference_year": 2000}},
     "rank normalisation has no goalposts"),
    ({"sensitivity": {"imputation": ["none", "interpolate"]}}, "cannot include 'none'"),
    ({"outliers": {"quantiles": [0.9, 0.1]}}, "must be below high"),
    ({"indicators": [{"code": "a"}, {"code": "a"}]}, "indicator codes repeat: a"),
    ({"indicators": [{"code": "a", "direction": "up"}]}, "direction 'up' is not + or -"),
    ({"aggregation": {"pillar_weights": {"p": 1}}}, "missing: q"),
])
def test_invalid_specs_give_one_clear_error(change, message):
    with pytest.raises(IndexSpecError) as raised:
        spec_from_dict({**GOOD, **change}, "s.toml")
    assert message in str(raised.value) and str(raised.value).startswith("s.toml")


def test_unknown_spec_name_and_bad_toml(tmp_path):
    with pytest.raises(IndexSpecError, match="unknown index spec 'nope'.*sustainable_agriculture"):
        load_spec("nope")
    bad = tmp_path / "bad.toml"
    bad.write_text("name = \n", "utf-8")
    with pytest.raises(IndexSpecError, match="not valid TOML"):
        load_spec(bad)


def test_options_build_a_spec_and_override_a_bundled_one():
    spec = spec_from_options("gdp:+,income_gap:-", weights="manual:2,1", aggregate="topsis")
    assert spec.codes == ("gdp", "income_gap") and spec.directions.tolist() == [1, -1]
    assert [i.weight for i in spec.indicators] == [2, 1]
    assert spec.aggregation.method == "topsis" and spec.aggregation.structure == "flat"
    base = load_spec("sustainable_agriculture")
    changed = spec_from_options(None, base, normalise="zscore")
    assert changed.normalisation.method == "zscore" and changed.codes == base.codes
    for bad, message in (("gdp", "not CODE:+"), ("gdp:*", "not CODE:+")):
        with pytest.raises(IndexSpecError, match=message):
            spec_from_options(bad)
    with pytest.raises(IndexSpecError, match="2 weights for 1 indicators"):
        spec_from_options("a:+", weights="manual:1,2")
    with pytest.raises(IndexSpecError, match="'mean' is not one of"):
        spec_from_options("a:+", weights="mean")


def simple(codes, **kw) -> IndexSpec:
    return spec_from_options(",".join(f"{c}:+" for c in codes), **kw)


def test_unknown_codes_name_the_missing_columns():
    with pytest.raises(IndexDataError, match="unknown indicator codes b, c"):
        build_index(table(a=[1.0, 2, 3]), simple(["a", "b", "c"]))


def test_all_missing_and_constant_indicators_are_refused():
    with pytest.raises(IndexDataError, match="b has no value at all"):
        build_index(table(a=[1.0, 2, 3], b=[np.nan] * 3), simple(["a", "b"]))
    with pytest.raises(IndexDataError, match="b is constant .*every value is 4"):
        build_index(table(a=[1.0, 2, 3], b=[4.0] * 3), simple(["a", "b"]))


def test_non_numeric_cells_and_repeated_keys():
    with pytest.raises(IndexDataError, match="'n/a' is not a number"):
        build_index(table(a=["1", "n/a", "3"]), simple(["a"]))
    frame = table(a=[1.0, 2, 3])
    frame["unit"] = "same"
    with pytest.raises(IndexDataError, match="2 repeated unit-year pairs"):
        build_index(frame, simple(["a"]))


def test_entropy_zeros_are_documented_and_negatives_refused():
    # zeros: 0 ln 0 = 0, so a column concentrated on one alternative gets the largest weight
    w = weight.entropy_weights(np.array([[0.0, 1.0], [0.0, 2.0], [5.0, 3.0]]))
    assert w[0] > w[1] and w.sum() == pytest.approx(1)
    with pytest.raises(IndexDataError, match="non-negative values; column 1 has 1 negative"):
        weight.entropy_weights(np.array([[1.0, -1.0], [2.0, 3.0]]))
    # a constant column carries no information: weight 0 (and all constant is an error)
    assert weight.entropy_weights(np.array([[1.0, 2.0], [1.0, 5.0], [1.0, 1.0]]))[0] == \
        pytest.approx(0)
    with pytest.raises(IndexDataError, match="every indicator got weight 0"):
        weight.entropy_weights(np.ones((3, 2)))


def test_entropy_on_negative_indicator_values_works_in_the_pipeline():
    # the pipeline computes entropy on min-max normalised data, so negative raw values are fine
    result = build_index(table(a=[-3.0, -1, 2, 5], b=[1.0, 4, 2, 3]),
                         simple(["a", "b"], weights="entropy"))
    assert result.weights["weight"].sum() == pytest.approx(1)


def test_non_reciprocal_and_inconsistent_ahp_matrices():
    with pytest.raises(IndexSpecError, match="not reciprocal: a vs b is 3 but b vs a is 2"):
        weight.ahp_weights([[1, 3], [2, 1]], ("a", "b"))
    with pytest.raises(IndexSpecError, match="diagonal must be 1"):
        weight.ahp_weights([[2, 1], [1, 1]])
    inconsistent = [[1, 9, 1 / 9], [1 / 9, 1, 9], [9, 1 / 9, 1]]
    with pytest.raises(IndexSpecError, match="consistency ratio .* exceeds 0.1"):
        weight.ahp_weights(inconsistent)
    assert weight.ahp_weights([[1, 3], [0.333, 1]]).weights == pytest.approx([0.75, 0.25], 1e-3)


def test_ahp_spec_with_inconsistent_matrix_fails_at_build():
    spec = spec_from_dict({**GOOD, "indicators": GOOD["indicators"] + [{"code": "c"}],
                           "weighting": {"method": "ahp", "ahp": {
                               "order": ["a", "b", "c"],
                               "matrix": [[1, 9, "1/9"], ["1/9", 1, 9], [9, "1/9", 1]]}}})
    with pytest.raises(IndexSpecError, match="consistency ratio"):
        build_index(table(a=[1.0, 2, 3], b=[3.0, 1, 2], c=[2.0, 3, 1]), spec)


def test_indicator_ratio_columns():
    spec = IndexSpec("r", (Indicator("share", column="x", per="y"), Indicator("y")))
    result = build_index(table(x=[1.0, 3, 6, 2], y=[2.0, 4, 0, 1]), spec)
    # y = 0 gives no ratio (missing), not infinity
    assert np.isnan(result.normalised["share"].iloc[2])
