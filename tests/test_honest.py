"""Rambachan–Roth smoothness bounds (Δ^SD, FLCI) against the HonestDiD README's printed
Medicaid example (tests/reference/honestdid/)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from pairaid.evaluate.honest import (breakdown_m_sd, flci_sd, folded_normal_quantile,
                                     sensitivity_sd)

REFERENCE = Path(__file__).parent / "reference" / "honestdid"


@pytest.fixture(scope="module")
def medicaid():
    import pyfixest as pf

    df = pd.read_csv(REFERENCE / "ehec_data.csv")
    df = df[(df["year"] < 2016) & (df["yexp2"].isna() | (df["yexp2"] != 2015))]
    df = df.assign(D=(df["yexp2"] == 2014).astype(float))
    fit = pf.feols("dins ~ i(year, D, ref=2013) | stfips + year", df,
                   vcov={"CRV1": "stfips"})
    return fit.coef().to_numpy(), np.asarray(fit._vcov)


def test_event_study_is_the_readmes(medicaid):
    beta, sigma = medicaid
    assert beta.shape == (7,) and sigma.shape == (7, 7)
    # the README's plot: a flat pre-period and about +0.046 in 2014
    assert abs(beta[5] - 0.0464) < 5e-4 and np.all(np.abs(beta[:5]) < 0.012)


def test_sd_flci_equals_honestdid(medicaid):
    beta, sigma = medicaid
    printed = pd.read_csv(REFERENCE / "sd_flci.csv")
    for row in printed.itertuples():
        ci = flci_sd(beta, sigma, 5, 2, row.M)
        # HonestDiD prints 3 significant digits (rounding: up to 5e-5 here, 5e-4 above 0.1) and
        # takes the folded-normal quantile from 10^6 simulated draws (its sampling sd is about
        # 0.1 % of the quantile, so 0.3 % of the half-length allows three sds); we use the
        # exact quantile
        for ours, theirs in ((ci.low, row.lb), (ci.high, row.ub)):
            rounding = 5e-4 if abs(theirs) >= 0.1 else 5e-5
            assert abs(ours - theirs) <= rounding + 0.003 * ci.half_length, (row.M, ours, theirs)


def test_breakdown_lies_between_the_printed_rows(medicaid):
    beta, sigma = medicaid
    m = breakdown_m_sd(beta, sigma, 5, 2)
    # significant at M = 0.02 (lb 0.00286), not at 0.03 (lb -0.00714): README "M ≈ 0.03"
    assert 0.02 < m < 0.03
    assert flci_sd(beta, sigma, 5, 2, m * 0.99).low > 0 > flci_sd(beta, sigma, 5, 2, m * 1.01).low


def test_folded_normal_quantile():
    assert abs(folded_normal_quantile(0.0, 0.05) - 1.959964) < 1e-6
    # far from zero the folded normal is the normal: c ≈ r + z_.95
    assert abs(folded_normal_quantile(10.0, 0.05) - (10 + 1.644854)) < 1e-5


def test_sensitivity_result(medicaid):
    beta, sigma = medicaid
    result = sensitivity_sd(beta, sigma, 5, 2, [0.0, 0.02])
    # at M = 0 the FLCI is no wider than the conventional interval it relaxes
    assert result.intervals[0].high - result.intervals[0].low <= (
        result.original[1] - result.original[0]) + 1e-12
    assert 0.02 < result.breakdown_m < 0.03 and "breakdown M" in result.summary
    assert result.to_dict()["intervals"][1]["M"] == 0.02
