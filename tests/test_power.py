"""The minimum detectable effect: a planted effect equal to the MDE is detected in about 80 %
of simulated panels (the formula checked by simulation, not by itself)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from pairaid.evaluate import estimate_elasticity
from pairaid.evaluate.power import minimum_detectable_effect, power_at


def _panel(rng, effect, units=40, years=8):
    unit = np.repeat(np.arange(units), years)
    year = np.tile(np.arange(years), units)
    x = rng.normal(size=units * years) + 0.3 * rng.normal(size=units)[unit]
    y = effect * x + rng.normal(size=units)[unit] + rng.normal(size=units * years)
    return pd.DataFrame({"unit": unit, "year": year, "x": x, "y": y})


def test_mde_formula():
    # (z_.975 + z_.80) = 2.8016 standard errors for a normal test
    assert abs(minimum_detectable_effect(1.0, float("inf")) - 2.8016) < 1e-3
    assert minimum_detectable_effect(1.0, 10) > minimum_detectable_effect(1.0, 100)
    assert abs(power_at(minimum_detectable_effect(0.1, 39), 0.1, 39) - 0.80) < 0.01


def test_planted_mde_gives_eighty_percent_power():
    rng = np.random.default_rng(11)
    # the design's MDE from one null panel (the SE does not depend on the effect)
    base = estimate_elasticity(_panel(rng, 0.0), outcome="y", treatment="x", log="none")
    mde = base.mde
    assert mde is not None and mde > 0
    hits = []
    for _ in range(300):
        result = estimate_elasticity(_panel(rng, mde), outcome="y", treatment="x", log="none")
        hits.append(result.pvalues["x"] < 0.05)
    assert 0.72 <= np.mean(hits) <= 0.88, np.mean(hits)
    assert "Minimum detectable effect" in base.summary
    assert base.to_dict()["minimum_detectable_effect"] == mde
