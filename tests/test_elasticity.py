"""`estimate_elasticity`, its results object, its guards and `pairaid estimate`."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import typer
from typer.testing import CliRunner

from pairaid.cli.estimate import estimate
from pairaid.evaluate import (
    ElasticityError,
    ElasticityResult,
    FewClustersWarning,
    estimate_elasticity,
)

runner = CliRunner()


def panel(n_units: int = 50, n_years: int = 8, b: float = 0.5, seed: int = 1) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    unit = np.repeat(np.arange(n_units), n_years)
    year = np.tile(np.arange(2010, 2010 + n_years), n_units)
    log_x = rng.normal(0, 1, n_units)[unit] + rng.normal(0, 0.5, len(unit))
    log_y = b * log_x + rng.normal(0, 1, n_units)[unit] + 0.05 * (year - 2010) \
        + rng.normal(0, 0.1, len(unit))
    return pd.DataFrame({"unit": [f"u{u}" for u in unit], "year": year,
                         "y": np.exp(log_y), "x": np.exp(log_x),
                         "z": rng.normal(size=len(unit))})


@pytest.fixture(scope="module")
def result() -> ElasticityResult:
    return estimate_elasticity(panel(), outcome="y", treatment="x", controls=("z",))


# -- the results object ----------------------------------------------------------------------
def test_result_recovers_the_elasticity_and_is_frozen(result):
    assert result.terms == ("log(x)", "z")
    assert abs(result.elasticity - 0.5) < 4 * result.std_errors["log(x)"]
    assert result.fixed_effects == ("unit", "year") and result.vcov == "CRV1"
    assert result.cluster == "unit" and result.n_clusters == 50 and result.nobs == 400
    with pytest.raises(AttributeError):
        result.nobs = 3  # type: ignore[misc]


def test_json_has_the_documented_keys(result):
    data = json.loads(result.to_json())
    assert {"estimates", "nobs", "n_clusters", "fixed_effects", "vcov", "r2_within"} <= set(data)
    assert set(data["estimates"][0]) == {"term", "estimate", "std_error", "statistic",
                                         "p_value", "conf_low", "conf_high"}
    assert data["fixed_effects"] == ["unit", "year"] and 0 < data["r2_within"] < 1
    assert data["provenance"]["pyfixest"] == "0.60.0"


def test_conf_int_widens_with_level_and_matches_tidy(result):
    ci90, ci99 = result.conf_int(0.90), result.conf_int(0.99)
    assert (ci99["lower"] < ci90["lower"]).all() and (ci99["upper"] > ci90["upper"]).all()
    tidy = result.tidy()
    ci95 = result.conf_int()
    np.testing.assert_allclose(tidy["conf_low"], ci95["lower"])
    with pytest.raises(ValueError):
        result.conf_int(95)


def test_summary_html_and_the_plain_sentence(result):
    text = result.summary
    assert "log(x)" in text and "clustered by unit" in text and str(result) == text
    assert "association" in result.interpretation and "causal" in result.interpretation
    assert "10 % higher x" in result.interpretation
    assert "<table" in result._repr_html_()


# -- logs ---------------------------------------------------------------------------------------
def test_nonpositive_values_are_dropped_and_counted():
    frame = panel()
    frame.loc[:9, "x"] = 0.0
    frame.loc[10:12, "y"] = -1.0
    res = estimate_elasticity(frame, outcome="y", treatment="x")
    assert res.dropped_nonpositive == {"y": 3, "x": 10}
    assert res.nobs == 400 - 13
    assert "dropped 3 rows with y <= 0, 10 rows with x <= 0" in res.summary


def test_log1p_keeps_zeros_and_refuses_negatives():
    frame = panel()
    frame.loc[:9, "x"] = 0.0
    res = estimate_elasticity(frame, outcome="y", treatment="x", log="log1p")
    assert res.nobs == 400 and res.treatment == "log1p(x)"
    frame.loc[0, "x"] = -2.0
    with pytest.raises(ElasticityError, match="negative"):
        estimate_elasticity(frame, outcome="y", treatment="x", log="log1p")


def test_formula_with_an_expression_needs_log_none():
    frame = panel()
    res = estimate_elasticity(frame, "log(y) ~ log(x) | unit + year", log="none")
    same = estimate_elasticity(frame, "y ~ x | unit + year")
    assert res.elasticity == pytest.approx(same.elasticity, rel=1e-10)
    with pytest.raises(ElasticityError, match="--log none"):
        estimate_elasticity(frame, "log(y) ~ log(x) | unit + year")


# -- guards ---------------------------------------------------------------------------------------
def test_unknown_columns_are_named():
    with pytest.raises(ElasticityError, match="unknown columns 'nope', 'gone'"):
        estimate_elasticity(panel(), "nope ~ x + gone | unit + year")


def test_non_numeric_outcome_is_refused():
    frame = panel().assign(y=lambda f: np.where(f.index % 2, "high", "low"))
    with pytest.raises(ElasticityError, match="'y' is not numeric"):
        estimate_elasticity(frame, outcome="y", treatment="x")


def test_a_factor_control_may_be_text():
    frame = panel().assign(region=lambda f: np.where(f.index % 3, "north", "south"))
    res = estimate_elasticity(frame, "y ~ x + C(region) | unit + year")
    assert res.terms[0] == "log(x)" and len(res.terms) == 2


def test_no_variation_in_treatment_is_refused():
    with pytest.raises(ElasticityError, match="does not vary"):
        estimate_elasticity(panel().assign(x=3.0), outcome="y", treatment="x")


def test_treatment_absorbed_by_the_unit_effect_is_refused():
    frame = panel()
    frame["x"] = frame.groupby("unit")["x"].transform("mean")
    with pytest.raises(ElasticityError, match="constant within every 'unit' group"):
        estimate_elasticity(frame, outcome="y", treatment="x")


def test_bad_options_are_refused():
    with pytest.raises(ElasticityError, match="vcov"):
        estimate_elasticity(panel(), outcome="y", treatment="x", vcov="HC3")  # type: ignore
    with pytest.raises(ElasticityError, match="cluster column"):
        estimate_elasticity(panel(), "y ~ x")
    with pytest.raises(ElasticityError, match="either a formula"):
        estimate_elasticity(panel(), "y ~ x | unit", outcome="y")


def test_few_clusters_warn_and_offer_the_wild_bootstrap():
    frame = panel(n_units=12, n_years=10)
    with pytest.warns(FewClustersWarning, match="12 clusters"):
        res = estimate_elasticity(frame, outcome="y", treatment="x")
    assert any("wild" in note for note in res.notes)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FewClustersWarning)
        boot = estimate_elasticity(frame, outcome="y", treatment="x", wild_bootstrap=199, seed=3)
    assert boot.wild_bootstrap is not None and boot.wild_bootstrap.reps == 199
    assert 0 <= boot.wild_bootstrap.p_value < 0.05
    assert "Wild cluster bootstrap" in boot.summary
    assert json.loads(boot.to_json())["wild_bootstrap"]["reps"] == 199


def test_a_collinear_control_is_dropped_and_said():
    frame = panel().assign(x2=lambda f: 2 * np.log(f["x"]))
    res = estimate_elasticity(frame, "y ~ x + x2 | unit + year")
    assert res.terms == ("log(x)",)
    assert any("collinear" in note and "x2" in note for note in res.notes)


def test_one_cluster_is_an_error():
    frame = panel().assign(region="all")
    with pytest.raises(ElasticityError, match="at least 2 clusters"):
        estimate_elasticity(frame, outcome="y", treatment="x", cluster="region")


CRASH_SCRIPT = textwrap.dedent("""
    import numpy as np, pandas as pd, sys
    from pairaid.evaluate import ElasticityError, estimate_elasticity
    rng = np.random.default_rng(0)
    frame = pd.DataFrame({"y": rng.lognormal(size=40), "x": rng.lognormal(size=40),
                          "unit": np.arange(40), "year": np.repeat(np.arange(4), 10)})
    if sys.argv[1] == "missing":
        frame["y"] = np.nan
    try:
        estimate_elasticity(frame, outcome="y", treatment="x")
    except ElasticityError as exc:
        print("refused:", exc)
""")


@pytest.mark.parametrize("case, message", [("singletons", "alone in its 'unit' group"),
                                           ("missing", "nothing to estimate")])
def test_inputs_that_abort_pyfixest_are_refused_and_the_process_lives(case, message):
    # pyfixest 0.60's Rust demeaner panics (aborting Python) on these inputs
    done = subprocess.run([sys.executable, "-c", CRASH_SCRIPT, case], capture_output=True,
                          text=True, timeout=60, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    assert "refused:" in done.stdout and message in done.stdout


# -- the command -----------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def app() -> typer.Typer:
    """The real command line, as users run it (commands are registered in cli/main.py)."""
    from pairaid.cli.main import app as real_app

    return real_app


def test_command_on_a_table_prints_json(app, tmp_path: Path):
    path = tmp_path / "t.csv"
    panel().to_csv(path, index=False)
    out = runner.invoke(app, ["estimate", "--data", str(path), "--formula",
                              "log(y) ~ log(x) + z | unit + year", "--cluster", "unit",
                              "--json"])
    assert out.exit_code == 0, out.output
    data = json.loads(out.stdout)
    # the formula is taken as written (issue 12 item 5): the logs are the formula's own
    assert data["estimates"][0]["term"] == "log(x)" and data["n_clusters"] == 50
    assert data["log"] == "none"


def test_command_bad_input_is_one_line_and_exit_2(app, tmp_path: Path):
    path = tmp_path / "t.csv"
    panel().to_csv(path, index=False)
    out = runner.invoke(app, ["estimate", "--data", str(path), "--formula", "y ~ w | unit"])
    assert out.exit_code == 2
    assert "unknown column 'w'" in out.output and "Traceback" not in out.output


def test_command_warns_about_few_clusters(app, tmp_path: Path):
    path = tmp_path / "t.csv"
    panel(n_units=10).to_csv(path, index=False)
    out = runner.invoke(app, ["estimate", "--data", str(path), "--outcome", "y",
                              "--treatment", "x"])
    assert out.exit_code == 0, out.output
    assert "only 10 clusters" in out.output and "--wild-bootstrap" in out.output


def test_estimate_has_an_example_line():
    assert "Example:" in (estimate.__doc__ or "")
