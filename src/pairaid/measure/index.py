"""Build a composite index: treat, normalise, weight, aggregate, rank — one path for every spec.

    from pairaid.measure import build_index
    result = build_index(panel.frame, "sustainable_agriculture", unit="unit", time="year")
    result.scores, result.ranks, result.weights, result.summary

The same steps (`prepare`, `normalised`, `weights_for`, `score`) serve the Monte Carlo in
`sensitivity.py`, so a draw with the spec's own choices reproduces `build_index` exactly.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from pairaid.measure import aggregate as agg
from pairaid.measure.data import IndicatorTable, indicator_table
from pairaid.measure.impute import Treatment, treat
from pairaid.measure.normalise import goalpost_groups, normalise
from pairaid.measure.results import IndexResult
from pairaid.measure.spec import IndexSpec, Missing, Normalisation
from pairaid.measure.spec_toml import load_spec
from pairaid.measure.weight import IndexWeights, index_weights


@dataclass(frozen=True)
class Prepared:
    """The indicator cube with what every later step needs to know about its rows."""

    table: IndicatorTable
    spec: IndexSpec
    rows: np.ndarray        # (n,) unit-years that get a score
    group: np.ndarray       # (n,) goalpost group of each row
    sample: np.ndarray      # (n,) rows that set the goalposts


def prepare(table: IndicatorTable, spec: IndexSpec) -> Prepared:
    rows = table.observed
    group, sample = goalpost_groups(table.time_index, rows, spec.normalisation.goalposts,
                                    table.times, spec.normalisation.reference_year)
    return Prepared(table, spec, rows, group, sample)


def treated(prep: Prepared, missing: Missing) -> Treatment:
    """Missing values then outliers (see `impute.treat`)."""
    t = prep.table
    return treat(t.values, len(t.times), t.times, t.codes, missing, prep.spec.outliers,
                 prep.rows)


def normalised(prep: Prepared, values: np.ndarray, method: Normalisation) -> np.ndarray:
    """Normalised, direction-aligned indicators; rows that get no score are NaN."""
    spec, t = prep.spec, prep.table
    targets = np.array([np.nan if i.target is None else i.target for i in spec.indicators])
    periods = t.times if spec.normalisation.goalposts == "year" else None
    return normalise(np.where(prep.rows[:, None], values, np.nan), spec.directions, method,
                     group=prep.group, sample=prep.sample,
                     reference=spec.normalisation.reference, targets=targets, codes=spec.codes,
                     periods=periods)


def weights_for(prep: Prepared, values: np.ndarray, method: str) -> IndexWeights:
    """Weights with `method`; data-driven ones from pooled min-max normalised indicators, or
    from the treated indicators as recorded (`weighting.basis = "raw"`)."""
    if prep.spec.weighting.basis == "raw":
        return index_weights(prep.spec, method, values[prep.rows], kind="raw")
    basis = normalise(values[prep.rows], prep.spec.directions, "minmax", codes=prep.spec.codes)
    return index_weights(prep.spec, method, basis)


def score(prep: Prepared, z: np.ndarray, within: np.ndarray, pillar_w: np.ndarray,
          method: str, overall: str, reweight: bool, pillars: bool = True):
    """Index (n × r) and pillar scores for weight columns `within` (p × r), `pillar_w` (P × r).

    For a flat index `within` holds the overall weights.
    """
    spec = prep.spec
    return agg.aggregate(z, within, pillar_w, spec.pillar_index, method, overall,
                         spec.aggregation.hierarchical, reweight, prep.group,
                         prep.sample, pillars)


def build_index(data: pd.DataFrame, spec: IndexSpec | str | Path, *, unit: str = "unit",
                time: str | None = "year", synthetic: bool = False) -> IndexResult:
    """The composite index of `spec` over a unit × time table (see docs/index.md).

    Rows are unit-years (or units, with ``time=None``); indicator columns are named by the
    spec's codes (or their ``column``/``per``). Set `synthetic` when the data are synthetic, so
    that every output says so.
    """
    spec = load_spec(spec)
    table = indicator_table(data, spec, unit, time)
    prep = prepare(table, spec)
    treatment = treated(prep, spec.missing.method)
    z = normalised(prep, treatment.values, spec.normalisation.method)
    weights = weights_for(prep, treatment.values, spec.weighting.method)
    hierarchical = spec.aggregation.hierarchical
    within = weights.within if hierarchical else weights.overall
    index, pillar_scores = score(prep, z, within, weights.pillars,
                                 spec.aggregation.method, spec.aggregation.overall_method,
                                 spec.missing.method != "none")
    return _result(prep, treatment, z, weights, index[:, 0], pillar_scores[:, :, 0], unit,
                   time, synthetic)


def _result(prep, treatment, z, weights, index, pillar_scores, unit, time, synthetic
            ) -> IndexResult:
    spec, t = prep.spec, prep.table
    n_units, n_times = len(t.units), len(t.times)
    index = np.where(prep.rows, index, np.nan)
    keys = t.keys()
    frame = keys.assign(score=index,
                        rank=agg.ranks_within(index, n_units, n_times)[:, 0])
    for k, pillar in enumerate(spec.pillars):
        frame[pillar] = np.where(prep.rows, pillar_scores[k], np.nan)
    present = t.present
    frame = frame[present].reset_index(drop=True)
    normal = pd.concat([keys, pd.DataFrame(z, columns=spec.codes)], axis=1)[present]
    weight_table = pd.DataFrame({
        "code": spec.codes, "pillar": [i.pillar for i in spec.indicators],
        "direction": spec.directions.astype(int), "weight_in_pillar": weights.within
        if spec.aggregation.hierarchical else np.nan,
        "pillar_weight": weights.pillars[spec.pillar_index], "weight": weights.overall,
    })
    notes = _notes(prep, frame, treatment)
    return IndexResult(spec=spec, table=frame, normalised=normal.reset_index(drop=True),
                       weights=weight_table, treatment=treatment.table,
                       derivation=weights.derivation, notes=tuple(notes),
                       data_hash=t.data_hash, has_time=t.has_time, synthetic=synthetic,
                       unit_label=unit, time_label=time or "")


def _notes(prep, frame, treatment) -> list[str]:
    notes = []
    unscored = frame.loc[frame["score"].isna(), "unit"]
    if len(unscored):
        never = sorted(set(unscored) - set(frame.loc[frame["score"].notna(), "unit"]))
        notes.append(f"{len(unscored)} unit-years have no score (no indicator observed"
                     + (", or a value missing under missing = 'none'" if
                        prep.spec.missing.method == "none" else "") + ")"
                     + (f"; {len(never)} units never scored: {', '.join(map(str, never[:8]))}"
                        + (" …" if len(never) > 8 else "") if never else ""))
    table = treatment.table
    if table["imputed"].sum():
        notes.append(f"{int(table['imputed'].sum())} missing values imputed "
                     f"({prep.spec.missing.method})")
    left = int(table["missing"].sum() - table["imputed"].sum())
    if left and prep.spec.missing.method != "none":
        notes.append(f"{left} missing values left out, their unit-years' weights re-scaled "
                     "(drop and re-weight)")
    if table["winsorised"].sum():
        moved = table.loc[(table["winsorised"] > 0) & ~table["log_transformed"]]
        if len(moved):
            notes.append("winsorised: " + ", ".join(f"{c} ({n} points)" for c, n in
                                                    zip(moved["code"], moved["winsorised"])))
    if table["log_transformed"].any():
        notes.append("log-transformed (winsorising did not meet the skew/kurtosis rule): "
                     + ", ".join(table.loc[table["log_transformed"], "code"]))
    failing = table.loc[~table["passes_skew_kurtosis"], "code"].tolist()
    if prep.spec.outliers.method != "none" and failing:
        notes.append(f"still outside the skew/kurtosis thresholds: {', '.join(failing)}")
    return notes
