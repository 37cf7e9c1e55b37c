"""Result of the environment analysis (Tapio decoupling): frozen, with `summary`, `tidy()`,
`to_json()` and `_repr_html_`, and the names of the Tapio states it reports."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np
import pandas as pd

from pairaid.distribution.dependence_results import _FiguresReport, _pct
from pairaid.jsonable import records as _records
from pairaid.provenance import SYNTHETIC_NOTE, package_version as _version

#: Tapio (2005) states, in the order of `pairaid.distribution.environment`'s table
STATES = ("strong decoupling", "weak decoupling", "expansive coupling",
          "expansive negative decoupling", "recessive decoupling", "recessive coupling",
          "weak negative decoupling", "strong negative decoupling")
NO_OUTPUT_CHANGE = "no output change"


@dataclass(frozen=True)
class EnvironmentResult(_FiguresReport):
    #: unit, year and each pressure indicator (levels), incl. derived totals
    pressures: pd.DataFrame
    #: unit, period_start, period_end, pressure/output at both ends, pressure_change,
    #: output_change (proportional), elasticity, state
    decoupling: pd.DataFrame
    pressure: str
    output: str
    dropped: int
    notes: tuple[str, ...]
    synthetic: bool = False

    @cached_property
    def state_counts(self) -> pd.DataFrame:
        """Units in each Tapio state, per period (every state listed, zeros included)."""
        counts = (self.decoupling.groupby(["period_start", "period_end"])["state"]
                  .value_counts().unstack(fill_value=0))
        counts = counts.reindex(columns=[*STATES, *[c for c in counts.columns
                                                    if c not in STATES]], fill_value=0)
        return counts.reset_index()

    @cached_property
    def pressure_changes(self) -> pd.DataFrame:
        """Per pressure indicator: units with both end values and the median proportional change
        from the first period's start to the last period's end."""
        start = int(self.decoupling["period_start"].min())
        end = int(self.decoupling["period_end"].max())
        columns = [c for c in self.pressures.columns
                   if c not in ("unit", "year", "cultivated_area_growth")]
        by_year = self.pressures.set_index(["year", "unit"])[columns]
        if start not in by_year.index.get_level_values(0) or \
                end not in by_year.index.get_level_values(0):
            return pd.DataFrame(columns=["pressure", "start", "end", "units", "median_change"])
        first, last = by_year.loc[start], by_year.loc[end]
        change = last / first.where(first > 0) - 1
        return pd.DataFrame({"pressure": columns, "start": start, "end": end,
                             "units": change.notna().sum().to_numpy(),
                             "median_change": change.median().to_numpy()})

    @cached_property
    def provenance(self) -> dict:
        return {"method": "Tapio (2005) decoupling elasticity, thresholds 0.8 and 1.2",
                "pressure": self.pressure, "output": self.output, "pairaid": _version(),
                "numpy": np.__version__, "pandas": pd.__version__, "synthetic": self.synthetic}

    def tidy(self) -> pd.DataFrame:
        """One row per unit and period: unit, period_start, period_end, pressure, output,
        pressure_change, output_change, elasticity, state."""
        columns = ["unit", "period_start", "period_end", "pressure_change", "output_change",
                   "elasticity", "state"]
        return self.decoupling[columns].assign(pressure=self.pressure, output=self.output)

    def to_dict(self) -> dict:
        return {"pressure": self.pressure, "output": self.output,
                "decoupling": _records(self.decoupling),
                "state_counts": _records(self.state_counts),
                "pressure_changes": _records(self.pressure_changes), "dropped": self.dropped,
                "notes": list(self.notes) + ([SYNTHETIC_NOTE] if self.synthetic else []),
                "provenance": self.provenance}

    def _figures(self) -> list[tuple[str, pd.DataFrame, str]]:
        figures = []
        for (start, end), rows in self.decoupling.groupby(["period_start", "period_end"]):
            counts = rows["state"].value_counts()
            good = int(counts.get("strong decoupling", 0))
            weak = int(counts.get("weak decoupling", 0))
            table = counts.rename_axis("state").reset_index(name="units")
            figures.append((
                f"Decoupling of {self.pressure} from {self.output}, {start}–{end}", table,
                f"Between {start} and {end}, in {good} of {len(rows)} units {self.output} grew "
                f"while {self.pressure} fell (strong decoupling); in {weak} more it grew faster "
                f"than {self.pressure} (weak decoupling)."))
        pressures = self.pressure_changes.dropna(subset=["median_change"])
        if len(pressures):
            listed = ", ".join(f"{p} {_pct(c)}" for p, c in
                               zip(pressures["pressure"], pressures["median_change"]))
            figures.append((
                "Pressure indicators: median change per unit", pressures,
                f"From {int(pressures['start'].iloc[0])} to {int(pressures['end'].iloc[0])}, the "
                f"typical unit's pressures changed by: {listed} (negative is less pressure)."))
        change = self.decoupling.groupby(["period_start", "period_end"])[
            ["pressure_change", "output_change"]].median().reset_index()
        if len(change):
            last = change.iloc[-1]
            figures.append((
                "Median proportional change per period", change,
                f"In the typical unit, {self.pressure} changed by {_pct(last['pressure_change'])} "
                f"and {self.output} by {_pct(last['output_change'])} over "
                f"{int(last['period_start'])}–{int(last['period_end'])}."))
        return figures

    @property
    def _headline(self) -> str:
        return (f"Environmental pressure against output (Tapio decoupling): "
                f"{self.decoupling['unit'].nunique()} units")
