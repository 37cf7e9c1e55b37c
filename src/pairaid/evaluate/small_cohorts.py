"""Cohorts of one or two units: the choices the literature gives, and a variance that does not
understate.

A cohort of one unit has no within-cohort spread, so the influence-function (and the
cluster-robust) variance of its effects keeps only the comparison group's part: the treated
unit's own variance drops out and the standard error understates by about √(comparison units)
(on mpdta cut to one 2004 county: 0.008 instead of about 0.05). A cohort of two estimates its
spread from one difference. The three choices (cf. Conley and Taber 2011, "Inference with
'difference in differences' with a small number of policy changes", *Review of Economics and
Statistics* 93(1), whose variance borrows the comparison units' spread; and the common practice
of dropping or binning tiny cohorts):

* ``conservative`` (default): keep the cohort; add to each of its ATT(g, t) the variance its
  unit(s) would have if they varied as the comparison units do — Var_comparison(Δy) / n_g, with
  the covariance across the cohort's cells — and carry it into every aggregation through the
  aggregation weights (Callaway–Sant'Anna; Sun–Abraham the same way, with its cohort-size
  weights). The TWFE event study and did2s pool the cohort's event times with the other cohorts
  (its own residuals stay in the clustered variance), so they keep their variance and say so;
* ``drop``: leave the cohort's units out (effects then describe the other cohorts only);
* ``pool``: move the cohort into the nearest cohort of three or more units (ties: the earlier),
  which misdates its start by the gap — said in the note.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Literal

import numpy as np
import pandas as pd

from pairaid.evaluate.did_data import DidData, DidError, cohort_sizes

SmallCohorts = Literal["conservative", "drop", "pool"]
SMALL_COHORT_CHOICES: tuple[str, ...] = ("conservative", "drop", "pool")
#: cohorts of this many units or fewer are tiny
TINY_COHORT = 2
#: what ``conservative`` means for the estimators that pool event times across cohorts
POOLED = ("kept as estimated: the {name} pools their event times with the other cohorts, so "
          "their units' residuals stay in the clustered variance (no variance added)")


def tiny_cohorts(data: DidData) -> pd.Series:
    """Units per cohort for the cohorts of one or two units."""
    sizes = cohort_sizes(data.frame)
    return sizes[sizes <= TINY_COHORT]


def handle(data: DidData, how: str) -> tuple[DidData, str]:
    """Apply ``drop`` or ``pool`` to the prepared data (``conservative`` leaves it as it is);
    returns the data and the sentence that says what was done ('' if no cohort is tiny)."""
    if how not in SMALL_COHORT_CHOICES:
        raise DidError(f"unknown small-cohort choice '{how}' (use "
                       f"{', '.join(SMALL_COHORT_CHOICES)})")
    tiny = tiny_cohorts(data)
    if tiny.empty:
        return data, ""
    named = ", ".join(f"{int(g)} ({n} unit{'s' if n > 1 else ''})" for g, n in tiny.items())
    frame = data.frame
    if how == "conservative":
        return data, (f"cohorts {named} kept with a conservative variance: the comparison "
                      "units' variance of each change is added for their unit(s)")
    if how == "drop":
        frame = frame[~frame["cohort"].isin(tiny.index)]
        if frame["cohort"].notna().sum() == 0:
            raise DidError(f"dropping the cohorts of one or two units ({named}) leaves no "
                           "treated unit: use --small-cohorts conservative")
        text = f"cohorts {named} dropped (the effects describe the other cohorts only)"
    else:
        sizes = cohort_sizes(frame)
        big = sizes[sizes > TINY_COHORT].index.to_numpy(dtype=float)
        if len(big) == 0:
            raise DidError(f"no cohort of three or more units to pool {named} with: use "
                           "--small-cohorts conservative or drop")
        target = {g: float(big[np.argmin(np.abs(big - g) + 1e-9 * (big > g))]) for g in tiny.index}
        frame = frame.assign(cohort=frame["cohort"].map(lambda c: target.get(c, c)))
        text = ("pooled with the nearest cohort of three or more units: " + ", ".join(
            f"{int(g)} -> {int(t)} (start misdated by {abs(int(t) - int(g))} period"
            f"{'s' if abs(int(t) - int(g)) != 1 else ''})" for g, t in target.items()))
        text = f"cohorts {named} {text}"
    frame = frame.reset_index(drop=True)
    return replace(data, frame=frame, notes=data.notes + (f"small cohorts: {text}",)), text


def comparison_covariance(data: DidData, cells: pd.DataFrame, control: str) -> np.ndarray:
    """The added covariance of the cells (rows ``cohort, time, base``) of tiny cohorts:
    Cov(y_t − y_base) over the comparison units / n_g within a cohort, zero elsewhere."""
    wide = data.frame.pivot(index="unit", columns="time", values="y")
    cohort = data.frame.groupby("unit")["cohort"].first().reindex(wide.index).to_numpy(float)
    sizes = cohort_sizes(data.frame)
    tiny = set(sizes[sizes <= TINY_COHORT].index)
    added = np.zeros((len(cells), len(cells)))
    for g in tiny:
        rows = np.flatnonzero(cells["cohort"].to_numpy(float) == g)
        if not len(rows):
            continue
        latest = cells.iloc[rows][["time", "base"]].to_numpy().max()
        comparison = np.isnan(cohort) | ((cohort > latest) & (control == "notyet"))
        comparison &= cohort != g
        if comparison.sum() < 2:
            continue
        changes = np.column_stack([wide[int(t)].to_numpy() - wide[int(b)].to_numpy()
                                   for t, b in cells.iloc[rows][["time", "base"]]
                                   .itertuples(index=False)])[comparison]
        added[np.ix_(rows, rows)] = np.atleast_2d(np.cov(changes, rowvar=False)) / sizes[g]
    return added


def cs_weights(group_time: pd.DataFrame, sizes: pd.Series) -> dict:
    """R did's aggregation weights over the ATT(g, t) cells: {name: (overall weights,
    {level: weights})}, as `aggte` forms them (cohort shares P(G = g) within each level;
    periods and event times averaged equally in the overall figures)."""
    g = group_time["cohort"].to_numpy(float)
    t = group_time["time"].to_numpy(float)
    share = sizes.reindex(g).to_numpy(float)
    post = t >= g

    def proportional(chosen: np.ndarray) -> np.ndarray:
        w = np.where(chosen, share, 0.0)
        return w / w.sum() if w.sum() else w

    simple = proportional(post)
    levels = {"group": {c: np.where(post & (g == c), 1.0, 0) / (post & (g == c)).sum()
                        for c in np.unique(g[post])},
              "dynamic": {e: proportional(t - g == e) for e in np.unique(t - g)},
              "calendar": {p: proportional(post & (t == p)) for p in np.unique(t[post])}}
    cohorts = np.array(list(levels["group"]))
    group_share = sizes.reindex(cohorts).to_numpy(float)
    overall = {
        "simple": simple,
        "group": sum(s * levels["group"][c] for c, s in zip(cohorts, group_share / group_share
                                                              .sum())),
        "dynamic": np.mean([w for e, w in levels["dynamic"].items() if e >= 0], axis=0),
        "calendar": np.mean(list(levels["calendar"].values()), axis=0)}
    return {name: (overall[name], levels.get(name, {})) for name in overall}


def conservative_cs(aggregations: dict, group_time: pd.DataFrame, event_time: pd.DataFrame,
                    added: np.ndarray, sizes: pd.Series) -> tuple[dict, pd.DataFrame,
                                                                  pd.DataFrame]:
    """Callaway–Sant'Anna's cells, aggregations and event path with the `added` covariance
    (from `comparison_covariance`) carried through R did's aggregation weights."""
    from pairaid.evaluate.did_results import Aggregation

    def widen(se: float, w: np.ndarray) -> float:
        return float(np.sqrt(se ** 2 + w @ added @ w))

    weights = cs_weights(group_time, sizes)
    cells = group_time.assign(std_error=np.sqrt(group_time["std_error"] ** 2
                                                + np.diag(added)))
    out = {}
    for name, agg in aggregations.items():
        overall, levels = weights[name]
        detail = agg.detail.copy()
        if len(detail):
            detail["std_error"] = [widen(se, levels[float(lv)]) for lv, se in
                                   detail[["level", "std_error"]].itertuples(index=False)]
        out[name] = Aggregation(name, agg.estimate, widen(agg.std_error, overall), detail)
    path = event_time.copy()
    extra = np.array([levels_w @ added @ levels_w for levels_w in
                      (weights["dynamic"][1][float(e)] for e in path["event_time"])])
    if "band_low" in path:
        half = (path["band_high"] - path["band_low"]) / 2
        critical = half / path["std_error"].where(path["std_error"] > 0)
        wider = critical * np.sqrt(path["std_error"] ** 2 + extra)
        middle = path["estimate"]
        path["band_low"], path["band_high"] = middle - wider, middle + wider
    path["std_error"] = np.sqrt(path["std_error"] ** 2 + extra)
    return out, cells, path


def conservative_path_covariance(group_time: pd.DataFrame, event_times, added: np.ndarray,
                                 sizes: pd.Series) -> np.ndarray:
    """The `added` covariance of the cells carried to the event path through R did's dynamic
    weights: W added W' with one row of W per event time (the full matrix whose diagonal
    `conservative_cs` adds to the event-time variances)."""
    levels = cs_weights(group_time, sizes)["dynamic"][1]
    weights = np.vstack([levels[float(e)] for e in event_times])
    return weights @ added @ weights.T
