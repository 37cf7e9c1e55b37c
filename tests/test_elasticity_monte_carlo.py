"""A small run of bench/elasticity_monte_carlo.py: unbiased, and 95 % intervals cover.

With 60 replications and a true coverage of 0.95, coverage < 51/60 has probability
P(Binomial(60, 0.95) <= 50) = 0.07 % (2.3 % if the true coverage were 0.93); |bias| beyond four
Monte Carlo standard errors has probability 6e-5. The seed is fixed, so the test is
deterministic; those are the chances that another seed would fail it.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parents[1] / "bench"))
from elasticity_monte_carlo import monte_carlo


def test_small_monte_carlo_is_unbiased_and_covers():
    mc = monte_carlo(60)
    assert mc["coverage"] >= 51 / 60, mc
    assert abs(mc["bias"]) <= 4 * mc["bias_mc_se"], mc
