"""Rambachan–Roth sensitivity of any event-study result: how far parallel trends may fail before
the effect at a chosen event time is no longer distinguishable from zero.

`honest_sensitivity(result, "rm" | "sd", values)` takes the event path and its full
variance–covariance (`EventStudyResult.event_covariance`, every estimator: Callaway–Sant'Anna,
Sun–Abraham, TWFE, did2s), keeps the event times HonestDiD needs — the leads −2, −3, … and the
lags 0, 1, … that run without a gap from the reference period −1 — and runs

* ``rm``: relative magnitudes Δ^RM(M̄), HonestDiD's default C-LF confidence sets
  (`pairaid.evaluate.honest_rm`): no change in the difference in trends after treatment is more
  than M̄ times the largest change between consecutive periods before it;
* ``sd``: smoothness Δ^SD(M), the optimal FLCI (`pairaid.evaluate.honest`): the slope of the
  difference in trends changes by at most M per period.

As HonestDiD's `honest_did.AGGTEobj` (R package HonestDiD, `honest_did.R`): the target is the
effect at event time ``e`` (default 0, "on impact"; ``"average"`` averages the lags kept), the
reference period −1 is dropped, and Callaway–Sant'Anna must use a universal base period (with a
varying base, the leads are one-period changes, not deviations from period −1). Relative
magnitudes and smoothness keep the lags 0 … 3 (`POST_PERIODS`, or up to the target):
HonestDiD's dual linear programmes grow combinatorially with the periods (14 lags of the demo
took a minute per M̄, 4 take half a second), lags after the target only tighten the set, and
one window gives both restrictions the same target (``"average"`` is the mean of 0 … 3). The breakdown value is the largest
M̄ (or M) whose interval still excludes zero. Checked against R HonestDiD on R did's mpdta event
study (tests/test_honest_event.py, tests/reference/honestdid/README.md).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np
from scipy import stats

from pairaid.errors import InputError

Restriction = Literal["rm", "sd"]
RESTRICTIONS: tuple[str, ...] = ("rm", "sd")
#: HonestDiD's default grid of M̄ (`createSensitivityResults_relativeMagnitudes`)
RM_VALUES = (0.5, 1.0, 1.5, 2.0)
#: lags kept (0 … 3, or up to the target event time; see the module docstring)
POST_PERIODS = 4
#: points of the default M grid for smoothness (HonestDiD: 10 from 0 to its upper bound)
SD_GRID_POINTS = 10


class HonestError(InputError):
    """An event study that cannot carry a Rambachan–Roth sensitivity analysis."""


@dataclass(frozen=True)
class HonestInterval:
    value: float
    low: float
    high: float

    @property
    def excludes_zero(self) -> bool:
        return bool(self.low > 0 or self.high < 0)

    def to_dict(self) -> dict:
        from pairaid.jsonable import number

        return {"M": self.value, "conf_low": number(self.low), "conf_high": number(self.high),
                "excludes_zero": self.excludes_zero}


@dataclass(frozen=True)
class EventSensitivity:
    """Robust intervals for the effect at `target` over values of M̄ (rm) or M (sd), the
    breakdown value and the conventional interval they relax."""

    restriction: str
    target: str
    estimate: float
    original: tuple[float, float]
    intervals: tuple[HonestInterval, ...]
    breakdown: float
    pre_periods: tuple[int, ...]
    post_periods: tuple[int, ...]
    alpha: float
    method: str
    notes: tuple[str, ...] = ()

    @property
    def parameter(self) -> str:
        return "Mbar" if self.restriction == "rm" else "M"

    def tidy(self):
        import pandas as pd

        return pd.DataFrame([i.to_dict() for i in self.intervals])

    def to_dict(self) -> dict:
        from pairaid.jsonable import number

        return {"restriction": {"rm": "relative_magnitudes", "sd": "smoothness"}[
                    self.restriction],
                "parameter": self.parameter, "method": self.method, "target": self.target,
                "estimate": number(self.estimate), "alpha": self.alpha,
                "original": {"conf_low": number(self.original[0]),
                             "conf_high": number(self.original[1])},
                "breakdown": number(self.breakdown),
                "pre_periods": list(self.pre_periods), "post_periods": list(self.post_periods),
                "intervals": [i.to_dict() for i in self.intervals],
                "interpretation": self.interpretation, "notes": list(self.notes)}

    @property
    def interpretation(self) -> str:
        b = self.breakdown
        if not (self.original[0] > 0 or self.original[1] < 0):
            return (f"The effect at {self.target} is not significant even under exact parallel "
                    "trends, so there is no robustness to measure.")
        if self.restriction == "rm":
            bound = (f"differences in trends after treatment up to {b:.3g} times the largest "
                     "change between consecutive pre-treatment periods")
        else:
            bound = (f"a difference in trends whose slope changes by up to {b:.3g} per period")
        if b == 0:
            return (f"The effect at {self.target} loses significance under any violation of "
                    "parallel trends of this kind.")
        if not np.isfinite(b):
            return f"The effect at {self.target} stays significant over every value tried."
        return (f"The effect at {self.target} stays significant with {bound} (breakdown "
                f"{self.parameter} = {b:.3g}); larger violations could explain it.")

    @property
    def summary(self) -> str:
        name = ("relative magnitudes Δ^RM(M̄)" if self.restriction == "rm"
                else "smoothness Δ^SD(M)")
        rows = "\n".join(f"  {self.parameter} = {i.value:<8.4g} [{i.low:.4g}, {i.high:.4g}]"
                         for i in self.intervals)
        return (f"Sensitivity to violations of parallel trends (Rambachan–Roth {name}, "
                f"{1 - self.alpha:.0%}, effect at {self.target}; event times "
                f"{self.pre_periods[0]}…{self.pre_periods[-1]} and {self.post_periods[0]}…"
                f"{self.post_periods[-1]}):\n  original [{self.original[0]:.4g}, "
                f"{self.original[1]:.4g}]\n{rows}\n  breakdown {self.parameter}: "
                f"{self.breakdown:.4g}\n  {self.interpretation}")


def event_inputs(result, restriction: str = "sd", target: int | str = 0,
                 max_post: int | None = None):
    """(betahat, sigma, pre event times, post event times, l_vec) of a result's event path, as
    HonestDiD takes them."""
    if result.event_covariance is None:
        raise HonestError("this event-study result carries no covariance of its event path")
    if result.estimator == "cs" and result.base_period != "universal":
        raise HonestError("Rambachan–Roth sensitivity needs the leads measured from the period "
                          "before treatment: use a universal base period (--base-period "
                          "universal), as HonestDiD's honest_did does for R did")
    times = result.event_time["event_time"].to_numpy(dtype=int)
    estimates = result.event_time["estimate"].to_numpy(dtype=float)
    position = {int(e): i for i, e in enumerate(times)}
    pre, post = [], []
    e = -2
    while e in position:
        pre.insert(0, e)
        e -= 1
    e = 0
    while e in position and (max_post is None or len(post) < max_post):
        post.append(e)
        e += 1
    if not pre:
        raise HonestError("no lead (event time −2 or before) is estimated: nothing bounds the "
                          "violations of parallel trends")
    if not post:
        raise HonestError("no effect from event time 0 is estimated")
    if isinstance(target, str):
        if target != "average":
            raise HonestError(f"target must be an event time or 'average', not '{target}'")
        l_vec = np.full(len(post), 1 / len(post))
    else:
        if int(target) not in post:
            raise HonestError(f"event time {target} is not among the lags kept "
                              f"({post[0]}…{post[-1]})")
        l_vec = np.eye(len(post))[post.index(int(target))]
    keep = [position[e] for e in pre + post]
    sigma = np.asarray(result.event_covariance, dtype=float)[np.ix_(keep, keep)]
    if not np.isfinite(sigma).all() or (np.diag(sigma) <= 0).any():
        raise HonestError("the event path's covariance has missing or zero variances")
    return estimates[keep], sigma, tuple(pre), tuple(post), l_vec


def sd_default_values(betahat, sigma, n_pre: int, alpha: float = 0.05,
                      points: int = SD_GRID_POINTS) -> np.ndarray:
    """HonestDiD's default M grid for Δ^SD: `points` values from 0 to the upper confidence
    bound of the largest second difference of the leads (with δ = 0 in period −1;
    `DeltaSD_upperBound_Mpre`)."""
    pre = np.append(np.asarray(betahat, float)[:n_pre], 0.0)
    cov = np.zeros((n_pre + 1, n_pre + 1))
    cov[:n_pre, :n_pre] = np.asarray(sigma, float)[:n_pre, :n_pre]
    if n_pre < 2:
        upper = float(np.sqrt(cov[0, 0]))
    else:
        second = np.array([[1.0 if j == i else -2.0 if j == i + 1 else 1.0 if j == i + 2 else
                            0.0 for j in range(n_pre + 1)] for i in range(n_pre - 1)])
        diffs, se = second @ pre, np.sqrt(np.diag(second @ cov @ second.T))
        z = stats.norm.ppf(1 - alpha)
        upper = float(max((diffs + z * se).max(), (-diffs + z * se).max()))
    return np.linspace(0.0, upper, points)


def honest_sensitivity(result, restriction: Restriction = "rm", values=None, *,
                       target: int | str = 0, alpha: float = 0.05, seed: int = 0,
                       breakdown: bool = True) -> EventSensitivity:
    """The Rambachan–Roth sensitivity of `result` (an `EventStudyResult`) under relative
    magnitudes (``"rm"``, values of M̄) or smoothness (``"sd"``, values of M)."""
    if restriction not in RESTRICTIONS:
        raise HonestError(f"unknown restriction '{restriction}' (use rm or sd)")
    beta, sigma, pre, post, l_vec = event_inputs(result, restriction, target, max(
        POST_PERIODS, 1 + (int(target) if not isinstance(target, str) else 0)))
    n_pre, n_post = len(pre), len(post)
    estimate = float(beta[n_pre:] @ l_vec)
    se = float(np.sqrt(l_vec @ sigma[n_pre:, n_pre:] @ l_vec))
    z = stats.norm.ppf(1 - alpha / 2)
    original = (estimate - z * se, estimate + z * se)
    where = f"event time {target}" if not isinstance(target, str) else \
        f"the average of event times {post[0]}…{post[-1]}"
    notes = []
    if restriction == "rm":
        from pairaid.evaluate.honest_rm import breakdown_mbar, confidence_interval_rm

        chosen = np.asarray(RM_VALUES if values is None else values, dtype=float)
        intervals = tuple(HonestInterval(float(m), ci.low, ci.high) for m, ci in (
            (m, confidence_interval_rm(beta, sigma, n_pre, n_post, m, l_vec, alpha, seed=seed))
            for m in chosen))
        found = (breakdown_mbar(beta, sigma, n_pre, n_post, l_vec, alpha, seed=seed)
                 if breakdown else float("nan"))
        method = ("Rambachan-Roth Delta^RM, ARP conditional-least-favourable hybrid (C-LF, as "
                  "HonestDiD's computeConditionalCS_DeltaRM)")
    else:
        from pairaid.evaluate.honest import breakdown_m_sd, flci_sd

        chosen = (sd_default_values(beta, sigma, n_pre, alpha) if values is None
                  else np.asarray(values, dtype=float))
        intervals = tuple(HonestInterval(float(m), ci.low, ci.high) for m, ci in (
            (m, flci_sd(beta, sigma, n_pre, n_post, m, l_vec, alpha)) for m in chosen))
        found = (breakdown_m_sd(beta, sigma, n_pre, n_post, l_vec, alpha) if breakdown
                 else float("nan"))
        method = "Rambachan-Roth Delta^SD, optimal FLCI (as HonestDiD's findOptimalFLCI)"
    kept = int((result.event_time["event_time"] >= 0).sum())
    if kept > n_post:
        notes.append(f"lags {post[0]}…{post[-1]} of {kept} kept: HonestDiD's linear programmes "
                     "grow combinatorially with the periods")
    if (chosen < 0).any():
        raise HonestError("M and M̄ must be zero or positive")
    return EventSensitivity(restriction, where, estimate, original, intervals, float(found),
                            pre, post, alpha, method, tuple(notes))


def with_sensitivity(result, restrictions=("rm",), values=None, **options):
    """`result` with the sensitivity analyses of `restrictions` in its `sensitivity` field."""
    from dataclasses import replace

    found = tuple(honest_sensitivity(result, r, values, **options) for r in restrictions)
    return replace(result, sensitivity=result.sensitivity + found)
