"""From a table (the panel, or any unit × time table) to the indicator cube the index works on.

The cube is dense: every unit × every period, in that order (row ``u * T + t``), so that time
series (interpolation) and cross-sections (ranks within a year) are plain array axes. Unit-years
absent from the input, or with no indicator observed, are never scored.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

import numpy as np
import pandas as pd

from pairaid.measure.spec import IndexDataError, IndexSpec

#: label of the single period when the table has no time column
NO_TIME = 0


@dataclass(frozen=True)
class IndicatorTable:
    units: np.ndarray            # (U,) unit labels, sorted
    times: np.ndarray            # (T,) periods, sorted
    codes: tuple[str, ...]       # (p,) indicator codes, in spec order
    values: np.ndarray           # (U * T, p) raw values, NaN where missing
    present: np.ndarray          # (U * T,) the unit-year is in the input table
    has_time: bool
    data_hash: str

    @property
    def shape(self) -> tuple[int, int, int]:
        return len(self.units), len(self.times), len(self.codes)

    @property
    def observed(self) -> np.ndarray:
        """(U * T,) rows with at least one indicator observed: the rows that get a score."""
        return self.present & ~np.isnan(self.values).all(axis=1)

    @property
    def time_index(self) -> np.ndarray:
        """(U * T,) position of each row's period in `times`."""
        return np.tile(np.arange(len(self.times)), len(self.units))

    def keys(self) -> pd.DataFrame:
        """unit and time of every row of the cube."""
        return pd.DataFrame({"unit": np.repeat(self.units, len(self.times)),
                             "time": np.tile(self.times, len(self.units))})


def indicator_table(frame: pd.DataFrame, spec: IndexSpec, unit: str = "unit",
                    time: str | None = "year") -> IndicatorTable:
    """Check the columns and build the dense cube (ratios `column / per` computed here)."""
    needed = [c for c in (unit, time) if c is not None]
    absent = [c for c in needed if c not in frame.columns]
    if absent:
        raise IndexDataError(f"the table has no column {', '.join(repr(c) for c in absent)} "
                             f"(columns: {', '.join(map(str, frame.columns[:30]))})")
    sources = {i.source for i in spec.indicators} | {i.per for i in spec.indicators if i.per}
    unknown = sorted(s for s in sources if s not in frame.columns)
    if unknown:
        raise IndexDataError(f"unknown indicator code{'s' if len(unknown) > 1 else ''} "
                             f"{', '.join(unknown)}: not a column of the table")
    keys = frame[needed].copy()
    if keys.isna().any().any():
        raise IndexDataError(f"{keys.isna().any(axis=1).sum()} rows have no {' or '.join(needed)}")
    if time is None:
        keys["__time"] = NO_TIME
        time_key = "__time"
    else:
        time_key = time
    duplicated = keys.duplicated([unit, time_key])
    if duplicated.any():
        first = keys[duplicated].iloc[0]
        raise IndexDataError(f"{duplicated.sum()} repeated unit-{'year' if time else 'row'} "
                             f"pairs, e.g. {first[unit]} {first[time_key] if time else ''}".strip())
    columns = {}
    for item in spec.indicators:
        values = _numeric(frame[item.source], item.source)
        if item.per:
            denominator = _numeric(frame[item.per], item.per)
            values = values / denominator.where(denominator != 0)
        columns[item.code] = values.to_numpy(dtype=float)
    wide = pd.DataFrame(columns, index=frame.index)
    empty = [c for c in wide.columns if wide[c].isna().all()]
    if empty:
        raise IndexDataError(f"indicator{'s' if len(empty) > 1 else ''} {', '.join(empty)} "
                             "has no value at all (all missing): drop it from the spec")
    infinite = [c for c in wide.columns if np.isinf(wide[c]).any()]
    if infinite:
        raise IndexDataError(f"indicator {', '.join(infinite)} has infinite values")
    units = np.sort(keys[unit].unique())
    times = np.sort(keys[time_key].unique())
    u = np.searchsorted(units, keys[unit].to_numpy())
    t = np.searchsorted(times, keys[time_key].to_numpy())
    rows = u * len(times) + t
    values = np.full((len(units) * len(times), len(spec.indicators)), np.nan)
    values[rows] = wide.to_numpy()
    present = np.zeros(len(units) * len(times), dtype=bool)
    present[rows] = True
    digest = hashlib.sha256(np.ascontiguousarray(values).tobytes())
    digest.update("|".join(map(str, units)).encode())
    digest.update("|".join(map(str, times)).encode())
    return IndicatorTable(units, times, spec.codes, values, present, time is not None,
                          digest.hexdigest())


def _numeric(column: pd.Series, name: str) -> pd.Series:
    if column.dtype.kind in "iufb":
        return column.astype(float)
    converted = pd.to_numeric(column, errors="coerce")
    bad = converted.isna() & column.notna() & (column.astype(str).str.strip() != "")
    if bad.any():
        raise IndexDataError(f"column {name}: '{column[bad].iloc[0]}' is not a number "
                             f"({bad.sum()} such cells)")
    return converted.astype(float)
