"""Synthetic control on the Basque data against R Synth, and HCW on the Hong Kong data against R
pampe and Hsiao, Ching and Wan (2012). Numbers and their sources: reference/synth/README.md."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose

from pairaid.evaluate.synth import Predictor, synthetic_control

HERE = Path(__file__).parent / "reference" / "synth"
BASQUE = "Basque Country (Pais Vasco)"
HCW_COLUMNS = ["HongKong", "Australia", "Austria", "Canada", "Denmark", "Finland", "France",
               "Germany", "Italy", "Japan", "Korea", "Mexico", "Netherlands", "NewZealand",
               "Norway", "Switzerland", "UnitedKingdom", "UnitedStates", "Singapore",
               "Philippines", "Indonesia", "Malaysia", "Thailand", "Taiwan", "China"]
POLITICAL_DONORS = ["China", "Indonesia", "Japan", "Korea", "Malaysia", "Philippines",
                    "Singapore", "Taiwan", "UnitedStates", "Thailand"]

# R Synth, dataprep(..., treatment.identifier = 17, controls.identifier = c(2:16, 18),
# time.predictors.prior = 1964:1969, time.optimize.ssr = 1960:1969); synth(); synth.tab()
R_FULL_W = {"Cataluna": 0.8508151, "Madrid (Comunidad De)": 0.1491843}
R_FULL_LOSS_V = 0.008864572
R_SPECIAL_W = {"Cataluna": 0.8508135, "Madrid (Comunidad De)": 0.1491863}
R_SPECIAL_LOSS_V = 0.008864554
# synth.tab()$tab.pred, 3 decimals: predictor -> (treated, synthetic, sample mean)
R_BALANCE = {
    "invest": (24.647, 21.583, 21.424), "school.illit": (39.888, 256.337, 170.786),
    "school.prim": (1031.742, 2730.105, 1127.186), "school.med": (90.359, 223.340, 76.260),
    "school.high": (25.728, 63.437, 24.235), "school.post.high": (13.480, 36.153, 13.478),
    "gdpcap": (5.285, 5.271, 3.581), "sec.agriculture": (6.844, 6.179, 21.353),
    "sec.energy": (4.106, 2.760, 5.310), "sec.industry": (45.082, 37.636, 22.425),
    "sec.construction": (6.150, 6.952, 7.276), "sec.services.venta": (33.754, 41.104, 36.528),
    "sec.services.nonventa": (4.072, 5.371, 7.111), "popdens": (246.890, 196.283, 99.414),
}
# R pampe 1.1.2, summary(pampe(time.pretr = 1:18, time.tr = 19:44, treated = "HongKong",
# controls = POLITICAL_DONORS, data = growth))
PAMPE_COEF = {"(intercept)": (0.026300, 0.017048), "Japan": (-0.675964, 0.111688),
              "Korea": (-0.432298, 0.063377), "UnitedStates": (0.486032, 0.219521),
              "Taiwan": (0.792593, 0.309892)}
PAMPE_EFFECT = -0.0396291
PAMPE_R2 = 0.931
PAMPE_RESIDUAL_SE = 0.0058


@pytest.fixture(scope="module")
def basque() -> pd.DataFrame:
    return pd.read_csv(HERE / "basque-1960-1970.csv")


def _basque_predictors(school: bool = True) -> list[Predictor]:
    prior = tuple(range(1964, 1970))
    out = [Predictor(c, prior) for c in ("invest", "school.illit", "school.prim", "school.med",
                                         "school.high", "school.post.high")] if school else []
    out.append(Predictor("gdpcap", tuple(range(1960, 1970))))
    out += [Predictor(c, tuple(range(1961, 1970)))
            for c in ("sec.agriculture", "sec.energy", "sec.industry", "sec.construction",
                      "sec.services.venta", "sec.services.nonventa")]
    return out + [Predictor("popdens", (1969,))]


def _basque_fit(frame, school: bool = True):
    donors = [u for u in dict.fromkeys(frame["regionname"]) if u not in ("Spain (Espana)", BASQUE)]
    return synthetic_control(frame, outcome="gdpcap", unit="regionname", time="year",
                             treated=BASQUE, treat_time=1970, donors=donors,
                             predictors=_basque_predictors(school), placebos=False)


@pytest.fixture(scope="module")
def basque_full(basque):
    return _basque_fit(basque)


def _loss_v(result) -> float:
    gap = result.gap[result.pre]
    return float(np.mean(gap ** 2))


def test_basque_weights_match_r_synth_and_the_published_ones(basque_full):
    weights = basque_full.weights().set_index("unit")["weight"]
    for region, expected in R_FULL_W.items():
        # R's interior-point solution leaves ~1e-7 on every donor; 5e-6 covers that
        assert_allclose(weights[region], expected, atol=5e-6, err_msg=region)
    assert weights.drop(list(R_FULL_W)).max() < 1e-6
    # Abadie, Diamond and Hainmueller (2011, JSS): 0.851 and 0.149, to the printed digits
    assert_allclose(weights[list(R_FULL_W)], [0.851, 0.149], atol=5e-4)


def test_basque_pre_period_mspe_matches_r_synth_loss_v(basque_full):
    # ours is the exact optimum of the inner problem, R's an interior-point approximation
    assert_allclose(_loss_v(basque_full), R_FULL_LOSS_V, rtol=1e-5)
    assert _loss_v(basque_full) <= R_FULL_LOSS_V


def test_basque_predictor_balance_matches_r_synth_tab(basque_full):
    balance = basque_full.balance()
    balance["name"] = balance["predictor"].str.split(" ").str[0]
    table = balance.set_index("name")
    for name, (treated, synthetic, mean) in R_BALANCE.items():
        row = table.loc[name]
        assert_allclose(row["treated"], treated, atol=5e-4, err_msg=name)
        assert_allclose(row["donor_mean"], mean, atol=5e-4, err_msg=name)
        # the synthetic column moves with the 7th digit of the weights: half a unit + 1e-3
        assert_allclose(row["synthetic"], synthetic, atol=1.5e-3, err_msg=name)


def test_basque_special_predictors_only_match_r_synth(basque):
    result = _basque_fit(basque, school=False)
    weights = result.weights().set_index("unit")["weight"]
    for region, expected in R_SPECIAL_W.items():
        assert_allclose(weights[region], expected, atol=5e-6, err_msg=region)
    assert_allclose(_loss_v(result), R_SPECIAL_LOSS_V, rtol=1e-5)


@pytest.fixture(scope="module")
def hong_kong() -> pd.DataFrame:
    wide = pd.read_csv(HERE / "hcw-data-1993q1-2003q4.txt", sep="\t", header=None,
                       names=HCW_COLUMNS)
    wide["quarter"] = np.arange(1, len(wide) + 1)  # 1 = 1993Q1, 19 = 1997Q3
    return wide.melt(id_vars="quarter", var_name="country", value_name="growth")


@pytest.fixture(scope="module")
def political(hong_kong):
    return synthetic_control(hong_kong, outcome="growth", unit="country", time="quarter",
                             treated="HongKong", treat_time=19, method="hcw",
                             donors=POLITICAL_DONORS)


def test_hcw_political_integration_selects_the_published_control_group(political):
    # HCW (2012) and pampe: Japan, Korea, the United States and Taiwan by AICc
    assert set(political.donors) == {"Japan", "Korea", "UnitedStates", "Taiwan"}
    assert political.search == "exhaustive"


def test_hcw_political_integration_matches_pampe(political):
    tidy = political.tidy().set_index("term")
    for term, (estimate, std_error) in PAMPE_COEF.items():
        assert_allclose(tidy.loc[term, "estimate"], estimate, atol=5e-7, err_msg=term)
        assert_allclose(tidy.loc[term, "std_error"], std_error, atol=5e-7, err_msg=term)
    assert_allclose(political.effect, PAMPE_EFFECT, atol=5e-8)
    assert_allclose(political.r2, PAMPE_R2, atol=5e-4)
    resid = political.gap[political.pre]
    assert_allclose(np.sqrt(resid @ resid / 13), PAMPE_RESIDUAL_SE, atol=5e-5)


def test_hong_kong_data_agree_with_pampe_growth(hong_kong):
    """The first six quarters as R pampe prints `head(growth)` (its copy of the HCW data)."""
    printed = {
        "HongKong": [0.062, 0.059, 0.058, 0.062, 0.079, 0.068],
        "Japan": [0.012683435, -0.005570701, -0.017558422, -0.010101253, -0.022502562,
                  -0.005157348],
        "Korea": [0.05858640, 0.06952104, 0.08164631, 0.08553336, 0.08592229, 0.08841456],
        "UnitedStates": [0.02295922, 0.01893592, 0.01798999, 0.02068346, 0.02991833,
                         0.03784032],
        "Taiwan": [0.06490222, 0.06512348, 0.06737918, 0.06916444, 0.06945150, 0.07013538],
        "China": [0.143, 0.141, 0.135, 0.135, 0.125, 0.120],
    }
    wide = hong_kong.pivot(index="quarter", columns="country", values="growth")
    for country, values in printed.items():
        assert_allclose(wide[country].iloc[:6], values, atol=5e-9, err_msg=country)
