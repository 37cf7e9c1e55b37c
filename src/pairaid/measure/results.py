"""Results of an index build: frozen, with read-only views, `summary`, `tidy()` and `to_json()`."""

from __future__ import annotations

import html
import json
from dataclasses import dataclass
from functools import cached_property

import numpy as np
import pandas as pd

from pairaid.jsonable import plain
from pairaid.measure.spec import IndexSpec
from pairaid.provenance import SYNTHETIC_NOTE, package_version as _version
from pairaid.results import ResultsMixin


@dataclass(frozen=True)
class IndexResult(ResultsMixin):
    spec: IndexSpec
    #: unit, time, score, rank (1 = best within the period) and one column per pillar
    table: pd.DataFrame
    #: unit, time and the normalised, direction-aligned value of each indicator
    normalised: pd.DataFrame
    #: code, pillar, direction, weight_in_pillar, pillar_weight, weight (overall)
    weights: pd.DataFrame
    #: per indicator: missing, imputed, skewness, kurtosis, winsorised, passes_skew_kurtosis
    treatment: pd.DataFrame
    derivation: str
    notes: tuple[str, ...]
    data_hash: str
    has_time: bool = True
    synthetic: bool = False
    unit_label: str = "unit"
    time_label: str = "year"

    # -- views ---------------------------------------------------------------------------------
    @property
    def scores(self) -> pd.Series:
        return self.table.set_index(["unit", "time"])["score"]

    @property
    def ranks(self) -> pd.Series:
        return self.table.set_index(["unit", "time"])["rank"]

    @property
    def pillar_scores(self) -> pd.DataFrame:
        return self.table.set_index(["unit", "time"])[list(self.spec.pillars)]

    @property
    def weight_map(self) -> dict[str, float]:
        """Overall weight of each indicator (what multiplies it in a linear index)."""
        return dict(zip(self.weights["code"], self.weights["weight"].astype(float)))

    @cached_property
    def provenance(self) -> dict:
        """What makes the numbers traceable: data hash, method, versions."""
        return {"index": self.spec.name, "method": self.spec.describe(),
                "weights": self.derivation, "data_sha256": self.data_hash,
                "pairaid": _version(), "numpy": np.__version__, "pandas": pd.__version__,
                "synthetic": self.synthetic}

    # -- outputs -------------------------------------------------------------------------------
    def tidy(self) -> pd.DataFrame:
        """Long table: unit, time, measure (``index`` or a pillar), score, rank within period."""
        parts = [self.table[["unit", "time", "score", "rank"]].assign(measure="index")]
        for pillar in self.spec.pillars:
            values = self.table[pillar]
            ranks = values.groupby(self.table["time"]).rank(ascending=False, method="min")
            parts.append(pd.DataFrame({"unit": self.table["unit"], "time": self.table["time"],
                                       "score": values, "rank": ranks, "measure": pillar}))
        out = pd.concat(parts, ignore_index=True)
        return out[["unit", "time", "measure", "score", "rank"]]

    def to_dict(self) -> dict:
        scored = self.table.dropna(subset=["score"])
        return {
            "index": self.spec.name, "title": self.spec.title,
            "weights": self.weight_map,
            "pillar_weights": dict(zip(self.spec.pillars, _pillar_weights(self))),
            "scores": [{"unit": plain(u), "time": plain(t) if self.has_time else None,
                        "score": float(s), "rank": int(r)}
                       for u, t, s, r in zip(scored["unit"], scored["time"], scored["score"],
                                             scored["rank"])],
            "notes": list(self.notes) + ([SYNTHETIC_NOTE] if self.synthetic else []),
            "provenance": self.provenance,
        }

    def to_json(self, indent: int | None = None) -> str:
        """``{"weights": {code: w}, "scores": [{"unit", "time", "score", "rank"}], ...}``."""
        return json.dumps(self.to_dict(), ensure_ascii=False, indent=indent)

    def to_ledger_frames(self, code: str | None = None, name: str | None = None,
                         source: str | None = None) -> dict[str, pd.DataFrame]:
        """The index as an indicator and its observations, in the import format of
        `pairaid.ingest.tables` (write with ``import_frames(store, frames, mode="upsert")``)."""
        from pairaid.ingest.tables import TABLES

        if not self.has_time:
            raise ValueError("an index without a time column cannot be written as observations")
        code = code or f"{self.spec.name}_index"[:64]
        scored = self.table.dropna(subset=["score"])
        indicator = {"code": code, "name_en": name or (self.spec.title or self.spec.name),
                     "name_zh": None, "unit": "index score", "direction": "1",
                     "dimension": "composite", "aggregation": "pop_mean"}
        source = source or (f"pairaid index {self.spec.name}: {self.spec.describe()}; "
                            f"data sha256 {self.data_hash[:16]}")[:1000]
        observations = pd.DataFrame({
            "region": scored["unit"].astype(str).to_numpy(),
            "year": scored["time"].astype(int).to_numpy(), "indicator": code,
            "value": scored["score"].to_numpy(dtype=float), "source": source,
            "flag": "synthetic" if self.synthetic else "computed"})
        return {"indicators": pd.DataFrame([indicator],
                                           columns=list(TABLES["indicators"].column_names)),
                "observations": observations[list(TABLES["observations"].column_names)]}

    # -- display ---------------------------------------------------------------------------------
    @cached_property
    def summary(self) -> str:
        scored = self.table.dropna(subset=["score"])
        lines = [f"Composite index: {self.spec.title or self.spec.name}",
                 f"  {self.spec.describe()}", f"  weights: {self.derivation}",
                 f"  {scored['unit'].nunique()} units, {len(scored)} scored "
                 + ("unit-years" if self.has_time else "units")
                 + (f", {scored['time'].min()}–{scored['time'].max()}" if self.has_time else ""),
                 ""]
        if self.synthetic:
            lines.insert(0, SYNTHETIC_NOTE)
        lines.append(self.weights.to_string(index=False, float_format=lambda v: f"{v:.4f}"))
        lines += ["", self._top().to_string(index=False, float_format=lambda v: f"{v:.4f}")]
        lines += [f"note: {n}" for n in self.notes]
        return "\n".join(lines)

    def _top(self, n: int = 10) -> pd.DataFrame:
        scored = self.table.dropna(subset=["score"])
        if scored.empty:
            return scored
        last = scored[scored["time"] == scored["time"].max()]
        return last.sort_values("rank").head(n)[["unit", "time", "score", "rank",
                                                 *self.spec.pillars]]

    def __str__(self) -> str:
        return self.summary

    def _repr_html_(self) -> str:
        head = html.escape("\n".join(self.summary.splitlines()[:5]))
        return (f"<pre>{head}</pre>" + self.weights.to_html(index=False, float_format="%.4f")
                + "<p>Top units, last period</p>" + self._top().to_html(index=False,
                                                                       float_format="%.4f")
                + "".join(f"<p>note: {html.escape(n)}</p>" for n in self.notes))


def _pillar_weights(result: IndexResult) -> list[float]:
    first = result.weights.drop_duplicates("pillar").set_index("pillar")["pillar_weight"]
    return [float(first[p]) for p in result.spec.pillars]
