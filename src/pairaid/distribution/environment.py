"""Environmental pressure of agriculture and its decoupling from output (Tapio 2005).

Pressures: agricultural water withdrawal, water per unit of output, fertiliser and pesticide
intensity, and cultivated land (its expansion). Derived here when their parts are present:
``fertiliser_use`` = fertiliser_intensity × cultivated_area and ``pesticide_use`` likewise (kg),
``cultivated_area_growth`` = yearly proportional change of cultivated area.

Decoupling of a pressure P from an output Y over a period [t0, t1], per unit:
%ΔP = P1/P0 − 1, %ΔY = Y1/Y0 − 1, e = %ΔP / %ΔY, classified as in Tapio, P. (2005), "Towards a
theory of decoupling", Transport Policy 12(2), 137–151:

===========  ===========  ==================  ===============================
%ΔY          %ΔP          e                   state
===========  ===========  ==================  ===============================
> 0          < 0          e < 0               strong decoupling
> 0          ≥ 0          0 ≤ e < 0.8         weak decoupling
> 0          > 0          0.8 ≤ e ≤ 1.2       expansive coupling
> 0          > 0          e > 1.2             expansive negative decoupling
< 0          ≤ 0          e > 1.2             recessive decoupling
< 0          < 0          0.8 ≤ e ≤ 1.2       recessive coupling
< 0          ≤ 0          0 ≤ e < 0.8         weak negative decoupling
< 0          > 0          e < 0               strong negative decoupling
= 0          any          undefined           no output change
===========  ===========  ==================  ===============================

The boundaries 0.8 and 1.2 belong to the coupling states (compared with a relative tolerance of
1e-9, so that 0.08 / 0.10 counts as 0.8). An unchanged pressure (e = 0) counts as
weak decoupling when output grows and weak negative decoupling when it falls. Zero output growth
makes e undefined: those units get the state ``no output change`` and a missing elasticity,
never a division by zero. Units whose start value is missing or not positive are dropped and
counted.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

# the result type and the Tapio state names live in environment_results, which does not import
# this module (issue 10 untied the circle)
from pairaid.distribution.environment_results import NO_OUTPUT_CHANGE, STATES, EnvironmentResult
from pairaid.errors import InputError

LOW, HIGH = 0.8, 1.2
_TOLERANCE = 1e-9
PRESSURES = ("water_withdrawal_agri", "water_per_output", "fertiliser_intensity",
             "pesticide_intensity", "fertiliser_use", "pesticide_use", "cultivated_area",
             "cultivated_area_growth")


class DecouplingError(InputError):
    """Input that the decoupling analysis cannot use."""


def tapio_state(pressure_change, output_change) -> tuple[np.ndarray, np.ndarray]:
    """Elasticity and Tapio state for arrays of proportional changes (see the module table)."""
    dp = np.asarray(pressure_change, dtype=float)
    dy = np.asarray(output_change, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        e = np.where(dy != 0, dp / dy, np.nan)
    # the thresholds belong to coupling; a relative tolerance keeps 0.08 / 0.10 (= 0.7999…
    # in floating point) on the boundary where a reader puts it
    low, high = LOW * (1 - _TOLERANCE), HIGH * (1 + _TOLERANCE)
    coupled = (e >= low) & (e <= high)
    state = np.select(
        [dy == 0,
         (dy > 0) & (e < 0), (dy > 0) & (e < low), (dy > 0) & coupled, (dy > 0) & (e > high),
         (dy < 0) & (e > high), (dy < 0) & coupled, (dy < 0) & (e >= 0) & (e < low),
         (dy < 0) & (e < 0)],
        [NO_OUTPUT_CHANGE, *STATES], default="")
    state = np.where(np.isnan(dp) | np.isnan(dy), "", state)
    return e, state.astype(object)


def pressure_indicators(frame: pd.DataFrame, unit: str = "unit",
                        time: str = "year") -> pd.DataFrame:
    """unit, year and every pressure column that the frame has or that can be derived."""
    out = frame[[unit, time]].copy()
    for column in ("water_withdrawal_agri", "water_per_output", "fertiliser_intensity",
                   "pesticide_intensity", "cultivated_area"):
        if column in frame:
            out[column] = frame[column].astype(float)
    if "cultivated_area" in frame:
        for use, intensity in (("fertiliser_use", "fertiliser_intensity"),
                               ("pesticide_use", "pesticide_intensity")):
            if intensity in frame:
                out[use] = frame[intensity].astype(float) * frame["cultivated_area"].astype(float)
        ordered = out.sort_values([unit, time])
        previous = ordered.groupby(unit)["cultivated_area"].shift()
        gap = ordered[time] - ordered.groupby(unit)[time].shift()
        out["cultivated_area_growth"] = (ordered["cultivated_area"] / previous - 1)\
            .where(gap == 1).reindex(out.index)
    return out


def periods_of(year_from: int, year_to: int, step: int | None = None) -> list[tuple[int, int]]:
    """[(from, to)] or consecutive windows of `step` years (the last one may be shorter)."""
    if year_to <= year_from:
        raise DecouplingError(f"the period {year_from}–{year_to} needs at least two years")
    if step is None:
        return [(year_from, year_to)]
    if step < 1:
        raise DecouplingError("step must be at least 1 year")
    starts = range(year_from, year_to, step)
    return [(s, min(s + step, year_to)) for s in starts]


def decoupling(data, pressure: str = "water_withdrawal_agri", output: str = "agri_output", *,
               unit: str = "unit", time: str = "year", year_from: int | None = None,
               year_to: int | None = None, step: int | None = None,
               synthetic: bool | None = None) -> EnvironmentResult:
    """Tapio decoupling of `pressure` from `output` per unit and period (a Panel or DataFrame)."""
    from pairaid.panel import Panel

    is_synthetic = False
    if isinstance(data, Panel):
        frame, is_synthetic = data.frame, data.synthetic
    elif isinstance(data, pd.DataFrame):
        frame = data
    else:
        raise DecouplingError("data must be a pairaid Panel or a pandas DataFrame")
    for column in (unit, time, output):
        if column not in frame:
            raise DecouplingError(f"no column '{column}' in the data")
    pressures = pressure_indicators(frame, unit, time)
    if pressure not in pressures:
        if pressure not in frame:
            raise DecouplingError(f"no pressure column '{pressure}' in the data (known: "
                                  f"{', '.join(PRESSURES)})")
        pressures[pressure] = frame[pressure].astype(float)
    values = pressures[[unit, time, pressure]].assign(_output=frame[output].astype(float))
    year_from = int(frame[time].min()) if year_from is None else year_from
    year_to = int(frame[time].max()) if year_to is None else year_to
    rows, notes, dropped = [], [], 0
    wide = values.pivot_table(index=unit, columns=time, values=[pressure, "_output"],
                              aggfunc="first", dropna=False)
    has_data = (wide[pressure].notna().any(axis=1) & wide["_output"].notna().any(axis=1))
    for start, end in periods_of(year_from, year_to, step):
        p0, p1 = _at(wide, pressure, start), _at(wide, pressure, end)
        y0, y1 = _at(wide, "_output", start), _at(wide, "_output", end)
        usable = (p0 > 0) & (y0 > 0) & p1.notna() & y1.notna()
        lost = int((~usable).sum())
        if lost:
            dropped += lost
            empty = int((~usable & ~has_data).sum())
            notes.append(f"{start}–{end}: {lost} units dropped (value missing in {start} or "
                         f"{end}, or not positive in {start}; {empty} of them have no data on "
                         f"{pressure} or {output} at all)")
        dp, dy = (p1 / p0 - 1)[usable], (y1 / y0 - 1)[usable]
        e, state = tapio_state(dp, dy)
        rows.append(pd.DataFrame({
            "unit": dp.index, "period_start": start, "period_end": end,
            "pressure_start": p0[usable].to_numpy(), "pressure_end": p1[usable].to_numpy(),
            "output_start": y0[usable].to_numpy(), "output_end": y1[usable].to_numpy(),
            "pressure_change": dp.to_numpy(), "output_change": dy.to_numpy(),
            "elasticity": e, "state": state}))
    table = pd.concat(rows, ignore_index=True)
    flat = int((table["state"] == NO_OUTPUT_CHANGE).sum())
    if flat:
        notes.append(f"{flat} unit-periods with no output change: elasticity undefined, state "
                     f"'{NO_OUTPUT_CHANGE}'")
    if "first_paired_year" in frame:
        paired = frame.groupby(unit)["first_paired_year"].first().notna()
        table.insert(1, "paired", table["unit"].map(paired).fillna(False).astype(bool))
    if isinstance(data, Panel):
        meta = data.indicators.set_index("code")["unit"]
        notes.append(f"{pressure} in {meta.get(pressure, 'derived units')}, {output} in "
                     f"{meta.get(output, '?')}; changes are proportional, so units cancel")
    if table.empty:
        raise DecouplingError("no unit has both values at the ends of any period")
    pressures = pressures.rename(columns={unit: "unit", time: "year"})
    return EnvironmentResult(pressures=pressures, decoupling=table, pressure=pressure,
                             output=output, dropped=dropped, notes=tuple(notes),
                             synthetic=is_synthetic if synthetic is None else synthetic)


def _at(wide: pd.DataFrame, column: str, year: int) -> pd.Series:
    if (column, year) not in wide.columns:
        raise DecouplingError(f"no data for {year}")
    return wide[(column, year)].astype(float)
