"""Rebuild the simulated panel of linearmodels' Stata reference tests (no linearmodels needed).

Source: bashtage/linearmodels, linearmodels/tests/panel/results/generate-panel-data.py (the
script that wrote simulated-panel.dta, which Stata 13 then estimated with
execute-stata-simulated-data.py into stata-panel-simulated-results.txt). The same legacy
``np.random.seed(12345)`` stream in the same order reproduces the data bit for bit: rows are
firm-major (firm 1..1000 × time 0..2), as after the original's ``reindex``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd


def simulated_panel() -> pd.DataFrame:
    rng = np.random.RandomState(12345)
    n, t, k = 1000, 3, 6
    x = rng.randn(k + 1, t, n)
    x[0] = 1
    beta = (np.arange(1, k + 2) / (k + 1)).reshape(k + 1, 1, 1)
    eps = rng.randn(t, n)
    y = (beta * x).sum(0) + eps
    y += rng.randn(1, n)
    w = rng.chisquare(10, size=(1, n)) / 10.0
    w = np.ones((t, 1)) @ w
    frame = pd.DataFrame({"firm": np.repeat(np.arange(1, n + 1), t), "time": np.tile(np.arange(t), n)})
    for i in range(1, k):
        frame[f"x{i}"] = x[i].T.ravel()
    frame["y"] = y.T.ravel()
    frame["w"] = (w / w.mean()).T.ravel()
    for missing, suffix in ((0.05, "_light"), (0.20, "_heavy")):
        for v in ["y", "x1", "x2", "x3", "x4", "x5"]:
            locs = rng.choice(n * t, int(n * t * missing))
            values = frame[v].copy()
            values.loc[locs] = np.nan
            frame[v + suffix] = values
    return frame
