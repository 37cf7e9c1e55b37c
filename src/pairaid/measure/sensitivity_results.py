"""The result of `sensitivity`: rank intervals per unit-year and sensitivity indices per choice."""

from __future__ import annotations

import html
import json
from dataclasses import dataclass
from functools import cached_property

import numpy as np
import pandas as pd

from pairaid.jsonable import plain
from pairaid.measure.results import SYNTHETIC_NOTE, IndexResult
from pairaid.measure.spec import IndexSpec
from pairaid.results import ResultsMixin


@dataclass(frozen=True)
class SensitivityResult(ResultsMixin):
    spec: IndexSpec
    #: unit, time, nominal_rank, median_rank, rank_q05, rank_q95, interval_width, units_in_period
    table: pd.DataFrame
    #: choice, output (rank | mean_rank_shift), first_order, total, and bootstrap 5–95 % bounds
    indices: pd.DataFrame
    #: one row per draw: the choices drawn and the mean absolute rank shift from nominal
    runs: pd.DataFrame
    base: int
    active: tuple[str, ...]
    levels: dict[str, tuple]
    weight_noise: float
    seconds: float
    nominal: IndexResult
    synthetic: bool = False

    @property
    def draws(self) -> int:
        return len(self.runs)

    @cached_property
    def ranking(self) -> pd.DataFrame:
        """Choices ordered by how much of the rank variance they drive (total effect)."""
        ranks = self.indices[self.indices["output"] == "rank"]
        return ranks.sort_values("total", ascending=False).reset_index(drop=True)

    def tidy(self) -> pd.DataFrame:
        """The per unit-year rank distribution (one row per unit-year)."""
        return self.table.copy()

    def to_dict(self, rows: bool = True) -> dict:
        out = {
            "index": self.spec.name, "draws": self.draws, "base_sample": self.base,
            "choices": {f: list(self.levels[f]) for f in self.levels},
            "weight_noise": self.weight_noise, "varied": list(self.active),
            "indices": [{k: plain(v) for k, v in row.items()}
                        for row in self.indices.to_dict("records")],
            "seconds": round(self.seconds, 3),
            "notes": ([SYNTHETIC_NOTE] if self.synthetic else []),
            "provenance": self.nominal.provenance,
        }
        if rows:
            out["ranks"] = [{"unit": plain(r.unit),
                             "time": plain(r.time) if self.nominal.has_time else None,
                             "nominal_rank": plain(r.nominal_rank),
                             "median_rank": float(r.median_rank),
                             "rank_q05": float(r.rank_q05), "rank_q95": float(r.rank_q95)}
                            for r in self.table.itertuples()]
        return out

    def to_json(self, indent: int | None = None, rows: bool = True) -> str:
        return json.dumps(self.to_dict(rows), ensure_ascii=False, indent=indent)

    @cached_property
    def summary(self) -> str:
        last = self.table[self.table["time"] == self.table["time"].max()]
        widest = last.sort_values("interval_width", ascending=False).head(10)
        lines = ([SYNTHETIC_NOTE] if self.synthetic else []) + [
            f"Uncertainty and sensitivity: {self.spec.title or self.spec.name}",
            f"  {self.draws} draws (Saltelli design, base N = {self.base}) over "
            + ", ".join(f"{f} {list(self.levels[f])}" if f != "weights"
                        else f"weights ±{self.weight_noise:.0%}" for f in self.active),
            f"  nominal: {self.spec.describe()}", f"  {self.seconds:.1f} s", "",
            "Sensitivity indices (share of rank variance; first order and total effect):",
            self.indices.to_string(index=False, float_format=lambda v: f"{v:.3f}"), "",
            f"Median rank and 5–95 % interval, widest intervals in {last['time'].max()}:",
            widest.to_string(index=False, float_format=lambda v: f"{v:.1f}"),
            "", f"Median interval width: {np.median(last['interval_width']):.1f} ranks of "
            f"{int(last['units_in_period'].max())}; largest total effect: "
            f"{self.ranking['choice'].iloc[0]}"]
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.summary

    def _repr_html_(self) -> str:
        head = html.escape("\n".join(self.summary.splitlines()[:5]))
        last = self.table[self.table["time"] == self.table["time"].max()]
        return (f"<pre>{head}</pre>" + self.indices.to_html(index=False, float_format="%.3f")
                + last.sort_values("median_rank").head(20).to_html(index=False,
                                                                   float_format="%.1f"))
