"""Cohorts of one or two units (issue 11): a design warning in the command, a standard error that
keeps the treated unit's own variance, and the drop / pool choices, said in the result."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from pairaid.cli.main import app
from pairaid.evaluate.did import DidError, event_study

MPDTA = Path(__file__).parent / "reference" / "did" / "mpdta.csv"
OPTIONS = dict(outcome="lemp", unit="countyreal", time="year", cohort="first.treat",
               wild_reps=19)


@pytest.fixture(scope="module")
def single(tmp_path_factory):
    """mpdta with the 2004 cohort cut to its first county."""
    data = pd.read_csv(MPDTA)
    first = data.loc[data["first.treat"] == 2004, "countyreal"].min()
    cut = data[(data["first.treat"] != 2004) | (data["countyreal"] == first)]
    path = tmp_path_factory.mktemp("single") / "mpdta_single.csv"
    cut.to_csv(path, index=False)
    return cut, path


@pytest.fixture(scope="module")
def full_2004():
    result = event_study(pd.read_csv(MPDTA), **OPTIONS)
    return result.aggregations["group"].detail.set_index("level").loc[2004, "std_error"]


def test_cli_warns_and_the_se_keeps_the_units_own_variance(single, full_2004):
    _, path = single
    base = ["event-study", "--data", str(path), "--unit", "countyreal", "--time", "year",
            "--cohort", "first.treat", "--outcome", "lemp"]
    run = CliRunner().invoke(app, base + ["--json"])
    assert run.exit_code == 0, run.output
    payload = json.loads(run.stdout)
    assert any("2004 has a single unit" in w for w in payload["design_warnings"])
    assert "conservative variance" in payload["small_cohorts"]
    group = {row["cohort"]: row for row in payload["aggregations"]["group"]["by_cohort"]}
    assert group[2004]["std_error"] >= full_2004  # 0.186 against the full cohort's 0.026
    text = CliRunner().invoke(app, base)
    assert text.exit_code == 0 and "single unit" in text.output
    assert "small cohorts: cohorts 2004 (1 unit) kept" in text.output


def test_conservative_variance_by_hand(single):
    """ATT(2004, 2004) compares the county's 2003→2004 change with the never-treated units':
    its variance is the analytic (comparison-only) one plus their variance of that change."""
    cut, _ = single
    plain = event_study(cut, small_cohorts="drop", **OPTIONS)  # the same engine, no 2004
    result = event_study(cut, **OPTIONS)
    cell = result.group_time.set_index(["cohort", "time"]).loc[(2004, 2004)]
    wide = cut.pivot(index="countyreal", columns="year", values="lemp")
    never = cut.groupby("countyreal")["first.treat"].first() == 0
    change = (wide[2004] - wide[2003])[never]
    n = wide.shape[0]
    # analytic part: the comparison units' influence function, n/n_c (Δ − mean), over n²
    comparison_only = np.sum((n / never.sum() * (change - change.mean())) ** 2) / n ** 2
    assert cell["std_error"] ** 2 == pytest.approx(comparison_only + change.var(ddof=1),
                                                   rel=1e-6)
    assert plain.small_cohorts.startswith("cohorts 2004 (1 unit) dropped")


@pytest.mark.parametrize("estimator", ["cs", "sa"])
def test_drop_and_pool(single, estimator):
    cut, _ = single
    dropped = event_study(cut, estimator=estimator, small_cohorts="drop", **OPTIONS)
    assert 2004 not in dropped.group_time["cohort"].to_numpy()
    assert "dropped" in dropped.small_cohorts
    pooled = event_study(cut, estimator=estimator, small_cohorts="pool", **OPTIONS)
    assert "2004 -> 2006" in pooled.small_cohorts and "misdated by 2 periods" in \
        pooled.small_cohorts
    assert 2004 not in pooled.group_time["cohort"].to_numpy()
    kept = event_study(cut, estimator=estimator, **OPTIONS)
    se = kept.group_time.set_index(["cohort", "time"])["std_error"]
    assert se.loc[(2004, 2006)] > 0.1  # the county's own spread is in it


def test_regression_estimators_say_what_conservative_means(single):
    cut, _ = single
    result = event_study(cut, estimator="twfe", **OPTIONS)
    assert "no variance added" in result.small_cohorts


def test_unknown_choice_and_nothing_left():
    data = pd.read_csv(MPDTA)
    with pytest.raises(DidError, match="unknown small-cohort choice"):
        event_study(data, small_cohorts="merge", **OPTIONS)
    one = data[(data["first.treat"] == 0) | (data["countyreal"] == data.loc[
        data["first.treat"] == 2004, "countyreal"].min())]
    with pytest.raises(DidError, match="leaves no treated unit"):
        event_study(one, small_cohorts="drop", **OPTIONS)
    with pytest.raises(DidError, match="no cohort of three or more"):
        event_study(one, small_cohorts="pool", **OPTIONS)


def test_dropped_rows_are_counted_and_named():
    """Issue 11: not 'dropped no rows' when values are missing: rows, units, where."""
    data = pd.read_csv(MPDTA)
    data.loc[data["countyreal"].isin([8001, 8019]), "lemp"] = np.nan
    data.loc[(data["countyreal"] == 8023) & (data["year"] == 2006), "lemp"] = np.nan
    result = event_study(data, **OPTIONS)
    note = next(n for n in result.notes if "dropped" in n)
    assert note.startswith("15 rows of 3 units dropped: 'lemp' is missing in 11 rows "
                           "(countyreal 8001 in 2003")
    assert "and 6 more" in note and result.n_units == 497


def test_a_test_that_cannot_run_says_why():
    data = pd.read_csv(MPDTA)
    data = data[data["first.treat"].isin([0, 2004])]  # one pre-period: no lead to test
    result = event_study(data, estimator="twfe", **OPTIONS)
    assert result.pretrend is None
    assert "Pre-trend test: not run — no pre-treatment effect" in result.summary
    assert "nothing tests parallel trends" in result.to_dict()["pretrend_missing"]


def test_did2s_says_what_conservative_means(single):
    # kills evaluate.did2s.x_did2s__mutmut_38 ("conservative" compared as "CONSERVATIVE": the
    # pooled-estimator sentence was never put in)
    cut, _ = single
    result = event_study(cut, estimator="did2s", **OPTIONS)
    assert result.small_cohorts == ("cohorts 2004 (1 unit) kept as estimated: the did2s pools "
                                    "their event times with the other cohorts, so their units' "
                                    "residuals stay in the clustered variance (no variance "
                                    "added)")
